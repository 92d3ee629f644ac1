# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import _, fields, models


class WizStockBarcodesRead(models.AbstractModel):
    _inherit = "wiz.stock.barcodes.read"

    med_udi_raw = fields.Char(
        string="UDI Read",
        readonly=True,
        help="Technical: the UDI of the unit being read, for the data of a new lot.",
    )

    def process_barcode(self, barcode):
        """A UDI scan fills product, lot or serial and quantity in one read."""
        udi = self._med_read_udi(barcode) if self else None
        if udi is None:
            return super().process_barcode(barcode)
        return self._med_process_udi(udi)

    def _med_read_udi(self, barcode):
        """The medtrace reading of ``barcode`` when it is a UDI with a device identifier."""
        nomenclature = self.env.company.nomenclature_id
        if not nomenclature.med_udi_enabled:
            return None
        udi = nomenclature._med_read_udi(barcode)
        if udi is None or not udi.di:
            return None
        if not (udi.lot or udi.serial) and not self.env["med.product.di"]._find_by_di(udi.di):
            return None  # a bare GTIN of no device: a product barcode, read as usual
        return udi

    def _med_process_udi(self, udi):
        identifier = self.env["med.product.di"]._find_by_di(udi.di)
        product = identifier.product_id
        if not product:
            return self._med_udi_refused(
                _(
                    "No device product has the identifier %(di)s (UDI %(raw)s).",
                    di=udi.di,
                    raw=udi.raw,
                )
            )
        if product.tracking == "serial" and not udi.serial:
            return self._med_udi_refused(
                _(
                    "%(product)s is tracked by serial number but the UDI %(raw)s carries none.",
                    product=product.display_name,
                    raw=udi.raw,
                )
            )
        if product.tracking == "lot" and not udi.lot:
            return self._med_udi_refused(
                _(
                    "%(product)s is tracked by lot but the UDI %(raw)s carries none.",
                    product=product.display_name,
                    raw=udi.raw,
                )
            )
        self._set_message_info("success", _("OK"))
        self.action_product_scaned_post(product)
        self.med_udi_raw = udi.raw
        if product.tracking != "none" and not self._med_set_unit(product, udi):
            self.play_sounds(False)
            return False
        if product.tracking != "serial" and not self._is_product_qty_set_by_user():
            self.product_qty = identifier.quantity * (udi.quantity or 1)
        self.play_sounds(True)
        if not self.check_option_required():
            return False
        if self.is_manual_confirm or self.manual_entry:
            self._set_message_info("info", _("Review and confirm"))
            return False
        return self.action_confirm()

    def _med_set_unit(self, product, udi):
        """Set the scanned unit: serial-tracked devices are numbered by their serial,
        the others by their lot. A known unit goes through Stock Barcodes' own lot
        reading (stock checks, location from quants), once its UDI agrees with the
        unit recorded (lot, expiry, manufacturing date); a new one is read by name."""
        name = udi.serial if product.tracking == "serial" else udi.lot
        lot = self.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "=", name)], limit=1
        )
        if not lot:
            self.action_lot_scaned_post(name)
            return True
        disagreements = lot._med_udi_disagreements(udi)
        if disagreements:
            return self._med_udi_refused("\n".join(disagreements))
        raw, self.barcode = self.barcode, name
        try:
            found = self.process_barcode_lot_id()
        finally:
            self.barcode = raw
        if not found and self.message_type == "success":  # refused without a word
            self._set_message_info(
                "not_found",
                _(
                    "The lot or serial number %(unit)s of %(product)s cannot be read here.",
                    unit=name,
                    product=product.display_name,
                ),
            )
        return found

    def _med_udi_refused(self, message):
        self._set_message_info("not_found", message)
        self.play_sounds(False)
        return False

    def _prepare_lot_vals(self):
        """A lot created for the UDI read keeps its expiry and manufacturer data."""
        vals = super()._prepare_lot_vals()
        udi = self._med_read_udi(self.med_udi_raw) if self.med_udi_raw else None
        product = self.product_id
        if (
            udi is None
            or self.env["med.product.di"]._find_by_di(udi.di).product_id != product
            or vals.get("name") != (udi.serial if product.tracking == "serial" else udi.lot)
        ):
            return vals
        vals.update(
            {
                "med_udi_raw": udi.raw,
                "med_di": udi.di,
                "med_mfr_lot": udi.lot or False,
                "med_serial": udi.serial or False,
                "med_manufactured_date": udi.manufactured or False,
            }
        )
        if udi.expiry:
            vals["expiration_date"] = datetime.datetime.combine(udi.expiry, datetime.time())
        return vals

    def action_clean_values(self):
        res = super().action_clean_values()
        self.med_udi_raw = False
        return res
