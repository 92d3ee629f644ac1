from odoo import _, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for order in self:
            checker._gsp_check_business(
                order.partner_id, order.order_line.product_id,
                _("Purchase order %(order)s", order=order.name), role="supplier",
                raise_error=True,
            )  # fmt: skip
            checker._gsp_check_sales_authorisation(
                order.partner_id, order.order_line.product_id,
                _("Purchase order %(order)s", order=order.name), raise_error=True,
                region=order.company_id.gsp_region,
            )  # fmt: skip

    def button_confirm(self):
        self._gsp_check()
        return super().button_confirm()
