from dateutil.relativedelta import relativedelta
from odoo import fields
from odoo.addons.med_device_stock.tests.common import MedDeviceFlowCommon
from odoo.exceptions import UserError

from .common import GspQualityCommon


class TestRetention(GspQualityCommon, MedDeviceFlowCommon):
    """GSP records must be kept: purchase inspection and sales records until 2 years
    after the goods' expiry, 5 years at least; implantable devices' forever."""

    def test_inspection_record_of_an_implant_is_kept_forever(self):
        self._receive(self.stent, ["R1"])
        check = self.env["med.receipt.check"].search([], order="id desc", limit=1)
        self.assertEqual(check.state, "done")
        self.assertIsNone(check._gsp_keep_until(), "an implant's record is kept forever")
        # a done record is final anyway: nobody deletes it, retention or not
        with self.assertRaisesRegex(UserError, "is Done: it is final and cannot be deleted"):
            check.sudo().unlink()

    def test_inspection_record_kept_two_years_after_expiry(self):
        (lot,) = self._receive(self.catheter, 1, lot="C1")
        check = self.env["med.receipt.check"].search([], order="id desc", limit=1)
        expiry = lot.expiration_date.date()
        keep = max(check.date_done.date() + relativedelta(years=5), expiry + relativedelta(years=2))
        self.assertEqual(check._gsp_keep_until(), keep)
        with self.assertRaisesRegex(UserError, "is Done: it is final and cannot be deleted"):
            check.sudo().unlink()

    def _deliver(self, product, lot_name, expiry_days):
        """Sell and deliver one unit of a lot, then cancel the order (as one would
        before deleting it); GSP enforcement is off while doing so."""
        self.company.gsp_enforce = False
        lot = self.env["stock.lot"].create(
            {
                "name": lot_name,
                "product_id": product.id,
                "expiration_date": fields.Datetime.now() + relativedelta(days=expiry_days),
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, 5, lot_id=lot
        )
        order = self._sale(self.env["res.partner"].create({"name": "Ward Buyer"}), product)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": 1,
                            "location_id": picking.location_id.id,
                            "location_dest_id": picking.location_dest_id.id,
                        },
                    )
                ],
                "picked": True,
            }
        )
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        order._action_cancel()
        return order, lot

    def test_sales_record_of_regulated_goods_is_kept(self):
        product, _cert = self._regulated_product("Bone Screw", review=False)
        product.tracking = "lot"
        order, lot = self._deliver(product, "BS-1", expiry_days=400)
        self.company.gsp_enforce = True
        keep = max(
            order.date_order.date() + relativedelta(years=5),
            lot.expiration_date.date() + relativedelta(years=2),
        )
        with self.assertRaisesRegex(UserError, f"sales record kept until {keep}"):
            order.unlink()

    def test_other_sales_orders_are_deleted_as_in_odoo(self):
        """Unregulated goods, or a company that does not enforce GSP: Odoo's rules."""
        product = self.env["product.product"].create(
            {"name": "Office Paper", "is_storable": True, "tracking": "lot"}
        )
        order, _lot = self._deliver(product, "P-1", expiry_days=400)
        self.company.gsp_enforce = True
        order.unlink()
        self.assertFalse(order.exists())
        product, _cert = self._regulated_product("Bone Plate", review=False)
        product.tracking = "lot"
        order, _lot = self._deliver(product, "BP-1", expiry_days=400)
        self.company.gsp_enforce = False
        order.unlink()
        self.assertFalse(order.exists())
