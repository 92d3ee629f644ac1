from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .gsp_qualification import DEVICE_LICENCES

OFFICER = "med_gsp_quality.group_gsp_quality_officer"


class GspFirstReview(models.Model):
    """First-time review (首营企业 / 首营品种) of a supplier, a customer or a product."""

    _name = "gsp.first.review"
    _inherit = ["gsp.audited.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "GSP First-time Review"
    _order = "id desc"
    _check_company_auto = True
    _gsp_system_fields = (
        "state",
        "requested_by_id",
        "request_date",
        "reviewer_id",
        "review_date",
    )

    name = fields.Char(compute="_compute_name", store=True)
    review_type = fields.Selection(
        [("supplier", "Supplier"), ("customer", "Customer"), ("product", "Product")],
        required=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one("res.partner", index=True, check_company=True)
    product_tmpl_id = fields.Many2one("product.template", index=True, check_company=True)
    qualification_ids = fields.Many2many(
        "gsp.qualification",
        string="Documents Seen",
        check_company=True,
        domain="['|', ('partner_id', '=', partner_id), ('product_tmpl_id', '=', product_tmpl_id)]",
    )
    conclusion = fields.Text(tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    request_date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    reviewer_id = fields.Many2one("res.users", readonly=True, copy=False)
    review_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("review_type", "partner_id", "product_tmpl_id")
    def _compute_name(self):
        labels = dict(self._fields["review_type"]._description_selection(self.env))
        for review in self:
            subject = review.partner_id or review.product_tmpl_id
            review.name = f"{labels.get(review.review_type, '')}: {subject.display_name or ''}"

    def action_submit(self):
        for review in self:
            if review.state != "draft":
                raise UserError(_("%(review)s is not a draft.", review=review.name))
            if not (review.partner_id or review.product_tmpl_id):
                raise UserError(_("%(review)s names no partner or product.", review=review.name))
        self._gsp_system_write().write({"state": "submitted"})
        return True

    def _gsp_review_problems(self):
        """What is missing for this review to be approved (documents complete and valid)."""
        self.ensure_one()
        quals = self.env["gsp.qualification"]
        today = fields.Date.context_today(self)
        label = self.name
        seen = self.qualification_ids
        problems = []
        if self.review_type == "product":
            product = self.product_tmpl_id
            if product.gsp_kind == "device":
                if not product.gsp_device_class or not product.gsp_classification_code:
                    problems.append(
                        _(
                            "%(review)s: %(product)s needs its management class and "
                            "classification code.",
                            review=label,
                            product=product.display_name,
                        )
                    )
                needed = (
                    "filing_certificate"
                    if product.gsp_device_class == "I"
                    else "registration_certificate"
                )
                problem = quals._gsp_missing(seen, (needed,), product.display_name, label, today)
                if problem:
                    problems.append(problem)
            return problems
        partner = self.partner_id
        problem = quals._gsp_missing(
            seen, ("business_licence",), partner.display_name, label, today
        )
        if problem:
            problems.append(problem)
        problem = quals._gsp_missing(
            seen, DEVICE_LICENCES + ("drug_trading_licence",), partner.display_name, label, today
        )
        if problem:
            problems.append(problem)
        if self.review_type == "supplier":
            problem = quals._gsp_missing(
                seen, ("sales_authorisation",), partner.display_name, label, today
            )
            if problem:
                problems.append(problem)
        return problems

    def action_approve(self):
        if not self.env.user.has_group(OFFICER):
            raise UserError(_("Only quality staff may decide first-time reviews."))
        for review in self:
            if review.state != "submitted":
                raise UserError(_("%(review)s has not been submitted.", review=review.name))
            problems = review._gsp_review_problems()
            if problems:
                raise UserError("\n".join(problems))
            if not review.conclusion:
                raise UserError(_("%(review)s: write the conclusion first.", review=review.name))
        self._gsp_system_write().write(
            {
                "state": "approved",
                "reviewer_id": self.env.uid,
                "review_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self):
        if not self.env.user.has_group(OFFICER):
            raise UserError(_("Only quality staff may decide first-time reviews."))
        for review in self:
            if review.state != "submitted" or not review.conclusion:
                raise UserError(
                    _(
                        "%(review)s: a submitted review is rejected with a conclusion.",
                        review=review.name,
                    )
                )
        self._gsp_system_write().write(
            {
                "state": "rejected",
                "reviewer_id": self.env.uid,
                "review_date": fields.Datetime.now(),
            }
        )
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(review.state != "draft" for review in self):
            raise UserError(_("Submitted and decided first-time reviews are kept."))
