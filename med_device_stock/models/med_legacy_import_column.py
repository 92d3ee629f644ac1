from odoo import fields, models

from .med_legacy_import_template import LEGACY_FIELDS


class MedLegacyImportColumn(models.Model):
    """A column of the file being imported: its header label, a sample value and the
    field the user says it holds (proposed from the label or the template)."""

    _name = "med.legacy.import.column"
    _description = "Legacy Stock Import Column"
    _order = "import_id, index"

    import_id = fields.Many2one("med.legacy.import", required=True, ondelete="cascade", index=True)
    index = fields.Integer(string="Column", required=True, help="0 is the first column.")
    label = fields.Char(string="Header", readonly=True)
    sample = fields.Char(readonly=True, help="The first value below the header.")
    field = fields.Selection(LEGACY_FIELDS, string="Holds")
    company_id = fields.Many2one(related="import_id.company_id", store=True)
