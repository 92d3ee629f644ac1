from odoo import models


class MedEdiHandlerStockComparisonOut(models.AbstractModel):
    """Outbound stock comparison (库存比对): our figures against those of the
    consignor's stock statement, line by line, sent back after its reconciliation."""

    _name = "med.edi.handler.stock_comparison.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Stock Comparison Sent"
    _edi_message_type = "stock_comparison"
    _edi_direction = "out"

    def _edi_build(self, backend, reconciliation=None):
        product_values = backend._edi_product_values(reconciliation.line_ids.product_id)
        lines = []
        for line in reconciliation.line_ids:
            values = dict(product_values[line.product_id])
            serial = line.product_id.tracking == "serial"
            values.update(
                {
                    "lot": None if serial else (line.lot_name or None),
                    "serial": (line.lot_name or None) if serial else None,
                    "expiry_date": line.our_expiry or line.their_expiry or None,
                    "our_quantity": line.our_quantity,
                    "their_quantity": line.their_quantity,
                    "difference": line.our_quantity - line.their_quantity,
                }
            )
            lines.append(values)
        header = backend._edi_header(
            origin_ref=reconciliation.statement_exchange_id.message_ident or None
        )
        return header, lines
