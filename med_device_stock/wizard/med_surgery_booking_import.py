"""Planned surgery cases from the HIS's bookings: HL7 ``SIU^S12``…``S17`` messages or a
CSV export of the operating theatre's schedule."""

import base64

from odoo import _, fields, models
from odoo.exceptions import UserError

from medtrace.his import HisError, read_bookings_csv, read_siu

from ..models.med_his_messages import HIS_MESSAGES  # noqa: F401  (listed for the .pot)

#: larger files are refused before they are decoded
MAX_BYTES = 20 * 1024 * 1024


class MedSurgeryBookingImport(models.TransientModel):
    _name = "med.surgery.booking.import"
    _description = "Import Surgery Bookings"

    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    department_id = fields.Many2one(
        "hr.department",
        required=True,
        domain="[('med_is_device_department', '=', True)]",
        help="The department (operating theatre) holding the devices of the cases booked.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Text(readonly=True)

    def _med_bookings(self, data):
        head = data.lstrip(b"\xef\xbb\xbf\x0b \r\n")[:3]
        try:
            if head in (b"MSH", b"FHS", b"BHS"):
                return read_siu(data)
            return read_bookings_csv(data)
        except HisError as error:
            # the templates are listed in med_his_messages for the translation export
            raise UserError(  # pylint: disable=translation-required
                _("%(file)s: ", file=self.filename or _("the file"))
                + _(error.template, **error.params)
            ) from error

    def action_import(self):
        self.ensure_one()
        Case = self.env["med.surgery.case"]
        Case.check_access("create")
        if not self.file:
            raise UserError(_("Choose the bookings file to import."))
        if len(self.file) * 3 // 4 > MAX_BYTES:
            raise UserError(
                _(
                    "%(file)s is larger than %(maximum)s MB.",
                    file=self.filename or _("the file"),
                    maximum=MAX_BYTES >> 20,
                )
            )
        data = base64.b64decode(self.file)
        bookings = self._med_bookings(data)
        known = {
            case.his_case_id: case
            for case in Case.search(
                [("his_case_id", "in", [b.his_case_id for b in bookings if b.his_case_id])]
            )
        }
        surgeons = self._med_surgeons({b.surgeon_name for b in bookings if b.surgeon_name})
        created = updated = cancelled = 0
        problems = []
        touched = Case
        for booking in bookings:
            case = known.get(booking.his_case_id)
            if booking.action == "cancel":
                if case and case.state == "draft":
                    case.action_cancel()
                    cancelled += 1
                    touched |= case
                elif case and case.state != "cancel":
                    problems.append(
                        _(
                            "%(booking)s: the HIS cancelled %(case)s, which is %(state)s; "
                            "it is left as it is.",
                            booking=booking.his_case_id,
                            case=case.display_name,
                            state=case._med_state_label(),
                        )
                    )
                continue
            values = self._med_case_values(booking, surgeons)
            if not case:
                if not booking.patient_id:
                    problems.append(
                        _(
                            "%(booking)s (%(where)s) has no patient identifier: not imported.",
                            booking=booking.his_case_id,
                            where=booking.source,
                        )
                    )
                    continue
                case = Case.create(values)
                known[booking.his_case_id] = case
                created += 1
            elif case.state == "draft":
                case.write({k: v for k, v in values.items() if v})
                updated += 1
            else:
                problems.append(
                    _(
                        "%(booking)s: %(case)s is %(state)s; the HIS's change is not applied.",
                        booking=booking.his_case_id,
                        case=case.display_name,
                        state=case._med_state_label(),
                    )
                )
                continue
            touched |= case
        for case in touched:
            self.env["ir.attachment"].create(
                {
                    "name": self.filename or "bookings",
                    "datas": self.file,
                    "res_model": case._name,
                    "res_id": case.id,
                }
            )
        summary = _(
            "%(created)s cases planned, %(updated)s updated, %(cancelled)s cancelled.",
            created=created,
            updated=updated,
            cancelled=cancelled,
        )
        if problems:
            summary += "\n" + "\n".join(problems)
        self.write({"state": "done", "summary": summary})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _med_surgeons(self, names):
        if not names:
            return {}
        employees = self.env["hr.employee"].search([("name", "in", list(names))])
        return {employee.name: employee for employee in employees}

    def _med_case_values(self, booking, surgeons):
        values = {
            "his_case_id": booking.his_case_id,
            "patient_identifier": booking.patient_id or False,
            "encounter_ref": booking.visit_number or False,
            "department_id": self.department_id.id,
            "operating_room": booking.operating_room or False,
            "procedure_code": booking.procedure_code or False,
            "procedure_name": booking.procedure_name or False,
            "surgeon_id": surgeons[booking.surgeon_name].id
            if booking.surgeon_name in surgeons
            else False,
        }
        if booking.start:
            values["planned_date"] = fields.Datetime.to_datetime(booking.start)
        return values
