from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for order in self:
            checker._gsp_check_business(
                order.partner_id | order.partner_shipping_id, order.order_line.product_id,
                _("Sales order %(order)s", order=order.name), role="customer",
                raise_error=True,
            )  # fmt: skip

    def action_confirm(self):
        self._gsp_check()
        return super().action_confirm()
