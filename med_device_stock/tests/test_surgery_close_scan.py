"""Close-out with the scanner: the nurse scans what was used on the patient, marks the
rest unused in one step and closes the case."""

from odoo.exceptions import AccessError

from .common import MedSurgeryCaseCommon


class TestSurgeryCloseScan(MedSurgeryCaseCommon):
    def _used(self, case, lot, user=None):
        return self.scan(
            self._raw(lot), "case_outcome", user=user or self.user_department, document_id=case.id
        )

    def test_scan_what_was_used_mark_the_rest_unused_and_close(self):
        case, stents, catheters = self._listed_case()
        result = self._used(case, stents[0])
        self.assertTrue(result["ok"], result["message"])
        self.assertIn("implanted", result["message"])
        result = self._used(case, catheters)
        self.assertTrue(result["ok"], result["message"])
        self.assertIn("used", result["message"])
        outcomes = {line.lot_id: line.outcome for line in case.line_ids}
        self.assertEqual(outcomes[stents[0]], "implanted")
        self.assertEqual(outcomes[catheters], "used")
        self.assertEqual(outcomes[stents[1]], "pending")
        case.action_mark_rest_unused()
        self.assertEqual(
            case.line_ids.filtered(lambda ln: ln.outcome == "unused").lot_id, stents[1:]
        )
        case.action_close()
        self.assertEqual(case.state, "done")
        self.assertEqual(case.implant_ids.lot_id, stents[0])
        self.assertEqual(case.return_id.line_ids.lot_id, stents[1:])

    def test_scanning_twice_changes_nothing(self):
        case, stents, _catheters = self._listed_case()
        self._used(case, stents[0])
        result = self._used(case, stents[0])
        self.assertTrue(result["ok"], result["message"])
        self.assertIn("already recorded as implanted", result["message"])
        self.assertEqual(len(case.line_ids.filtered(lambda ln: ln.outcome == "implanted")), 1)

    def test_a_unit_not_listed_on_the_case_is_refused(self):
        case, _stents, _catheters = self._listed_case()
        other = self._receive(self.stent, ["SC-S9"])
        self.assertTrue(self._issue(other)["ok"])
        result = self._used(case, other)
        self.assertFalse(result["ok"])
        self.assertRegex(
            result["message"], r"SC-S9 is not listed on .*scan it in Surgery case mode"
        )
        self.assertNotIn(other, case.line_ids.lot_id)

    def test_a_unit_expired_since_it_was_listed_is_refused_at_close_out(self):
        case, stents, _catheters = self._listed_case()
        stents[0].sudo().expiration_date = "2020-01-01 00:00:00"
        result = self.scan(
            self.udi(self.stent, serial="SC-S1", lot=stents[0].med_mfr_lot, expiry=None),
            "case_outcome",
            user=self.user_department,
            document_id=case.id,
        )
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], "expired on 2020-01-01")
        self.assertEqual(
            case.line_ids.filtered(lambda ln: ln.lot_id == stents[0]).outcome, "pending"
        )

    def test_a_nurse_of_another_department_cannot_mark_the_case(self):
        case, stents, _catheters = self._listed_case()
        result = self._used(case, stents[0], user=self.user_ortho_nurse)
        self.assertFalse(result["ok"])
        self.assertEqual(
            case.line_ids.filtered(lambda ln: ln.lot_id == stents[0]).outcome, "pending"
        )
        with self.assertRaises(AccessError):
            case.with_user(self.user_ortho_nurse).action_mark_rest_unused()

    def test_the_case_form_opens_its_scan_wizards(self):
        """*Scan Units* and *Scan Used Units* on the case form, as the nurse presses them."""
        stents, _catheters = self._issued_units()
        case = self._case().with_user(self.user_department)
        action = case.action_open_scan_wizard()
        wizard = (
            self.env["med.scan.wizard"].with_user(self.user_department).browse(action["res_id"])
        )
        self.assertEqual(wizard.operation, "case")
        wizard.barcode = self._raw(stents[0])
        wizard.action_scan()
        self.assertEqual(case.line_ids.lot_id, stents[0])
        case.action_start()
        action = case.action_open_outcome_scan()
        wizard = (
            self.env["med.scan.wizard"].with_user(self.user_department).browse(action["res_id"])
        )
        self.assertEqual(wizard.operation, "case_outcome")
        wizard.barcode = self._raw(stents[0])
        wizard.action_scan()
        self.assertEqual(case.line_ids.outcome, "implanted")
