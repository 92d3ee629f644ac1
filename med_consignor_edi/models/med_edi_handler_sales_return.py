from odoo import models


class MedEdiHandlerSalesReturnIn(models.AbstractModel):
    """Inbound sales return (销售退货): the consignor's goods received back from its
    customer into our stock."""

    _name = "med.edi.handler.sales_return.in"
    _inherit = ["med.edi.handler.transfer"]
    _description = "Consignor EDI: Sales Return Received"
    _edi_message_type = "sales_return"
    _edi_direction = "in"
    _edi_outgoing = False
