from odoo import models


class MedEdiHandlerShipmentConfirmationOut(models.AbstractModel):
    """Outbound shipment confirmation (发货确认): the consignor's units shipped to its
    customer."""

    _name = "med.edi.handler.shipment_confirmation.out"
    _inherit = ["med.edi.handler.confirmation"]
    _description = "Consignor EDI: Shipment Confirmation Sent"
    _edi_message_type = "shipment_confirmation"
    _edi_direction = "out"

    def _edi_confirmation_header(self, picking, date_done):
        # a delivery contact of the customer (sales order) has no code of its own
        partner = picking.partner_id
        code = partner.ref or partner.commercial_partner_id.ref
        return {"shipment_date": date_done, "customer_code": code or None}
