from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: China's 34 provincial-level divisions by GB/T 2260 code (medtrace.gsp.PROVINCIAL_DIVISIONS
#: holds the Chinese names)
GSP_REGIONS = [
    ("11", "11 Beijing"),
    ("12", "12 Tianjin"),
    ("13", "13 Hebei"),
    ("14", "14 Shanxi"),
    ("15", "15 Inner Mongolia"),
    ("21", "21 Liaoning"),
    ("22", "22 Jilin"),
    ("23", "23 Heilongjiang"),
    ("31", "31 Shanghai"),
    ("32", "32 Jiangsu"),
    ("33", "33 Zhejiang"),
    ("34", "34 Anhui"),
    ("35", "35 Fujian"),
    ("36", "36 Jiangxi"),
    ("37", "37 Shandong"),
    ("41", "41 Henan"),
    ("42", "42 Hubei"),
    ("43", "43 Hunan"),
    ("44", "44 Guangdong"),
    ("45", "45 Guangxi"),
    ("46", "46 Hainan"),
    ("50", "50 Chongqing"),
    ("51", "51 Sichuan"),
    ("52", "52 Guizhou"),
    ("53", "53 Yunnan"),
    ("54", "54 Tibet"),
    ("61", "61 Shaanxi"),
    ("62", "62 Gansu"),
    ("63", "63 Qinghai"),
    ("64", "64 Ningxia"),
    ("65", "65 Xinjiang"),
    ("71", "71 Taiwan"),
    ("81", "81 Hong Kong"),
    ("82", "82 Macao"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    gsp_enforce = fields.Boolean(
        string="Enforce GSP Qualifications",
        help="Refuse business in regulated products with unqualified partners or products.",
    )
    gsp_require_pickup_person = fields.Boolean(
        string="Pickup Persons Required",
        help="Deliveries of regulated products to a customer are validated only with a "
        "valid pickup person authorised by the customer.",
    )
    gsp_require_sales_rep = fields.Boolean(
        string="Sales Representatives Required",
        help="Purchase orders of regulated products are confirmed only when they name the "
        "supplier's authorised sales representative they were placed with.",
    )
    gsp_warning_days = fields.Char(
        string="Expiry Warnings (days)",
        default="90,60,30,7",
        help="Days before expiry at which quality staff get an activity, comma separated.",
    )
    gsp_head_user_id = fields.Many2one(
        "res.users", string="Company Head", help="Decides class A events (within 24 hours)."
    )
    gsp_quality_user_id = fields.Many2one(
        "res.users", string="Quality Head", help="Coordinates class B events."
    )
    gsp_region = fields.Selection(
        GSP_REGIONS,
        string="GSP Region",
        help="Provincial-level division the company trades in. When set, a purchase is "
        "confirmed only with a supplier's sales representative authorised for this region.",
    )
    gsp_hours_a = fields.Integer(string="Class A Deadline (hours)", default=24)
    gsp_hours_b = fields.Integer(string="Class B Deadline (hours)", default=72)
    gsp_hours_c = fields.Integer(string="Class C Deadline (hours)", default=168)

    def _gsp_warning_days(self):
        self.ensure_one()
        try:
            return sorted(
                {int(part) for part in (self.gsp_warning_days or "").split(",") if part.strip()},
                reverse=True,
            )
        except ValueError:
            return [90, 60, 30, 7]

    def _gsp_response_hours(self, info_class):
        self.ensure_one()
        return {"A": self.gsp_hours_a, "B": self.gsp_hours_b}.get(info_class, self.gsp_hours_c)

    @api.constrains("gsp_warning_days")
    def _check_gsp_warning_days(self):
        for company in self:
            parts = [p.strip() for p in (company.gsp_warning_days or "").split(",") if p.strip()]
            if not all(p.isdigit() and int(p) > 0 for p in parts):
                raise ValidationError(
                    _(
                        "Expiry warnings %(value)s must be positive day counts separated by "
                        "commas, e.g. 90,60,30,7.",
                        value=company.gsp_warning_days,
                    )
                )
