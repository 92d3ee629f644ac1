from odoo import _, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for picking in self:
            role = {"incoming": "supplier", "outgoing": "customer"}.get(
                picking.picking_type_code
            )
            partner = picking.partner_id if role else picking.partner_id.browse()
            checker._gsp_check_business(
                partner, picking.move_ids.product_id,
                _("Transfer %(picking)s", picking=picking.name), role=role, raise_error=True,
            )  # fmt: skip

    def button_validate(self):
        self._gsp_check()
        return super().button_validate()
