from dateutil.relativedelta import relativedelta
from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: GSP: inspection records are kept 2 years past the devices' expiry, 5 years at least;
#: records of implantable devices forever.
YEARS_AFTER_EXPIRY = 2
MIN_YEARS = 5


class MedReceiptCheck(models.Model):
    _inherit = "med.receipt.check"

    def _gsp_keep_until(self):
        """The date until which this inspection record must be kept (None: forever)."""
        self.ensure_one()
        start = (self.date_done or self.create_date).date()
        keep = start + relativedelta(years=MIN_YEARS)
        for line in self.line_ids:
            if line.product_id.product_tmpl_id._gsp_retention_forever():
                return None
            if line.expiry_date:
                keep = max(keep, line.expiry_date + relativedelta(years=YEARS_AFTER_EXPIRY))
        return keep

    @api.ondelete(at_uninstall=False)
    def _unlink_gsp_retention(self):
        today = fields.Date.context_today(self)
        for check in self.filtered(lambda c: c.state == "done"):
            keep = check._gsp_keep_until()
            if keep is None:
                raise UserError(
                    _("%(document)s records implantable devices: it is kept forever.",
                      document=check.display_name)
                )  # fmt: skip
            if keep > today:
                raise UserError(
                    _("%(document)s is an inspection record kept until %(date)s.",
                      document=check.display_name, date=keep)
                )  # fmt: skip
