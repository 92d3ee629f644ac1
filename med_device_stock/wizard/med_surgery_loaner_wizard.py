import datetime

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class MedSurgeryLoanerWizard(models.TransientModel):
    """Receive Loaner Set (跟台): the supplier, then its units, scanned (UDI) or typed in
    (product, lot or serial, expiry) for those without UDI; *Receive* records them all
    at once through the receipt check (``med.surgery.loaner.set._med_receive``)."""

    _name = "med.surgery.loaner.wizard"
    _description = "Receive Loaner Set"

    case_id = fields.Many2one("med.surgery.case", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Supplier", required=True, domain=[("is_company", "=", True)]
    )
    certificate_number = fields.Char(string="Certificate of Conformity No.", required=True)
    barcode = fields.Char(string="UDI", help="Scan each unit's UDI: it is added below.")
    line_ids = fields.One2many("med.surgery.loaner.wizard.line", "wizard_id", string="Units")

    @api.onchange("barcode")
    def _onchange_barcode(self):
        if self.barcode:
            self.line_ids = [Command.create({"udi_raw": self.barcode.strip()})]
            self.barcode = False

    def action_add_scan(self):
        """The UDI scanned added to the units (button next to the field)."""
        self.ensure_one()
        if self.barcode:
            self.write(
                {"line_ids": [Command.create({"udi_raw": self.barcode.strip()})], "barcode": False}
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Receive Loaner Set"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_receive(self):
        self.ensure_one()
        units = [line._med_unit() for line in self.line_ids]
        loaner = self.env["med.surgery.loaner.set"]._med_receive(
            self.case_id, self.partner_id, units, self.certificate_number
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "med.surgery.case",
            "res_id": loaner.case_id.id,
            "view_mode": "form",
            "target": "current",
        }


class MedSurgeryLoanerWizardLine(models.TransientModel):
    _name = "med.surgery.loaner.wizard.line"
    _description = "Receive Loaner Set: Unit"

    wizard_id = fields.Many2one("med.surgery.loaner.wizard", required=True, ondelete="cascade")
    udi_raw = fields.Char(string="UDI", help="The UDI scanned (empty: a unit without UDI).")
    product_id = fields.Many2one("product.product", domain=[("med_is_device", "=", True)])
    lot_name = fields.Char(string="Lot")
    serial = fields.Char(string="Serial Number")
    expiry_date = fields.Date()
    quantity = fields.Float(default=1.0)

    def _med_unit(self):
        """The unit as ``_med_receive`` takes it."""
        self.ensure_one()
        if self.udi_raw:
            return {"raw": self.udi_raw}
        if not self.product_id:
            raise UserError(_("A unit without UDI needs its product, lot or serial and expiry."))
        expiry = self.expiry_date
        if isinstance(expiry, datetime.datetime):
            expiry = expiry.date()
        return {
            "product": self.product_id,
            "lot": self.lot_name,
            "serial": self.serial,
            "expiry": expiry,
            "quantity": self.quantity,
        }
