from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedReceiptCheck(models.Model):
    """Acceptance of device units against a purchase order's incoming shipment (GSP)."""

    _name = "med.receipt.check"
    _inherit = ["med.device.operation.mixin", "mail.thread"]
    _description = "Device Receipt Check"
    _order = "id desc"
    _med_sequence_code = "med.receipt.check"

    picking_id = fields.Many2one(
        "stock.picking",
        string="Receipt",
        required=True,
        check_company=True,
        index=True,
        domain="[('picking_type_code', '=', 'incoming'), ('state', 'not in', ('done', 'cancel'))]",
    )
    purchase_id = fields.Many2one(
        "purchase.order", string="Purchase Order", related="picking_id.purchase_id", store=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Supplier", related="picking_id.partner_id", store=True
    )
    line_ids = fields.One2many("med.receipt.check.line", "check_id", string="Checked Units")
    user_id = fields.Many2one(string="Inspector")
    date_done = fields.Datetime(string="Checked On")

    @api.model
    def _med_for_picking(self, picking):
        """The draft check of ``picking``, created when there is none."""
        check = self.search([("picking_id", "=", picking.id), ("state", "=", "draft")], limit=1)
        return check or self.create({"picking_id": picking.id, "company_id": picking.company_id.id})

    def _med_scan_context(self):
        self.ensure_one()
        return {"picking_id": self.picking_id.id, "document_id": self.id}

    def action_open_scan_wizard(self):
        self.ensure_one()
        return self.env["med.scan.wizard"]._open_for(self, "receipt")

    def action_done(self):
        """Validate the receipt: the accepted units enter stock through the picking.  A
        check that only rejected units is closed without touching the picking (it stays
        open for a new delivery)."""
        self._med_check_draft()
        for check in self:
            if not check.line_ids:
                raise UserError(_("%(check)s has no accepted unit.", check=check.display_name))
            if not check.line_ids.filtered(lambda line: line.result == "accepted"):
                check._med_mark_done()
                continue
            picking = check.picking_id
            picking.with_context(
                skip_backorder=True,
                med_event=check._med_event_info("receipt", partner_id=check.partner_id.id),
            ).button_validate()
            if picking.state != "done":
                raise UserError(
                    _("The receipt %(picking)s could not be validated.", picking=picking.name)
                )
            check._med_mark_done()
        return True

    def action_cancel(self):
        self.check_access("write")
        self._med_check_draft()
        self.line_ids._med_unassign_move_line()
        return super().action_cancel()

    def _med_correction_refusal(self):
        return _(
            "a receipt check records what arrived and was inspected. Units received by "
            "mistake go back to the supplier by a return of the receipt (Return on the "
            "receipt, then their timeline shows it); a wrong unit datum (expiry, lot, "
            "UDI) is corrected by a change request of the unit."
        )
