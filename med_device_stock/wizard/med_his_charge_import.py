"""The HIS's charges of surgery cases: HL7 ``DFT^P03`` messages or a CSV export."""

from odoo import _, models
from odoo.exceptions import UserError

from medtrace.his import read_charges_csv, read_dft_p03

from ..models.med_device_operation_mixin import SYSTEM_WRITE


class MedHisChargeImport(models.TransientModel):
    _name = "med.his.charge.import"
    _inherit = "med.his.file.import.mixin"
    _description = "Import HIS Charges"

    def action_import(self):
        self.ensure_one()
        Charge = self.env["med.his.charge"]
        Charge.check_access("read")
        self.env["med.surgery.case"].check_access("write")
        data = self._med_his_data()
        charges = self._med_his_read(data, read_dft_p03, read_charges_csv)
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
                    "date": self._med_his_utc(date),
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
        return self._med_his_done(summary)

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
