from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import is_system_write


class MedHisCharge(models.Model):
    """A charge line of the hospital information system (医嘱计费), as it sent it (HL7
    ``DFT^P03`` or a CSV export), kept per surgery case: what the HIS charged, to compare
    with what was scanned.  Imported only; never changed."""

    _name = "med.his.charge"
    _description = "HIS Charge"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    case_id = fields.Many2one(
        "med.surgery.case", string="Surgery Case", readonly=True, index=True, check_company=True
    )
    department_id = fields.Many2one(related="case_id.department_id", store=True)
    charge_code = fields.Char(required=True, readonly=True, index=True)
    description = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    quantity = fields.Float(readonly=True)
    unit_price = fields.Float(readonly=True)
    amount = fields.Float(readonly=True)
    date = fields.Datetime(readonly=True, index=True)
    transaction_type = fields.Char(readonly=True)
    transaction_id = fields.Char(readonly=True)
    patient_identifier = fields.Char(string="Patient ID", readonly=True, index=True)
    encounter_ref = fields.Char(string="Encounter / Admission", readonly=True)
    his_case_id = fields.Char(string="HIS Case ID", readonly=True, index=True)
    udi = fields.Char(string="UDI", readonly=True)
    lot = fields.Char(readonly=True)
    serial = fields.Char(readonly=True)
    source = fields.Char(readonly=True, help="The message and segment, or the file row.")
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)

    _sql_constraints = [
        (
            "transaction_once",
            "unique(company_id, transaction_id)",
            "A HIS charge transaction is imported once.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not is_system_write(self.env):
            raise UserError(_("HIS charges are imported from the HIS's files only."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(_("HIS charges are kept as the HIS sent them: they are never changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("HIS charges are kept as the HIS sent them: they are never deleted."))
