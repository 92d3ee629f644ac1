"""A device unit's identity and dates change through a change request quality approves
(or by the system from a scan), and every change is in the GSP audit trail."""

import datetime
import re

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError

from .common import GspQualityCommon


class TestLotChangeRequest(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stent = cls._make_device("Audit Stent", "695000000071", implantable=True)
        cls.expiry = datetime.datetime(2027, 3, 31, 0, 0, 0)
        cls.lot = cls.env["stock.lot"].create(
            {
                "name": "AS-001",
                "product_id": cls.stent.id,
                "med_serial": "AS-001",
                "med_mfr_lot": "MFR-A",
                "expiration_date": cls.expiry,
            }
        )
        cls.expiry_field = cls.env["ir.model.fields"]._get("stock.lot", "expiration_date")
        cls.log = cls.env["gsp.audit.log"].sudo()

    def _request(self, user, field=None, new="2026-09-30 00:00:00"):
        request = (
            self.env["gsp.change.request"]
            .with_user(user)
            .create(
                {
                    "res_model": "stock.lot",
                    "res_id": self.lot.id,
                    "reason": "Expiry misprinted on the label; manufacturer's letter 2025-17.",
                    "line_ids": [
                        Command.create(
                            {"field_id": (field or self.expiry_field).id, "new_value": new}
                        )
                    ],
                }
            )
        )
        request.action_submit()
        return request

    def _entries(self, lot, field_name):
        return self.log.search(
            [("model", "=", "stock.lot"), ("res_id", "=", lot.id), ("field_name", "=", field_name)]
        )

    def test_storekeeper_requests_an_expiry_correction_quality_approves(self):
        action = self.lot.with_user(self.user_storekeeper).action_gsp_change_request()
        self.assertEqual(
            action["context"], {"default_res_model": "stock.lot", "default_res_id": self.lot.id}
        )
        request = self._request(self.user_storekeeper)
        self.assertEqual(request.line_ids.old_value, "2027-03-31 00:00:00")
        with self.assertRaisesRegex(UserError, "Only quality staff may decide change requests"):
            request.with_user(self.user_storekeeper).action_approve()
        self.assertEqual(self.lot.expiration_date, self.expiry)
        request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.lot.expiration_date, datetime.datetime(2026, 9, 30))
        entry = self._entries(self.lot, "expiration_date").filtered(
            lambda e: e.operation == "write"
        )
        self.assertEqual(
            (entry.old_value, entry.new_value), ("2027-03-31 00:00:00", "2026-09-30 00:00:00")
        )
        self.assertEqual(entry.reason, request.reason)
        self.assertEqual(entry.user_id, self.user_quality_officer)
        self.assertEqual(self.log._gsp_verify()["state"], "intact")

    def test_quality_officer_cannot_approve_their_own_unit_request(self):
        officer = self._make_user(
            "gsp_officer_store",
            "med_gsp_quality.group_gsp_quality_officer,med_device_stock.group_med_storekeeper",
        )
        request = self._request(officer)
        with self.assertRaisesRegex(UserError, re.escape(officer.name) + " cannot approve"):
            request.with_user(officer).action_approve()
        self.assertEqual(self.lot.expiration_date, self.expiry)
        request.with_user(self.user_quality_manager).action_approve()
        self.assertEqual(self.lot.expiration_date, datetime.datetime(2026, 9, 30))

    def test_only_identity_fields_are_requested(self):
        grade = self.env["ir.model.fields"]._get("stock.lot", "med_quality_grade")
        with self.assertRaisesRegex(
            ValidationError,
            "Quality Grade of .* is not changed through change requests; only .*Expiration Date",
        ):
            self._request(self.user_storekeeper, field=grade, new="qualified")
        udi = self.env["ir.model.fields"]._get("stock.lot", "med_serial")
        request = self._request(self.user_storekeeper, field=udi, new="AS-002")
        request.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(self.lot.med_serial, "AS-002")

    def test_every_system_change_of_a_device_unit_is_audited(self):
        created = self._entries(self.lot, "med_serial").filtered(lambda e: e.operation == "create")
        self.assertEqual(created.new_value, "AS-001")
        self.lot.with_user(self.user_storekeeper)._med_identity_write(
            {"med_mfr_lot": "MFR-B"}, reason="Lot read from the scanned UDI"
        )
        entry = self._entries(self.lot, "med_mfr_lot").filtered(lambda e: e.operation == "write")
        self.assertEqual(
            (entry.old_value, entry.new_value, entry.reason),
            ("MFR-A", "MFR-B", "Lot read from the scanned UDI"),
        )
        self.assertEqual(entry.user_id, self.user_storekeeper)
        # other fields of the unit, and ordinary lots, are not GSP data
        self.lot.write({"note": "<p>shelf 3</p>"})
        plain = self.env["product.product"].create(
            {"name": "Paper", "is_storable": True, "tracking": "lot"}
        )
        paper = self.env["stock.lot"].create({"name": "P1", "product_id": plain.id})
        paper.write({"name": "P2", "expiration_date": fields.Datetime.now()})
        self.assertFalse(self.log.search([("model", "=", "stock.lot"), ("res_id", "=", paper.id)]))
        self.assertFalse(
            self.log.search([("model", "=", "stock.lot"), ("field_name", "=", "note")])
        )
