from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from medtrace.gsp import GspCodeError, validate_uscc

GSP_PARTNER_FIELDS = ("gsp_uscc", "gsp_quality_contact", "gsp_legal_representative")


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "gsp.audited.mixin"]
    _gsp_guarded_fields = GSP_PARTNER_FIELDS
    _gsp_audit_fields = GSP_PARTNER_FIELDS

    gsp_uscc = fields.Char(string="Unified Social Credit Code", index=True)
    gsp_quality_contact = fields.Char(string="Quality Contact")
    gsp_legal_representative = fields.Char(string="Legal Representative")
    gsp_can_edit = fields.Boolean(compute="_compute_gsp_can_edit")
    gsp_qualification_ids = fields.One2many(
        "gsp.qualification", "partner_id", string="Qualifications"
    )
    gsp_first_review_ids = fields.One2many(
        "gsp.first.review", "partner_id", string="First-time Reviews"
    )
    gsp_supplier_approved = fields.Boolean(
        string="Supplier Approved", compute="_compute_gsp_approved"
    )
    gsp_customer_approved = fields.Boolean(
        string="Customer Approved", compute="_compute_gsp_approved"
    )

    @api.depends("gsp_first_review_ids.state", "gsp_first_review_ids.review_type")
    def _compute_gsp_approved(self):
        reviews = (
            self.env["gsp.first.review"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "approved"),
                ]
            )
        )
        approved = {(r.partner_id.id, r.review_type) for r in reviews}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.gsp_supplier_approved = (commercial, "supplier") in approved
            partner.gsp_customer_approved = (commercial, "customer") in approved

    @api.constrains("gsp_uscc")
    def _check_gsp_uscc(self):
        for partner in self.filtered("gsp_uscc"):
            try:
                validate_uscc(partner.gsp_uscc)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    def action_gsp_change_request(self):
        self.ensure_one()
        return self.env["gsp.change.request"]._gsp_open_for(self)

    @api.depends_context("uid")
    def _compute_gsp_can_edit(self):
        self.gsp_can_edit = self._gsp_is_quality()
