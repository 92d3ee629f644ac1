import socket

from odoo import _, models
from odoo.exceptions import UserError

from medtrace.udi import UdiError
from medtrace.udi.zpl import zpl_label

#: seconds to wait for the network label printer
ZPL_PRINTER_TIMEOUT = 5


class MedLotLabelMixin(models.AbstractModel):
    """A unit's ZPL label (Zebra printers), mixed into ``stock.lot``: downloaded from the
    scan station (``/med_device_stock/label/<id>.zpl``) or sent to the company's network
    printer."""

    _name = "med.lot.label.mixin"
    _description = "Medical Device Unit ZPL Label"

    def _med_zpl(self):
        """The unit's UDI label in ZPL II (GS1 DataMatrix drawn by medtrace, product name)."""
        self.ensure_one()
        label = self.env["report.med_device_stock.stock_lot_label_template"]
        values = label._med_printable_fields(self)
        try:
            return zpl_label("datamatrix", title=self.product_id.display_name, **values)
        except UdiError as error:
            raise UserError(
                _(
                    "Lot/serial %(lot)s: the UDI label cannot be drawn: %(error)s",
                    lot=self.display_name,
                    error=_(error.template, **error.params),  # pylint: disable=translation-required
                )
            ) from error

    def action_med_print_zpl(self):
        """Send the units' ZPL labels to their company's network label printer (raw TCP)."""
        self.check_access("read")
        for company, lots in self.grouped(lambda lot: lot.company_id or self.env.company).items():
            host, port = company._med_zpl_printer_address()
            payload = "".join(lot._med_zpl() for lot in lots).encode("utf-8")
            try:
                with socket.create_connection((host, port), timeout=ZPL_PRINTER_TIMEOUT) as printer:
                    printer.sendall(payload)
            except OSError as error:
                raise UserError(
                    _(
                        "The label printer %(host)s:%(port)s cannot be reached: %(error)s",
                        host=host,
                        port=port,
                        error=error.strerror or str(error),
                    )
                ) from error
        return True
