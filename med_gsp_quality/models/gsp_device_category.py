from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from medtrace.gsp import GspCodeError, validate_classification_code


class GspDeviceCategory(models.Model):
    """A subject or sub-category of the 2017 medical device classification catalogue."""

    _name = "gsp.device.category"
    _description = "Device Classification Category"
    _order = "code"
    _rec_names_search = ["code", "name", "name_en"]
    _parent_store = True

    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True, help="Name as printed in the catalogue (Chinese).")
    name_en = fields.Char(string="English Name", help="A translation, not an official name.")
    parent_id = fields.Many2one("gsp.device.category", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("gsp.device.category", "parent_id")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "A catalogue code is used only once.")]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = f"{category.code} {category.name}"

    @api.constrains("code")
    def _check_code(self):
        for category in self:
            try:
                validate_classification_code(category.code)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    @api.model
    def _find_for_code(self, code):
        """The most precise catalogue entry that covers a classification code."""
        if not code:
            return self.browse()
        parts = code.split("-")
        prefixes = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
        categories = self.search([("code", "in", prefixes)])
        return categories.sorted(lambda c: -len(c.code))[:1]
