"""A unit refused at receipt is recorded (GSP acceptance records keep the rejections)."""

from odoo.exceptions import UserError, ValidationError

from .common import MedReceiptCommon

TRACKED_MODELS = (
    "stock.lot",
    "med.receipt.check",
    "med.receipt.check.line",
    "stock.move.line",
    "stock.quant",
    "med.unit.event",
)


class TestReceiptReject(MedReceiptCommon):
    def test_rejected_unit_is_recorded_without_stock(self):
        before = self._count("stock.lot", "stock.move.line", "stock.quant", "med.unit.event")
        raw = self.udi(self.stent, serial="SNR1", lot="MFR9")
        result = self._scan_receipt(raw, "receipt_reject", reason="Sterile pack torn")
        self.assertTrue(result["ok"], result["message"])
        self.assertIn("Sterile pack torn", result["message"])
        self.assertEqual(result["state"], "rejected")
        line = self._check().line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.result, "rejected")
        self.assertEqual(line.reject_reason, "Sterile pack torn")
        self.assertEqual(line.inspector_id, self.user_storekeeper)
        self.assertTrue(line.check_date)
        self.assertEqual((line.serial, line.mfr_lot, line.udi_raw), ("SNR1", "MFR9", raw))
        self.assertEqual((line.quantity_arrived, line.quantity_accepted), (1, 0))
        self.assertEqual(line.registration_number, "国械注准20233130001")
        self.assertFalse(line.lot_id, "a rejected unit never becomes a unit in stock")
        self.assertEqual(
            self._count("stock.lot", "stock.move.line", "stock.quant", "med.unit.event"),
            before,
            "no unit, move line, quant or timeline event for a rejected unit",
        )
        # the rejection uses up neither the ordered quantity nor the serial: the unit
        # redelivered sound and a second stent are accepted
        for serial in ("SNR1", "SNA2"):
            accepted = self._scan_receipt(self.udi(self.stent, serial=serial, lot="MFR9"))
            self.assertTrue(accepted["ok"], accepted["message"])
        self.assertFalse(
            self._scan_receipt(self.udi(self.stent, serial="SNA3"))["ok"],
            "the order is full: a third stent is over quantity",
        )
        check = self._check()
        check.with_user(self.user_storekeeper).action_done()
        move = self.picking.move_ids.filtered(lambda m: m.product_id == self.stent)
        self.assertEqual(move.quantity, 2, "only the accepted units entered stock")
        self.assertEqual(
            sorted(check.line_ids.mapped("result")), ["accepted", "accepted", "rejected"]
        )

    def test_a_check_of_rejections_only_closes_and_leaves_the_receipt_open(self):
        result = self._scan_receipt(
            self.udi(self.catheter, lot="CATHX"),
            "receipt_reject",
            reason="Wrong temperature on arrival",
        )
        self.assertTrue(result["ok"], result["message"])
        check = self._check()
        check.with_user(self.user_storekeeper).action_done()
        self.assertEqual(check.state, "done")
        self.assertNotIn(
            self.picking.state,
            ("done", "cancel"),
            "the goods were refused: the receipt waits for a new delivery",
        )
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "CATHX")]))

    def test_rejection_without_reason_is_refused_and_writes_nothing(self):
        before = self._count(*TRACKED_MODELS)
        for reason in (None, "", "   "):
            context = {} if reason is None else {"reason": reason}
            result = self._scan_receipt(
                self.udi(self.stent, serial="SNR2"), "receipt_reject", **context
            )
            self.assertFalse(result["ok"])
            self.assertIn("reason of the rejection", result["message"])
        result = self._scan_receipt("0109506000134353", "receipt_reject", reason="Damaged")
        self.assertFalse(result["ok"], "a bad UDI is refused")
        self.assertIn("check digit", result["message"])
        self.assertEqual(self._count(*TRACKED_MODELS), before)

    def test_rejection_needs_an_open_receipt(self):
        result = self.scan(
            self.udi(self.stent, serial="SNR3"),
            "receipt_reject",
            user=self.user_storekeeper,
            reason="Damaged",
        )
        self.assertFalse(result["ok"])
        self.assertIn("incoming shipment", result["message"])

    def test_result_reason_inspector_and_time_are_not_writable(self):
        self._scan_receipt(self.udi(self.stent, serial="SNR4"), "receipt_reject", reason="Dented")
        line = self._check().line_ids
        for values in (
            {"result": "accepted"},
            {"reject_reason": "fine after all"},
            {"inspector_id": self.user_manager.id},
            {"check_date": "2020-01-01 00:00:00"},
        ):
            for user in (self.user_storekeeper, self.user_manager):
                with self.assertRaisesRegex(
                    UserError, r"are set by the system and cannot be changed"
                ):
                    line.with_user(user).write(values)
        self.assertEqual((line.result, line.reject_reason), ("rejected", "Dented"))

    def test_lines_must_be_consistent(self):
        check = self.env["med.receipt.check"]._med_for_picking(self.picking)
        with self.assertRaises(ValidationError):
            self.env["med.receipt.check.line"].create(
                {
                    "check_id": check.id,
                    "product_id": self.stent.id,
                    "result": "rejected",
                }
            )
        with self.assertRaises(ValidationError):
            self.env["med.receipt.check.line"].create(
                {
                    "check_id": check.id,
                    "product_id": self.stent.id,
                    "result": "accepted",
                }
            )

    def test_department_user_cannot_reject(self):
        before = self._count(*TRACKED_MODELS)
        result = self._scan_receipt(
            self.udi(self.stent, serial="SNR5"),
            "receipt_reject",
            user=self.user_department,
            reason="Damaged",
        )
        self.assertFalse(result["ok"])
        self.assertEqual(self._count(*TRACKED_MODELS), before)

    def test_scan_wizard_reject_button(self):
        check = (
            self.env["med.receipt.check"]
            .with_user(self.user_storekeeper)
            .create({"picking_id": self.picking.id})
        )
        action = check.action_open_scan_wizard()
        wizard = (
            self.env["med.scan.wizard"].with_user(self.user_storekeeper).browse(action["res_id"])
        )
        wizard.write({"barcode": self.udi(self.stent, serial="SNW1")})
        wizard.action_reject()
        self.assertIn("reason of the rejection", wizard.log_html)
        self.assertFalse(check.line_ids)
        wizard.write(
            {"barcode": self.udi(self.stent, serial="SNW1"), "reject_reason": "Label unreadable"}
        )
        wizard.action_reject()
        self.assertEqual(check.line_ids.result, "rejected")
        self.assertEqual(check.line_ids.reject_reason, "Label unreadable")
        self.assertFalse(wizard.barcode, "the wizard is ready for the next unit")
        wizard.write(
            {"barcode": self.udi(self.stent, serial="SNW2"), "certificate_number": "CoC-9"}
        )
        wizard.action_scan()
        self.assertEqual(sorted(check.line_ids.mapped("result")), ["accepted", "rejected"])
