from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    med_edi_backend_ids = fields.One2many(
        "med.edi.backend",
        "partner_id",
        string="Consignor Backends",
        readonly=True,
        help="The consignor EDI backends of this partner (its API users see its loaner sets).",
    )
