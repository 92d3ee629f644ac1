from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class MedProductDi(models.Model):
    _name = "med.product.di"
    _description = "UDI Device Identifier"
    _order = "product_tmpl_id, quantity, id"
    _rec_name = "di"
    _check_company_auto = True

    di = fields.Char(string="Device Identifier", required=True, index=True)
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product Template",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        domain="[('product_tmpl_id', '=', product_tmpl_id)]",
    )
    packaging_level = fields.Selection(
        [("each", "Each"), ("box", "Box"), ("case", "Case")],
        required=True,
        default="each",
    )
    quantity = fields.Float(
        string="Units Held",
        required=True,
        default=1.0,
        help="Units of the product one scan of this identifier counts (e.g. 10 for a box).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "di_company_uniq",
            "unique(di, company_id)",
            "A device identifier belongs to one product only in a company.",
        ),
        (
            "quantity_positive",
            "check(quantity > 0)",
            "A device identifier holds at least one unit.",
        ),
    ]

    @api.depends("product_tmpl_id", "product_tmpl_id.product_variant_ids")
    def _compute_product_id(self):
        for record in self:
            if record.product_id.product_tmpl_id != record.product_tmpl_id:
                record.product_id = record.product_tmpl_id.product_variant_id

    @api.model
    def _normalize_di(self, di):
        di = (di or "").strip()
        if di.isdigit() and len(di) in (8, 12, 13):
            di = di.zfill(14)
        return di

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "di" in vals:
                vals["di"] = self._normalize_di(vals["di"])
        return super().create(vals_list)

    def write(self, vals):
        if "di" in vals:
            vals["di"] = self._normalize_di(vals["di"])
        return super().write(vals)

    @api.constrains("di", "product_id")
    def _check_di(self):
        for record in self:
            if not record.di:
                raise ValidationError(_("A device identifier cannot be empty."))

    @api.model
    def _find_by_di(self, di):
        """The identifier record of ``di`` in the current company, or an empty recordset."""
        di = self._normalize_di(di)
        if not di:
            return self.browse()
        return self.search([("di", "=", di), ("company_id", "in", self.env.company.ids)], limit=1)
