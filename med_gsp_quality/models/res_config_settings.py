from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    gsp_enforce = fields.Boolean(related="company_id.gsp_enforce", readonly=False)
    gsp_warning_days = fields.Char(related="company_id.gsp_warning_days", readonly=False)
    gsp_require_pickup_person = fields.Boolean(
        related="company_id.gsp_require_pickup_person", readonly=False
    )
    gsp_require_sales_rep = fields.Boolean(
        related="company_id.gsp_require_sales_rep", readonly=False
    )
    gsp_region = fields.Selection(related="company_id.gsp_region", readonly=False)
    gsp_head_user_id = fields.Many2one(related="company_id.gsp_head_user_id", readonly=False)
    gsp_quality_user_id = fields.Many2one(related="company_id.gsp_quality_user_id", readonly=False)
