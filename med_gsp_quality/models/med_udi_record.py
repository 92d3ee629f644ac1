"""A product created from a UDI database record gets its registration document, as a draft."""

import re

from odoo import _, models

from medtrace.gsp import GspCodeError, validate_device_number

_CATALOGUE_2017 = re.compile(r"^\d{2}(-\d{2}){1,2}$")


class MedUdiRecord(models.Model):
    _inherit = "med.udi.record"

    def _med_product_created(self, template):
        """Add the record's registration certificate or Class I filing to ``template`` as a
        draft qualification: quality staff check it against the document and approve it;
        nothing here approves it."""
        result = super()._med_product_created(template)
        self.ensure_one()
        if self.source != "nmpa" or not self.certificate:
            return result
        try:
            number = validate_device_number(self.certificate)
        except GspCodeError as err:
            template.sudo().message_post(  # a manager without an email address too
                body=_(
                    "UDI record %(di)s names %(number)s, which is not a registration or "
                    "filing number (%(reason)s): no registration document was added.",
                    di=self.di,
                    number=self.certificate,
                    reason=_(err.template, **err.params),  # pylint: disable=translation-required
                )
            )
            return result
        doc_type = (
            "registration_certificate" if number.kind == "registration" else "filing_certificate"
        )
        # quality staff alone create qualifications; this is the system adding a draft for
        # them, on behalf of the manager who created the product
        Qualification = self.env["gsp.qualification"].sudo()
        company = template.company_id or self.env.company
        if Qualification.search_count(
            [
                ("product_tmpl_id", "=", template.id),
                ("doc_type", "=", doc_type),
                ("number", "=", number.number),
                ("company_id", "=", company.id),
            ]
        ):
            return result
        code = self.classification_code or ""
        Qualification.create(
            {
                "doc_type": doc_type,
                "product_tmpl_id": template.id,
                "company_id": company.id,
                "number": number.number,
                "holder": self.registrant or False,
                "device_class": number.device_class,
                "classification_code": code if _CATALOGUE_2017.match(code) else False,
            }
        )
        return result
