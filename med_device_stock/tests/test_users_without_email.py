"""Hospital users often have no email address (a storekeeper logs in with a badge
number): every step of theirs must still be recorded.  Odoo's chatter refuses a message
posted by a user without email ("Unable to send message, please configure the sender's
email address"); found by the load test (tests/load), where such a user validated a
receipt check."""

from .common import MedReceiptCommon


class TestUsersWithoutEmail(MedReceiptCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_storekeeper.partner_id.email = False
        cls.user_department.partner_id.email = False

    def test_a_storekeeper_without_email_receives_and_issues(self):
        for serial in ("NE-1", "NE-2"):
            self._ok(self._scan_receipt(self.udi(self.stent, serial=serial, lot="L1")))
        check = self._check().with_user(self.user_storekeeper)
        check.action_done()
        self.assertEqual(check.state, "done")
        lots = check.line_ids.lot_id
        self.assertEqual(set(lots.mapped("med_state")), {"in_stock"})
        result = self._ok(self._issue(lots[0]))
        self.assertEqual(lots[0].med_state, "issued", result["message"])
