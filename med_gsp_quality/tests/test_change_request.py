from odoo import Command
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
        request = (
            self.env["gsp.change.request"]
            .with_user(user)
            .create(
                {
                    "res_model": "res.partner",
                    "res_id": self.partner.id,
                    "reason": "The supplier re-registered.",
                    "line_ids": [(0, 0, {"field_id": self.uscc_field.id, "new_value": new})],
                }
            )
        )
        request.action_submit()
        return request

    def test_others_cannot_write_gsp_fields(self):
        for user in (self.user_purchaser, self.user_sales, self.user_storekeeper):
            with self.assertRaises(AccessError):
                self.partner.with_user(user).write({"gsp_uscc": USCC_2})
        product = self.env["product.product"].create({"name": "Stent"})
        with self.assertRaises(AccessError):
            product.product_tmpl_id.with_user(self.user_purchaser).write({"gsp_device_class": "II"})
        with self.assertRaises(AccessError):
            self.category_plain.with_user(self.user_quality_officer).write({"gsp_regulated": True})
        # but they may read it and change non-GSP fields
        self.assertEqual(self.partner.with_user(self.user_purchaser).gsp_uscc, USCC)

    def test_others_cannot_create_qualifications(self):
        with self.assertRaises(AccessError):
            self.env["gsp.qualification"].with_user(self.user_purchaser).create(
                {
                    "partner_id": self.partner.id,
                    "doc_type": "business_licence",
                    "number": USCC,
                }
            )

    def test_approved_request_is_applied_and_recorded(self):
        request = self._request()
        self.assertEqual(request.line_ids.old_value, USCC)
        request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.partner.gsp_uscc, USCC_2)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.user_quality_officer)
        entry = (
            self.env["gsp.audit.log"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.partner.id),
                    ("operation", "=", "write"),
                    ("new_value", "=", USCC_2),
                ]
            )
        )
        self.assertEqual((entry.old_value, entry.new_value), (USCC, USCC_2))
        self.assertEqual(entry.reason, "The supplier re-registered.")

    def test_requester_cannot_approve(self):
        request = self._request()
        with self.assertRaisesRegex(UserError, r"Only quality staff may decide change requests\."):
            request.action_approve()
        self.assertEqual(self.partner.gsp_uscc, USCC)

    def test_rejection_needs_a_reason_and_changes_nothing(self):
        request = self._request()
        with self.assertRaisesRegex(UserError, r"Give the reason of the rejection first\."):
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
            self.env["gsp.change.request"]
            .with_user(self.user_sales)
            .search([("id", "=", request.id)])
        )
        with self.assertRaisesRegex(UserError, r"Submitted and decided change requests are kept\."):
            request.unlink()


class TestChangeRequestLists(GspQualityCommon):
    """Many2many lists (a licence's scope categories, a sales representative's products)
    change through requests too: the whole new list, by IDs or names."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.licence = cls._qualified_supplier("Scope Supplier")
        cls.scope_field = cls.env["ir.model.fields"]._get("gsp.qualification", "scope_category_ids")
        Category = cls.env["gsp.device.category"]
        cls.subject_13 = Category.search([("code", "=", "13")])
        cls.subject_14 = Category.search([("code", "=", "14")])
        cls.licence.with_user(cls.user_quality_officer).write(
            {"scope_category_ids": [Command.set(cls.subject_13.ids)]}
        )

    def _request(self, new, user=None):
        request = (
            self.env["gsp.change.request"]
            .with_user(user or self.user_purchaser)
            .create(
                {
                    "res_model": "gsp.qualification",
                    "res_id": self.licence.id,
                    "reason": "Scope extended by the authority.",
                    "line_ids": [
                        Command.create({"field_id": self.scope_field.id, "new_value": new})
                    ],
                }
            )
        )
        request.action_submit()
        return request

    def test_scope_list_changed_by_codes_on_approval(self):
        request = self._request("13, 14")
        line = request.line_ids
        self.assertEqual(line.old_value, str(self.subject_13.id))
        self.assertIn("无源植入器械", line.old_display)
        self.assertIn("14 注输", line.new_display)
        self.assertEqual(self.licence.scope_category_ids, self.subject_13, "not before approval")
        request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.licence.scope_category_ids, self.subject_13 | self.subject_14)
        entry = (
            self.env["gsp.audit.log"]
            .sudo()
            .search(
                [
                    ("model", "=", "gsp.qualification"),
                    ("res_id", "=", self.licence.id),
                    ("field_name", "=", "scope_category_ids"),
                ],
                order="id desc",
                limit=1,
            )
        )
        self.assertEqual(entry.reason, "Scope extended by the authority.")
        self.assertEqual(
            entry.new_value,
            ",".join(str(i) for i in (self.subject_13 | self.subject_14).sorted("code").ids),
        )

    def test_list_can_be_emptied_and_named_by_ids(self):
        request = self._request("")
        request.with_user(self.user_quality_officer).action_approve()
        self.assertFalse(self.licence.scope_category_ids)
        self._request(str(self.subject_14.id)).with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.licence.scope_category_ids, self.subject_14)

    def test_unknown_item_is_refused_with_its_value(self):
        with self.assertRaises(ValidationError) as err:
            self._request("13, 99-99")
        self.assertIn("99-99", str(err.exception))
        self.assertEqual(self.licence.scope_category_ids, self.subject_13)

    def test_list_changed_since_the_request_is_not_applied(self):
        request = self._request("14")
        self.licence.with_user(self.user_quality_officer).write(
            {"scope_category_ids": [Command.link(self.subject_14.id)]}
        )
        with self.assertRaisesRegex(
            UserError, r" since the request was made \(it was .+\); make a new request\."
        ):
            request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.licence.scope_category_ids, self.subject_13 | self.subject_14)
