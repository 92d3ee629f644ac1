from odoo import _, models
from odoo.exceptions import UserError


class GspFourEyesMixin(models.AbstractModel):
    """Requests decided by someone else than the people they concern (four eyes):
    nobody approves, rejects or applies a request they made, whatever their groups,
    administrators included.  Only the system itself (server code in superuser mode,
    e.g. a scheduled job) is not a person and is not refused."""

    _name = "gsp.four.eyes.mixin"
    _description = "GSP Four-Eyes Request"

    def _gsp_concerned_users(self):
        """The users who may not decide this request (default: who requested it)."""
        self.ensure_one()
        return self.requested_by_id

    def _gsp_check_four_eyes(self, action):
        """Refuses ``action`` (a translated verb: approve, reject, apply) to a user
        concerned by one of the requests."""
        if self.env.su:
            return
        user = self.env.user
        for request in self:
            if user in request._gsp_concerned_users():
                raise UserError(
                    _(
                        "Four eyes: %(user)s cannot %(action)s %(request)s, which they requested "
                        "or which concerns them; another person decides it.",
                        user=user.name,
                        action=action,
                        request=request.display_name,
                    )
                )
