import base64

from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.his import HisError, write_c0022


class MedSurgeryCaseCdaMixin(models.AbstractModel):
    """The 高值耗材使用记录 CDA document (WS/T 500 C0022) of a closed surgery case, for
    the hospital's EMR: written by ``medtrace.his.cda`` from the case as the HIS messages
    see it, the patient by the hospital identifier only, and handed to the browser."""

    _name = "med.surgery.case.cda.mixin"
    _description = "Surgery Case CDA Export"

    def _med_cda_organization(self):
        company = self.company_id
        return (company.vat or company.company_registry or str(company.id), company.name)

    def _med_cda_author(self):
        nurse = self.nurse_confirm_user_id
        return (nurse.login or "", nurse.name or "")

    def _med_cda_filename(self):
        return f"{self.name}-C0022.xml".replace("/", "-")

    def action_export_cda(self):
        """Download the case's C0022 document (a closed case only)."""
        self.ensure_one()
        self.check_access("read")
        if self.state != "done":
            raise UserError(
                _(
                    "%(case)s is %(state)s: only a closed case has a High-Value Consumables "
                    "Record.",
                    case=self.display_name,
                    state=self._med_state_label(),
                )
            )
        try:
            content = write_c0022(
                self._med_his_case(),
                document_id=self.name,
                now=self._med_his_local(fields.Datetime.now()),
                organization=self._med_cda_organization(),
                author=self._med_cda_author(),
            )
        except HisError as error:
            # the templates are listed in med_his_messages for the translation export
            raise UserError(_(error.template, **error.params)) from error  # pylint: disable=translation-required
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self._med_cda_filename(),
                    "datas": base64.b64encode(content),
                    "res_model": self._name,
                    "res_id": self.id,
                    # Odoo keeps it text/plain for users who may not edit views (no
                    # XML served inline); the link downloads it as the .xml file
                    "mimetype": "application/xml",
                }
            )
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
