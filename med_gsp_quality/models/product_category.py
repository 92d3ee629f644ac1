from odoo import _, fields, models
from odoo.exceptions import AccessError

MANAGER = "med_gsp_quality.group_gsp_quality_manager"


class ProductCategory(models.Model):
    _inherit = "product.category"

    gsp_regulated = fields.Boolean(
        string="GSP Regulated",
        help="Products of this category (and its sub-categories) need qualified partners "
        "and products.",
    )

    def write(self, vals):
        if "gsp_regulated" in vals and not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only a quality manager decides which categories are regulated."))
        return super().write(vals)
