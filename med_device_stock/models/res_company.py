from odoo import _, fields, models


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

    def _med_warehouse(self):
        self.ensure_one()
        warehouse = self.env["stock.warehouse"].sudo().search(
            [("company_id", "=", self.id)], limit=1
        )
        return warehouse

    def _med_quarantine_location(self):
        """The company's quarantine location (an internal location of its warehouse)."""
        self.ensure_one()
        if not self.med_quarantine_location_id:
            warehouse = self._med_warehouse()
            self.sudo().med_quarantine_location_id = self.env["stock.location"].sudo().create({
                "name": _("Device Quarantine"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": self.id,
            })
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
            self.sudo().med_patient_location_id = self.env["stock.location"].sudo().create({
                "name": _("Patient Use"),
                "usage": "customer",
                "location_id": self.env.ref("stock.stock_location_locations_partner").id,
                "company_id": self.id,
            })
        return self.med_patient_location_id
