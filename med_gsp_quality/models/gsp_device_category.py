from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

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
    level = fields.Selection(
        [
            ("subject", "Subject"),
            ("first", "First-level Category"),
            ("second", "Second-level Category"),
        ],
        compute="_compute_level",
        store=True,
        index=True,
        help="Subject (SS), first-level (一级产品类别, SS-FF) or second-level product category "
        "(二级产品类别, SS-FF-NN) of the catalogue.",
    )
    device_class = fields.Char(
        string="Management Class",
        help="Class or classes (管理类别) the catalogue gives the products of a second-level "
        'category, e.g. "II, III" when its description distinguishes them.',
    )
    description = fields.Text(
        string="Product Description",
        help="产品描述 as printed in the catalogue; when the category has products of "
        "several classes, one line per class, e.g. [III] ...",
    )
    intended_use = fields.Text(help="预期用途, as printed.")
    examples = fields.Text(string="Product Name Examples", help="品名举例, as printed.")
    legacy_ids = fields.One2many(
        "gsp.device.category.legacy",
        "category_id",
        string="2002 Catalogue Codes",
        help="Codes of the former catalogue whose products this category took over "
        "(cross-reference table of the 2017 catalogue).",
    )

    _sql_constraints = [("code_unique", "unique(code)", "A catalogue code is used only once.")]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = f"{category.code} {category.name}"

    @api.depends("code")
    def _compute_level(self):
        levels = {0: "subject", 1: "first", 2: "second"}
        for category in self:
            category.level = levels.get(category.code.count("-")) if category.code else False

    @api.constrains("code")
    def _check_code(self):
        for category in self:
            try:
                validate_classification_code(category.code)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    @api.model_create_multi
    def create(self, vals_list):
        categories = super().create(vals_list)
        categories._relink_products()
        return categories

    def write(self, vals):
        old_codes = set(self.mapped("code")) if {"code", "active"} & vals.keys() else set()
        res = super().write(vals)
        if old_codes:
            self._relink_products(old_codes)
        return res

    def unlink(self):
        codes = set(self.mapped("code"))
        res = super().unlink()
        self.browse()._relink_products(codes)
        return res

    def _relink_products(self, codes=()):
        """Products whose classification code falls under these categories' codes (or
        ``codes``: a category's former code) take again the most precise category covering
        them, e.g. when quality adds a category the shipped catalogue lacks, archives one
        or corrects its code."""
        codes = set(codes) | set(self.mapped("code"))
        if not codes:
            return
        domain = expression.OR(
            [
                [("gsp_classification_code", "=like", pattern)]
                for code in codes
                for pattern in (code, f"{code}-%")
            ]
        )
        # every company's products, whoever changed the shared catalogue
        products = (
            self.env["product.template"].sudo().with_context(active_test=False).search(domain)
        )
        products.modified(["gsp_classification_code"])

    @api.model
    def _find_for_code(self, code):
        """The most precise catalogue entry that covers a classification code."""
        return self._find_for_codes([code]).get(code, self.browse())

    def _find_for_codes(self, codes):
        """``{code: most precise catalogue entry covering it}`` for many codes, in one
        search (codes without an entry are left out)."""
        prefixes_of = {
            code: ["-".join(code.split("-")[:n]) for n in range(code.count("-") + 1, 0, -1)]
            for code in set(codes)
            if code
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
