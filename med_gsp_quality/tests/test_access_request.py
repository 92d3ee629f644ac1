from odoo.exceptions import UserError

from .common import GspQualityCommon


class TestAccessRequest(GspQualityCommon):
    def test_request_is_approved_then_applied_by_an_administrator(self):
        group = self.env.ref("med_gsp_quality.group_gsp_quality_officer")
        request = (
            self.env["gsp.access.request"]
            .with_user(self.user_storekeeper)
            .create(
                {
                    "user_id": self.user_storekeeper.id,
                    "add_group_ids": [(6, 0, group.ids)],
                    "reason": "Takes over receipt inspection.",
                }
            )
        )
        request.action_submit()
        with self.assertRaisesRegex(UserError, r"is not in the expected state\."):
            request.with_user(self.user_admin).action_apply()  # not approved yet
        with self.assertRaisesRegex(
            UserError, r"Only a quality manager approves access requests\."
        ):
            request.with_user(self.user_quality_officer).action_approve()
        request.with_user(self.user_quality_manager).action_approve()
        with self.assertRaisesRegex(UserError, r"Only an administrator applies access requests\."):
            request.with_user(self.user_quality_manager).action_apply()
        self.assertFalse(self.user_storekeeper.has_group(group.get_external_id()[group.id]))
        request.with_user(self.user_admin).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertEqual(request.applied_by_id, self.user_admin)
        self.assertIn(group, self.user_storekeeper.groups_id)
        with self.assertRaisesRegex(UserError, r"Access requests and their outcome are kept\."):
            request.sudo().unlink()
