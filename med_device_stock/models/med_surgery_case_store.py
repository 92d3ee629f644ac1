from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE


class MedSurgeryCaseStoreMixin(models.AbstractModel):
    """Devices a surgery case asks of the store: the nurse lists products and
    quantities (``request_ids``) and sends the request; the store reserves units for it
    by scanning them into the request (a draft issue to the case's department, linked to
    the case), then issues them to the operating room, where they are listed on the case
    by themselves.  Closing or cancelling the case gives back what is still reserved."""

    _name = "med.surgery.case.store.mixin"
    _description = "Surgery Case Devices from the Store"

    request_ids = fields.One2many(
        "med.surgery.case.request", "case_id", string="Requested from the Store"
    )
    store_issue_ids = fields.One2many(
        "med.device.issue", "surgery_case_id", string="Store Issues", readonly=True
    )
    store_issue_count = fields.Integer(compute="_compute_store_issue_count")
    store_request_pending = fields.Boolean(
        compute="_compute_store_request_pending",
        help="Devices are listed that the store has neither reserved nor issued yet.",
    )

    @api.depends("store_issue_ids")
    def _compute_store_issue_count(self):
        for case in self:
            case.store_issue_count = len(case.store_issue_ids)

    @api.depends(
        "request_ids.quantity",
        "request_ids.quantity_sent",
        "request_ids.reserved_qty",
        "request_ids.issued_qty",
    )
    def _compute_store_request_pending(self):
        for case in self:
            case.store_request_pending = any(
                request._med_to_send() > 0 for request in case.request_ids
            )

    def _med_store_quantities(self):
        """{(case id, product id): (reserved, issued)}: reserved on the cases' open
        requests, issued by their done ones (net of corrections).  One query."""
        if not self.ids:
            return {}
        self.env["med.device.issue.line"].flush_model(["issue_id", "product_id", "quantity"])
        self.env["med.device.issue"].flush_model(["surgery_case_id", "state", "reversal_of_id"])
        self.env.cr.execute(
            """
            SELECT i.surgery_case_id, l.product_id,
                   SUM(l.quantity) FILTER (WHERE i.state = 'draft'),
                   SUM(l.quantity) FILTER (WHERE i.state = 'done' AND i.reversal_of_id IS NULL
                                           AND NOT EXISTS (SELECT 1 FROM med_device_issue r
                                                            WHERE r.reversal_of_id = i.id
                                                              AND r.state = 'done'))
              FROM med_device_issue_line l
              JOIN med_device_issue i ON i.id = l.issue_id
             WHERE i.surgery_case_id IN %s
             GROUP BY i.surgery_case_id, l.product_id
            """,
            [tuple(self.ids)],
        )
        return {
            (case_id, product_id): (reserved or 0.0, issued or 0.0)
            for case_id, product_id, reserved, issued in self.env.cr.fetchall()
        }

    def _med_open_store_request(self):
        """The case's request the store is working on (a draft issue), if any."""
        self.ensure_one()
        return self.store_issue_ids.filtered(lambda issue: issue.state == "draft")[:1]

    def action_request_from_store(self):
        """Send the listed devices to the store: a request it reserves units for, then
        issues them to the case's department.  Nurses do not write issues: the request is
        made for them, the case's own rights checked."""
        self.ensure_one()
        self.check_access("write")
        self._med_check_open()
        missing = [
            (request, request._med_to_send())
            for request in self.request_ids
            if request._med_to_send() > 0
        ]
        if not missing:
            raise UserError(
                _(
                    "%(case)s: list the devices it needs from the store (Requested from the "
                    "Store) first; everything listed was asked of the store already.",
                    case=self.display_name,
                )
            )
        issue = self._med_open_store_request()
        # ``_()`` in the method's own frame (it finds no language in a generator's)
        parts = []
        for request, quantity in missing:
            note = f" ({request.note})" if request.note else ""
            parts.append(
                _(
                    "%(quantity)s × %(product)s%(note)s",
                    quantity=quantity,
                    product=request.product_id.display_name,
                    note=note,
                )
            )
        details = ", ".join(parts)
        for request, _quantity in missing:
            request._med_system_write({"quantity_sent": request.quantity})
        if not issue:
            issue = (
                self.env["med.device.issue"]
                .sudo()
                .with_context(med_system_write=SYSTEM_WRITE)
                .create(
                    {
                        "operation_type": "issue",
                        "department_id": self.department_id.id,
                        "surgery_case_id": self.id,
                        "requester_id": self.env.user.employee_id.id,
                        "company_id": self.company_id.id,
                        "note": _(
                            "For surgery case %(case)s, %(room)s, %(date)s.",
                            case=self.name,
                            room=self.operating_room or self.department_id.name,
                            date=fields.Datetime.to_string(
                                fields.Datetime.context_timestamp(self, self.planned_date)
                            )[:16],
                        ),
                    }
                )
            )
        issue.sudo().message_post(
            body=_(
                "Requested by %(user)s for %(case)s: %(details)s",
                user=self.env.user.name,
                case=self.name,
                details=details,
            )
        )
        self._message_log(
            body=_(
                "Requested from the store (%(request)s): %(details)s",
                request=issue.name,
                details=details,
            )
        )
        return True

    def action_view_store_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_device_issue_action"
        )
        action["domain"] = [("surgery_case_id", "=", self.id)]
        action["context"] = {"create": False}
        issues = self.store_issue_ids
        if len(issues) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=issues.id)
        return action

    def action_cancel(self):
        result = super().action_cancel()
        self._med_release_store_requests()
        return result

    def _med_release_store_requests(self):
        """The case is over: what the store still reserves for it is free again."""
        open_requests = self.store_issue_ids.filtered(lambda issue: issue.state == "draft")
        if open_requests:
            open_requests.sudo().action_cancel()
            for issue in open_requests:
                issue.sudo().message_post(
                    body=_(
                        "Cancelled: %(case)s is %(state)s, its reserved units are free again.",
                        case=issue.surgery_case_id.name,
                        state=issue.surgery_case_id._med_state_label(),
                    )
                )
