from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _med_add_picked_quantity(self, quantity):
        """The picked quantity follows: stock_move_line_qty_picked validates a picked line
        with its ``qty_picked``, which a quantity written alone leaves behind (a lot
        scanned 20 times would be received once)."""
        result = super()._med_add_picked_quantity(quantity)
        if self.picked:
            self.qty_picked = self.quantity
        return result
