"""Devices a surgery case asks of the store: requested by the nurse, reserved by the
storekeeper's scans, issued to the operating room and listed on the case."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MedSurgeryCaseCommon


@tagged("post_install", "-at_install")
class TestSurgeryCaseStore(MedSurgeryCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stents = cls._receive(cls.stent, ["ST-R1", "ST-R2", "ST-R3"])
        cls.catheters = cls._receive(cls.catheter, 5, lot="ST-CATH")

    def _requested_case(self, stents=2, catheters=0):
        case = self._case(
            request_ids=[
                (0, 0, {"product_id": self.stent.id, "quantity": stents, "note": "3.0×18"})
            ]
            + (
                [(0, 0, {"product_id": self.catheter.id, "quantity": catheters})]
                if catheters
                else []
            )
        )
        case.action_request_from_store()
        return case, case.store_issue_ids

    def _reserve(self, issue, lot, user=None):
        return self.scan(
            self._raw(lot), "issue", user=user or self.user_storekeeper, document_id=issue.id
        )

    def test_nurse_request_becomes_a_draft_issue_for_the_store(self):
        case, issue = self._requested_case()
        self.assertEqual(len(issue), 1)
        self.assertEqual(issue.state, "draft")
        self.assertEqual(issue.operation_type, "issue")
        self.assertEqual(issue.department_id, self.cardiology)
        self.assertEqual(issue.requester_id, self.nurse)
        self.assertIn(case.name, issue.note)
        self.assertIn("2.0 × Coronary Stent (3.0×18)", issue.message_ids[:1].body)
        # a nurse does not write issues herself
        with self.assertRaises(AccessError):
            self.env["med.device.issue"].with_user(self.user_department).create(
                {"department_id": self.cardiology.id}
            )
        # nothing more to ask: the button goes, and asking again is refused
        self.assertEqual(case.request_ids.quantity_sent, 2.0)
        self.assertFalse(case.store_request_pending)
        with self.assertRaisesRegex(UserError, "was asked of the store already"):
            case.action_request_from_store()
        # nor does the nurse pretend she asked for more (or less)
        with self.assertRaisesRegex(UserError, "is set when it is sent to the store"):
            case.request_ids.quantity_sent = 5

    def test_a_second_request_goes_to_the_same_open_issue(self):
        case, issue = self._requested_case(stents=1)
        case.request_ids.quantity = 2
        self.assertTrue(case.store_request_pending)
        case.action_request_from_store()
        self.assertEqual(case.store_issue_ids, issue)
        # the store is told what was added only
        self.assertIn("1.0 × Coronary Stent", issue.message_ids[:1].body)

    def test_the_case_link_is_set_by_the_system(self):
        other = self._case()
        _case, issue = self._requested_case()
        with self.assertRaisesRegex(UserError, "set by the system"):
            issue.with_user(self.user_storekeeper).write({"surgery_case_id": other.id})
        with self.assertRaisesRegex(UserError, "set by the system"):
            self.env["med.device.issue"].with_user(self.user_storekeeper).create(
                {"department_id": self.cardiology.id, "surgery_case_id": other.id}
            )
        with self.assertRaisesRegex(UserError, "goes to the case's department"):
            issue.with_user(self.user_storekeeper).department_id = self.orthopedics

    def test_reserved_units_are_kept_for_the_case(self):
        case, issue = self._requested_case(stents=2, catheters=3)
        self._ok(self._reserve(issue, self.stents[0]))
        for _scan in range(3):
            self._ok(self._reserve(issue, self.catheters))
        self.assertEqual(case.request_ids.mapped("reserved_qty"), [1.0, 3.0])
        # the unit shows for whom it is kept, to whoever reads it
        self.assertEqual(self.stents[0].with_user(self.user_storekeeper).med_reserved_case_id, case)
        self.assertFalse(self.stents[2].med_reserved_case_id)
        # the reserved stent goes nowhere else
        result = self._issue(self.stents[0], department=self.orthopedics)
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], f"reserved for surgery case {case.name}")
        result = self._issue(self.stents[0], operation="borrow")
        self.assertRegex(result["message"], f"reserved for surgery case {case.name}")
        # of the lot, what is not reserved is still issued
        self._ok(self._issue(self.catheters))
        self._ok(self._issue(self.catheters))
        result = self._issue(self.catheters)
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], f"3.0 of the 3.0 .* are reserved for {case.name}")
        # an unreserved stent is issued as ever
        self._ok(self._issue(self.stents[2]))
        # quality still quarantines a reserved unit
        self._ok(
            self.scan(
                self._raw(self.stents[0]), "quarantine", user=self.user_storekeeper, reason="Dent"
            )
        )

    def test_the_request_takes_what_the_case_asked_for_only(self):
        case, issue = self._requested_case(stents=1)
        self._ok(self._reserve(issue, self.stents[0]))
        result = self._reserve(issue, self.stents[1])
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], r"asked for 1\.0 × Coronary Stent")
        result = self._reserve(issue, self.catheters)
        self.assertRegex(result["message"], "did not ask for IV Catheter")
        # a unit typed in by hand is checked at validation as a scanned one
        issue.with_user(self.user_storekeeper).write(
            {"line_ids": [(0, 0, {"lot_id": self.stents[1].id})]}
        )
        with self.assertRaisesRegex(UserError, r"asked for 1\.0 × Coronary Stent"):
            issue.with_user(self.user_storekeeper).action_done()

    def test_issued_units_are_listed_on_the_case(self):
        case, issue = self._requested_case(stents=2)
        for lot in self.stents[:2]:
            self._ok(self._reserve(issue, lot))
        self.assertEqual(issue.user_id, self.user_department)
        issue.with_user(self.user_storekeeper).action_done()
        self.assertEqual(issue.state, "done")
        # the nurse asked, the storekeeper issued: the operator is the storekeeper
        self.assertEqual(issue.user_id, self.user_storekeeper)
        self.assertEqual(self.stents[:2].mapped("med_state"), ["issued", "issued"])
        self.assertEqual(self.stents[:2].med_department_id, self.cardiology)
        self.assertEqual(case.line_ids.lot_id, self.stents[:2])
        self.assertEqual(case.request_ids.issued_qty, 2.0)
        self.assertEqual(case.request_ids.reserved_qty, 0.0)
        # the nurse closes out as with units she scanned herself
        case.action_start()
        case.line_ids[0].outcome = "implanted"
        case.action_mark_rest_unused()
        case.action_close()
        self.assertEqual(self.stents[0].med_state, "used")
        self.assertEqual(case.return_id.line_ids.lot_id, self.stents[1])
        # the request is served: it cannot be lowered below that
        with self.assertRaisesRegex(UserError, "is Closed"):
            case.request_ids.quantity = 1

    def test_closing_or_cancelling_the_case_frees_the_reservation(self):
        case, issue = self._requested_case(stents=2)
        self._ok(self._reserve(issue, self.stents[0]))
        case.action_cancel()
        self.assertEqual(issue.state, "cancel")
        self.assertIn("reserved units are free again", issue.message_ids[:1].body)
        self._ok(self._issue(self.stents[0]))

    def test_a_closed_case_gets_nothing_more_from_the_store(self):
        case, issue = self._requested_case(stents=2)
        self._ok(self._reserve(issue, self.stents[0]))
        issue.with_user(self.user_storekeeper).action_done()
        case.request_ids.quantity = 3
        case.action_request_from_store()
        second = case.store_issue_ids.filtered(lambda i: i.state == "draft")
        self._ok(self._reserve(second, self.stents[1]))
        case.action_start()
        case.line_ids.outcome = "unused"
        case.action_close()
        # the open request was given back at the close-out
        self.assertEqual(second.state, "cancel")
        self.assertFalse(second.surgery_request_ids.reserved_qty)

    def test_request_lowered_below_what_is_served_is_refused(self):
        case, issue = self._requested_case(stents=2)
        self._ok(self._reserve(issue, self.stents[0]))
        self._ok(self._reserve(issue, self.stents[1]))
        with self.assertRaisesRegex(UserError, "reserved or issued 2.0 already"):
            case.request_ids.quantity = 1
        with self.assertRaisesRegex(UserError, "take the units off the request first"):
            case.request_ids.unlink()

    def test_correcting_the_issue_takes_its_units_off_the_case(self):
        case, issue = self._requested_case(stents=1)
        self._ok(self._reserve(issue, self.stents[0]))
        issue.with_user(self.user_storekeeper).action_done()
        self.assertEqual(case.line_ids.lot_id, self.stents[0])
        issue.with_user(self.user_storekeeper)._med_correct("Wrong size")
        self.assertFalse(case.line_ids)
        self.assertEqual(self.stents[0].med_state, "in_stock")
        self.assertEqual(case.request_ids.issued_qty, 0.0)

    def test_an_issue_whose_units_were_used_is_not_corrected(self):
        case, issue = self._requested_case(stents=1)
        self._ok(self._reserve(issue, self.stents[0]))
        issue.with_user(self.user_storekeeper).action_done()
        case.action_start()
        case.line_ids.outcome = "implanted"
        with self.assertRaisesRegex(UserError, "recorded what became of them"):
            issue.with_user(self.user_storekeeper)._med_correct("Wrong size")

    def test_other_departments_see_nothing_of_the_request(self):
        case, _issue = self._requested_case()
        Request = self.env["med.surgery.case.request"].with_user(self.user_ortho_nurse)
        self.assertFalse(Request.search([("case_id", "=", case.id)]))
        with self.assertRaises(AccessError):
            Request.create({"case_id": case.id, "product_id": self.catheter.id})
        with self.assertRaises(AccessError):
            case.with_user(self.user_ortho_nurse).action_request_from_store()
