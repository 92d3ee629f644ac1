from odoo import fields, models


class MedEdiHandlerConfirmation(models.AbstractModel):
    """What the receipt and shipment confirmations share: the done quantities of one
    transfer per product and lot."""

    _name = "med.edi.handler.confirmation"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Transfer Confirmation Sent"

    def _edi_build(self, backend, picking=None):
        groups = self.env["stock.move.line"]._read_group(
            [("picking_id", "=", picking.id), ("state", "=", "done")],
            ["product_id", "lot_id"],
            ["quantity_product_uom:sum"],
        )
        products = self.env["product.product"].union(*(g[0] for g in groups))
        product_values = backend._edi_product_values(products)
        lines = []
        for product, lot, quantity in groups:
            values = dict(product_values[product])
            expiry = lot.expiration_date if lot else None
            values.update(
                {
                    "lot": lot.name if lot and product.tracking == "lot" else None,
                    "serial": lot.name if lot and product.tracking == "serial" else None,
                    "expiry_date": expiry.date() if expiry else None,
                    "quantity": quantity,
                }
            )
            lines.append(values)
        header = backend._edi_header(
            order_ref=(picking.med_edi_order_ref or picking.origin or picking.name)[:35]
        )
        header.update(
            self._edi_confirmation_header(
                picking, fields.Date.context_today(picking, picking.date_done)
            )
        )
        return header, lines

    def _edi_confirmation_header(self, picking, date_done):
        raise NotImplementedError(self._name)
