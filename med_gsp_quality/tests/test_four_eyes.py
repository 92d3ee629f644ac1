"""Four eyes: nobody decides their own change or access request, administrators
included; a change request never carries values its requester may not read."""

import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import ID_NUMBER, USCC, USCC_2, GspQualityCommon


class TestChangeRequestFourEyes(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Four Eyes Ltd"})
        cls.partner.with_user(cls.user_quality_officer).write({"gsp_uscc": USCC})
        cls.uscc_field = cls.env["ir.model.fields"]._get("res.partner", "gsp_uscc")
        officer = cls.env.ref("med_gsp_quality.group_gsp_quality_officer")
        cls.user_admin.write({"groups_id": [Command.link(officer.id)]})

    def _request(self, user):
        request = (
            self.env["gsp.change.request"]
            .with_user(user)
            .create(
                {
                    "res_model": "res.partner",
                    "res_id": self.partner.id,
                    "reason": "The supplier re-registered.",
                    "line_ids": [
                        Command.create({"field_id": self.uscc_field.id, "new_value": USCC_2})
                    ],
                }
            )
        )
        request.action_submit()
        return request

    def test_nobody_approves_or_rejects_their_own_request(self):
        for user in (self.user_quality_officer, self.user_quality_manager, self.user_admin):
            with self.subTest(user=user.login):
                request = self._request(user)
                with self.assertRaisesRegex(
                    UserError,
                    f"Four eyes: {re.escape(user.name)} cannot approve .*another person decides it",
                ):
                    request.action_approve()
                request.write({"decision_reason": "Withdrawn"})
                with self.assertRaisesRegex(
                    UserError, f"Four eyes: {re.escape(user.name)} cannot reject"
                ):
                    request.action_reject()
                self.assertEqual((request.state, self.partner.gsp_uscc), ("submitted", USCC))

    def test_another_quality_officer_decides(self):
        request = self._request(self.user_quality_officer)
        request.with_user(self.user_quality_manager).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.user_quality_manager)
        self.assertEqual(self.partner.gsp_uscc, USCC_2)

    def test_the_system_itself_is_not_refused(self):
        """Server code in superuser mode (a scheduled job) is not a person."""
        request = self._request(self.user_quality_officer)
        request.sudo().action_approve()
        self.assertEqual(self.partner.gsp_uscc, USCC_2)


class TestAccessRequestFourEyes(GspQualityCommon):
    def _request(self, user, for_user):
        group = self.env.ref("med_device_stock.group_med_manager")
        request = (
            self.env["gsp.access.request"]
            .with_user(user)
            .create(
                {
                    "user_id": for_user.id,
                    "add_group_ids": [Command.set(group.ids)],
                    "reason": "Covers the device manager's leave.",
                }
            )
        )
        request.action_submit()
        return request

    def test_nobody_decides_their_own_access_request(self):
        request = self._request(self.user_quality_manager, self.user_storekeeper)
        with self.assertRaisesRegex(UserError, "Four eyes: .* cannot approve"):
            request.with_user(self.user_quality_manager).action_approve()
        request.with_user(self.user_quality_manager).write({"decision_reason": "Withdrawn"})
        with self.assertRaisesRegex(UserError, "Four eyes: .* cannot reject"):
            request.with_user(self.user_quality_manager).action_reject()
        # nor one that grants themselves groups, made by somebody else
        other_manager = self._make_user(
            "gsp_manager_2", "med_gsp_quality.group_gsp_quality_manager"
        )
        request = self._request(self.user_storekeeper, other_manager)
        with self.assertRaisesRegex(UserError, "Four eyes: .* cannot approve"):
            request.with_user(other_manager).action_approve()
        request.with_user(self.user_quality_manager).action_approve()
        self.assertEqual(request.state, "approved")

    def test_administrator_does_not_apply_their_own_request(self):
        request = self._request(self.user_admin, self.user_storekeeper)
        request.with_user(self.user_quality_manager).action_approve()
        with self.assertRaisesRegex(UserError, "Four eyes: .* cannot apply"):
            request.with_user(self.user_admin).action_apply()
        self.assertEqual(request.state, "approved")


