from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .stock_lot import LOT_CHANGEABLE_FIELDS

OFFICER = "med_gsp_quality.group_gsp_quality_officer"
#: models whose base data is changed through requests
CHANGEABLE_MODELS = [
    ("res.partner", "Partner"),
    ("product.template", "Product"),
    ("gsp.qualification", "Qualification"),
    ("stock.lot", "Device Unit"),
]
#: models whose requests may change only these fields (others: any stored field)
CHANGEABLE_FIELDS = {"stock.lot": LOT_CHANGEABLE_FIELDS}


class GspChangeRequest(models.Model):
    """A request to change GSP base data, decided by quality (DB15/T 961 §6.2.2)."""

    _name = "gsp.change.request"
    _inherit = ["gsp.audited.mixin", "gsp.four.eyes.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "GSP Change Request"
    _order = "id desc"
    _check_company_auto = True
    _gsp_system_fields = (
        "state",
        "requested_by_id",
        "request_date",
        "decided_by_id",
        "decision_date",
    )

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    res_model = fields.Selection(CHANGEABLE_MODELS, string="Model", required=True)
    res_id = fields.Integer(string="Record ID", required=True)
    record_name = fields.Char(compute="_compute_name", store=True)
    line_ids = fields.One2many("gsp.change.request.line", "request_id", string="Changes")
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user, index=True
    )
    request_date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Datetime(readonly=True, copy=False)
    decision_reason = fields.Text(tracking=True)

    @api.depends("res_model", "res_id")
    def _compute_name(self):
        for request in self:
            record = request._record()
            request.record_name = record.display_name if record else ""
            request.name = _("Change of %(record)s", record=request.record_name or "?")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # before anything of the record is read into the request (its name)
            self._gsp_check_readable(self.env.user, vals.get("res_model"), vals.get("res_id"))
            record = self._gsp_target(vals.get("res_model"), vals.get("res_id"))
            if (
                record is not None
                and "company_id" not in vals
                and record._fields.get("company_id")
                and record.company_id
            ):
                vals["company_id"] = record.company_id.id
        requests = super().create(vals_list)
        requests._gsp_check_requester_access()
        return requests

    def write(self, vals):
        if {"res_model", "res_id"} & set(vals):
            for request in self:
                self._gsp_check_readable(
                    request.requested_by_id,
                    vals.get("res_model", request.res_model),
                    vals.get("res_id", request.res_id),
                )
        result = super().write(vals)
        if {"res_model", "res_id", "line_ids"} & set(vals):
            self._gsp_check_requester_access()
        return result

    @api.model
    def _gsp_target(self, model, res_id):
        if model not in dict(CHANGEABLE_MODELS) or not isinstance(res_id, int) or not res_id:
            return None
        return self.env[model].sudo().browse(res_id).exists() or None

    @api.model
    def _gsp_check_readable(self, user, model, res_id, field_names=()):
        """Refuses a request for a record (and fields) ``user`` may not read: access
        rights and record rules (other companies included) as the requester, in all of
        the requester's companies.  Nothing of the record is named in the refusal."""
        record = self._gsp_target(model, res_id)
        if record is None or not user:
            return
        target = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        hidden = [
            name
            for name in field_names
            if name in target._fields and not target._fields[name].is_accessible(target.env)
        ]
        if not target.has_access("read") or hidden:
            raise AccessError(
                _(
                    "%(user)s may not read %(model)s record %(id)s%(fields)s: a change request is "
                    "made only for data its requester may read.",
                    user=user.name,
                    model=target._description,
                    id=res_id,
                    fields=(" (" + ", ".join(hidden) + ")") if hidden else "",
                )
            )

    def _gsp_check_requester_access(self):
        for request in self:
            self._gsp_check_readable(
                request.requested_by_id or self.env.user,
                request.res_model,
                request.res_id,
                request.line_ids.mapped("field_name"),
            )

    @api.constrains("res_model", "res_id", "company_id")
    def _check_record_company(self):
        for request in self:
            record = request._record()
            if record is None or not record._fields.get("company_id"):
                continue
            company = record.sudo().company_id
            if company and company != request.company_id:
                raise ValidationError(
                    _(
                        "A change request belongs to the company of its record (%(company)s).",
                        company=company.name,
                    )
                )

    def _record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return None
        record = self.env[self.res_model].sudo().browse(self.res_id).exists()
        return record or None

    def action_submit(self):
        for request in self:
            if request.state != "draft":
                raise UserError(_("%(request)s is not a draft.", request=request.name))
            if not request.line_ids:
                raise UserError(_("%(request)s lists no change.", request=request.name))
            if request._record() is None:
                raise UserError(
                    _("%(request)s: the record no longer exists.", request=request.name)
                )
        self._gsp_check_requester_access()  # old values are captured only if readable
        self.line_ids._gsp_capture_old_values()
        self._gsp_system_write().write({"state": "submitted"})
        return True

    def _check_decider(self, action):
        if not self.env.user.has_group(OFFICER):
            raise UserError(_("Only quality staff may decide change requests."))
        for request in self:
            if request.state != "submitted":
                raise UserError(_("%(request)s has not been submitted.", request=request.name))
        self._gsp_check_four_eyes(action)

    def action_approve(self):
        """Quality approves: the system applies the new values."""
        self._check_decider(_("approve"))
        for request in self:
            record = request._record()
            if record is None:
                raise UserError(
                    _("%(request)s: the record no longer exists.", request=request.name)
                )
            vals = {}
            for line in request.line_ids:
                current = self.env["gsp.audited.mixin"]._gsp_format_value(record, line.field_name)
                if current != (line.old_value or ""):
                    raise UserError(
                        _(
                            "%(request)s: %(field)s changed to %(current)s since the request "
                            "was made (it was %(old)s); make a new request.",
                            request=request.name,
                            field=line.field_id.sudo().field_description,
                            current=current,
                            old=line.old_value or "",
                        )
                    )
                vals[line.field_name] = line._gsp_parsed_value()
            record._gsp_apply_change(vals, request.reason)
        self._gsp_system_write().write(
            {
                "state": "approved",
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self):
        self._check_decider(_("reject"))
        if any(not request.decision_reason for request in self):
            raise UserError(_("Give the reason of the rejection first."))
        self._gsp_system_write().write(
            {
                "state": "rejected",
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.state != "draft" for request in self):
            raise UserError(_("Submitted and decided change requests are kept."))

    @api.model
    def _gsp_open_for(self, record):
        """The form of a new change request for a record."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "current",
            "context": {"default_res_model": record._name, "default_res_id": record.id},
        }
