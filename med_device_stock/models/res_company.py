from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

ZPL_DEFAULT_PORT = 9100


class ResCompany(models.Model):
    _inherit = "res.company"

    med_min_shelf_life_days = fields.Integer(
        string="Minimum Remaining Shelf Life (days)",
        default=180,
        help="A device unit is refused at receipt when it expires in fewer days than this "
        "(a product can set its own minimum).",
    )
    med_quarantine_location_id = fields.Many2one(
        "stock.location",
        string="Device Quarantine Location",
        check_company=True,
        help="Internal location holding quarantined device units; created on first use.",
    )
    med_patient_location_id = fields.Many2one(
        "stock.location",
        string="Patient Use Location",
        check_company=True,
        help="Where device units go when used on a patient; created on first use.",
    )
    med_zpl_printer = fields.Char(
        string="ZPL Label Printer",
        help="Network address of the Zebra label printer receiving UDI labels in ZPL: "
        "host:port (port 9100 when omitted), e.g. 192.168.1.50 or zebra-store.local:9100.",
    )

    @api.constrains("med_zpl_printer")
    def _check_med_zpl_printer(self):
        for company in self.filtered("med_zpl_printer"):
            company._med_zpl_printer_address()

    def _med_zpl_printer_address(self):
        """(host, port) of the company's ZPL label printer; UserError when none is set."""
        self.ensure_one()
        value = (self.med_zpl_printer or "").strip()
        if not value:
            raise UserError(
                self.env._(
                    "No ZPL label printer is configured for %(company)s: set its address "
                    "(host:port) in Inventory > Configuration > Settings > Medical Devices.",
                    company=self.display_name,
                )
            )
        host, colon, port = value.rpartition(":")
        if not colon or "]" in port or (":" in host and not host.startswith("[")):
            host, port = value, str(ZPL_DEFAULT_PORT)  # no port, or a bare IPv6 address
        host = host.strip("[]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValidationError(
                self.env._(
                    "The ZPL label printer address %(address)s of %(company)s is not host:port "
                    "(a host name or IP address, and a port from 1 to 65535).",
                    address=value,
                    company=self.display_name,
                )
            )
        return host, int(port)

    def _med_warehouse(self):
        self.ensure_one()
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", self.id)], limit=1)
        )
        return warehouse

    def _med_quarantine_location(self):
        """The company's quarantine location (an internal location of its warehouse)."""
        self.ensure_one()
        if not self.med_quarantine_location_id:
            warehouse = self._med_warehouse()
            self.sudo().med_quarantine_location_id = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": _("Device Quarantine"),
                        "usage": "internal",
                        "location_id": warehouse.view_location_id.id,
                        "company_id": self.id,
                    }
                )
            )
        return self.med_quarantine_location_id

    def _med_patient_location(self):
        """The company's "Patient use" location.

        Its usage is ``customer``: a device used on a patient leaves the hospital's
        stock for good, like a delivery (it stops counting in quantities on hand
        and valuation), while "inventory loss" locations would mix patient use
        with inventory adjustments and scrap in reports.
        """
        self.ensure_one()
        if not self.med_patient_location_id:
            self.sudo().med_patient_location_id = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": _("Patient Use"),
                        "usage": "customer",
                        "location_id": self.env.ref("stock.stock_location_locations_partner").id,
                        "company_id": self.id,
                    }
                )
            )
        return self.med_patient_location_id
