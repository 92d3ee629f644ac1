"""The messy 5,000-row sample of docs/ imported into the demo hospital, as a newcomer
would: every problem shown before anything is written, then clean opening stock.
Runs on a database with the demo data (the demo tier of ./setup/test)."""

from pathlib import Path

from odoo.tests import tagged

from .common import MedLegacyImportCommon

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "legacy-stock-5000.xlsx"


@tagged("post_install", "-at_install")
class TestLegacySample(MedLegacyImportCommon):
    def setUp(self):
        super().setUp()
        if not self.env.ref("med_device_stock.product_stent_demo", raise_if_not_found=False):
            self.skipTest("needs the demo data of med_device_stock")

    def test_newcomer_imports_the_messy_sample_into_clean_stock(self):
        record = self._import(SAMPLE.read_bytes(), name=SAMPLE.name)
        counts = (record.ready_count, record.to_fix_count, record.duplicate_count)
        self.assertEqual(counts, (4410, 421, 169), "the counts docs/legacy-import.md gives")
        self.assertFalse(
            self.env["stock.lot"].search_count([("name", "=like", "LGS%")]),
            "nothing is written before confirming",
        )
        problems = "\n".join(
            record.line_ids.filtered(lambda line: line.problems).mapped("problems")
        )
        for words in (
            "column DI: '0695312000101",
            "'WH/Stok' is not a known stock location. Did you mean WH/Stock",
            "is not a known department. Did you mean Cardiology?",
            "column 有效期至: '03/04/2028' could be day/month or month/day",
        ):
            self.assertIn(words, problems)
        record.line_ids.filtered(lambda line: line.status != "ready").action_drop()
        record.action_confirm()
        self.assertEqual(record.state, "done")
        units = self.env["stock.lot"].search([("name", "=like", "LGS%")])
        ready_serials = record.line_ids.filtered(
            lambda line: line.status == "ready" and line.serial
        )
        self.assertEqual(len(units), len(ready_serials))
        self.assertEqual(set(units.mapped("med_event_ids.event_type")), {"migrated"})
        self.assertFalse(units.filtered(lambda unit: unit.med_state not in ("in_stock", "issued")))
