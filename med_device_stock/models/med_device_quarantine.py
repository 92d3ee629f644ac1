from odoo import _, fields, models
from odoo.exceptions import UserError


class MedDeviceQuarantine(models.Model):
    """A unit put aside in the quarantine location, with the reason."""

    _name = "med.device.quarantine"
    _inherit = ["med.device.operation.mixin", "mail.thread"]
    _description = "Device Quarantine"
    _order = "id desc"
    _med_sequence_code = "med.device.quarantine"

    lot_id = fields.Many2one("stock.lot", string="Unit", check_company=True, index=True,
                             domain="[('product_id.med_is_device', '=', True)]")
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    quantity = fields.Float(default=1.0, required=True)
    reason = fields.Text(required=True)
    released = fields.Boolean(readonly=True, copy=False)

    def _med_scan_context(self):
        self.ensure_one()
        return {"document_id": self.id, "reason": self.reason}

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_draft()
        return self.env["med.scan.wizard"]._open_for(self, "quarantine")

    def _med_check(self, operation):
        Scan = self.env["med.device.scan"]
        scan = Scan._med_scan_dict(operation, self.product_id, self.lot_id, self.quantity,
                                   document=self)
        scan["validating"] = True
        problems = Scan._check_scan(scan)
        if problems:
            raise UserError("\n".join(problems))

    def action_done(self):
        self._med_check_draft()
        for record in self:
            if not record.lot_id:
                raise UserError(_("Scan or select the unit of %(document)s.",
                                  document=record.display_name))
            record._med_check("quarantine")
            record._med_move_units(
                [(record.lot_id, record.quantity)],
                record.company_id._med_quarantine_location(),
                record._med_event_info("quarantine", department_id=False, note=record.reason),
            )
            record._med_mark_done()
        return True

    def action_release(self):
        """Back to the store: the unit was found fit for use."""
        for record in self:
            if record.state != "done" or record.released or \
                    record.lot_id.med_state != "quarantined":
                raise UserError(_("%(document)s: the unit is not in quarantine.",
                                  document=record.display_name))
            record._med_move_units(
                [(record.lot_id, record.quantity)],
                record.company_id._med_warehouse().lot_stock_id,
                record._med_event_info("release", department_id=False),
            )
            record.released = True
        return True
