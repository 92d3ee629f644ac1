from odoo import fields, models

from medtrace.legacy import FIELDS

LEGACY_FIELDS = [
    ("product_code", "Product Code"),
    ("product_name", "Product Name"),
    ("di", "Device Identifier (DI)"),
    ("udi", "UDI (whole string)"),
    ("lot", "Lot"),
    ("serial", "Serial Number"),
    ("expiry", "Expiry Date"),
    ("manufactured", "Manufacturing Date"),
    ("quantity", "Quantity"),
    ("supplier", "Supplier"),
    ("location", "Stock Location"),
    ("department", "Department"),
]
assert [key for key, _label in LEGACY_FIELDS] == list(FIELDS)


class MedLegacyImportTemplate(models.Model):
    """A column mapping saved from a legacy import: the next export of the same
    system is mapped by its header labels without asking again."""

    _name = "med.legacy.import.template"
    _description = "Legacy Stock Import Template"
    _order = "name"

    name = fields.Char(required=True)
    mapping = fields.Json(
        help="{header label, as compared: field}: what each column of the export holds."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)
