from odoo import models


class MedEdiHandlerStockStatementIn(models.AbstractModel):
    """Inbound stock statement (库存对账): the consignor's figures compared with ours, a
    reconciliation, and the stock comparison message sent back."""

    _name = "med.edi.handler.stock_statement.in"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Stock Statement Received"
    _edi_message_type = "stock_statement"
    _edi_direction = "in"

    def _edi_check(self, exchange, message):
        products, problems = self._edi_resolve_products(exchange.backend_id, message.lines)
        return {"products": products}, problems

    def _edi_process(self, exchange, message, found):
        reconciliation = self.env["med.edi.reconciliation"]._edi_compare(
            exchange.backend_id, message, found["products"], exchange
        )
        reconciliation._edi_send_comparison()
        return reconciliation
