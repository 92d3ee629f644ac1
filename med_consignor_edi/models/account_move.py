from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    med_edi_backend_id = fields.Many2one(
        "med.edi.backend",
        string="EDI Backend",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The consignor whose units used on patients this bill buys.",
    )
