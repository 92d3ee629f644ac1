from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from medtrace.gsp import GspCodeError, validate_classification_code

GSP_PRODUCT_FIELDS = (
    "gsp_kind",
    "gsp_device_class",
    "gsp_classification_code",
    "gsp_registration_holder",
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
