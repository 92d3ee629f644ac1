from decimal import Decimal

from odoo import models


class MedEdiHandlerReconciliationOut(models.AbstractModel):
    """Outbound monthly reconciliation (月度对账): per product and lot, the opening stock,
    the month's movements and the closing stock, with the price and amount of the units
    used (what the consignor invoices)."""

    _name = "med.edi.handler.reconciliation.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Monthly Reconciliation Sent"
    _edi_message_type = "reconciliation"
    _edi_direction = "out"

    def _edi_build(self, backend, date_from=None, date_to=None, period=None):
        header = backend._edi_header(period=period, currency=backend.company_id.currency_id.name)
        return header, self._edi_lines(backend, date_from, date_to)

    def _edi_lines(self, backend, date_from, date_to):
        figures = backend._edi_reconciliation_figures(date_from, date_to)
        products = self.env["product.product"].union(*(f["product"] for f in figures))
        product_values = backend._edi_product_values(products)
        prices = {product: backend._edi_use_price(product) for product in products}
        currency = backend.company_id.currency_id
        lines = []
        for row in figures:
            product, lot = row["product"], row["lot"]
            price = Decimal(str(currency.round(prices[product])))
            line = {
                key: value
                for key, value in product_values[product].items()
                if key != "uom" or value
            }
            line.update(
                {
                    "lot": lot.name if lot else None,
                    "unit_price": price,
                    "opening_quantity": row["opening"],
                    "received_quantity": row["received"],
                    "used_quantity": row["used"],
                    "returned_quantity": row["returned"],
                    "shipped_quantity": row["shipped"],
                    "gain_quantity": row["gain"],
                    "loss_quantity": row["loss"],
                    "closing_quantity": row["closing"],
                    "amount": Decimal(str(currency.round(float(row["used"] * price)))),
                }
            )
            lines.append(line)
        return lines
