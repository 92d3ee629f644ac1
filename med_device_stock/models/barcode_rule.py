# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class BarcodeRule(models.Model):
    _inherit = "barcode.rule"

    type = fields.Selection(
        selection_add=[
            ("serial", "Serial number"),
            ("manufacturing_date", "Manufacturing Date"),
        ],
        ondelete={
            # Without this addon serial numbers are read as lots again, as in core.
            "serial": lambda rules: rules.write({"type": "lot"}),
            "manufacturing_date": "set default",
        },
    )
