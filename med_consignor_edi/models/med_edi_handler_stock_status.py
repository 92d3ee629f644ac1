from odoo import models


class MedEdiHandlerStockStatusOut(models.AbstractModel):
    """Outbound stock status (库存状态): the consignor's stock here, per product, lot and
    location, now or as of a time; blocked units when a recall names them."""

    _name = "med.edi.handler.stock_status.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Stock Status Sent"
    _edi_message_type = "stock_status"
    _edi_direction = "out"

    def _edi_build(self, backend, at=None, lots=None, status=None, note=False):
        return backend._edi_header(note=note), self._edi_lines(backend, at, lots, status)

    def _edi_lines(self, backend, at=None, lots=None, status=None):
        rows = backend._edi_stock_lines(at=at, lots=lots)
        products = self.env["product.product"].union(*(r["product"] for r in rows))
        product_values = backend._edi_product_values(products)
        company = backend.company_id
        quarantine = (
            company.med_quarantine_location_id
            if "med_quarantine_location_id" in company._fields
            else None
        )
        lines = []
        for row in rows:
            lot = row["lot"]
            tracking = row["product"].tracking
            expiry = lot.expiration_date if lot and "expiration_date" in lot._fields else None
            line = dict(product_values[row["product"]])
            line.update(
                {
                    "lot": lot.name if lot and tracking == "lot" else None,
                    "serial": lot.name if lot and tracking == "serial" else None,
                    "expiry_date": expiry.date() if expiry else None,
                    "quantity": row["quantity"],
                    "stock_status": status
                    or (
                        "quarantine"
                        if quarantine and row["location"] == quarantine
                        else "available"
                    ),
                    "location": (row["location"].name or "")[:40],
                }
            )
            lines.append(line)
        return lines
