from odoo import _, api, fields, models

from .gsp_retention import check_retention, keep_until


class MedReceiptCheck(models.Model):
    _inherit = "med.receipt.check"

    def _gsp_keep_until(self):
        """The date until which this inspection record must be kept (None: forever)."""
        self.ensure_one()
        start = (self.date_done or self.create_date).date()
        return keep_until(
            start, [(line.product_id.product_tmpl_id, line.expiry_date) for line in self.line_ids]
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_gsp_retention(self):
        today = fields.Date.context_today(self)
        for check in self.filtered(lambda c: c.state == "done"):
            check_retention(check, check._gsp_keep_until(), today, _("purchase inspection record"))