class TestChangeRequestReadAccess(GspQualityCommon):
    """A change request's old values are what its requester may read, nothing more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Other Hospital"})
        cls.partner_b = cls.env["res.partner"].create({"name": "Other Supplier"})
        cls.qual_b = (
            cls.env["gsp.qualification"]
            .with_company(cls.company_b)
            .create(
                {
                    "company_id": cls.company_b.id,
                    "partner_id": cls.partner_b.id,
                    "doc_type": "sales_authorisation",
                    "number": "AUTH-B",
                    "holder": "Other",
                    "person_name": "Li Si",
                    "person_id_number": ID_NUMBER,
                    "region": "Tianjin",
                }
            )
        )
        cls.id_field = cls.env["ir.model.fields"]._get("gsp.qualification", "person_id_number")
        cls.officer_b = new_test_user(
            cls.env,
            login="gsp_officer_b",
            groups="med_gsp_quality.group_gsp_quality_officer",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def _vals(self, qual):
        return {
            "res_model": "gsp.qualification",
            "res_id": qual.id,
            "reason": "Typo",
            "line_ids": [Command.create({"field_id": self.id_field.id, "new_value": "x"})],
        }

    def test_request_for_another_companys_record_is_refused(self):
        Request = self.env["gsp.change.request"]
        for user in (self.user_plain, self.user_quality_officer, self.user_purchaser):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(
                    AccessError,
                    f"{re.escape(user.name)} may not read GSP Qualification record "
                    f"{self.qual_b.id}: a change request is made only for data its requester",
                ):
                    Request.with_user(user).create(self._vals(self.qual_b))
        self.assertFalse(
            Request.sudo().search(
                [("res_id", "=", self.qual_b.id), ("res_model", "=", "gsp.qualification")]
            )
        )

    def test_request_cannot_be_pointed_at_it_later(self):
        own = self._qualification(self.partner_b, "business_licence", USCC, approve=False)
        request = (
            self.env["gsp.change.request"]
            .with_user(self.user_plain)
            .create(
                {
                    "res_model": "gsp.qualification",
                    "res_id": own.id,
                    "reason": "Typo",
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "may not read GSP Qualification record"):
            request.write({"res_id": self.qual_b.id})

    def test_old_values_are_captured_only_if_still_readable(self):
        own = self._qualification(
            self.partner_b,
            "sales_authorisation",
            "AUTH-A",
            approve=False,
            person_name="Wang Wu",
            person_id_number=ID_NUMBER,
            region="Beijing",
        )
        request = self.env["gsp.change.request"].with_user(self.user_plain).create(self._vals(own))
        self.assertFalse(request.line_ids.old_value)
        self.env.cr.execute(
            "UPDATE gsp_qualification SET company_id = %s WHERE id = %s",
            [self.company_b.id, own.id],
        )
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, "may not read GSP Qualification record"):
            request.action_submit()
        self.assertFalse(request.sudo().line_ids.old_value)
        self.assertEqual(request.state, "draft")

    def test_requests_of_another_company_stay_out(self):
        request = (
            self.env["gsp.change.request"].with_user(self.officer_b).create(self._vals(self.qual_b))
        )
        request.action_submit()
        self.assertEqual(request.company_id, self.company_b)
        self.assertEqual(request.sudo().line_ids.old_value, ID_NUMBER)
        for user in (self.user_quality_officer, self.user_quality_manager, self.user_plain):
            with self.subTest(user=user.login):
                self.assertFalse(
                    self.env["gsp.change.request"].with_user(user).search([("id", "=", request.id)])
                )
                self.assertFalse(
                    self.env["gsp.change.request.line"]
                    .with_user(user)
                    .search([("request_id", "=", request.id)])
                )
                with self.assertRaisesRegex(AccessError, "stumbled upon some top-secret records"):
                    request.line_ids.with_user(user).read(["old_value"])
