import json

import pytz
from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.his import CaseDevice, HisError, SurgeryCase, case_bundle, write_dft_p03
from medtrace.udi.build import gs1_hri

#: identifier namespace of the hospital in FHIR (Identifier.system); a company without the
#: setting gets ``urn:medtrace:company:<id>``
HIS_SYSTEM_PARAM = "med_device_stock.his_identifier_system"


class MedSurgeryCaseHisMixin(models.AbstractModel):
    """The messages of a closed surgery case for the hospital information system: an
    HL7 v2.5 ``DFT^P03`` (the charges, FT1 per device with UDI, lot and serial) and a
    FHIR R4 transaction bundle (Procedure, Device per implant), written by ``medtrace.his``
    at close-out and kept on the case."""

    _name = "med.surgery.case.his.mixin"
    _description = "Surgery Case HIS Messages"

    his_dft_message = fields.Text(string="HL7 DFT^P03", readonly=True, copy=False)
    his_fhir_bundle = fields.Text(string="FHIR Bundle", readonly=True, copy=False)
    his_dft_display = fields.Text(
        string="HL7 DFT^P03 (one segment a line)", compute="_compute_his_dft_display"
    )

    def _compute_his_dft_display(self):
        # HL7 ends segments with a carriage return, which a browser does not show as one
        for case in self:
            case.his_dft_display = (case.his_dft_message or "").replace("\r", "\n").strip()

    def _med_his_system(self):
        self.ensure_one()
        value = self.env["ir.config_parameter"].sudo().get_param(HIS_SYSTEM_PARAM)
        return value or f"urn:medtrace:company:{self.company_id.id}"

    def _med_his_local(self, value):
        """``value`` (UTC, as Odoo stores it) in the hospital's time zone, with its offset:
        the messages say which instant they mean (HL7 ``+0800``, FHIR ``+08:00``)."""
        if not value:
            return value
        zone = pytz.timezone(self.env.user.tz or self.company_id.partner_id.tz or "UTC")
        return pytz.utc.localize(value).astimezone(zone)

    def _med_unit_udi(self, lot):
        """The unit's UDI as people read it: GS1 with its AIs in parentheses, else as
        scanned (HIBCC, MA)."""
        if lot.med_di and lot.med_di.isdigit():
            return gs1_hri(
                lot.med_di,
                lot=lot.med_mfr_lot or None,
                serial=lot.med_serial or None,
                expiry=lot.expiration_date.date() if lot.expiration_date else None,
                manufactured=lot.med_manufactured_date or None,
            )
        return lot.med_udi_raw or ""

    def _med_his_device(self, line):
        lot, product = line.lot_id, line.product_id
        expiry = lot.expiration_date.date() if lot.expiration_date else None
        udi = self._med_unit_udi(lot)
        return CaseDevice(
            product_code=product._med_his_key(),
            charge_code=product.med_his_charge_code or "",
            product_name=product.name,
            quantity=line.quantity,
            unit=product.uom_id.name or "",
            outcome=line.outcome,
            udi=udi,
            di=lot.med_di or "",
            issuer="GS1" if (lot.med_di or "").isdigit() else "HIBCC" if lot.med_di else "",
            lot=lot.med_mfr_lot or "",
            serial=lot.med_serial or "",
            expiry=expiry,
            manufactured=lot.med_manufactured_date or None,
            unit_price=product.standard_price or None,
            manufacturer=product.med_manufacturer_id.name or "",
            model=product.med_model or "",
            registration=product.med_registration_number or "",
            supplier=(line.owner_id or lot.med_supplier_id).name or "",
            implantable=bool(product.med_implantable),
            unit_reference=str(lot.id),
            waste_reason=line.waste_reason or "",
        )

    def _med_his_case(self):
        self.ensure_one()
        return SurgeryCase(
            reference=self.name,
            patient_id=self.patient_identifier,
            his_case_id=self.his_case_id or "",
            visit_number=self.encounter_ref or "",
            department_code=self.department_id.name or "",
            department_name=self.department_id.name or "",
            operating_room=self.operating_room or "",
            procedure_code=self.procedure_code or "",
            procedure_name=self.procedure_name or "",
            surgeon_id=str(self.surgeon_id.id) if self.surgeon_id else "",
            surgeon_name=self.surgeon_id.name or "",
            start=self._med_his_local(self.date_start or self.planned_date),
            end=self._med_his_local(self.date_done),
            devices=[self._med_his_device(line) for line in self.line_ids],
        )

    def _med_write_his_messages(self):
        """Write the case's DFT and FHIR messages (nothing when nothing is charged)."""
        for case in self:
            his_case = case._med_his_case()
            if not any(d.outcome in ("implanted", "used") for d in his_case.devices):
                continue
            try:
                dft = write_dft_p03(
                    his_case,
                    control_id=case.name,
                    now=case._med_his_local(fields.Datetime.now()),
                    sending=("MEDTRACE", case.company_id.name),
                )
                bundle = case_bundle(his_case, case._med_his_system())
            except HisError as error:
                # the templates are listed in med_his_messages for the translation export
                raise UserError(_(error.template, **error.params)) from error  # pylint: disable=translation-required
            case._med_system_write(
                {
                    "his_dft_message": dft,
                    "his_fhir_bundle": json.dumps(bundle, ensure_ascii=False, indent=1),
                }
            )
