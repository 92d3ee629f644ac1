# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class WizStockBarcodesRead(models.AbstractModel):
    _inherit = "wiz.stock.barcodes.read"

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
        return udi if udi is not None and udi.di else None

    def _med_process_udi(self, udi):
        identifier = self.env["med.product.di"]._find_by_di(udi.di)
        product = identifier.product_id
        if not product:
            return self._med_udi_refused(_(
                "No device product has the identifier %(di)s (UDI %(raw)s).",
                di=udi.di, raw=udi.raw,
            ))
        self.action_product_scaned_post(product)
        if product.tracking == "serial" and not udi.serial:
            return self._med_udi_refused(_(
                "%(product)s is tracked by serial number but the UDI %(raw)s carries none.",
                product=product.display_name, raw=udi.raw,
            ))
        if product.tracking == "lot" and not udi.lot:
            return self._med_udi_refused(_(
                "%(product)s is tracked by lot but the UDI %(raw)s carries none.",
                product=product.display_name, raw=udi.raw,
            ))
        if product.tracking != "none":
            # serial-tracked devices are numbered by their serial, the others by their lot
            self.barcode = udi.serial if product.tracking == "serial" else udi.lot
            if not self.process_barcode_lot_id():
                self.action_lot_scaned_post(self.barcode)  # a new unit: its lot/serial name
        if product.tracking != "serial":
            self.product_qty = identifier.quantity * (udi.quantity or 1)
        self.play_sounds(True)
        if not self.check_option_required():
            return False
        if self.is_manual_confirm or self.manual_entry:
            self._set_messagge_info("info", _("Review and confirm"))
            return False
        return self.action_confirm()

    def _med_udi_refused(self, message):
        self._set_messagge_info("not_found", message)
        self.play_sounds(False)
        return False
