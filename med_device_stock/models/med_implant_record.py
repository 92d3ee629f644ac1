from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write


class MedImplantRecord(models.Model):
    """The permanent record of a device implanted in a patient (植入记录): patient,
    operation, surgeon, product, lot, serial, UDI, registration certificate and supplier,
    as they were at the close-out of the surgery case.  Written by the close-out only;
    never changed or deleted by anyone."""

    _name = "med.implant.record"
    _description = "Implant Record"
    _order = "date_implant desc, id desc"
    _check_company_auto = True
    _rec_name = "lot_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    case_id = fields.Many2one("med.surgery.case", required=True, readonly=True, index=True)
    use_id = fields.Many2one("med.device.use", string="Use on Patient", readonly=True)
    patient_identifier = fields.Char(string="Patient ID", required=True, readonly=True, index=True)
    encounter_ref = fields.Char(string="Encounter / Admission", readonly=True)
    date_implant = fields.Datetime(string="Implanted On", required=True, readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True)
    surgeon_id = fields.Many2one("hr.employee", readonly=True)
    procedure_name = fields.Char(string="Procedure", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", required=True, readonly=True, index=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    product_name = fields.Char(readonly=True)
    model = fields.Char(readonly=True)
    udi = fields.Char(string="UDI", readonly=True)
    di = fields.Char(string="UDI-DI", readonly=True, index=True)
    mfr_lot = fields.Char(string="Manufacturer Lot", readonly=True)
    serial = fields.Char(readonly=True, index=True)
    expiration_date = fields.Datetime(readonly=True)
    registration_number = fields.Char(string="Registration Certificate", readonly=True)
    manufacturer = fields.Char(readonly=True)
    supplier_id = fields.Many2one("res.partner", readonly=True)
    recorded_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        ("unit_once_per_use", "unique(use_id)", "A use on a patient has one implant record."),
    ]

    @api.model
    def _med_create_from_lines(self, lines):
        """The records of the implanted ``lines`` (their uses done)."""
        values = []
        for line in lines:
            case, lot, product = line.case_id, line.lot_id, line.product_id
            values.append(
                {
                    "company_id": case.company_id.id,
                    "case_id": case.id,
                    "use_id": line.use_id.id,
                    "patient_identifier": case.patient_identifier,
                    "encounter_ref": case.encounter_ref,
                    "date_implant": line.use_id.date_use,
                    "department_id": case.department_id.id,
                    "surgeon_id": case.surgeon_id.id,
                    "procedure_name": case.procedure_name,
                    "lot_id": lot.id,
                    "product_id": product.id,
                    "product_name": product.display_name,
                    "model": product.med_model,
                    "udi": case._med_unit_udi(lot),
                    "di": lot.med_di,
                    "mfr_lot": lot.med_mfr_lot,
                    "serial": lot.med_serial,
                    "expiration_date": lot.expiration_date,
                    "registration_number": product.med_registration_number,
                    "manufacturer": product.med_manufacturer_id.display_name or False,
                    "supplier_id": (line.owner_id or lot.med_supplier_id).id,
                    "recorded_by_id": self.env.uid,
                }
            )
        return self.sudo().with_context(med_system_write=SYSTEM_WRITE).create(values)

    @api.model_create_multi
    def create(self, vals_list):
        if not is_system_write(self.env):
            raise UserError(_("Implant records are written by the close-out of a surgery case."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(
                _(
                    "%(record)s is the record of an implant: it is never changed. A mistake "
                    "is corrected on the surgery case's use on the patient.",
                    record=", ".join(self.mapped("display_name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Implant records are never deleted."))
