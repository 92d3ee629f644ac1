from odoo import models


class MedEdiHandlerGainLossOut(models.AbstractModel):
    """Outbound gain/loss (损溢): the inventory adjustments of the consignor's stock in a
    period, with their reasons."""

    _name = "med.edi.handler.gain_loss.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Gain/Loss Sent"
    _edi_message_type = "gain_loss"
    _edi_direction = "out"

    def _edi_build(self, backend, date_from=None, date_to=None, period=None):
        move_lines = backend._edi_done_move_lines(
            date_from, date_to, [("move_id.is_inventory", "=", True)]
        )
        product_values = backend._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_move_line_values(move_line, product_values)
            gain = move_line.location_dest_id.usage == "internal"
            values.update(
                direction="gain" if gain else "loss",
                line_reason=(move_line.move_id.name or "")[:250] or None,
            )
            lines.append(values)
        header = backend._edi_header(note=self.env._("Period %(period)s", period=period))
        return header, lines
