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
    med_surgery_case_id = fields.Many2one(
        "med.surgery.case",
        string="Replenishes Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The surgery case whose use of consignment units this order asks the "
        "consignor to replenish: its receipt is the consignor's stock.",
    )

    def button_confirm(self):
        result = super().button_confirm()
        # a replenishment of consignment stock is received as the consignor's, as the
        # consignor's own orders are (bought on use again)
        for order in self.filtered(lambda o: o.med_surgery_case_id and o.med_edi_backend_id):
            order.picking_ids.sudo().filtered(lambda p: p.state not in ("done", "cancel")).write(
                {"owner_id": order.med_edi_backend_id.partner_id.id}
            )
        return result
