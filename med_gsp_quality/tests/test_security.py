from odoo.exceptions import AccessError

from .common import GspQualityCommon


class TestSecurity(GspQualityCommon):
    def test_quality_manager_is_a_quality_officer(self):
        self.assertTrue(
            self.user_quality_manager.has_group("med_gsp_quality.group_gsp_quality_officer")
        )
        self.assertFalse(
            self.user_quality_officer.has_group("med_gsp_quality.group_gsp_quality_manager")
        )

    def test_storekeeper_is_not_quality_staff(self):
        self.assertFalse(
            self.user_storekeeper.has_group("med_gsp_quality.group_gsp_quality_officer")
        )

    def test_others_create_plain_products_but_not_gsp_data(self):
        """A stock manager creates products as in standard Odoo (GSP fields keep their
        defaults), but cannot set GSP master data: that goes through quality."""
        manager = self._make_user(
            "gsp_stock_manager", "stock.group_stock_manager,base.group_system"
        )
        products = self.env["product.product"].with_user(manager)
        product = products.create({"name": "Plain gauze", "type": "consu"})
        self.assertEqual(product.gsp_kind, "device")
        with self.assertRaisesRegex(AccessError, "Only quality staff may change"):
            products.create({"name": "Aspirin", "type": "consu", "gsp_kind": "drug"})
        with self.assertRaisesRegex(AccessError, "Only quality staff may change"):
            product.product_tmpl_id.with_user(manager).write({"gsp_kind": "drug"})
