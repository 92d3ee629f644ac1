from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class MedDeviceIssueCaseMixin(models.AbstractModel):
    """An issue made for a surgery case (its request to the store): the units scanned
    into it while it is a draft are reserved for the case; validating it issues them to
    the case's department and lists them on the case.  Mixed into ``med.device.issue``
    before the operation mixin whose hooks it extends."""

    _name = "med.device.issue.case.mixin"
    _description = "Device Issue for a Surgery Case"

    surgery_case_id = fields.Many2one(
        "med.surgery.case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The surgery case this issue serves: its units are reserved for the case "
        "until it is validated, then listed on the case.",
    )
    surgery_planned_date = fields.Datetime(
        related="surgery_case_id.planned_date", string="Surgery Planned On"
    )
    surgery_request_ids = fields.One2many(
        related="surgery_case_id.request_ids", string="Requested for the Case"
    )

    @api.model
    def _med_case_reservations(self, lots):
        """The lines of open case requests holding ``lots``: their reservations."""
        return (
            self.env["med.device.issue.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("issue_id.state", "=", "draft"),
                    ("issue_id.surgery_case_id", "!=", False),
                ]
            )
        )

    def write(self, vals):
        if {"department_id", "operation_type"} & set(vals) and self.filtered("surgery_case_id"):
            raise UserError(
                _(
                    "%(issue)s is the request of surgery case %(case)s: it goes to the "
                    "case's department as an issue.",
                    issue=self.filtered("surgery_case_id")[:1].display_name,
                    case=self.filtered("surgery_case_id")[:1].surgery_case_id.display_name,
                )
            )
        return super().write(vals)

    def _med_mark_done(self):
        result = super()._med_mark_done()
        # a nurse asked, the store issues: the operator is who validated it
        self.filtered("surgery_case_id")._med_system_write({"user_id": self.env.uid})
        for issue in self.filtered("surgery_case_id"):
            case = issue.surgery_case_id
            listed = case.line_ids.lot_id
            lines = [
                Command.create({"lot_id": line.lot_id.id, "quantity": line.quantity})
                for line in issue.line_ids
                if line.lot_id not in listed
            ]
            if lines:
                # checked as scanned into the issue (``_check_scan``) a moment ago
                case.sudo().with_context(med_case_scanned=True).write({"line_ids": lines})
                case._message_log(
                    body=_(
                        "%(count)s units issued by the store (%(issue)s), listed here.",
                        count=len(lines),
                        issue=issue.name,
                    )
                )
        return result

    def _med_check_correctable(self):
        result = super()._med_check_correctable()
        for issue in self.filtered("surgery_case_id"):
            case = issue.surgery_case_id
            decided = case.line_ids.filtered(
                lambda ln, units=issue.line_ids.lot_id: (
                    ln.lot_id in units and ln.outcome != "pending"
                )
            )
            if case.state not in ("draft", "in_progress") or decided:
                raise UserError(
                    _(
                        "%(issue)s issued units to %(case)s, which has recorded what became "
                        "of them: correct the case's uses instead.",
                        issue=issue.display_name,
                        case=case.display_name,
                    )
                )
        return result

    def _med_make_correction(self, reason):
        correction = super()._med_make_correction(reason)
        case = self.surgery_case_id
        if case:
            # the units went back to the store: they are no longer the case's
            case.line_ids.filtered(lambda ln: ln.lot_id in self.line_ids.lot_id).sudo().unlink()
            case._message_log(
                body=_(
                    "%(issue)s corrected by %(correction)s: its units are off the case "
                    "(%(reason)s).",
                    issue=self.name,
                    correction=correction.display_name,
                    reason=reason,
                )
            )
        return correction
