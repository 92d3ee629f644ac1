"""Installing the suite must not lock users of standard Odoo out of their forms.

A salesperson, a purchaser or a storekeeper without any Medical Devices group
opens the product, partner, lot, order and transfer forms exactly as the web
client does (the form view for that user, then web_read of its fields): none
of the fields the addons add to those forms may raise an access error.
"""

from odoo.addons.med_device_stock.tests.common import open_form
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCoreFormsStayOpen(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.partner = env["res.partner"].create({"name": "Plain Customer Ltd"})
        cls.product = env["product.product"].create(
            {"name": "Plain Widget", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = env["stock.lot"].create({"name": "LOT-PLAIN-1", "product_id": cls.product.id})
        cls.purchase = env["purchase.order"].create(
            {
                "partner_id": cls.partner.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_qty": 2})],
            }
        )
        salesperson = new_test_user(env, "plain_sales", "sales_team.group_sale_salesman")
        cls.sale = env["sale.order"].create(
            {
                "user_id": salesperson.id,
                "partner_id": cls.partner.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1})],
            }
        )
        cls.picking = env["stock.picking"].create(
            {
                "picking_type_id": env.ref("stock.picking_type_in").id,
                "partner_id": cls.partner.id,
            }
        )
        cls.users = {
            "salesperson": salesperson,
            "purchaser": new_test_user(env, "plain_purchase", "purchase.group_purchase_user"),
            "stock user": new_test_user(env, "plain_stock", "stock.group_stock_user"),
            "inventory admin": new_test_user(
                env, "plain_stock_admin", "stock.group_stock_manager,base.group_system"
            ),
        }

    def _open_form(self, user, record):
        return open_form(self.env, user, record)

    def test_standard_users_open_standard_forms(self):
        cases = {
            "salesperson": [self.partner, self.product.product_tmpl_id, self.sale],
            "purchaser": [self.partner, self.product.product_tmpl_id, self.purchase],
            # (stock_account's lot valuation is shown to inventory managers only)
            "stock user": [self.product.product_tmpl_id, self.lot, self.picking],
            "inventory admin": [self.product.product_tmpl_id, self.product, self.lot, self.picking],
        }
        for role, records in cases.items():
            for record in records:
                try:
                    values = self._open_form(self.users[role], record)
                except AccessError as error:
                    self.fail(f"the {role} cannot open the {record._name} form: {error}")
                self.assertEqual(values[0]["id"], record.id)

    def test_device_fields_are_not_shown_to_them(self):
        """The device page is for Medical Devices users; others don't get its fields."""
        view = (
            self.env["product.template"]
            .with_user(self.users["purchaser"])
            .get_views([(False, "form")])
        )
        self.assertNotIn("med_udi_di_ids", view["views"]["form"]["arch"])
