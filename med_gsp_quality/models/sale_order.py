from odoo import _, api, fields, models

from .gsp_retention import check_retention, keep_until


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for order in self:
            checker._gsp_check_business(
                order.partner_id | order.partner_shipping_id,
                order.order_line.product_id,
                _("Sales order %(order)s", order=order.name),
                role="customer",
                raise_error=True,
            )

    def action_confirm(self):
        self._gsp_check()
        return super().action_confirm()

    @api.ondelete(at_uninstall=False)
    def _unlink_gsp_retention(self):
        """A sales order that delivered regulated goods is a GSP sales record: kept until
        2 years after their expiry, 5 years at least (implantable devices: forever)."""
        today = fields.Date.context_today(self)
        checker = self.env["gsp.qualification"]
        for order in self.filtered(lambda o: o.company_id.gsp_enforce):
            delivered = order.order_line.move_ids.filtered(
                lambda m: m.state == "done"
            ).move_line_ids
            regulated = checker._gsp_regulated_products(delivered.product_id)
            items = [
                (
                    line.product_id.product_tmpl_id,
                    line.lot_id.expiration_date and line.lot_id.expiration_date.date(),
                )
                for line in delivered
                if line.product_id in regulated
            ]
            if items:
                check_retention(
                    order, keep_until(order.date_order.date(), items), today, _("sales record")
                )
