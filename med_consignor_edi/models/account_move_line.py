from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    med_edi_unit = fields.Char(
        string="Consignor's Lot/Serial",
        readonly=True,
        copy=False,
        help="The lot or serial number the consignor's invoice names on this line.",
    )
