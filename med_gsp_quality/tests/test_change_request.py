from odoo.exceptions import AccessError, UserError, ValidationError

from .common import USCC, USCC_2, GspQualityCommon


class TestChangeRequest(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Changing Ltd"})
        cls.partner.with_user(cls.user_quality_officer).write({"gsp_uscc": USCC})
        cls.uscc_field = cls.env["ir.model.fields"]._get("res.partner", "gsp_uscc")

    def _request(self, user=None, new=USCC_2):
        user = user or self.user_purchaser
        request = self.env["gsp.change.request"].with_user(user).create({
            "res_model": "res.partner", "res_id": self.partner.id,
            "reason": "The supplier re-registered.",
            "line_ids": [(0, 0, {"field_id": self.uscc_field.id, "new_value": new})],
        })  # fmt: skip
        request.action_submit()
        return request

    def test_others_cannot_write_gsp_fields(self):
        for user in (self.user_purchaser, self.user_sales, self.user_storekeeper):
            with self.assertRaises(AccessError):
                self.partner.with_user(user).write({"gsp_uscc": USCC_2})
        product = self.env["product.product"].create({"name": "Stent"})
        with self.assertRaises(AccessError):
            product.product_tmpl_id.with_user(self.user_purchaser).write(
                {"gsp_device_class": "II"}
            )
        with self.assertRaises(AccessError):
            self.category_plain.with_user(self.user_quality_officer).write(
                {"gsp_regulated": True}
            )
        # but they may read it and change non-GSP fields
        self.assertEqual(self.partner.with_user(self.user_purchaser).gsp_uscc, USCC)

    def test_others_cannot_create_qualifications(self):
        with self.assertRaises(AccessError):
            self.env["gsp.qualification"].with_user(self.user_purchaser).create({
                "partner_id": self.partner.id, "doc_type": "business_licence", "number": USCC,
            })  # fmt: skip

    def test_approved_request_is_applied_and_recorded(self):
        request = self._request()
        self.assertEqual(request.line_ids.old_value, USCC)
        request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.partner.gsp_uscc, USCC_2)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.user_quality_officer)
        entry = self.env["gsp.audit.log"].sudo().search([
            ("model", "=", "res.partner"), ("res_id", "=", self.partner.id),
            ("operation", "=", "write"), ("new_value", "=", USCC_2),
        ])  # fmt: skip
        self.assertEqual((entry.old_value, entry.new_value), (USCC, USCC_2))
        self.assertEqual(entry.reason, "The supplier re-registered.")

    def test_requester_cannot_approve(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.action_approve()
        self.assertEqual(self.partner.gsp_uscc, USCC)

    def test_rejection_needs_a_reason_and_changes_nothing(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.with_user(self.user_quality_officer).action_reject()
        request.with_user(self.user_quality_officer).write({"decision_reason": "No document"})
        request.with_user(self.user_quality_officer).action_reject()
        self.assertEqual((request.state, self.partner.gsp_uscc), ("rejected", USCC))

    def test_invalid_new_value_is_refused_on_approval(self):
        request = self._request(new="91110000600037341M")
        with self.assertRaises(ValidationError):
            request.with_user(self.user_quality_officer).action_approve()

    def test_requests_are_private_to_their_author(self):
        request = self._request()
        self.assertFalse(
            self.env["gsp.change.request"].with_user(self.user_sales).search(
                [("id", "=", request.id)]
            )
        )
        with self.assertRaises(UserError):
            request.unlink()
