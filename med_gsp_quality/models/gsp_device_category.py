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
        return self._find_for_codes([code]).get(code, self.browse())

    def _find_for_codes(self, codes):
        """``{code: most precise catalogue entry covering it}`` for many codes, in one
        search (codes without an entry are left out)."""
        prefixes_of = {
            code: ["-".join(code.split("-")[:n]) for n in range(code.count("-") + 1, 0, -1)]
            for code in set(codes) if code
        }
        if not prefixes_of:
            return {}
        wanted = {prefix for prefixes in prefixes_of.values() for prefix in prefixes}
        by_code = {c.code: c for c in self.search([("code", "in", list(wanted))])}
        found = {}
        for code, prefixes in prefixes_of.items():
            match = next((by_code[p] for p in prefixes if p in by_code), None)
            if match:
                found[code] = match
        return found
