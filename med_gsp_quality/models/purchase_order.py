from odoo import _, api, fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    gsp_sales_rep_id = fields.Many2one(
        "gsp.qualification",
        string="Sales Representative",
        check_company=True,
        copy=False,
        tracking=True,
        domain="[('doc_type', '=', 'sales_authorisation'), ('state', '=', 'approved'), "
        "('partner_id', 'parent_of', partner_id)]",
        help="The supplier's authorised sales representative (销售人员) the order was placed "
        "with: at confirmation their authorisation must be in force and cover the order's "
        "products and the company's region.",
    )

    @api.onchange("partner_id")
    def _onchange_partner_gsp_sales_rep(self):
        """The supplier's only approved representative, when it has just one."""
        reps = (
            self.env["gsp.qualification"].search(
                [
                    ("doc_type", "=", "sales_authorisation"),
                    ("state", "=", "approved"),
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                limit=2,
            )
            if self.partner_id
            else self.env["gsp.qualification"]
        )
        if self.gsp_sales_rep_id not in reps:
            self.gsp_sales_rep_id = reps if len(reps) == 1 else False

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for order in self:
            label = _("Purchase order %(order)s", order=order.name)
            checker._gsp_check_business(
                order.partner_id,
                order.order_line.product_id,
                label,
                role="supplier",
                raise_error=True,
            )
            checker._gsp_check_sales_authorisation(
                order.partner_id,
                order.order_line.product_id,
                label,
                raise_error=True,
                region=order.company_id.gsp_region,
                representative=order.gsp_sales_rep_id,
                required=order.company_id.gsp_require_sales_rep,
            )

    def button_confirm(self):
        self._gsp_check()
        return super().button_confirm()
