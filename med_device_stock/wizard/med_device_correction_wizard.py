from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: the documents a correction applies to
CORRECTABLE_MODELS = (
    "med.device.issue",
    "med.device.use",
    "med.device.quarantine",
    "med.device.scrap",
    "med.count",
    "med.recall",
    "med.receipt.check",
)


class MedDeviceCorrectionWizard(models.TransientModel):
    """Correct a done document: the reason is mandatory; the document makes its
    correcting document (a reversal moving the units back, a new count, a note on a
    closed recall) and stays as it was."""

    _name = "med.device.correction.wizard"
    _description = "Correct a Done Device Document"

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True
    )
    document_name = fields.Char(string="Document", compute="_compute_document_name")
    reason = fields.Text(
        required=True,
        help="Why the document is corrected: kept on the "
        "correcting document and in the units' timelines.",
    )

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        for wizard in self:
            wizard.document_name = wizard._med_document().display_name

    def _med_document(self):
        self.ensure_one()
        if self.res_model not in CORRECTABLE_MODELS:
            raise UserError(_("%(model)s documents are not corrected here.", model=self.res_model))
        return self.env[self.res_model].browse(self.res_id).exists()

    def action_confirm(self):
        self.ensure_one()
        document = self._med_document()
        if not document:
            raise UserError(_("The document to correct no longer exists."))
        correction = document._med_correct(self.reason)
        target = correction or document
        return {
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "view_mode": "form",
        }
