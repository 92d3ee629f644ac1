from odoo import models


class MedEdiHandlerPurchaseReturnIn(models.AbstractModel):
    """Inbound purchase return (采购退货): the consignor takes back units of its stock,
    a delivery from our stock to the supplier location."""

    _name = "med.edi.handler.purchase_return.in"
    _inherit = ["med.edi.handler.transfer"]
    _description = "Consignor EDI: Purchase Return Received"
    _edi_message_type = "purchase_return"
    _edi_direction = "in"

    def _edi_check(self, exchange, message):
        backend = exchange.backend_id
        products, lots, problems = self._edi_lookup(
            exchange, message, True, backend.partner_id, "supplier"
        )
        return {"products": products, "lots": lots}, problems

    def _edi_process(self, exchange, message, found):
        backend = exchange.backend_id
        warehouse = backend.company_id._med_warehouse()
        return self._edi_create_picking(
            exchange,
            message,
            found,
            warehouse.out_type_id,
            warehouse.lot_stock_id,
            self.env.ref("stock.stock_location_suppliers"),
            backend.partner_id,
        )
