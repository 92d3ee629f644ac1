"""The HIS's charges of surgery cases: HL7 ``DFT^P03`` messages or a CSV export."""

import base64

from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.his import HisError, read_charges_csv, read_dft_p03

from ..models.med_device_operation_mixin import SYSTEM_WRITE
from ..models.med_his_messages import HIS_MESSAGES  # noqa: F401  (listed for the .pot)

MAX_BYTES = 20 * 1024 * 1024


class MedHisChargeImport(models.TransientModel):
    _name = "med.his.charge.import"
    _description = "Import HIS Charges"

    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Text(readonly=True)

    def _med_charges(self, data):
        head = data.lstrip(b"\xef\xbb\xbf\x0b \r\n")[:3]
        try:
            if head in (b"MSH", b"FHS", b"BHS"):
                return read_dft_p03(data)
            return read_charges_csv(data)
        except HisError as error:
            # the templates are listed in med_his_messages for the translation export
            raise UserError(  # pylint: disable=translation-required
                _("%(file)s: ", file=self.filename or _("the file"))
                + _(error.template, **error.params)
            ) from error

    def action_import(self):
        self.ensure_one()
        Charge = self.env["med.his.charge"]
        Charge.check_access("read")
        self.env["med.surgery.case"].check_access("write")
        if not self.file or len(self.file) * 3 // 4 > MAX_BYTES:
            raise UserError(
                _("Choose a charges file of at most %(maximum)s MB.", maximum=MAX_BYTES >> 20)
            )
        data = base64.b64decode(self.file)
        charges = self._med_charges(data)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.filename or "charges",
                    "raw": data,
                    "res_model": "med.his.charge",
                    "res_id": 0,
                    "company_id": self.env.company.id,
                }
            )
        )
        earlier = Charge.sudo().search_count(
            [
                ("attachment_id.checksum", "=", attachment.checksum),
                ("company_id", "=", self.env.company.id),
            ]
        )
        if earlier:
            raise UserError(
                _(
                    "%(file)s was imported before: its charges are already kept.",
                    file=self.filename or _("the file"),
                )
            )
        known = set(
            Charge.sudo()
            .search(
                [
                    ("company_id", "=", self.env.company.id),
                    (
                        "transaction_id",
                        "in",
                        [c.transaction_id for c in charges if c.transaction_id],
                    ),
                ]
            )
            .mapped("transaction_id")
        )
        cases = self._med_cases(charges)
        products = self.env["product.product"]._med_by_his_codes({c.charge_code for c in charges})
        values, unmatched, skipped = [], 0, 0
        for charge in charges:
            if charge.transaction_id and charge.transaction_id in known:
                skipped += 1
                continue
            case = cases.get(charge.his_case_id) or cases.get(
                (charge.visit_number, charge.patient_id)
            )
            unmatched += not case
            date = charge.date
            values.append(
                {
                    "company_id": self.env.company.id,
                    "case_id": case.id if case else False,
                    "charge_code": charge.charge_code,
                    "description": charge.description,
                    "product_id": products[charge.charge_code].id
                    if charge.charge_code in products
                    else False,
                    "quantity": charge.quantity,
                    "unit_price": charge.unit_price or 0.0,
                    "amount": charge.amount or 0.0,
                    "date": fields.Datetime.to_datetime(date) if date else False,
                    "transaction_type": charge.transaction_type,
                    "transaction_id": charge.transaction_id or False,
                    "patient_identifier": charge.patient_id,
                    "encounter_ref": charge.visit_number,
                    "his_case_id": charge.his_case_id,
                    "udi": charge.udi,
                    "lot": charge.lot,
                    "serial": charge.serial,
                    "source": charge.source,
                    "attachment_id": attachment.id,
                }
            )
        Charge.sudo().with_context(med_system_write=SYSTEM_WRITE).create(values)
        summary = _(
            "%(count)s charges kept (%(unmatched)s without a surgery case), %(skipped)s "
            "already imported.",
            count=len(values),
            unmatched=unmatched,
            skipped=skipped,
        )
        self.write({"state": "done", "summary": summary})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _med_cases(self, charges):
        """{HIS case id: case, (encounter, patient): case} of the cases the charges name."""
        Case = self.env["med.surgery.case"]
        found = {}
        for case in Case.search(
            [("his_case_id", "in", [c.his_case_id for c in charges if c.his_case_id])]
        ):
            found[case.his_case_id] = case
        visits = [c.visit_number for c in charges if c.visit_number]
        for case in Case.search([("encounter_ref", "in", visits)]) if visits else Case:
            found.setdefault((case.encounter_ref, case.patient_identifier), case)
        return found
