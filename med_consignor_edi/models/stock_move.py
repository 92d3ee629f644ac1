from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._med_edi_bill_on_use()
        return moves

    def _med_edi_bill_on_use(self):
        """Units of a consignor used on a patient are bought from it: a purchase order
        line or a vendor bill line, by the consignor's backend configuration."""
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
            lambda ml: ml.state == "done" and ml.owner_id
            and ml.location_dest_id in patient_locations)
        if not lines:
            return
        backends = self.env["med.edi.backend"].sudo().search([
            ("partner_id", "in", lines.owner_id.ids), ("bill_on_use", "!=", "none"),
            ("company_id", "in", companies.ids),
        ])
        for backend in backends:
            backend._edi_bill_use(lines.filtered(lambda ml, b=backend: ml.owner_id == b.partner_id))
