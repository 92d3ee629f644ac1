import base64

from odoo.addons.med_device_stock.tests.common import MedSurgeryCaseCommon
from odoo.exceptions import UserError
from odoo.tools import mute_logger
from psycopg2 import IntegrityError


class TestTraceabilityGapEvent(MedSurgeryCaseCommon):
    """Stents SC-S1 and SC-S3 implanted; the HIS charges S1 at the stent's price (matched),
    S2, which nobody scanned (a traceability gap), and S3 at another price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stent.med_his_charge_code = "HC-STENT"
        cls.stent.standard_price = 6800.0

    def _reconciliation(self):
        stents, _catheters = self._issued_units()
        case = self._case(his_case_id="SS-GAP-1")
        for lot in (stents[0], stents[2]):
            self.assertTrue(self._scan_to_case(case, lot)["ok"])
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids.outcome = "implanted"
        case.action_close()
        day = case.date_done.date()
        data = (
            "收费编码,项目名称,数量,单价,金额,计费时间,住院号,手术申请单号,序列号,计费流水号\n"
            f"HC-STENT,药物支架,1,6800,6800,{day} 10:00,ZY20261207001,SS-GAP-1,SC-S1,T1\n"
            f"HC-STENT,药物支架,1,6800,6800,{day} 10:05,ZY20261207001,SS-GAP-1,SC-S2,T2\n"
            f"HC-STENT,药物支架,1,7200,7200,{day} 10:10,ZY20261207001,SS-GAP-1,SC-S3,T3\n"
        ).encode("gb18030")
        self.env["med.his.charge.import"].with_user(self.user_storekeeper).create(
            {"file": base64.b64encode(data), "filename": "charges.csv"}
        ).action_import()
        recon = (
            self.env["med.his.reconciliation"]
            .with_user(self.user_storekeeper)
            .create({"date_from": day, "date_to": day, "department_id": self.cardiology.id})
        )
        recon.action_compute()
        rows = {ln.serial: ln for ln in recon.line_ids}
        self.assertEqual(
            {serial: row.status for serial, row in rows.items()},
            {"SC-S1": "matched", "SC-S2": "charged_not_scanned", "SC-S3": "price_difference"},
        )
        return recon, rows, stents

    def _events(self):
        return self.env["gsp.event"].search([("event_type", "=", "traceability_gap")])

    def test_a_resolved_gap_is_a_quality_event_naming_the_unit_and_the_reason(self):
        recon, rows, stents = self._reconciliation()
        self.assertFalse(
            self.user_storekeeper.has_group("med_gsp_quality.group_gsp_quality_officer")
        )
        for row in rows.values():
            row.resolution = "Charged in error by the HIS; credit note requested."
        recon.line_ids.action_resolve()
        (event,) = self._events()
        gap = rows["SC-S2"]
        self.assertEqual(event.reconciliation_line_id, gap)
        self.assertEqual(gap.gsp_event_ids, event)
        self.assertEqual(event.lot_id, stents[1])
        self.assertEqual(event.product_id, self.stent)
        self.assertEqual(event.department_id, self.cardiology)
        self.assertEqual(event.quantity, 1)
        self.assertEqual(event.info_class, "B")
        self.assertIn("SC-S2", event.name)
        self.assertIn("Charged, Not Scanned", event.name)
        self.assertIn(stents[1].med_udi_raw, event.description)
        self.assertIn("HIS charge T2 of case SS-GAP-1", event.description)
        self.assertIn("credit note requested", event.description)
        self.assertIn(self.user_storekeeper.name, event.description)
        # the resolver reported it, though only quality staff decide it
        self.assertEqual(event.reported_by_id, self.user_storekeeper)
        self.assertEqual(event.create_uid, self.user_storekeeper)
        self.assertTrue(event.activity_ids, "its responsible is asked to decide")

    def test_matched_and_price_difference_rows_raise_no_event(self):
        _recon, rows, _stents = self._reconciliation()
        for serial in ("SC-S1", "SC-S3"):
            rows[serial].resolution = "HIS price list out of date."
            rows[serial].action_resolve()
        self.assertTrue(rows["SC-S3"].resolved_on)
        self.assertFalse(self._events())

    def test_a_gap_is_reported_once_and_its_event_is_kept(self):
        _recon, rows, _stents = self._reconciliation()
        gap = rows["SC-S2"]
        gap.resolution = "Unit used in an emergency without a scan."
        gap.action_resolve()
        gap.action_resolve()
        event = self._events()
        self.assertEqual(len(event), 1)
        with self.assertRaisesRegex(UserError, "Quality events are records that are kept"):
            event.sudo().unlink()
        # nor is it lost with the reconciliation it came from
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            gap.reconciliation_id.sudo().unlink()
            self.env.flush_all()
        self.assertTrue(event.exists())
