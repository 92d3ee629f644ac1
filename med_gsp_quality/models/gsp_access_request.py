from odoo import _, api, fields, models
from odoo.exceptions import UserError

MANAGER = "med_gsp_quality.group_gsp_quality_manager"


class GspAccessRequest(models.Model):
    """A written request to grant or change a user's groups (DB15/T 961 §7.2)."""

    _name = "gsp.access.request"
    _inherit = ["gsp.audited.mixin", "gsp.four.eyes.mixin", "mail.thread"]
    _description = "User Access Request"
    _order = "id desc"
    _gsp_system_fields = (
        "state",
        "requested_by_id",
        "request_date",
        "approved_by_id",
        "approved_date",
        "applied_by_id",
        "applied_date",
    )

    user_id = fields.Many2one("res.users", string="For User", required=True)
    add_group_ids = fields.Many2many(
        "res.groups",
        "gsp_access_request_add_rel",
        "request_id",
        "group_id",
        string="Groups to Grant",
    )
    remove_group_ids = fields.Many2many(
        "res.groups",
        "gsp_access_request_remove_rel",
        "request_id",
        "group_id",
        string="Groups to Remove",
    )
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("applied", "Applied"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    request_date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_date = fields.Datetime(readonly=True)
    applied_by_id = fields.Many2one("res.users", readonly=True)
    applied_date = fields.Datetime(readonly=True)
    decision_reason = fields.Text()

    @api.depends("user_id")
    def _compute_display_name(self):
        for request in self:
            request.display_name = _("Access of %(user)s", user=request.user_id.name or "?")

    def _gsp_concerned_users(self):
        """Nobody decides a request they made, nor one for their own access."""
        self.ensure_one()
        return self.requested_by_id | self.user_id

    def _check_state(self, state):
        for request in self:
            if request.state != state:
                raise UserError(
                    _("%(request)s is not in the expected state.", request=request.display_name)
                )

    def action_submit(self):
        self._check_state("draft")
        if any(not (r.add_group_ids or r.remove_group_ids) for r in self):
            raise UserError(_("Name the groups to grant or remove."))
        self._gsp_system_write().write({"state": "submitted"})
        return True

    def action_approve(self):
        if not self.env.user.has_group(MANAGER):
            raise UserError(_("Only a quality manager approves access requests."))
        self._check_state("submitted")
        self._gsp_check_four_eyes(_("approve"))
        self._gsp_system_write().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self):
        if not self.env.user.has_group(MANAGER) and not self.env.user.has_group(
            "base.group_system"
        ):
            raise UserError(_("Only a quality manager or an administrator rejects requests."))
        self._check_state("submitted")
        self._gsp_check_four_eyes(_("reject"))
        if any(not r.decision_reason for r in self):
            raise UserError(_("Give the reason of the rejection first."))
        self._gsp_system_write().write(
            {
                "state": "rejected",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_apply(self):
        """The administrator applies an approved request."""
        if not self.env.user.has_group("base.group_system"):
            raise UserError(_("Only an administrator applies access requests."))
        self._check_state("approved")
        self._gsp_check_four_eyes(_("apply"))
        for request in self:
            commands = [(4, g.id) for g in request.add_group_ids]
            commands += [(3, g.id) for g in request.remove_group_ids]
            request.user_id.write({"groups_id": commands})
        self._gsp_system_write().write(
            {
                "state": "applied",
                "applied_by_id": self.env.uid,
                "applied_date": fields.Datetime.now(),
            }
        )
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.state != "draft" for request in self):
            raise UserError(_("Access requests and their outcome are kept."))
