from odoo import api, fields, models


class MedEdiReconciliationLine(models.Model):
    _name = "med.edi.reconciliation.line"
    _description = "Consignor Stock Reconciliation Line"
    _order = "reconciliation_id, status desc, product_id, lot_name"

    reconciliation_id = fields.Many2one(
        "med.edi.reconciliation", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True)
    lot_name = fields.Char(string="Lot / Serial")
    line = fields.Integer(string="Statement Line")
    our_quantity = fields.Float(digits="Product Unit of Measure")
    their_quantity = fields.Float(string="Consignor Quantity", digits="Product Unit of Measure")
    difference = fields.Float(
        compute="_compute_difference",
        store=True,
        digits="Product Unit of Measure",
        help="Our quantity minus the consignor's.",
    )
    our_expiry = fields.Date()
    their_expiry = fields.Date(string="Consignor Expiry")
    status = fields.Selection(
        [
            ("match", "Match"),
            ("missing_here", "Missing here"),
            ("missing_there", "Missing at the consignor"),
            ("quantity", "Quantity differs"),
            ("expiry", "Expiry differs"),
        ],
        required=True,
    )

    @api.depends("our_quantity", "their_quantity")
    def _compute_difference(self):
        for line in self:
            line.difference = line.our_quantity - line.their_quantity
