from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    med_min_shelf_life_days = fields.Integer(
        related="company_id.med_min_shelf_life_days", readonly=False
    )
    med_zpl_printer = fields.Char(related="company_id.med_zpl_printer", readonly=False)
