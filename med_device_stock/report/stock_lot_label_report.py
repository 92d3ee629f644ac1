# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import _, api, models
from odoo.exceptions import UserError

from medtrace.udi import UdiError, gs1_element_string, gs1_hri, render_label


class ReportStockLotLabel(models.AbstractModel):
    """UDI label of received units: GS1 DataMatrix drawn by medtrace, text beside it."""

    _name = "report.med_device_stock.stock_lot_label_template"
    _description = "Medical Device UDI Label"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        return {
            "doc_ids": lots.ids,
            "doc_model": "stock.lot",
            "docs": lots,
            "labels": [self._med_label(lot) for lot in lots],
        }

    @api.model
    def _med_label_fields(self, lot):
        """GTIN, lot, serial and dates a unit's GS1 label encodes."""
        tracking = lot.product_id.tracking
        return {
            "gtin": self._med_gtin(lot),
            "lot": lot.med_mfr_lot or (lot.name if tracking == "lot" else None),
            "serial": lot.med_serial or (lot.name if tracking == "serial" else None),
            "expiry": lot.expiration_date.date() if lot.expiration_date else None,
            "manufactured": lot.med_manufactured_date or None,
        }

    @api.model
    def _med_gtin(self, lot):
        """The unit's GTIN: its scanned DI, else the product's unit-level DI or barcode."""
        product_dis = lot.product_id.product_tmpl_id.med_udi_di_ids.filtered(
            lambda di: di.product_id == lot.product_id
        ).sorted(lambda di: (di.packaging_level != "each", di.quantity))
        for candidate in (lot.med_di, *product_dis.mapped("di"), lot.product_id.barcode):
            if candidate and candidate.isdigit() and len(candidate) in (8, 12, 13, 14):
                return candidate.zfill(14)
        return None

    @api.model
    def _med_printable_fields(self, lot):
        """``_med_label_fields`` of a unit that has a GTIN, else the refusal (the PDF
        and the ZPL label alike)."""
        fields = self._med_label_fields(lot)
        if not fields["gtin"]:
            raise UserError(
                _(
                    "Lot/serial %(lot)s of %(product)s: no GS1 GTIN is known (device identifier "
                    "of the unit, of the product or product barcode), so no GS1 label can be "
                    "printed.",
                    lot=lot.display_name,
                    product=lot.product_id.display_name,
                )
            )
        return fields

    @api.model
    def _med_label(self, lot):
        fields = self._med_printable_fields(lot)
        try:
            png = render_label("datamatrix", "png", **fields)
            element_string = gs1_element_string(**fields)
            hri = gs1_hri(**fields)
        except UdiError as error:
            raise UserError(
                _(
                    "Lot/serial %(lot)s: the UDI label cannot be drawn: %(error)s",
                    lot=lot.display_name,
                    error=_(error.template, **error.params),  # pylint: disable=translation-required
                )
            ) from error
        return {
            "lot": lot,
            "fields": fields,
            "element_string": element_string,
            "hri": hri,
            "image": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
