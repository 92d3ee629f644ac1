from odoo.exceptions import AccessError, UserError

from .common import USCC, GspQualityCommon


class TestAuditTrail(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Audited Ltd"})
        cls.log = cls.env["gsp.audit.log"]

    def _entries(self, record):
        return self.log.sudo().search([("model", "=", record._name), ("res_id", "=", record.id)])

    def test_every_change_is_logged_with_old_and_new_value(self):
        qual = self._qualification(self.partner, "business_licence", USCC, approve=False)
        qual.with_user(self.user_quality_officer).write({"holder": "New Holder"})
        entry = self._entries(qual).filtered(
            lambda e: e.field_name == "holder" and e.operation == "write"
        )
        self.assertEqual(entry.old_value, "Audited Ltd")
        self.assertEqual(entry.new_value, "New Holder")
        self.assertEqual(entry.user_id, self.user_quality_officer)
        self.assertTrue(self._entries(qual).filtered(lambda e: e.operation == "create"))

    def test_one_write_appends_its_entries_in_one_chain_step(self):
        qual = self._qualification(self.partner, "business_licence", USCC, approve=False)
        head = self.env["gsp.audit.chain"].search([])
        before = head.last_sequence
        qual.with_user(self.user_quality_officer).write(
            {"holder": "A", "issuing_authority": "SAMR Beijing", "scope": "devices"}
        )
        head.invalidate_recordset()
        self.assertEqual(head.last_sequence, before + 3)
        last = self.log.sudo().search([], limit=1)
        self.assertEqual(last.hash, head.last_hash)

    def test_chain_verifies_and_reports_the_first_broken_link(self):
        qual = self._qualification(self.partner, "business_licence", USCC, approve=False)
        qual.with_user(self.user_quality_officer).write({"holder": "First"})
        qual.with_user(self.user_quality_officer).write({"holder": "Second"})
        self.assertFalse(self.log._verify_chain())
        victim = self._entries(qual).filtered(lambda e: e.new_value == "First")
        self.env.cr.execute(
            "UPDATE gsp_audit_log SET new_value = 'Forged' WHERE id = %s", [victim.id]
        )
        self.assertEqual(self.log._verify_chain(), victim)
        action = self.log.with_user(self.user_quality_officer).action_verify_chain()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(str(victim.sequence), action["params"]["message"])

    def test_nobody_edits_or_deletes_entries(self):
        qual = self._qualification(self.partner, "business_licence", USCC, approve=False)
        entry = self._entries(qual)[:1]
        for user in (self.user_admin, self.user_quality_manager):
            with self.assertRaisesRegex(UserError, r"Audit trail entries cannot be changed\."):
                entry.with_user(user).write({"new_value": "x"})
            with self.assertRaises(AccessError):
                entry.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, r"Audit trail entries cannot be changed\."):
            entry.sudo().write({"new_value": "x"})
        with self.assertRaisesRegex(UserError, r"Audit trail entries cannot be deleted\."):
            entry.sudo().unlink()
        with self.assertRaisesRegex(
            UserError, r"Audit trail entries are written by the system only\."
        ):
            self.log.with_user(self.user_admin).create(
                {"model": "x", "sequence": 999999, "operation": "write"}
            )

    def test_operator_and_time_fields_cannot_be_written(self):
        qual = self._qualification(self.partner, "business_licence", USCC)
        self.assertEqual(qual.approved_by_id, self.user_quality_officer)
        self.assertTrue(qual.approved_date)
        for user in (self.user_admin, self.user_quality_manager):
            with self.assertRaises(AccessError):
                qual.with_user(user).write({"approved_by_id": user.id})
            with self.assertRaises(AccessError):
                qual.with_user(user).write({"approved_date": "2020-01-01 00:00:00"})
        with self.assertRaises(AccessError):
            self.env["gsp.first.review"].with_user(self.user_admin).create(
                {
                    "review_type": "supplier",
                    "partner_id": self.partner.id,
                    "reviewer_id": self.user_admin.id,
                }
            )

    def test_partner_gsp_fields_are_audited(self):
        self.partner.with_user(self.user_quality_officer).write({"gsp_uscc": USCC})
        entry = self._entries(self.partner)
        self.assertEqual(entry.field_name, "gsp_uscc")
        self.assertEqual(entry.new_value, USCC)
        # ordinary partner fields are not GSP data
        self.partner.write({"phone": "123"})
        self.assertEqual(len(self._entries(self.partner)), 1)
