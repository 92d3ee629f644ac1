from odoo import _, api, fields, models
from odoo.exceptions import UserError

OFFICER = "med_gsp_quality.group_gsp_quality_officer"
#: models whose base data is changed through requests
CHANGEABLE_MODELS = [
    ("res.partner", "Partner"),
    ("product.template", "Product"),
    ("gsp.qualification", "Qualification"),
]


class GspChangeRequest(models.Model):
    """A request to change GSP base data, decided by quality (DB15/T 961 §6.2.2)."""

    _name = "gsp.change.request"
    _inherit = ["gsp.audited.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "GSP Change Request"
    _order = "id desc"
    _check_company_auto = True
    _gsp_system_fields = (
        "state", "requested_by_id", "request_date", "decided_by_id", "decision_date",
    )  # fmt: skip

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
        [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved"),
         ("rejected", "Rejected")],
        default="draft", required=True, readonly=True, tracking=True, index=True,
    )  # fmt: skip
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
                raise UserError(_("%(request)s: the record no longer exists.",
                                  request=request.name))  # fmt: skip
        self.line_ids._gsp_capture_old_values()
        self._gsp_system_write().write({"state": "submitted"})
        return True

    def _check_decider(self):
        if not self.env.user.has_group(OFFICER):
            raise UserError(_("Only quality staff may decide change requests."))
        for request in self:
            if request.state != "submitted":
                raise UserError(_("%(request)s has not been submitted.", request=request.name))

    def action_approve(self):
        """Quality approves: the system applies the new values."""
        self._check_decider()
        for request in self:
            record = request._record()
            if record is None:
                raise UserError(_("%(request)s: the record no longer exists.",
                                  request=request.name))  # fmt: skip
            vals = {}
            for line in request.line_ids:
                current = self.env["gsp.audited.mixin"]._gsp_format_value(
                    record, line.field_name
                )
                if current != (line.old_value or ""):
                    raise UserError(
                        _("%(request)s: %(field)s changed to %(current)s since the request "
                          "was made (it was %(old)s); make a new request.",
                          request=request.name, field=line.field_id.sudo().field_description,
                          current=current, old=line.old_value or "")
                    )  # fmt: skip
                vals[line.field_name] = line._gsp_parsed_value()
            record.with_context(gsp_audit_reason=request.reason).write(vals)
        self._gsp_system_write().write({
            "state": "approved", "decided_by_id": self.env.uid,
            "decision_date": fields.Datetime.now(),
        })  # fmt: skip
        return True

    def action_reject(self):
        self._check_decider()
        if any(not request.decision_reason for request in self):
            raise UserError(_("Give the reason of the rejection first."))
        self._gsp_system_write().write({
            "state": "rejected", "decided_by_id": self.env.uid,
            "decision_date": fields.Datetime.now(),
        })  # fmt: skip
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
