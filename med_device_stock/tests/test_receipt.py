import datetime

from odoo import fields
from odoo.exceptions import UserError

from .common import MedReceiptCommon

TRACKED_MODELS = (
    "stock.lot",
    "med.receipt.check",
    "med.receipt.check.line",
    "stock.move.line",
    "med.unit.event",
)


class TestReceipt(MedReceiptCommon):
    def test_accepted_unit_becomes_lot_with_udi_data(self):
        raw = self.udi(
            self.stent, serial="SN0001", lot="MFR77", manufactured=datetime.date(2025, 3, 1)
        )
        result = self._scan_receipt(raw)
        self.assertTrue(result["ok"], result["message"])
        lot = self.env["stock.lot"].browse(result["lot_id"])
        self.assertEqual(lot.name, "SN0001", "a serial-tracked unit is named by its serial")
        self.assertEqual(lot.med_mfr_lot, "MFR77", "the manufacturer lot is kept apart")
        self.assertEqual(lot.med_serial, "SN0001")
        self.assertEqual(lot.med_udi_raw, raw)
        self.assertEqual(lot.med_di, self.stent.med_udi_di_ids.di)
        self.assertEqual(lot.med_manufactured_date, datetime.date(2025, 3, 1))
        self.assertEqual(lot.med_supplier_id, self.supplier)
        self.assertEqual(lot.med_certificate_number, "CoC-2025-7")
        self.assertTrue(lot.expiration_date)
        move = self.picking.move_ids.filtered(lambda m: m.product_id == self.stent)
        self.assertEqual(move.move_line_ids.lot_id, lot, "the picking's move line gets the lot")
        check = self._check()
        line = check.line_ids
        self.assertEqual(line.product_model, "Coronary Stent M1")
        self.assertEqual(line.registration_number, "国械注准20233130001")
        self.assertEqual((line.quantity_arrived, line.quantity_accepted), (1, 1))
        self.assertEqual(line.result, "accepted")
        self.assertEqual(line.inspector_id, self.user_storekeeper)
        self.assertTrue(line.check_date)

        check.with_user(self.user_storekeeper).action_done()
        self.assertEqual(check.state, "done")
        self.assertEqual(lot.med_state, "in_stock")
        self.assertEqual(lot.med_location_id, self.picking.location_dest_id)
        event = lot.med_event_ids
        self.assertEqual(event.event_type, "receipt")
        self.assertEqual(event.user_id, self.user_storekeeper)
        self.assertEqual((event.res_model, event.res_id), ("med.receipt.check", check.id))
        self.assertEqual(self.picking.state, "done")
        backorder_moves = self.picking.backorder_ids.move_ids
        self.assertEqual(
            backorder_moves.filtered(lambda m: m.product_id == self.stent).product_uom_qty,
            1.0,
            "the stent not yet delivered stays on a backorder",
        )

    def test_box_di_counts_the_box_quantity(self):
        box_di = self.catheter.med_udi_di_ids.filtered(lambda d: d.packaging_level == "box").di
        result = self._scan_receipt(self.udi(self.catheter, lot="CATH01", di=box_di))
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["quantity"], 10)
        lot = self.env["stock.lot"].browse(result["lot_id"])
        self.assertEqual(lot.name, "CATH01", "a lot-tracked unit is named by its lot")
        result = self._scan_receipt(self.udi(self.catheter, lot="CATH01", di=box_di))
        self.assertTrue(result["ok"], result["message"])
        move = self.picking.move_ids.filtered(lambda m: m.product_id == self.catheter)
        self.assertEqual(move.move_line_ids.lot_id, lot)
        self.assertEqual(move.quantity, 20)

    def test_refused_wrong_product(self):
        other = self._make_device("Bone Screw", "695000000009", implantable=True)
        result = self._scan_receipt(self.udi(other, serial="X1"))
        self.assertFalse(result["ok"])
        self.assertIn("is not on purchase order", result["message"])
        self.assertIn(self.order.name, result["message"])

    def test_refused_over_quantity(self):
        for serial in ("S1", "S2"):
            self.assertTrue(self._scan_receipt(self.udi(self.stent, serial=serial))["ok"])
        result = self._scan_receipt(self.udi(self.stent, serial="S3"))
        self.assertFalse(result["ok"])
        self.assertIn("Over quantity", result["message"])

    def test_refused_same_serial_twice(self):
        self.assertTrue(self._scan_receipt(self.udi(self.stent, serial="S1"))["ok"])
        result = self._scan_receipt(self.udi(self.stent, serial="S1"))
        self.assertFalse(result["ok"])
        self.assertIn("already received", result["message"])

    def test_refused_short_expiry(self):
        self.company.med_min_shelf_life_days = 180
        # the storekeeper's today (her time zone: on a database with demo data, not UTC's)
        soon = fields.Date.context_today(self.user_storekeeper) + datetime.timedelta(days=90)
        result = self._scan_receipt(self.udi(self.stent, serial="S1", expiry=soon))
        self.assertFalse(result["ok"])
        self.assertIn("90 days of shelf life left, at least 180 required", result["message"])
        self.stent.med_min_shelf_life_days = 60
        self.assertTrue(
            self._scan_receipt(self.udi(self.stent, serial="S1", expiry=soon))["ok"],
            "a product's own minimum replaces the company's",
        )

    def test_refused_missing_certificate(self):
        result = self._scan_receipt(self.udi(self.stent, serial="S1"), certificate_number="")
        self.assertFalse(result["ok"])
        self.assertIn("certificate of conformity", result["message"])

    def test_refused_scan_writes_nothing(self):
        before = self._count(*TRACKED_MODELS)
        soon = fields.Date.today() + datetime.timedelta(days=10)
        result = self._scan_receipt(self.udi(self.stent, serial="S9", expiry=soon))
        self.assertFalse(result["ok"])
        self.assertEqual(self._count(*TRACKED_MODELS), before)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "S9")]))

    def test_hook_refusal_after_unit_created_writes_nothing(self):
        """At receipt the unit is created before the hook runs: a hook refusal undoes it."""
        Scan = type(self.env["med.device.scan"])
        seen = []

        def refuse(scanner, scan):
            seen.append(scan["lot"])
            return ["supplier not qualified"]

        before = self._count(*TRACKED_MODELS)
        from unittest.mock import patch

        with patch.object(Scan, "_check_scan", refuse):
            result = self._scan_receipt(self.udi(self.stent, serial="S9"))
        self.assertEqual(result["message"], "supplier not qualified")
        self.assertEqual(self._count(*TRACKED_MODELS), before)

    def test_bad_udi_is_refused_with_translated_message(self):
        result = self._scan_receipt("0109506000134353")  # wrong check digit
        self.assertFalse(result["ok"])
        self.assertIn("check digit", result["message"])
        self.env["res.lang"]._activate_lang("zh_CN")
        result = (
            self.env["med.device.scan"]
            .with_context(lang="zh_CN")
            .scan("0109506000134353", "receipt", {"purchase_id": self.order.id})
        )
        self.assertFalse(result["ok"])
        self.assertIn("校验位", result["message"])

    def test_unknown_di_refused(self):
        raw = self.udi(self.stent, serial="S1", di="09506000134352")
        result = self._scan_receipt(raw)
        self.assertFalse(result["ok"])
        self.assertIn("09506000134352", result["message"])

    def test_inspector_and_time_not_writable(self):
        self._scan_receipt(self.udi(self.stent, serial="S1"))
        check = self._check()
        for record, values in (
            (check.line_ids, {"inspector_id": self.user_manager.id}),
            (check.line_ids, {"check_date": "2020-01-01 00:00:00"}),
            (check, {"user_id": self.user_manager.id}),
            (check, {"date_done": "2020-01-01 00:00:00"}),
        ):
            for user in (self.user_manager, self.env.ref("base.user_root")):
                with self.assertRaisesRegex(
                    UserError, r"are set by the system and cannot be changed"
                ):
                    record.with_user(user).write(values)
        self.assertEqual(check.line_ids.inspector_id, self.user_storekeeper)

    def test_department_user_cannot_receive(self):
        result = self._scan_receipt(self.udi(self.stent, serial="S1"))
        self.assertTrue(result["ok"])
        check = self._check()
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            check.with_user(self.user_department).action_done()
        result = self.scan(
            self.udi(self.stent, serial="S2"),
            "receipt",
            user=self.user_department,
            purchase_id=self.order.id,
            certificate_number="C",
        )
        self.assertFalse(result["ok"])
