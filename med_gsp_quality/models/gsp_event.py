from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .gsp_event_rule import CLASSES, EVENT_TYPES

OFFICER = "med_gsp_quality.group_gsp_quality_officer"
MANAGER = "med_gsp_quality.group_gsp_quality_manager"


class GspEvent(models.Model):
    """A quality or logistics event, classed A/B/C and followed up by activities."""

    _name = "gsp.event"
    _inherit = ["gsp.audited.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "GSP Quality Event"
    _order = "date desc, id desc"
    _check_company_auto = True
    _gsp_system_fields = (
        "info_class",
        "reported_by_id",
        "date",
        "deadline",
        "done_by_id",
        "done_date",
        "escalated",
        "state",
        "responsible_id",
    )

    name = fields.Char(required=True)
    event_type = fields.Selection(EVENT_TYPES, required=True)
    description = fields.Text()
    quantity = fields.Float(help="Quantity concerned (e.g. the count difference).")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one("res.partner", check_company=True)
    product_id = fields.Many2one("product.product", check_company=True)
    department_id = fields.Many2one("hr.department", check_company=True)
    qualification_id = fields.Many2one(
        "gsp.qualification",
        check_company=True,
        index="btree_not_null",
        readonly=True,
        help="The qualification whose expiry or revocation raised the event.",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        check_company=True,
        index="btree_not_null",
        readonly=True,
        help="The unit (serial number or lot) the event is about, where it is known.",
    )
    reconciliation_line_id = fields.Many2one(
        "med.his.reconciliation.line",
        string="Reconciliation Row",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        help="The row of the HIS reconciliation whose traceability gap raised the event.",
    )
    info_class = fields.Selection(CLASSES, string="Information Class", readonly=True, index=True)
    responsible_id = fields.Many2one("res.users", string="Decides", readonly=True)
    reported_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    date = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    deadline = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")], default="open", readonly=True, index=True
    )
    resolution = fields.Text()
    done_by_id = fields.Many2one("res.users", readonly=True)
    done_date = fields.Datetime(readonly=True)
    escalated = fields.Boolean(readonly=True)
    response_hours = fields.Float(
        compute="_compute_response",
        store=True,
        aggregator="avg",
        help="Hours from the report to the decision.",
    )
    late = fields.Boolean(compute="_compute_response", store=True)

    @api.depends("date", "done_date", "deadline")
    def _compute_response(self):
        for event in self:
            if event.done_date and event.date:
                event.response_hours = (event.done_date - event.date).total_seconds() / 3600
                event.late = bool(event.deadline and event.done_date > event.deadline)
            else:
                event.response_hours = 0.0
                event.late = False

    def _gsp_responsible(self, info_class):
        """A: company head; B: quality manager (or head); C: department head."""
        self.ensure_one()
        company = self.company_id
        head = company.gsp_head_user_id
        quality = company.gsp_quality_user_id or head
        if info_class == "A":
            return head or quality
        if info_class == "B":
            return quality or head
        return self.department_id.manager_id.user_id or quality or head

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        for event in events:
            info_class = self.env["gsp.event.rule"]._classify(
                event.event_type, event.quantity, event.company_id
            )
            hours = event.company_id._gsp_response_hours(info_class)
            deadline = event.date + timedelta(hours=hours)
            responsible = event._gsp_responsible(info_class) or self.env.user
            event._gsp_system_write().write(
                {
                    "info_class": info_class,
                    "deadline": deadline,
                    "responsible_id": responsible.id,
                }
            )
            activities.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": event.id,
                    "activity_type_id": activity_type.id,
                    "user_id": responsible.id,
                    "date_deadline": fields.Date.context_today(event, deadline),
                    "summary": _(
                        "Class %(info_class)s event: decide by %(deadline)s",
                        info_class=info_class,
                        deadline=deadline,
                    ),
                }
            )
        self.env["mail.activity"].sudo().create(activities)
        return events

    def action_done(self):
        for event in self:
            if event.state == "done":
                raise UserError(_("%(event)s is already done.", event=event.name))
            if not event.resolution:
                raise UserError(_("%(event)s: write the resolution first.", event=event.name))
            allowed = self.env.user == event.responsible_id or self.env.user.has_group(OFFICER)
            if not allowed:
                raise UserError(
                    _(
                        "%(event)s is decided by %(user)s or quality staff.",
                        event=event.name,
                        user=event.responsible_id.name,
                    )
                )
        self._gsp_system_write().write(
            {
                "state": "done",
                "done_by_id": self.env.uid,
                "done_date": fields.Datetime.now(),
            }
        )
        self.activity_ids.action_feedback(feedback=_("Event closed."))
        return True

    @api.model
    def _cron_escalate(self):
        """Overdue open events: an activity for the company head (set-based)."""
        overdue = self.search(
            [
                ("state", "=", "open"),
                ("escalated", "=", False),
                ("deadline", "<", fields.Datetime.now()),
            ]
        )
        if not overdue:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        for event in overdue:
            head = event.company_id.gsp_head_user_id or event.company_id.gsp_quality_user_id
            if not head:
                continue
            activities.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": event.id,
                    "activity_type_id": activity_type.id,
                    "user_id": head.id,
                    "date_deadline": fields.Date.context_today(self),
                    "summary": _(
                        "Overdue class %(info_class)s event (deadline %(deadline)s)",
                        info_class=event.info_class,
                        deadline=event.deadline,
                    ),
                }
            )
        self.env["mail.activity"].sudo().create(activities)
        overdue._gsp_system_write().write({"escalated": True})

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Quality events are records that are kept."))
