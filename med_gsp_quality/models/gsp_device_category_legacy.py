from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from medtrace.gsp import GspCodeError, normalise_legacy_code


class GspDeviceCategoryLegacy(models.Model):
    """A row of the 2017 catalogue's cross-reference to the former catalogue: the products
    of a 2002 code (68NN-N, or a category of its 2012 revision) that went to a
    first-level category of the 2017 catalogue."""

    _name = "gsp.device.category.legacy"
    _description = "2002 Catalogue Cross-reference"
    _order = "code, category_id"

    code = fields.Char(
        required=True,
        index=True,
        help="Code of the former catalogue as the cross-reference gives it: 68NN (the "
        "whole category), 68NN-N, or 68NN-N-N for the 2012 revision of 6823.",
    )
    edition = fields.Selection(
        [("2002", "2002 Catalogue"), ("2012", "2012 Revision")],
        required=True,
        default="2002",
        help="The 2012 revision renumbered some categories (6823, 6830, 6831, 6834).",
    )
    name = fields.Char(
        string="Cross-reference Row",
        required=True,
        help="The row as printed, with the products it covers (…中的…).",
    )
    category_id = fields.Many2one(
        "gsp.device.category",
        string="2017 Category",
        required=True,
        index=True,
        ondelete="cascade",
    )
    active = fields.Boolean(default=True)

    @api.constrains("code")
    def _check_code(self):
        for row in self:
            try:
                normalise_legacy_code(row.code)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    @api.model
    def _categories_for_code(self, code):
        """The 2017 categories a 2002 code's products went to: the rows of that code,
        of the broader code it belongs to (6815 for 6815-1) and, for a whole category
        (6846), of every code under it. Several when the 2017 catalogue split it."""
        code = normalise_legacy_code(code)
        parts = code.split("-")
        broader = ["-".join(parts[:n]) for n in range(1, len(parts) + 1)]
        domain = expression.OR([[("code", "in", broader)], [("code", "=like", f"{code}-%")]])
        return self.search(domain).category_id.sorted("code")
