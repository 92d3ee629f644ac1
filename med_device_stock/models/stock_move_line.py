from odoo import fields, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # Odoo does not index the unit of a move line: tracing units (recall impact, count
    # reconciliation, Odoo's own traceability report) reads their move lines by lot and
    # must stay fast with millions of move lines.
    lot_id = fields.Many2one(index="btree_not_null")
