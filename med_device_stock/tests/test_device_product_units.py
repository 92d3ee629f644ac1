"""A device product with units stays a device tracked as it was: else its hand-made
units (lots without a device identifier) would lose the protection of their identity."""

from odoo.exceptions import UserError

from .common import MedDeviceStockCommon


class TestDeviceProductUnits(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.catheter = cls._make_device("IV Catheter", "695000000202")
        cls.stent = cls._make_device("Coronary Stent", "695000000201", implantable=True)
        # units made by hand, as a stock user does in Odoo: no device identifier
        cls.lots = cls.env["stock.lot"].create(
            [
                {"name": name, "product_id": cls.catheter.id, "company_id": cls.company.id}
                for name in ("CATH-A", "CATH-B")
            ]
        )

    def test_nobody_unticks_medical_device_on_a_product_with_units(self):
        for user in (self.user_manager, self.admin):
            template = self.catheter.product_tmpl_id.with_user(user)
            with self.assertRaisesRegex(
                UserError, r"IV Catheter has 2 units: it stays a medical device"
            ):
                template.write({"med_is_device": False})
            # through the variant too
            with self.assertRaisesRegex(UserError, r"IV Catheter has 2 units"):
                self.catheter.with_user(user).write({"med_is_device": False})
            # the refused write's values left in the cache are dropped, as a request's
            # rollback does
            self.env.invalidate_all()
            self.assertTrue(template.med_is_device)
            self.assertTrue(self.catheter.med_is_device)
        # the units keep their protection
        with self.assertRaisesRegex(UserError, r"Lot/Serial Number of IV Catheter unit CATH-A"):
            self.lots[0].with_user(self.user_manager).write({"name": "CATH-Z"})

    def test_nobody_changes_the_tracking_of_a_device_with_units(self):
        for user in (self.user_manager, self.admin):
            template = self.catheter.product_tmpl_id.with_user(user)
            with self.assertRaisesRegex(
                UserError,
                r"IV Catheter has 2 units: its tracking \(By Lots\) cannot be changed",
            ):
                template.write({"med_implantable": True, "tracking": "serial"})
            self.assertEqual(template.tracking, "lot")
            self.assertFalse(template.med_implantable)

    def test_a_device_without_units_is_changed_freely(self):
        template = self.stent.product_tmpl_id.with_user(self.user_manager)
        template.write({"med_implantable": False, "tracking": "lot"})
        self.assertEqual(template.tracking, "lot")
        template.write({"med_is_device": False})
        self.assertFalse(template.med_is_device)
        # writing the values a device with units already has changes nothing
        self.catheter.product_tmpl_id.with_user(self.admin).write(
            {"med_is_device": True, "tracking": "lot", "name": "IV Catheter 22G"}
        )
        self.assertEqual(self.catheter.name, "IV Catheter 22G")

    def test_ordinary_products_keep_odoo_behaviour(self):
        product = self.env["product.product"].create(
            {"name": "Gauze", "type": "consu", "is_storable": True, "tracking": "lot"}
        )
        self.env["stock.lot"].create({"name": "G1", "product_id": product.id})
        product.product_tmpl_id.with_user(self.user_manager).write({"tracking": "none"})
        self.assertEqual(product.tracking, "none")
