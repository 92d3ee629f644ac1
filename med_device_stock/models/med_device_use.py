from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MedDeviceUse(models.Model):
    """Use of a unit on a patient (临床使用).

    Only what traceability needs is kept about the patient: the hospital's patient
    identifier and the encounter or surgery reference (no name, no diagnosis).
    """

    _name = "med.device.use"
    _inherit = ["med.device.reversal.mixin", "mail.thread"]
    _description = "Device Use on Patient"
    _order = "id desc"
    _med_sequence_code = "med.device.use"
    _med_system_fields = ("user_id", "date_done", "reversal_reason", "reversal_of_id")
    #: a use on a patient is a clinical record: only device managers reverse one
    _med_correction_group = "med_device_stock.group_med_manager"

    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        check_company=True,
        index=True,
        domain="[('product_id.med_is_device', '=', True), ('med_state', 'in', "
        "('issued', 'borrowed'))]",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    med_implantable = fields.Boolean(
        related="lot_id.product_id.med_implantable", store=True, string="Implantable"
    )
    quantity = fields.Float(default=1.0, required=True)
    patient_identifier = fields.Char(
        string="Patient ID",
        required=True,
        index=True,
        help="The hospital's patient identifier (medical record number); no name is kept.",
    )
    encounter_ref = fields.Char(string="Encounter / Admission")
    surgery_ref = fields.Char(string="Surgery Reference")
    surgeon_id = fields.Many2one("hr.employee", string="Surgeon / Clinician", check_company=True)
    department_id = fields.Many2one(
        "hr.department",
        required=True,
        check_company=True,
        index=True,
        domain="[('med_is_device_department', '=', True)]",
    )
    date_use = fields.Datetime(string="Used On", required=True, default=fields.Datetime.now)
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)
    reversal_of_id = fields.Many2one(
        "med.device.use",
        string="Reverses",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The done use this one corrects (the unit was not used on the patient).",
    )
    reversal_ids = fields.One2many("med.device.use", "reversal_of_id", string="Reversed By")

    _sql_constraints = [
        ("quantity_positive", "check(quantity > 0)", "The quantity must be positive."),
    ]

    def _med_reversal_event_types(self):
        return ("use",)

    def _med_reversal_values(self):
        self.ensure_one()
        return {
            "lot_id": self.lot_id.id,
            "quantity": self.quantity,
            "patient_identifier": self.patient_identifier,
            "encounter_ref": self.encounter_ref,
            "surgery_ref": self.surgery_ref,
            "surgeon_id": self.surgeon_id.id,
            "department_id": self.department_id.id,
            "date_use": self.date_use,
        }

    def _med_scan_context(self):
        self.ensure_one()
        return {
            "document_id": self.id,
            "department_id": self.department_id.id,
            "patient_identifier": self.patient_identifier,
        }

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_draft()
        return self.env["med.scan.wizard"]._open_for(self, "use")

    def action_done(self):
        """The unit leaves stock to the company's "Patient Use" location."""
        self._med_check_draft()
        Scan = self.env["med.device.scan"]
        for record in self:
            if not record.lot_id:
                raise UserError(
                    _("Scan or select the unit used on %(use)s.", use=record.display_name)
                )
            scan = Scan._med_scan_dict(
                "use",
                record.product_id,
                record.lot_id,
                record.quantity,
                department=record.department_id,
                document=record,
            )
            scan["validating"] = True
            problems = Scan._check_scan(scan)
            if problems:
                raise UserError("\n".join(problems))
            warehouse = record.company_id._med_warehouse()
            pickings = record._med_move_units(
                [(record.lot_id, record.quantity)],
                record.company_id._med_patient_location(),
                record._med_event_info(
                    "use",
                    department_id=record.department_id.id,
                    holder_id=record.surgeon_id.id,
                    note=_("Patient %(patient)s", patient=record.patient_identifier),
                ),
                picking_type=warehouse.out_type_id,
            )
            record.picking_ids = pickings
            record._med_mark_done()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_traced(self):
        for record in self:
            if record.med_implantable:
                raise UserError(
                    _(
                        "%(use)s records an implantable device (%(unit)s): it can never be "
                        "deleted.",
                        use=record.display_name,
                        unit=record.lot_id.display_name,
                    )
                )
