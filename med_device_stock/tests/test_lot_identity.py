"""A unit's identity and dates (issue 12, item 2): nobody writes them, the system changes
them through ``_med_identity_write``, which posts the change on the unit."""

import datetime
import re

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import MedDeviceFlowCommon


class TestLotIdentity(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.groups_id = [Command.link(cls.env.ref("med_device_stock.group_med_manager").id)]
        cls.other_stent = cls._make_device("Drug Stent", "695000000009", implantable=True)
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.unit = cls._receive(cls.stent, ["S1"], lot="MFR1")

    def _forged_values(self):
        """A new value for every protected field of the unit."""
        later = fields.Datetime.now() + datetime.timedelta(days=3000)
        return {
            "name": "FORGED-S1",
            "product_id": self.other_stent.id,
            "med_udi_raw": "(01)00000000000000(21)FORGED",
            "med_di": "00000000000000",
            "med_mfr_lot": "FORGED",
            "med_serial": "FORGED",
            "med_manufactured_date": "2001-01-01",
            "expiration_date": later,
            "use_date": later,
            "removal_date": later,
            "alert_date": later,
        }

    def _identity(self, lot):
        lot.invalidate_recordset()
        return {fname: lot[fname] for fname in self._forged_values()}

    # ------------------------------------------------------------------ refused
    def test_every_role_is_refused_on_every_field(self):
        before = self._identity(self.unit)
        roles = {
            "department user": self.user_department,
            "storekeeper": self.user_storekeeper,
            "manager": self.user_manager,
            "administrator": self.admin,
        }
        for role, user in roles.items():
            lot = self.unit.with_user(user)
            for fname, value in self._forged_values().items():
                label = self.unit._fields[fname].string
                with (
                    self.subTest(role=role, field=fname),
                    self.assertRaisesRegex(
                        UserError,
                        rf"^{re.escape(label)} of Coronary Stent unit S1 cannot be changed",
                    ),
                ):
                    lot.write({fname: value})
        self.assertEqual(self._identity(self.unit), before, "nothing was written")

    def test_the_refusal_names_every_field_given(self):
        with self.assertRaisesRegex(
            UserError, r"Expiration Date, Removal Date of Coronary Stent unit S1"
        ):
            self.unit.write(
                {
                    "expiration_date": fields.Datetime.now() + datetime.timedelta(days=9),
                    "removal_date": fields.Datetime.now() + datetime.timedelta(days=9),
                    "med_certificate_number": "CoC-9",
                }
            )
        self.assertEqual(self.unit.med_certificate_number, "CoC-001")

    def test_a_forged_token_in_the_context_is_refused(self):
        """The token is an object: no JSON-RPC context (strings, numbers) equals it."""
        for token in (True, 1, "1", "IDENTITY_WRITE"):
            with (
                self.subTest(token=token),
                self.assertRaisesRegex(
                    UserError, r"Manufacturer Lot of Coronary Stent unit S1 cannot be changed"
                ),
            ):
                self.unit.with_user(self.admin).with_context(med_identity_write=token).write(
                    {"med_mfr_lot": "FORGED"}
                )
        self.assertEqual(self.unit.med_mfr_lot, "MFR1")

    def test_writing_the_value_the_unit_has_is_not_a_change(self):
        """A form saves its read-only product again (force_save): nothing changes."""
        self.unit.write(
            {
                "product_id": self.stent.id,
                "name": "S1",
                "med_mfr_lot": "MFR1",
                "med_certificate_number": "CoC-002",
            }
        )
        self.assertEqual(self.unit.med_certificate_number, "CoC-002")

    def test_units_are_still_created_with_their_data(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "S77",
                "product_id": self.stent.id,
                "med_mfr_lot": "MFR7",
                "med_serial": "S77",
                "med_di": "06950000000012",
                "expiration_date": fields.Datetime.now() + datetime.timedelta(days=400),
            }
        )
        self.assertEqual((lot.name, lot.med_mfr_lot), ("S77", "MFR7"))

    def test_a_plain_lot_keeps_odoo_behaviour(self):
        product = (
            self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": "Paper towels",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                }
            )
        )
        lot = self.env["stock.lot"].create({"name": "P1", "product_id": product.id})
        later = fields.Datetime.now() + datetime.timedelta(days=99)
        lot.write({"name": "P2", "expiration_date": later})
        self.assertEqual((lot.name, lot.expiration_date), ("P2", later))

    # ------------------------------------------------------------------ the system
    def test_the_system_path_writes_and_posts_old_and_new_values(self):
        old_expiry = self.unit.expiration_date
        new_expiry = datetime.datetime(2031, 6, 30)
        self.unit._med_identity_write(
            {"expiration_date": new_expiry, "med_mfr_lot": "MFR1B"},
            reason="change request CR-7 approved by quality",
        )
        self.assertEqual((self.unit.expiration_date, self.unit.med_mfr_lot), (new_expiry, "MFR1B"))
        message = self.unit.sudo().message_ids[:1]
        body = message.body
        self.assertIn("change request CR-7 approved by quality", body)
        self.assertIn("Manufacturer Lot: MFR1 → MFR1B", body)
        self.assertIn(
            f"Expiration Date: {fields.Datetime.to_string(old_expiry)} → 2031-06-30 00:00:00", body
        )
        self.assertEqual(message.author_id, self.user_storekeeper.partner_id)
        tracked = message.sudo().tracking_value_ids.field_id.mapped("name")
        self.assertIn("expiration_date", tracked)
        self.assertIn("med_mfr_lot", tracked)

    def test_a_superuser_write_is_recorded_on_the_unit(self):
        self.unit.sudo().write({"med_mfr_lot": "MFR1C", "med_certificate_number": "CoC-3"})
        self.assertEqual(
            (self.unit.med_mfr_lot, self.unit.med_certificate_number), ("MFR1C", "CoC-3")
        )
        body = self.unit.sudo().message_ids[:1].body
        self.assertIn("superuser mode", body)
        self.assertIn("Manufacturer Lot: MFR1 → MFR1C", body)

    def test_an_expired_unit_stays_unissuable(self):
        self.unit._med_identity_write(
            {"expiration_date": fields.Datetime.now() - datetime.timedelta(days=1)},
            reason="the manufacturer's notice of a shorter shelf life",
        )
        self.assertEqual(self.unit.med_state, "expired")
        later = fields.Datetime.now() + datetime.timedelta(days=365)
        for user in (self.user_storekeeper, self.user_manager, self.admin):
            for fname in ("expiration_date", "use_date", "removal_date", "alert_date"):
                with (
                    self.subTest(user=user.login, field=fname),
                    self.assertRaisesRegex(UserError, r"Coronary Stent unit S1 cannot be changed"),
                ):
                    self.unit.with_user(user).write({fname: later})
        self.assertEqual(self.unit.med_state, "expired")
        result = self._issue(self.unit)
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], r"Coronary Stent unit S1 expired on")
        # only the system's path (a correction quality approved) gives it back its expiry
        self.unit._med_identity_write(
            {"expiration_date": later}, reason="change request CR-8 approved by quality"
        )
        self.assertEqual(self.unit.med_state, "in_stock")
        result = self._issue(self.unit)
        self.assertTrue(result["ok"], result["message"])

    def test_the_device_form_shows_identity_read_only(self):
        form = Form(self.unit.with_user(self.user_manager))
        for fname in ("name", "product_id", "expiration_date", "med_mfr_lot"):
            with (
                self.subTest(field=fname),
                self.assertRaisesRegex(AssertionError, "read-only|readonly"),
            ):
                setattr(form, fname, self.other_stent if fname == "product_id" else "X")
