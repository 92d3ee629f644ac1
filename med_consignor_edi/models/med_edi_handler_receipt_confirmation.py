from odoo import models


class MedEdiHandlerReceiptConfirmationOut(models.AbstractModel):
    """Outbound receipt confirmation (收货确认): the units of a consignor's order
    received into its consignment stock."""

    _name = "med.edi.handler.receipt_confirmation.out"
    _inherit = ["med.edi.handler.confirmation"]
    _description = "Consignor EDI: Receipt Confirmation Sent"
    _edi_message_type = "receipt_confirmation"
    _edi_direction = "out"

    def _edi_confirmation_header(self, picking, date_done):
        return {"receipt_date": date_done}
