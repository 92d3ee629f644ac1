from odoo import api, fields, models

from .med_alert import check_alert_days


class ProductCategory(models.Model):
    _inherit = "product.category"

    med_expiry_alert_days = fields.Char(
        string="Near-expiry Alerts (days)",
        help="Days before expiry at which device units of this category are alerted, "
        "e.g. 90,60,30. Empty: the parent category's, else the system default.",
    )

    @api.constrains("med_expiry_alert_days")
    def _check_med_expiry_alert_days(self):
        check_alert_days(self)
