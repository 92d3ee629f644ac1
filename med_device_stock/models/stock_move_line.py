from odoo import fields, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # Odoo does not index the unit of a move line: tracing units (recall impact, count
    # reconciliation, Odoo's own traceability report) reads their move lines by lot and
    # must stay fast with millions of move lines.
    lot_id = fields.Many2one(index="btree_not_null")

    def _med_add_picked_quantity(self, quantity):
        """Add ``quantity`` (negative: take it off) to this picked line, as a receipt scan
        does for a unit scanned again.  Extension point for modules that keep a picked
        quantity of their own (OCA ``stock_move_line_qty_picked``: glue
        ``med_device_stock_qty_picked``)."""
        self.ensure_one()
        self.quantity += quantity
