from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from medtrace.gsp import (
    GspCodeError,
    classification_covers,
    normalise_legacy_code,
    validate_classification_code,
    validate_insurance_code,
)

GSP_PRODUCT_FIELDS = (
    "gsp_kind",
    "gsp_device_class",
    "gsp_classification_code",
    "gsp_registration_holder",
    "gsp_legacy_code",
    "gsp_insurance_code",
)


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "gsp.audited.mixin"]
    _gsp_guarded_fields = GSP_PRODUCT_FIELDS
    _gsp_audit_fields = GSP_PRODUCT_FIELDS

    gsp_kind = fields.Selection(
        [("device", "Medical Device"), ("drug", "Drug")],
        string="GSP Product Kind",
        default="device",
    )
    gsp_device_class = fields.Selection(
        [("I", "Class I"), ("II", "Class II"), ("III", "Class III")],
        string="Management Class",
    )
    gsp_classification_code = fields.Char(
        string="Classification Code", help="Code of the 2017 catalogue, SS-FF-NN."
    )
    gsp_category_id = fields.Many2one(
        "gsp.device.category",
        string="Catalogue Category",
        compute="_compute_gsp_category_id",
        store=True,
    )
    gsp_registration_holder = fields.Char(string="Registrant")
    gsp_legacy_code = fields.Char(
        string="2002 Catalogue Code",
        help="Code of the former catalogue (68NN-N, e.g. 6846-1) printed on older "
        "certificates; Find 2017 Category resolves it through the catalogue's "
        "cross-reference.",
    )
    gsp_insurance_code = fields.Char(
        string="Medical Insurance Consumable Code",
        help="医保医用耗材代码 (NHSA), 20 characters: C, classification (6 digits), generic "
        "name (3), product features (5) and manufacturer (5).",
    )
    gsp_can_edit = fields.Boolean(compute="_compute_gsp_can_edit")
    gsp_qualification_ids = fields.One2many(
        "gsp.qualification", "product_tmpl_id", string="Registration Documents"
    )
    gsp_first_review_ids = fields.One2many(
        "gsp.first.review", "product_tmpl_id", string="First-time Reviews"
    )

    @api.depends("gsp_classification_code")
    def _compute_gsp_category_id(self):
        categories = self.env["gsp.device.category"]
        found = categories._find_for_codes(self.mapped("gsp_classification_code"))
        for product in self:
            product.gsp_category_id = found.get(product.gsp_classification_code, categories)

    @api.constrains("gsp_classification_code")
    def _check_gsp_classification_code(self):
        for product in self.filtered("gsp_classification_code"):
            try:
                validate_classification_code(product.gsp_classification_code)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    def _gsp_field_error(self, field_name, err):
        """A ValidationError naming the field, the product and what is wrong with the
        value (a medtrace.gsp.GspCodeError, which names the value)."""
        return ValidationError(
            _(
                "%(field)s of %(product)s: %(message)s",
                field=self._fields[field_name].get_description(self.env)["string"],
                product=self.display_name,
                message=_(err.template, **err.params),
            )
        )

    @api.constrains("gsp_insurance_code")
    def _check_gsp_insurance_code(self):
        for product in self.filtered("gsp_insurance_code"):
            try:
                validate_insurance_code(product.gsp_insurance_code)
            except GspCodeError as err:
                raise product._gsp_field_error("gsp_insurance_code", err) from err

    @api.constrains("gsp_legacy_code")
    def _check_gsp_legacy_code(self):
        for product in self.filtered("gsp_legacy_code"):
            try:
                normalise_legacy_code(product.gsp_legacy_code)
            except GspCodeError as err:
                raise product._gsp_field_error("gsp_legacy_code", err) from err

    def _gsp_legacy_categories(self):
        """The 2017 categories the product's 2002 code went to (see the cross-reference)."""
        self.ensure_one()
        if not self.gsp_legacy_code:
            return self.env["gsp.device.category"]
        return self.env["gsp.device.category.legacy"]._categories_for_code(self.gsp_legacy_code)

    def action_gsp_resolve_legacy_code(self):
        """Quality staff: set the 2017 classification code from the 2002 code when the
        cross-reference names one category for it (a code already under that category,
        e.g. a second-level one, is kept); otherwise say why nothing was set."""
        for product in self:
            if not product.gsp_legacy_code:
                raise UserError(
                    _("%(product)s has no 2002 catalogue code.", product=product.display_name)
                )
            categories = product._gsp_legacy_categories()
            if not categories:
                raise UserError(
                    _(
                        "The 2002 catalogue code %(code)s of %(product)s is in no row of the "
                        "2017 catalogue's cross-reference; set the classification code by hand.",
                        code=product.gsp_legacy_code,
                        product=product.display_name,
                    )
                )
            if len(categories) > 1:
                raise UserError(
                    _(
                        "The products of 2002 catalogue code %(code)s went to several 2017 "
                        "categories: %(categories)s. Choose the classification code of "
                        "%(product)s among them by hand.",
                        code=product.gsp_legacy_code,
                        categories=", ".join(categories.mapped("display_name")),
                        product=product.display_name,
                    )
                )
            if not classification_covers(categories.code, product.gsp_classification_code):
                product.write({"gsp_classification_code": categories.code})
        return True

    def _gsp_retention_forever(self):
        """Implantable devices' records are kept forever (med_device_stock's flag)."""
        self.ensure_one()
        return bool(self._fields.get("med_implantable") and self.med_implantable)

    def action_gsp_change_request(self):
        self.ensure_one()
        return self.env["gsp.change.request"]._gsp_open_for(self)

    @api.depends_context("uid")
    def _compute_gsp_can_edit(self):
        self.gsp_can_edit = self._gsp_is_quality()
