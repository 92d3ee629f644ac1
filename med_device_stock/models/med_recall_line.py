from odoo import _, fields, models
from odoo.exceptions import UserError

PLACES = [
    ("stock", "In Stock"),
    ("quarantine", "In Quarantine"),
    ("transit", "In Transit"),
    ("department", "In a Department"),
    ("patient", "Used on a Patient"),
    ("supplier", "Returned to Supplier"),
    ("customer", "Shipped to Customer"),
    ("unknown", "Not Found"),
]

DISPOSITIONS = [
    ("unlocated", "To Locate"),
    ("located", "Located"),
    ("quarantined", "Quarantined"),
    ("returned_supplier", "Returned to Supplier"),
    ("destroyed", "Destroyed"),
    ("patient_informed", "Patient Informed"),
    ("released", "Not Affected (Released)"),
]


class MedRecallLine(models.Model):
    """One place where units of a recall case are, and what became of them."""

    _name = "med.recall.line"
    _inherit = ["med.document.line.mixin"]
    _med_document_field = "recall_id"
    _description = "Device Recall Line"
    _order = "recall_id, place, id"
    _check_company_auto = True

    recall_id = fields.Many2one("med.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    recall_state = fields.Selection(related="recall_id.state", string="Recall State")
    lot_id = fields.Many2one(
        "stock.lot", string="Unit", required=True, index=True, ondelete="restrict"
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    med_mfr_lot = fields.Char(related="lot_id.med_mfr_lot")
    quantity = fields.Float()
    place = fields.Selection(PLACES, string="Where", required=True, readonly=True)
    state_found = fields.Char(readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True)
    owner_id = fields.Many2one("res.partner", string="Owner (Consignor)", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    use_id = fields.Many2one("med.device.use", string="Use on Patient", readonly=True)
    patient_identifier = fields.Char(string="Patient ID", readonly=True)
    encounter_ref = fields.Char(string="Encounter / Admission", readonly=True)
    surgery_ref = fields.Char(string="Surgery Reference", readonly=True)
    disposition = fields.Selection(
        DISPOSITIONS, required=True, default="located", readonly=True, index=True
    )
    department_notified = fields.Boolean(readonly=True)
    date_located = fields.Datetime(string="Located On", readonly=True)
    date_quarantined = fields.Datetime(string="Quarantined On", readonly=True)
    date_disposed = fields.Datetime(string="Disposed On", readonly=True)
    disposed_by_id = fields.Many2one("res.users", readonly=True)
    note = fields.Char()

    def _med_check_open(self):
        if not self.env.user.has_group("med_device_stock.group_med_storekeeper"):
            raise UserError(
                _("Only storekeepers and managers can record what became of recalled units.")
            )
        for line in self:
            if line.recall_id.state != "open":
                raise UserError(
                    _("Recall %(recall)s is not open.", recall=line.recall_id.display_name)
                )

    def _med_dispose(self, disposition):
        self.sudo().write(
            {
                "disposition": disposition,
                "date_disposed": fields.Datetime.now(),
                "disposed_by_id": self.env.uid,
            }
        )

    def action_mark_located(self):
        """A unit not found at first was found (or confirmed gone)."""
        self._med_check_open()
        self.filtered(lambda ln: not ln.date_located).sudo().write(
            {"disposition": "located", "date_located": fields.Datetime.now()}
        )
        return True

    def action_quarantine(self):
        """The units collected from a department (or still in stock) go to quarantine."""
        self._med_check_open()
        wrong = self.filtered(
            lambda ln: ln.place not in ("stock", "department") or ln.disposition != "located"
        )
        if wrong:
            raise UserError(
                _("%(unit)s is not in stock or in a department.", unit=wrong[0].lot_id.display_name)
            )
        for recall in self.recall_id:
            recall._med_quarantine(self.filtered(lambda ln, r=recall: ln.recall_id == r))
        return True

    def action_patient_informed(self):
        self._med_check_open()
        wrong = self.filtered(lambda ln: ln.place != "patient")
        if wrong:
            raise UserError(
                _("%(unit)s was not used on a patient.", unit=wrong[0].lot_id.display_name)
            )
        self._med_dispose("patient_informed")
        return True

    def _med_move_from_quarantine(self, destination, event_type, disposition, partner=None):
        self._med_check_open()
        for line in self:
            if line.disposition != "quarantined":
                raise UserError(
                    _(
                        "%(unit)s is not in quarantine for recall %(recall)s.",
                        unit=line.lot_id.display_name,
                        recall=line.recall_id.name,
                    )
                )
            recall = line.recall_id.sudo()
            # the unit leaves from where the recall put it (an argument: no client's
            # context can choose it)
            recall._med_move_units(
                [(line.lot_id, line.quantity)],
                destination,
                recall._med_event_info(
                    event_type,
                    department_id=False,
                    partner_id=partner.id if partner else False,
                    note=recall.reason,
                ),
                source=line.location_id,
            )
            line.sudo().location_id = destination
            line._med_dispose(disposition)
        return True

    def action_return_supplier(self):
        """Send the quarantined units back to their supplier."""
        supplier_location = self.env.ref("stock.stock_location_suppliers")
        for line in self:
            partner = line.recall_id.supplier_id or line.owner_id or line.lot_id.med_supplier_id
            line._med_move_from_quarantine(
                supplier_location, "return_supplier", "returned_supplier", partner
            )
        return True

    def action_destroy(self):
        """Destroy the quarantined units (to the scrap location)."""
        scrap = (
            self.env["stock.location"]
            .sudo()
            .search(
                [("scrap_location", "=", True), ("company_id", "in", [self.env.company.id, False])],
                limit=1,
            )
        )
        if not scrap:
            raise UserError(_("No scrap location is configured."))
        return self._med_move_from_quarantine(scrap, "destruction", "destroyed")

    def action_release(self):
        """The unit is not affected after all (e.g. checked by the manufacturer): it goes
        back to the store."""
        for line in self:
            if line.disposition == "quarantined":
                store = line.recall_id.company_id._med_warehouse().lot_stock_id
                line._med_move_from_quarantine(store, "release", "released")
            else:
                line._med_check_open()
                line._med_dispose("released")
        return True
