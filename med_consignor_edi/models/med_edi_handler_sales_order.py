from odoo import models


class MedEdiHandlerSalesOrderIn(models.AbstractModel):
    """Inbound sales order (销售订单): the consignor's goods shipped from our stock to its
    customer (a hospital named by its reference)."""

    _name = "med.edi.handler.sales_order.in"
    _inherit = ["med.edi.handler.transfer"]
    _description = "Consignor EDI: Sales Order Received"
    _edi_message_type = "sales_order"
    _edi_direction = "in"
    _edi_outgoing = True
