from odoo import fields, models

#: the consignor's answer to an order (EANCOM ORDRSP BGM 1225), as medtrace reads it
ORDER_RESPONSES = [
    ("accepted", "Accepted"),
    ("changed", "Changed"),
    ("not_accepted", "Not accepted"),
]


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "med.edi.consumer.mixin"]

    med_edi_response = fields.Selection(
        ORDER_RESPONSES,
        string="Consignor's Response",
        readonly=True,
        copy=False,
        help="The last order response (ORDRSP) of the consignor to this order. Its "
        "quantities are not changed by it: the buyer decides.",
    )
    med_edi_response_date = fields.Date(
        string="Response Date",
        readonly=True,
        copy=False,
        help="The date of the consignor's last order response.",
    )
