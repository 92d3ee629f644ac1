from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

ISSUE_TYPES = [
    ("issue", "Issue"),
    ("borrow", "Borrow"),
    ("return", "Return"),
    ("transfer", "Transfer"),
]


class MedDeviceIssue(models.Model):
    """Units leaving the store for a department (issue 领用, borrow 借用), coming back
    (return 归还/退库) or moving between department sub-stores (transfer)."""

    _name = "med.device.issue"
    _inherit = ["med.device.issue.case.mixin", "med.device.reversal.mixin", "mail.thread"]
    _description = "Device Issue, Borrow, Return or Transfer"
    _order = "id desc"
    _med_sequence_code = "med.device.issue"
    _med_system_fields = (
        "user_id",
        "date_done",
        "reversal_reason",
        "reversal_of_id",
        "surgery_case_id",
    )
    #: storekeepers issue, lend, take back and transfer units: they correct them too
    _med_correction_group = "med_device_stock.group_med_storekeeper"

    operation_type = fields.Selection(
        ISSUE_TYPES, string="Operation", required=True, default="issue", index=True
    )
    department_id = fields.Many2one(
        "hr.department",
        required=True,
        check_company=True,
        index=True,
        domain="[('med_is_device_department', '=', True)]",
        help="Receiving department (issue, borrow), returning department (return) or "
        "department the units leave (transfer).",
    )
    dest_department_id = fields.Many2one(
        "hr.department",
        string="To Department",
        check_company=True,
        index=True,
        domain="[('med_is_device_department', '=', True)]",
    )
    requester_id = fields.Many2one("hr.employee", string="Requested By", check_company=True)
    expected_return_date = fields.Date()
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    line_ids = fields.One2many("med.device.issue.line", "issue_id", string="Units")
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)
    reversal_of_id = fields.Many2one(
        "med.device.issue",
        string="Reverses",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The done document this one corrects.",
    )
    reversal_ids = fields.One2many("med.device.issue", "reversal_of_id", string="Reversed By")

    @api.constrains("operation_type", "expected_return_date", "dest_department_id")
    def _check_operation_fields(self):
        for record in self:
            if record.operation_type == "borrow" and not record.expected_return_date:
                raise UserError(_("A borrow needs an expected return date."))
            if record.operation_type == "transfer" and (
                not record.dest_department_id or record.dest_department_id == record.department_id
            ):
                raise UserError(
                    _("A transfer needs a destination department other than the source department.")
                )

    def _med_outstanding_borrows(self):
        """Done borrows among ``self`` whose date has passed and a unit is still borrowed
        by the department."""
        today = fields.Date.context_today(self)
        candidates = self.filtered(
            lambda r: (
                r.state == "done"
                and r.operation_type == "borrow"
                and r.expected_return_date
                and r.expected_return_date < today
                and not r.reversal_of_id
                and not r.reversal_ids
            )
        )
        return candidates.filtered(
            lambda r: any(
                line.lot_id.med_state == "borrowed"
                and line.lot_id.med_department_id == r.department_id
                for line in r.line_ids
            )
        )

    @api.depends("state", "operation_type", "expected_return_date", "line_ids.lot_id.med_state")
    def _compute_is_overdue(self):
        overdue = self._med_outstanding_borrows()
        for record in self:
            record.is_overdue = record in overdue

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("Unsupported search on overdue: %(op)s %(value)s", op=operator, value=value)
            )
        candidates = self.search(
            [
                ("state", "=", "done"),
                ("operation_type", "=", "borrow"),
                ("expected_return_date", "<", fields.Date.context_today(self)),
            ]
        )
        overdue = candidates._med_outstanding_borrows()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", overdue.ids)]

    def _med_reversal_event_types(self):
        return (self.operation_type,)

    def _med_reversal_values(self):
        self.ensure_one()
        return {
            "operation_type": self.operation_type,
            "department_id": self.department_id.id,
            "dest_department_id": self.dest_department_id.id,
            "requester_id": self.requester_id.id,
            "expected_return_date": self.expected_return_date,
            "line_ids": [
                Command.create({"lot_id": line.lot_id.id, "quantity": line.quantity})
                for line in self.line_ids
            ],
        }

    def _med_scan_context(self):
        self.ensure_one()
        return {
            "document_id": self.id,
            "department_id": self.department_id.id,
            "dest_department_id": self.dest_department_id.id,
            "requester_id": self.requester_id.id,
        }

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_draft()
        return self.env["med.scan.wizard"]._open_for(self, self.operation_type)

    def _med_destination(self):
        self.ensure_one()
        if self.operation_type == "return":
            return self.company_id._med_warehouse().lot_stock_id, self.env["hr.department"]
        department = (
            self.dest_department_id if self.operation_type == "transfer" else self.department_id
        )
        if not department.med_location_id:
            raise UserError(
                _(
                    "Department %(department)s has no device sub-store.",
                    department=department.display_name,
                )
            )
        return department.med_location_id, department

    def action_done(self):
        """Move the units with Odoo transfers and record the step in their timelines."""
        self._med_check_draft()
        for record in self:
            if not record.line_ids:
                raise UserError(_("%(document)s has no unit.", document=record.display_name))
            problems = record.line_ids._med_check_units()
            if problems:
                raise UserError("\n".join(problems))
            destination, department = record._med_destination()
            pickings = record._med_move_units(
                [(line.lot_id, line.quantity) for line in record.line_ids],
                destination,
                record._med_event_info(
                    record.operation_type,
                    department_id=department.id,
                    holder_id=record.requester_id.id if department else False,
                ),
            )
            record.picking_ids = pickings
            record._med_mark_done()
        return True
