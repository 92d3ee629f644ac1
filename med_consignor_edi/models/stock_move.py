from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    med_edi_lot_id = fields.Many2one(
        "stock.lot",
        string="Lot Ordered",
        readonly=True,
        copy=False,
        check_company=True,
        help="The lot or serial number the consignor's order names: only it is reserved "
        "(or received).",
    )

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._med_edi_bill_on_use()
        return moves

    def _med_edi_owner(self):
        """The owner whose quants a consignor's order may take (None: any)."""
        self.ensure_one()
        if self.restrict_partner_id and self.picking_id.med_edi_backend_id:
            return self.restrict_partner_id
        return None

    def _update_reserved_quantity(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        # a consignor's order reserves its own stock, of the lot it names
        if not strict and (self.med_edi_lot_id or self.restrict_partner_id):
            lot_id = lot_id or self.med_edi_lot_id or None
            owner_id = owner_id or self._med_edi_owner()
        return super()._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _prepare_move_line_vals(self, quantity=None, reserved_quant=None):
        vals = super()._prepare_move_line_vals(quantity=quantity, reserved_quant=reserved_quant)
        # receipts reserve nothing: the lot ordered is written on the line to receive
        if self.med_edi_lot_id and not vals.get("lot_id"):
            vals["lot_id"] = self.med_edi_lot_id.id
        return vals

    def _med_edi_bill_on_use(self):
        """Units of a consignor used on a patient are bought from it: a purchase order
        line or a vendor bill line, by the consignor's backend configuration; the units
        then are the hospital's."""
        companies = self.company_id
        if "med_patient_location_id" not in companies._fields:
            return
        patient_locations = companies.med_patient_location_id
        if not patient_locations:
            return
        # most moves never reach a patient: no further query for them
        used = self.filtered(lambda move: move.location_dest_id in patient_locations)
        if not used:
            return
        lines = used.move_line_ids.filtered(
            lambda ml: (
                ml.state == "done" and ml.owner_id and ml.location_dest_id in patient_locations
            )
        )
        if not lines:
            return
        backends = (
            self.env["med.edi.backend"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", lines.owner_id.ids),
                    ("bill_on_use", "!=", "none"),
                    ("company_id", "in", companies.ids),
                ]
            )
        )
        for backend in backends:
            backend._edi_bill_use(lines.filtered(lambda ml, b=backend: ml.owner_id == b.partner_id))
        lines._med_edi_take_ownership()
