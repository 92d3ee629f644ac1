"""Planned surgery cases from the HIS's bookings: HL7 ``SIU^S12``…``S17`` messages or a
CSV export of the operating theatre's schedule."""

from odoo import _, fields, models

from medtrace.his import read_bookings_csv, read_siu


class MedSurgeryBookingImport(models.TransientModel):
    _name = "med.surgery.booking.import"
    _inherit = "med.his.file.import.mixin"
    _description = "Import Surgery Bookings"

    department_id = fields.Many2one(
        "hr.department",
        required=True,
        domain="[('med_is_device_department', '=', True)]",
        help="The department (operating theatre) holding the devices of the cases booked.",
    )

    def action_import(self):
        self.ensure_one()
        Case = self.env["med.surgery.case"]
        Case.check_access("create")
        data = self._med_his_data()
        bookings = self._med_his_read(data, read_siu, read_bookings_csv)
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
        return self._med_his_done(summary)

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
            values["planned_date"] = self._med_his_utc(booking.start)
        return values
