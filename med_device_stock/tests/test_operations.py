import datetime
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError

from .common import MedDeviceFlowCommon

WRITTEN_MODELS = (
    "med.device.issue",
    "med.device.issue.line",
    "med.device.use",
    "stock.picking",
    "stock.move.line",
    "med.unit.event",
)


class TestOperations(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)

    def test_issue_borrow_return_transfer_use(self):
        stent1, stent2 = self._receive(self.stent, ["S1", "S2"], lot="MFR1")
        # issue to cardiology
        result = self._issue(stent1)
        self.assertTrue(result["ok"], result["message"])
        issue = self.env["med.device.issue"].browse(result["res_id"])
        self.assertEqual(issue.state, "done")
        self.assertEqual(issue.user_id, self.user_storekeeper)
        self.assertEqual(stent1.med_state, "issued")
        self.assertEqual(stent1.med_location_id, self.cardiology.med_location_id)
        self.assertEqual(stent1.med_department_id, self.cardiology)
        self.assertEqual(stent1.med_holder_id, self.nurse)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.stent, self.cardiology.med_location_id, lot_id=stent1
            ),
            1.0,
            "the unit really moved through Odoo's stock",
        )
        # transfer to orthopedics
        result = self.scan(
            self._raw(stent1),
            "transfer",
            department_id=self.cardiology.id,
            dest_department_id=self.orthopedics.id,
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent1.med_department_id, self.orthopedics)
        self.assertEqual(stent1.med_location_id, self.orthopedics.med_location_id)
        # return to the store
        result = self.scan(self._raw(stent1), "return", department_id=self.orthopedics.id)
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent1.med_state, "in_stock")
        self.assertEqual(stent1.med_location_id, self.stock_location)
        self.assertFalse(stent1.med_department_id)
        # borrow, then use on a patient
        result = self._issue(stent1, operation="borrow")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent1.med_state, "borrowed")
        result = self.scan(
            self._raw(stent1),
            "use",
            department_id=self.cardiology.id,
            patient_identifier="MRN-0042",
            surgery_ref="OR-7",
            surgeon_id=self.surgeon.id,
        )
        self.assertTrue(result["ok"], result["message"])
        use = self.env["med.device.use"].browse(result["res_id"])
        self.assertEqual((use.patient_identifier, use.lot_id), ("MRN-0042", stent1))
        self.assertEqual(stent1.med_state, "used")
        patient_location = self.company.med_patient_location_id
        self.assertEqual(stent1.med_location_id, patient_location)
        self.assertEqual(patient_location.usage, "customer")
        self.assertEqual(
            stent1.med_event_ids.sorted("id").mapped("event_type"),
            ["receipt", "issue", "transfer", "return", "borrow", "use"],
        )
        self.assertTrue(all(e.user_id == self.user_storekeeper for e in stent1.med_event_ids))
        self.assertEqual(stent2.med_state, "in_stock", "the other unit did not move")
        # trace by scanning
        result = self.scan(self._raw(stent1), "trace")
        self.assertTrue(result["ok"])
        self.assertEqual((result["res_model"], result["res_id"]), ("stock.lot", stent1.id))
        self.assertEqual(result["lot_id"], stent1.id)

    def test_used_unit_refused_and_refusal_writes_nothing(self):
        stent = self._receive(self.stent, ["S1"])
        self._issue(stent)
        self.scan(
            self._raw(stent), "use", department_id=self.cardiology.id, patient_identifier="MRN-1"
        )
        before = self._count(*WRITTEN_MODELS)
        for operation in ("issue", "use", "return"):
            result = self._issue(stent, operation=operation, patient_identifier="MRN-2")
            self.assertFalse(result["ok"])
            self.assertIn("already used on a patient", result["message"])
        self.assertEqual(self._count(*WRITTEN_MODELS), before)

    def test_expired_unit_refused_for_issue(self):
        stent = self._receive(self.stent, ["S1"])
        stent.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self.assertEqual(stent.med_state, "expired")
        result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn("expired", result["message"])

    def test_expired_unit_goes_to_quarantine_by_scan(self):
        """Taking an expired unit out of use must not be blocked by product_expiry's
        confirmation of expired lots, which is meant for issuing them."""
        stent = self._receive(self.stent, ["S1"])
        stent.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        result = self.scan(self._raw(stent), "quarantine", reason="Expired")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent.med_state, "quarantined")
        self.assertEqual(stent.med_location_id, self.company.med_quarantine_location_id)

    def test_recalled_unit_refused_for_issue(self):
        stent = self._receive(self.stent, ["S1"])
        with self.assertRaisesRegex(UserError, r"Only medical device managers can recall units"):
            stent.action_med_recall()  # storekeeper may not recall
        stent.with_user(self.user_manager).action_med_recall()
        self.assertEqual(stent.med_state, "recalled")
        result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn("is recalled", result["message"])

    def test_quarantine_refuses_issue_then_release(self):
        stent = self._receive(self.stent, ["S1"])
        result = self.scan(self._raw(stent), "quarantine", reason="Damaged packaging")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent.med_state, "quarantined")
        self.assertEqual(stent.med_location_id, self.company.med_quarantine_location_id)
        result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn("in quarantine", result["message"])
        quarantine = self.env["med.device.quarantine"].search([("lot_id", "=", stent.id)])
        quarantine.action_release()
        self.assertEqual(stent.med_state, "in_stock")
        self.assertTrue(self._issue(stent)["ok"])

    def test_scrap_and_destruction(self):
        stent = self._receive(self.stent, ["S1"])
        self.assertFalse(self.scan(self._raw(stent), "scrap")["ok"], "a reason is required")
        result = self.scan(self._raw(stent), "scrap", reason="Sterile barrier broken")
        self.assertTrue(result["ok"], result["message"])
        scrap = self.env["med.device.scrap"].browse(result["res_id"])
        self.assertEqual(stent.med_state, "scrapped")
        self.assertEqual(scrap.scrap_id.state, "done")
        self.assertTrue(stent.med_location_id.scrap_location)
        with self.assertRaisesRegex(UserError, r"give the destruction method and the witness"):
            scrap.action_destroy()  # method and witness first
        scrap.write(
            {"destruction_method": "incineration", "destruction_witness_id": self.surgeon.id}
        )
        scrap.action_destroy()
        self.assertEqual(scrap.destruction_user_id, self.user_storekeeper)
        self.assertTrue(scrap.destruction_date)
        with self.assertRaisesRegex(UserError, r"are set by the system and cannot be changed"):
            scrap.write({"destruction_user_id": self.user_manager.id})
        self.assertEqual(stent.med_event_ids.sorted("id")[-1].event_type, "destruction")
        self.assertFalse(self._issue(stent)["ok"])

    def test_borrow_overdue(self):
        stent = self._receive(self.stent, ["S1"])
        result = self._issue(
            stent,
            operation="borrow",
            expected_return_date=fields.Date.today() - datetime.timedelta(1),
        )
        borrow = self.env["med.device.issue"].browse(result["res_id"])
        self.assertTrue(borrow.is_overdue)
        Issue = self.env["med.device.issue"]
        self.assertIn(borrow, Issue.search([("is_overdue", "=", True)]))
        self.scan(self._raw(stent), "return", department_id=self.cardiology.id)
        borrow.invalidate_recordset(["is_overdue"])
        self.assertFalse(borrow.is_overdue)
        self.assertNotIn(borrow, Issue.search([("is_overdue", "=", True)]))

    def test_use_needs_unit_at_the_department(self):
        stent = self._receive(self.stent, ["S1"])
        result = self.scan(
            self._raw(stent), "use", department_id=self.cardiology.id, patient_identifier="MRN-1"
        )
        self.assertFalse(result["ok"], "a unit still in the store is not used on a patient")
        self._issue(stent, department=self.orthopedics)
        result = self.scan(
            self._raw(stent), "use", department_id=self.cardiology.id, patient_identifier="MRN-1"
        )
        self.assertFalse(result["ok"])
        self.assertIn("Orthopedics", result["message"])

    def test_lot_tracked_issue_by_box(self):
        lots = self._receive(self.catheter, 20, lot="CATH9")
        self.assertEqual(len(lots), 1)
        box_di = self.catheter.med_udi_di_ids.filtered(lambda d: d.packaging_level == "box").di
        raw = self.udi(self.catheter, lot="CATH9", di=box_di)
        result = self.scan(raw, "issue", department_id=self.cardiology.id)
        self.assertTrue(result["ok"], result["message"])
        Quant = self.env["stock.quant"]
        self.assertEqual(
            Quant._get_available_quantity(
                self.catheter, self.cardiology.med_location_id, lot_id=lots
            ),
            10.0,
        )
        self.assertTrue(self.scan(raw, "issue", department_id=self.cardiology.id)["ok"])
        result = self.scan(raw, "issue", department_id=self.cardiology.id)
        self.assertFalse(result["ok"], "the store has no third box")

    def test_issue_document_scanned_then_validated(self):
        stent1, stent2 = self._receive(self.stent, ["S1", "S2"])
        issue = self.env["med.device.issue"].create(
            {
                "operation_type": "issue",
                "department_id": self.cardiology.id,
            }
        )
        wizard_action = issue.action_open_scan_wizard()
        wizard = self.env["med.scan.wizard"].browse(wizard_action["res_id"])
        for lot in (stent1, stent2, stent1):
            wizard.barcode = self._raw(lot)
            wizard.action_scan()
        self.assertEqual(issue.line_ids.lot_id, stent1 | stent2)
        self.assertIn("already on", wizard.log_html)
        self.assertEqual(stent1.med_state, "in_stock", "nothing moves before validation")
        issue.action_done()
        self.assertEqual((stent1 | stent2).mapped("med_state"), ["issued", "issued"])

    def test_mfr_lot_trace_finds_every_serial(self):
        units = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR-A")
        other = self._receive(self.stent, ["S4"], lot="MFR-B")
        found = self.env["stock.lot"]._trace_mfr_lot(self.stent, "MFR-A")
        self.assertEqual(found, units)
        self.assertNotIn(other, found)
        self.assertEqual(found.mapped("med_mfr_lot"), ["MFR-A"] * 3)
        self._issue(units[0])
        action = units[1].action_med_trace_mfr_lot()
        lots = self.env["stock.lot"].search(action["domain"])
        self.assertEqual(lots, units)
        self.assertEqual(sorted(lots.mapped("med_state")), ["in_stock", "in_stock", "issued"])

    def test_check_scan_hook_is_called(self):
        stent = self._receive(self.stent, ["S1"])
        Scan = type(self.env["med.device.scan"])
        original = Scan._check_scan
        calls = []

        def check(scanner, scan):
            calls.append(scan)
            return original(scanner, scan) + [f"Unqualified supplier {scan['partner'].name}"]

        with patch.object(Scan, "_check_scan", check):
            result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn("Unqualified supplier Device Supplier", result["message"])
        scan = calls[0]
        self.assertEqual(scan["operation"], "issue")
        self.assertEqual(scan["lot"], stent)
        self.assertEqual(scan["product"], self.stent)
        self.assertEqual(scan["department"], self.cardiology)
        self.assertEqual(scan["parsed"].serial, "S1")
        self.assertEqual(stent.med_state, "in_stock")

    def test_use_of_implant_cannot_be_deleted(self):
        stent = self._receive(self.stent, ["S1"])
        self._issue(stent)
        result = self.scan(
            self._raw(stent), "use", department_id=self.cardiology.id, patient_identifier="MRN-1"
        )
        use = self.env["med.device.use"].browse(result["res_id"])
        with self.assertRaisesRegex(UserError, "it is final and cannot be deleted"):
            use.with_user(self.user_manager).unlink()
        with self.assertRaisesRegex(UserError, "it is final and cannot be deleted"):
            use.sudo().unlink()
        # not even a draft: a use on patient naming an implant is never deleted
        (other,) = self._receive(self.stent, ["S2"])
        self._issue(other)
        draft = self.env["med.device.use"].create(
            {
                "lot_id": other.id,
                "department_id": self.cardiology.id,
                "patient_identifier": "MRN-2",
            }
        )
        self.assertEqual(draft.state, "draft")
        with self.assertRaisesRegex(UserError, "records an implantable device"):
            draft.sudo().unlink()
        self.assertTrue(draft.exists())
        self.assertTrue(use.exists())

    def test_count_compares_location(self):
        stent = self._receive(self.stent, ["S1"])
        self.assertTrue(
            self.scan(self._raw(stent), "count", location_id=self.stock_location.id)["ok"]
        )
        result = self.scan(
            self._raw(stent), "count", location_id=self.cardiology.med_location_id.id
        )
        self.assertFalse(result["ok"])
