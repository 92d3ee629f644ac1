from odoo import fields, models

#: a line of an order response (EANCOM ORDRSP LIN 1229), as medtrace reads it
LINE_ACTIONS = [
    ("accepted", "Accepted"),
    ("changed", "Changed"),
    ("not_accepted", "Not accepted"),
    ("added", "Added"),
    ("deleted", "Deleted"),
]


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    med_edi_line_action = fields.Selection(
        LINE_ACTIONS,
        string="Consignor's Answer",
        readonly=True,
        copy=False,
        help="What the consignor's last order response said of this line.",
    )
    med_edi_confirmed_qty = fields.Float(
        string="Confirmed Quantity",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="The quantity the consignor's last order response confirms for this line.",
    )
