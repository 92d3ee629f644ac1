from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class MedReceiptCheckLine(models.Model):
    """One accepted unit (or lot quantity) of a receipt check, with what GSP requires to
    be recorded: product, model and specification, registration number, lot/serial,
    dates, manufacturer, supplier, quantities, result, inspector and time."""

    _name = "med.receipt.check.line"
    _inherit = ["med.document.line.mixin"]
    _med_document_field = "check_id"
    _description = "Device Receipt Check Line"
    _order = "check_id, id"
    _check_company_auto = True
    _med_system_fields = ("inspector_id", "check_date", "result", "reject_reason")

    check_id = fields.Many2one("med.receipt.check", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="check_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    product_model = fields.Char(string="Model", readonly=True)
    product_specification = fields.Char(string="Specification", readonly=True)
    registration_number = fields.Char(readonly=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        readonly=True,
        check_company=True,
        index=True,
        help="The unit entered into stock (empty for a rejected unit never received).",
    )
    udi_raw = fields.Char(string="UDI", readonly=True)
    mfr_lot = fields.Char(string="Manufacturer Lot", readonly=True)
    serial = fields.Char(string="Serial Number", readonly=True)
    manufactured_date = fields.Date(string="Manufacturing Date", readonly=True)
    expiry_date = fields.Date(readonly=True)
    manufacturer_id = fields.Many2one("res.partner", readonly=True)
    supplier_id = fields.Many2one("res.partner", readonly=True)
    certificate_number = fields.Char(string="Certificate of Conformity No.", readonly=True)
    quantity_arrived = fields.Float(readonly=True)
    quantity_accepted = fields.Float(readonly=True)
    result = fields.Selection(
        [("accepted", "Accepted"), ("rejected", "Rejected")],
        default="accepted",
        required=True,
        readonly=True,
    )
    reject_reason = fields.Char(string="Rejection Reason", readonly=True)
    inspector_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    check_date = fields.Datetime(string="Checked On", readonly=True, default=fields.Datetime.now)

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            given = [fname for fname in ("inspector_id", "check_date") if vals.get(fname)]
            if given:
                raise UserError(
                    _(
                        "%(fields)s of a receipt check line are set by the system: leave them "
                        "out (given: %(values)s).",
                        fields=", ".join(self._fields[f].string for f in given),
                        values=", ".join(f"{self._fields[f].string} = {vals[f]}" for f in given),
                    )
                )
            vals["inspector_id"] = self.env.uid
            vals["check_date"] = now
        return super().create(vals_list)

    @api.constrains("result", "lot_id", "reject_reason")
    def _check_result(self):
        for line in self:
            if line.result == "accepted" and not line.lot_id:
                raise ValidationError(
                    _(
                        "The accepted %(product)s of %(check)s needs its unit.",
                        product=line.product_id.display_name,
                        check=line.check_id.display_name,
                    )
                )
            if line.result == "rejected" and not (line.reject_reason or "").strip():
                raise ValidationError(
                    _(
                        "The rejected %(product)s of %(check)s needs the reason of the rejection.",
                        product=line.product_id.display_name,
                        check=line.check_id.display_name,
                    )
                )

    def write(self, vals):
        forbidden = set(vals) & set(self._med_system_fields)
        if forbidden:
            raise UserError(
                _(
                    "%(fields)s of a receipt check are set by the system and cannot be changed.",
                    fields=", ".join(self._fields[f].string for f in sorted(forbidden)),
                )
            )
        return super().write(vals)

    def _med_move(self):
        self.ensure_one()
        return self.check_id.picking_id.move_ids.filtered(
            lambda m: m.product_id == self.product_id and m.state not in ("done", "cancel")
        )[:1]

    def _med_assign_move_line(self):
        """Give the accepted unit to the picking: a move line with its lot (replacing the
        lines Odoo prepared without a lot)."""
        MoveLine = self.env["stock.move.line"].sudo()
        for line in self.filtered(lambda rec: rec.result == "accepted"):
            move = line._med_move()
            move.move_line_ids.filtered(lambda ml: not ml.lot_id and not ml.lot_name).unlink()
            existing = move.move_line_ids.filtered(lambda ml, lot=line.lot_id: ml.lot_id == lot)
            if existing:
                existing[0]._med_add_picked_quantity(line.quantity_accepted)
                continue
            MoveLine.create(
                {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": line.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity_accepted,
                    "picked": True,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "company_id": move.company_id.id,
                }
            )
            move.picked = True

    def _med_unassign_move_line(self):
        for line in self.filtered(lambda rec: rec.result == "accepted"):
            move = line._med_move()
            for ml in move.move_line_ids.filtered(lambda ml, lot=line.lot_id: ml.lot_id == lot):
                if ml.quantity > line.quantity_accepted:
                    ml.sudo()._med_add_picked_quantity(-line.quantity_accepted)
                else:
                    ml.sudo().unlink()
