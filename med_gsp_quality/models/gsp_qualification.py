import dataclasses
from datetime import timedelta
from types import MappingProxyType

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from stdnum.cn import ric

from medtrace.gsp import (
    GspCodeError,
    parse_business_scope,
    parse_region_codes,
    validate_device_number,
    validate_uscc,
)

PARTNER_TYPES = [
    ("business_licence", "Business Licence"),
    ("device_production_licence", "Device Production Licence"),
    ("device_trading_licence", "Device Trading Licence"),
    ("device_trading_filing", "Device Trading Filing Certificate"),
    ("drug_trading_licence", "Drug Trading Licence"),
    ("sales_authorisation", "Sales Representative Authorisation"),
    ("pickup_authorisation", "Pickup Person Authorisation"),
]
PRODUCT_TYPES = [
    ("registration_certificate", "Device Registration Certificate"),
    ("filing_certificate", "Class I Device Filing"),
]
PERSON_TYPES = ("sales_authorisation", "pickup_authorisation")
DEVICE_LICENCES = ("device_production_licence", "device_trading_licence", "device_trading_filing")
#: what a partner needs to deal in a device of each class
LICENCES_FOR_CLASS = {
    "I": (),
    "II": DEVICE_LICENCES,
    "III": ("device_production_licence", "device_trading_licence"),
}
#: years of validity set by the rules (经营许可证 5 years)
VALIDITY_YEARS = {
    "device_trading_licence": 5,
    "device_production_licence": 5,
    "drug_trading_licence": 5,
    "registration_certificate": 5,
}


class GspQualification(models.Model):
    """A qualification document of a partner, a person of a partner, or a product."""

    _name = "gsp.qualification"
    _inherit = ["gsp.audited.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "GSP Qualification"
    _order = "expiry_date, id"
    _check_company_auto = True
    _gsp_system_fields = (
        "approved_by_id",
        "approved_date",
        "revoked_by_id",
        "revoked_date",
        "notified_threshold",
        "state",
    )

    name = fields.Char(compute="_compute_name", store=True)
    doc_type = fields.Selection(
        PARTNER_TYPES + PRODUCT_TYPES, string="Document", required=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one("res.partner", index=True, check_company=True, ondelete="restrict")
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    number = fields.Char(required=True, index=True, tracking=True)
    holder = fields.Char(help="Holder named on the document (enterprise or registrant).")
    issuing_authority = fields.Char()
    issue_date = fields.Date()
    expiry_date = fields.Date(index=True, tracking=True)
    scope = fields.Text(string="Business Scope", help="Scope as printed on the document.")
    scope_category_ids = fields.Many2many(
        "gsp.device.category",
        string="Scope Categories",
        help="Catalogue subjects or sub-categories the licence covers.",
    )
    scope_category_iii_ids = fields.Many2many(
        "gsp.device.category",
        "gsp_qualification_scope_iii_rel",
        "qualification_id",
        "category_id",
        string="Class III Categories",
        help="When the document lists its Class III categories apart from its Class II "
        "ones: a Class III product must be in these (the scope categories then hold both).",
    )
    scope_class_ii = fields.Boolean(string="Covers Class II")
    scope_class_iii = fields.Boolean(string="Covers Class III")
    device_class = fields.Selection(
        [("I", "Class I"), ("II", "Class II"), ("III", "Class III")],
        string="Management Class",
    )
    classification_code = fields.Char(help="Code of the 2017 catalogue, SS-FF-NN.")
    person_name = fields.Char(string="Person")
    person_id_number = fields.Char(string="ID Number")
    region = fields.Char(help="Region the sales representative is authorised for.")
    region_codes = fields.Char(
        string="Authorised Regions",
        help="Codes of the provinces the sales representative is authorised for, separated "
        "by commas (e.g. 11,12,13 for Beijing, Tianjin and Hebei). Checked at purchase "
        "confirmation when the company has set its GSP region.",
    )
    authorised_product_ids = fields.Many2many(
        "product.template",
        "gsp_qualification_authorised_product_rel",
        "qualification_id",
        "product_tmpl_id",
        string="Authorised Products",
    )
    attachment = fields.Binary(string="Scanned Document", attachment=True)
    attachment_name = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("revoked", "Revoked")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    revoked_date = fields.Datetime(readonly=True, copy=False)
    revoke_reason = fields.Char()
    notified_threshold = fields.Integer(
        readonly=True,
        copy=False,
        help="Smallest warning threshold (days) already notified for this expiry date.",
    )
    validity = fields.Selection(
        [
            ("draft", "Draft"),
            ("valid", "Valid"),
            ("expiring", "Expiring Soon"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
        ],
        compute="_compute_validity",
        search="_search_validity",
    )
    days_to_expiry = fields.Integer(compute="_compute_validity")

    _sql_constraints = [
        (
            "owner_present",
            "CHECK(partner_id IS NOT NULL OR product_tmpl_id IS NOT NULL)",
            "A qualification belongs to a partner or a product.",
        ),
    ]

    @api.depends("doc_type", "number")
    def _compute_name(self):
        labels = dict(self._fields["doc_type"]._description_selection(self.env))
        for qual in self:
            qual.name = f"{labels.get(qual.doc_type, '')} {qual.number or ''}".strip()

    @api.depends("state", "expiry_date")
    @api.depends_context("date")
    def _compute_validity(self):
        today = fields.Date.context_today(self)
        warn = max(self.env.company._gsp_warning_days() or [90])
        for qual in self:
            qual.days_to_expiry = (qual.expiry_date - today).days if qual.expiry_date else 0
            if qual.state != "approved":
                qual.validity = qual.state
            elif qual.expiry_date and qual.expiry_date < today:
                qual.validity = "expired"
            elif qual.expiry_date and qual.days_to_expiry <= warn:
                qual.validity = "expiring"
            else:
                qual.validity = "valid"

    def _search_validity(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(_("Validity can only be searched with = or in."))
        values = [value] if operator == "=" else list(value)
        today = fields.Date.context_today(self)
        warn = today + timedelta(days=max(self.env.company._gsp_warning_days() or [90]))
        domains = {
            "draft": [("state", "=", "draft")],
            "revoked": [("state", "=", "revoked")],
            "expired": [("state", "=", "approved"), ("expiry_date", "<", today)],
            "expiring": [
                ("state", "=", "approved"),
                ("expiry_date", ">=", today),
                ("expiry_date", "<=", warn),
            ],
            "valid": [
                ("state", "=", "approved"),
                "|",
                ("expiry_date", "=", False),
                ("expiry_date", ">", warn),
            ],
        }
        parts = [["&"] * (len(domains[v]) - 1) + domains[v] for v in values if v in domains]
        if not parts:
            return [("id", "=", 0)]
        return ["|"] * (len(parts) - 1) + [leaf for part in parts for leaf in part]

    # --- validation ------------------------------------------------------------

    @api.constrains("doc_type", "partner_id", "product_tmpl_id")
    def _check_owner(self):
        product_types = {key for key, _label in PRODUCT_TYPES}
        for qual in self:
            if qual.doc_type in product_types and not qual.product_tmpl_id:
                raise ValidationError(
                    _(
                        "%(document)s %(number)s must name its product.",
                        document=qual.name,
                        number=qual.number,
                    )
                )
            if qual.doc_type not in product_types and not qual.partner_id:
                raise ValidationError(
                    _(
                        "%(document)s %(number)s must name its partner.",
                        document=qual.name,
                        number=qual.number,
                    )
                )

    @api.constrains("doc_type", "number", "device_class")
    def _check_number(self):
        year = fields.Date.context_today(self).year
        for qual in self:
            try:
                if qual.doc_type == "business_licence":
                    validate_uscc(qual.number)
                elif qual.doc_type in ("registration_certificate", "filing_certificate"):
                    parsed = validate_device_number(qual.number, today_year=year)
                    expected = (
                        "registration" if qual.doc_type == "registration_certificate" else "filing"
                    )
                    if parsed.kind != expected or (
                        qual.device_class and qual.device_class != parsed.device_class
                    ):
                        raise ValidationError(
                            _(
                                "Number %(number)s is a Class %(number_class)s %(kind)s "
                                "number, not a %(document)s of Class %(device_class)s.",
                                number=qual.number,
                                number_class=parsed.device_class,
                                kind=parsed.kind,
                                document=qual.name,
                                device_class=qual.device_class or "-",
                            )
                        )
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    @api.constrains("person_id_number", "doc_type")
    def _check_person(self):
        for qual in self:
            if qual.doc_type not in PERSON_TYPES:
                continue
            if not qual.person_name or not qual.person_id_number:
                raise ValidationError(
                    _("%(document)s must name the person and their ID number.", document=qual.name)
                )
            if not ric.is_valid(qual.person_id_number):
                raise ValidationError(
                    _(
                        "ID number %(value)s of %(person)s is not a valid resident ID number.",
                        value=qual.person_id_number,
                        person=qual.person_name,
                    )
                )

    @api.constrains("region_codes")
    def _check_region_codes(self):
        for qual in self.filtered("region_codes"):
            try:
                parse_region_codes(qual.region_codes)
            except GspCodeError as err:
                raise ValidationError(_(err.template, **err.params)) from err

    def _gsp_region_codes(self):
        self.ensure_one()
        try:
            return parse_region_codes(self.region_codes)
        except GspCodeError:
            return ()

    @api.constrains("issue_date", "expiry_date", "doc_type")
    def _check_dates(self):
        for qual in self:
            if qual.issue_date and qual.expiry_date and qual.expiry_date < qual.issue_date:
                raise ValidationError(
                    _(
                        "%(document)s expires on %(expiry)s, before it was issued (%(issue)s).",
                        document=qual.name,
                        expiry=qual.expiry_date,
                        issue=qual.issue_date,
                    )
                )
            years = VALIDITY_YEARS.get(qual.doc_type)
            if (
                years
                and qual.issue_date
                and qual.expiry_date
                and qual.expiry_date > (qual.issue_date + relativedelta(years=years))
            ):
                raise ValidationError(
                    _(
                        "%(document)s is valid %(years)s years at most; %(expiry)s is too late.",
                        document=qual.name,
                        years=years,
                        expiry=qual.expiry_date,
                    )
                )

    @api.onchange("number", "doc_type")
    def _onchange_number_class(self):
        if self.doc_type in ("registration_certificate", "filing_certificate") and self.number:
            try:
                self.device_class = validate_device_number(self.number).device_class
            except GspCodeError:
                return

    # --- workflow (quality staff) ----------------------------------------------

    def _check_quality(self):
        officer = "med_gsp_quality.group_gsp_quality_officer"
        if not self.env.su and not self.env.user.has_group(officer):
            raise UserError(_("Only quality staff may approve or revoke qualifications."))

    def action_approve(self):
        self._check_quality()
        for qual in self:
            if qual.state != "draft":
                raise UserError(_("%(document)s is not a draft.", document=qual.name))
            if (
                qual.doc_type not in PERSON_TYPES
                and not qual.expiry_date
                and qual.doc_type != "filing_certificate"
            ):
                raise UserError(_("%(document)s needs its expiry date.", document=qual.name))
        self._gsp_system_write().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
                "notified_threshold": 0,
            }
        )
        return True

    def action_revoke(self):
        self._check_quality()
        if any(not qual.revoke_reason for qual in self):
            raise UserError(_("Give the reason of the revocation first."))
        self._gsp_system_write().write(
            {
                "state": "revoked",
                "revoked_by_id": self.env.uid,
                "revoked_date": fields.Datetime.now(),
            }
        )
        # the quality event at once, not at the next scheduled check
        self._gsp_create_lapse_events()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for qual in self:
            if qual.state != "draft":
                raise UserError(
                    _(
                        "%(document)s has been approved: it is a quality record and is kept.",
                        document=qual.name,
                    )
                )

    # --- expiry warnings ---------------------------------------------------------

    @api.model
    def _cron_expiry_warnings(self):
        """One activity per qualification and warning threshold (set-based)."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        group = self.env.ref("med_gsp_quality.group_gsp_quality_officer")
        for company in self.env["res.company"].search([]):
            thresholds = sorted(company._gsp_warning_days(), reverse=True)
            if not thresholds:
                continue
            quals = self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "approved"),
                    ("expiry_date", "!=", False),
                    ("expiry_date", "<=", today + timedelta(days=thresholds[0])),
                ]
            )
            users = group.users.filtered(lambda u, c=company: c in u.company_ids)[
                :1
            ] or self.env.ref("base.user_admin")
            activities, notified = [], {}
            for qual in quals:
                days = (qual.expiry_date - today).days
                reached = [t for t in thresholds if days <= t]
                threshold = min(reached) if reached else None
                if threshold is None or (
                    qual.notified_threshold and qual.notified_threshold <= threshold
                ):
                    continue
                notified.setdefault(threshold, []).append(qual.id)
                activities.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": qual.id,
                        "activity_type_id": activity_type.id,
                        "user_id": users.id,
                        "date_deadline": qual.expiry_date,
                        "summary": _(
                            "%(document)s of %(owner)s expires on %(date)s (%(days)s days)",
                            document=qual.name,
                            owner=(qual.partner_id or qual.product_tmpl_id).display_name,
                            date=qual.expiry_date,
                            days=days,
                        ),
                    }
                )
            self.env["mail.activity"].sudo().create(activities)
            for threshold, ids in notified.items():
                self.browse(ids)._gsp_system_write().write({"notified_threshold": threshold})
        self._gsp_create_lapse_events()

    def _gsp_create_lapse_events(self):
        """A quality event for each qualification that expired or was revoked, once
        (set-based: one search of the lapsed, one of their events, one create); among
        these qualifications, or all of them when called on an empty recordset."""
        today = fields.Date.context_today(self)
        lapsed = self.sudo().search(
            [
                "|",
                ("state", "=", "revoked"),
                "&",
                ("state", "=", "approved"),
                ("expiry_date", "<", today),
            ]
            + ([("id", "in", self.ids)] if self else [])
        )
        if not lapsed:
            return self.env["gsp.event"]
        Event = self.env["gsp.event"].sudo()
        known = set(
            Event.search(
                [
                    ("qualification_id", "in", lapsed.ids),
                    ("event_type", "in", ("qualification_expired", "qualification_revoked")),
                ]
            ).qualification_id.ids
        )
        vals_list = []
        for qual in lapsed.filtered(lambda q: q.id not in known):
            owner = qual.partner_id or qual.product_tmpl_id
            if qual.state == "revoked":
                event_type = "qualification_revoked"
                name = _(
                    "%(document)s of %(owner)s revoked",
                    document=qual.name,
                    owner=owner.display_name,
                )
                description = _(
                    "Revoked on %(date)s: %(reason)s",
                    date=fields.Date.to_string(qual.revoked_date),
                    reason=qual.revoke_reason or "-",
                )
            else:
                event_type = "qualification_expired"
                name = _(
                    "%(document)s of %(owner)s expired",
                    document=qual.name,
                    owner=owner.display_name,
                )
                description = _(
                    "Expired on %(date)s: business with it is locked until "
                    "quality approves a renewal.",
                    date=fields.Date.to_string(qual.expiry_date),
                )
            vals_list.append(
                {
                    "name": name,
                    "event_type": event_type,
                    "description": description,
                    "company_id": qual.company_id.id,
                    "partner_id": qual.partner_id.id,
                    "product_id": qual.product_tmpl_id.product_variant_id.id,
                    "qualification_id": qual.id,
                }
            )
        return Event.create(vals_list)

    # --- persons of partners (sales representatives, pickup persons) -------------

    def _gsp_person_problem(self, partner, today, product=None, region=None):
        """Why this person authorisation does not allow business with ``partner`` (in
        ``product``, in the province ``region``), as a short translated phrase; None when
        it does."""
        self.ensure_one()
        if self.partner_id != partner.commercial_partner_id:
            return _("it was given by %(partner)s", partner=self.partner_id.display_name)
        if self.state == "revoked":
            return _("revoked on %(date)s", date=fields.Date.to_string(self.revoked_date))
        if self.state != "approved":
            return _("not approved by quality")
        if self.expiry_date and self.expiry_date < today:
            return _("expired on %(date)s", date=fields.Date.to_string(self.expiry_date))
        if self.issue_date and self.issue_date > today:
            return _("valid from %(date)s only", date=fields.Date.to_string(self.issue_date))
        if product and self.authorised_product_ids and product not in self.authorised_product_ids:
            return _(
                "%(product)s is not among its authorised products", product=product.display_name
            )
        if region and region not in self._gsp_region_codes():
            return _(
                "the region %(region)s is not among its authorised regions (%(regions)s)",
                region=self._gsp_region_label(region),
                regions=self.region_codes or _("none listed"),
            )
        return None

    def _gsp_region_label(self, region):
        labels = dict(
            self.env["res.company"]._fields["gsp_region"]._description_selection(self.env)
        )
        return labels.get(region, region)

    @api.model
    def _gsp_check_sales_authorisation(
        self,
        partner,
        products,
        document_label,
        raise_error=False,
        region=None,
        representative=None,
        required=False,
    ):
        """When ``partner`` has sales representative authorisations on record, each
        regulated product needs one whose term is valid and which covers it (an
        authorisation listing no product covers all the partner's products) and, when
        ``region`` (a province code) is given, whose authorised regions include it.

        ``representative``: the authorisation of the person the business was placed with;
        then only that one counts.  ``required``: a representative must be named."""
        company = self.env.company
        if not company.gsp_enforce or not products:
            return []
        if products._name == "product.product":
            products = products.product_tmpl_id
        products = self._gsp_regulated_products(products)
        partner = partner.commercial_partner_id
        if not products or not partner:
            return []
        today = fields.Date.context_today(self)
        problems = []
        if representative:
            auths = representative.sudo()
            if auths.doc_type != "sales_authorisation":
                problems.append(
                    _(
                        "%(document)s: %(qualification)s is not a sales representative "
                        "authorisation.",
                        document=document_label,
                        qualification=auths.name,
                    )
                )
                auths = self.browse()
        elif required:
            problems.append(
                _(
                    "%(document)s: name the sales representative of %(partner)s the order was "
                    "placed with.",
                    document=document_label,
                    partner=partner.display_name,
                )
            )
            auths = self.browse()
        else:
            auths = self.sudo().search(
                [
                    ("company_id", "in", [company.id, False]),
                    ("partner_id", "=", partner.id),
                    ("doc_type", "=", "sales_authorisation"),
                    ("state", "!=", "draft"),
                ]
            )
        for product in products if auths else ():
            reasons = [
                (auth, auth._gsp_person_problem(partner, today, product, region)) for auth in auths
            ]
            if any(reason is None for _auth, reason in reasons):
                continue
            problems.append(
                _(
                    "%(document)s: no valid sales representative authorisation of %(partner)s "
                    "covers %(product)s (%(details)s).",
                    document=document_label,
                    partner=partner.display_name,
                    product=product.display_name,
                    details="; ".join(
                        f"{auth.name}, {auth.person_name}: {reason}" for auth, reason in reasons
                    ),
                )
            )
        if problems and raise_error:
            raise UserError("\n".join(problems))
        return problems

    # --- the business check ------------------------------------------------------

    @api.model
    def _gsp_regulated_products(self, products):
        """The products whose category (or a parent category) is GSP regulated."""
        categories = products.categ_id
        regulated = self.env["product.category"].search(
            [("id", "parent_of", categories.ids), ("gsp_regulated", "=", True)]
        )
        if not regulated:
            return products.browse()
        regulated_ids = set(regulated.ids)
        return products.filtered(
            lambda p: regulated_ids & {int(i) for i in p.categ_id.parent_path.split("/") if i}
        )

    @api.model
    def _gsp_check_business(self, partners, products, document_label, role=None, raise_error=False):
        """Refusals for doing business with these partners in these products.

        partners: res.partner (their commercial entities are checked), products:
        product.product or product.template, document_label: names the document in
        the messages, role: "supplier" or "customer" (first-time review needed for
        that role), raise_error: raise a UserError instead of returning the list.
        Nothing is checked when the company does not enforce GSP or no product is in
        a regulated category.  Returns a list of translated messages (empty: allowed).
        """
        company = self.env.company
        if not company.gsp_enforce or not products:
            return []
        if products._name == "product.product":
            products = products.product_tmpl_id
        products = self._gsp_regulated_products(products)
        if not products:
            return []
        partners = partners.commercial_partner_id
        today = fields.Date.context_today(self)
        quals = self.sudo().search(
            [
                ("company_id", "in", [company.id, False]),
                ("state", "!=", "draft"),
                "|",
                ("partner_id", "in", partners.ids),
                ("product_tmpl_id", "in", products.ids),
            ]
        )
        reviews = (
            self.env["gsp.first.review"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "approved"),
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("product_tmpl_id", "in", products.ids),
                ]
            )
        )
        problems = []
        for product in products:
            product_reviews = reviews.filtered(lambda r, p=product: r.product_tmpl_id == p)
            if not product_reviews:
                problems.append(
                    _(
                        "%(document)s: product %(product)s has not passed its "
                        "first-time review (首营品种) by quality.",
                        document=document_label,
                        product=product.display_name,
                    )
                )
            if product.gsp_kind == "device":
                needed = (
                    "filing_certificate"
                    if product.gsp_device_class == "I"
                    else "registration_certificate"
                )
                own = quals.filtered(lambda q, p=product: q.product_tmpl_id == p)
                problem = self._gsp_missing(
                    own, (needed,), product.display_name, document_label, today
                )
                if problem:
                    problems.append(problem)
        for partner in partners:
            own = quals.filtered(lambda q, p=partner: q.partner_id == p)
            if role:
                partner_reviews = reviews.filtered(
                    lambda r, p=partner: r.partner_id == p and r.review_type == role
                )
                if not partner_reviews:
                    role_label = dict(
                        self.env["gsp.first.review"]
                        ._fields["review_type"]
                        ._description_selection(self.env)
                    )[role]
                    problems.append(
                        _(
                            "%(document)s: %(partner)s has not passed its "
                            "first-time review (首营企业) as %(role)s.",
                            document=document_label,
                            partner=partner.display_name,
                            role=role_label,
                        )
                    )
            problem = self._gsp_missing(
                own, ("business_licence",), partner.display_name, document_label, today
            )
            if problem:
                problems.append(problem)
            for product in products:
                problem = self._gsp_scope_problem(own, partner, product, document_label, today)
                if problem:
                    problems.append(problem)
        problems = list(dict.fromkeys(problems))
        if problems and raise_error:
            raise UserError("\n".join(problems))
        return problems

    @api.model
    def _gsp_missing(self, quals, doc_types, owner, document_label, today):
        """A refusal when none of quals of these types is approved and unexpired."""
        candidates = quals.filtered(lambda q: q.doc_type in doc_types)
        valid = candidates.filtered(
            lambda q: q.state == "approved" and (not q.expiry_date or q.expiry_date >= today)
        )
        if valid:
            return None
        labels = dict(self._fields["doc_type"]._description_selection(self.env))
        if not candidates:
            return _(
                "%(document)s: %(owner)s has no approved %(qualification)s.",
                document=document_label,
                owner=owner,
                qualification=" / ".join(labels[t] for t in doc_types),
            )
        latest = candidates.sorted(lambda q: (q.expiry_date or today, q.id))[-1]
        if latest.state == "revoked":
            return _(
                "%(document)s: %(qualification)s of %(owner)s was revoked on %(date)s.",
                document=document_label,
                qualification=latest.name,
                owner=owner,
                date=fields.Date.to_string(latest.revoked_date),
            )
        return _(
            "%(document)s: %(qualification)s of %(owner)s expired on %(date)s.",
            document=document_label,
            qualification=latest.name,
            owner=owner,
            date=fields.Date.to_string(latest.expiry_date),
        )

    @api.model
    def _gsp_scope_problem(self, quals, partner, product, document_label, today):
        if product.gsp_kind == "drug":
            return self._gsp_missing(
                quals, ("drug_trading_licence",), partner.display_name, document_label, today
            )
        device_class = product.gsp_device_class or "III"
        doc_types = LICENCES_FOR_CLASS[device_class]
        if not doc_types:
            return None
        missing = self._gsp_missing(quals, doc_types, partner.display_name, document_label, today)
        if missing:
            return missing
        covering = quals.filtered(
            lambda q: (
                q.doc_type in doc_types
                and q.state == "approved"
                and (not q.expiry_date or q.expiry_date >= today)
                and q._gsp_covers(product)
            )
        )
        if covering:
            return None
        return _(
            "%(document)s: no valid licence of %(partner)s covers %(product)s "
            "(Class %(device_class)s, %(code)s).",
            document=document_label,
            partner=partner.display_name,
            product=product.display_name,
            device_class=device_class,
            code=product.gsp_classification_code or "-",
        )

    def _gsp_covers(self, product):
        self.ensure_one()
        device_class = product.gsp_device_class or "III"
        if device_class == "II" and not (self.scope_class_ii or self.scope_class_iii):
            return False
        if device_class == "III" and not self.scope_class_iii:
            return False
        code = product.gsp_classification_code
        categories = self.scope_category_ids
        if device_class == "III" and self.scope_category_iii_ids:
            categories = self.scope_category_iii_ids
        return bool(code) and any(
            code == scope.code or code.startswith(scope.code + "-") for scope in categories
        )

    # --- business scope text (经营范围) -------------------------------------------

    _gsp_scope_fields = ("scope_category_ids", "scope_class_ii", "scope_class_iii")

    @api.model_create_multi
    def create(self, vals_list):
        """A device licence created with its scope text and no structured scope gets
        the scope categories and classes read from the text (reported in the chatter)."""
        records = super().create(vals_list)
        to_read = records.browse(
            [
                record.id
                for record, vals in zip(records, vals_list, strict=True)
                if vals.get("scope") and not any(vals.get(name) for name in self._gsp_scope_fields)
            ]
        ).filtered(lambda q: q.doc_type in DEVICE_LICENCES)
        if to_read:
            to_read._gsp_apply_scope()
        return records

    def action_gsp_read_scope(self):
        """Quality staff: read the business scope text into the scope categories and
        classes; what could not be read is listed in the chatter."""
        if not self._gsp_is_quality():
            raise AccessError(
                _(
                    "Only quality staff may read a business scope into the scope "
                    "categories and classes of a qualification."
                )
            )
        for qual in self:
            if qual.doc_type not in DEVICE_LICENCES:
                raise UserError(
                    _(
                        "%(document)s is not a device licence: its business scope is not read.",
                        document=qual.name,
                    )
                )
            if not (qual.scope or "").strip():
                raise UserError(
                    _("%(document)s has no business scope text to read.", document=qual.name)
                )
        reports = self._gsp_apply_scope()
        attention = any(report["attention"] for report in reports)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Business scope read"),
                "message": " ".join(report["summary"] for report in reports),
                "type": "warning" if attention else "success",
                "sticky": attention,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _gsp_apply_scope(self):
        """Write what each qualification's scope text says into its scope categories and
        classes (when it names Class II or III with something read; otherwise nothing is
        changed) and post in its chatter each value read, recorded or not recorded.
        One catalogue search for all the records. Returns one report dict per record."""
        scopes = {qual.id: parse_business_scope(qual.scope) for qual in self}
        # codes of the 2002 catalogue (68xx) are read through the 2017 catalogue's
        # cross-reference: a licence of 6815 covers the 2017 categories 6815 went to
        Legacy = self.env["gsp.device.category.legacy"]
        legacy_map = {
            code: Legacy._categories_for_code(code).mapped("code")
            for scope in scopes.values()
            for cls in ("II", "III")
            for code in scope.legacy_codes.get(cls, ())
        }
        mapped = {qual_id: _mapped_legacy(scope, legacy_map) for qual_id, scope in scopes.items()}
        scopes = {qual_id: scope for qual_id, (scope, _read) in mapped.items()}
        codes = {
            code
            for scope in scopes.values()
            for cls in ("II", "III")
            for code in scope.codes.get(cls, ())
        }
        categories = (
            self.env["gsp.device.category"].search([("code", "in", sorted(codes))])
            if codes
            else self.env["gsp.device.category"]
        )
        by_code = {category.code: category for category in categories}
        reports = []
        for qual in self:
            report = qual._gsp_scope_report(scopes[qual.id], by_code, mapped[qual.id][1])
            if report["vals"]:
                qual.write(report["vals"])
            # sudo: quality staff without an email address read scopes too (author: them)
            qual.sudo().message_post(body=report["body"], subtype_xmlid="mail.mt_note")
            reports.append(report)
        return reports

    def _gsp_scope_report(self, scope, by_code, legacy_read=()):
        """The values to write for a parsed scope and the translated lines naming what
        was read, recorded and not recorded (``legacy_read``: ``(class, 2002 code, 2017
        codes)`` of the 2002 codes read through the cross-reference)."""
        self.ensure_one()
        lines, attention = [], []
        for cls, code, new_codes in legacy_read:
            lines.append(
                _(
                    "Class %(device_class)s, code %(code)s of the 2002 catalogue read through "
                    "the 2017 catalogue's cross-reference as %(codes)s",
                    device_class=cls,
                    code=code,
                    codes=", ".join(new_codes),
                )
            )
        licensed = [cls for cls in ("II", "III") if cls in scope.classes]
        for cls in scope.classes:
            if scope.codes.get(cls):
                lines.append(
                    _(
                        "Class %(device_class)s, 2017 catalogue: %(codes)s",
                        device_class=cls,
                        codes=", ".join(scope.codes[cls]),
                    )
                )
        for cls, codes in scope.legacy_codes.items():
            attention.append(
                _(
                    "Class %(device_class)s, codes of the former 2002 catalogue, not mapped to the "
                    "2017 catalogue and not recorded: %(codes)s",
                    device_class=cls,
                    codes=", ".join(codes),
                )
            )
        if scope.codes.get("I"):
            attention.append(
                _(
                    "Class I needs no licence; its codes were not recorded: %(codes)s",
                    codes=", ".join(scope.codes["I"]),
                )
            )
        for cls, state in scope.ivd_reagents.items():
            if state == "included":
                lines.append(
                    _(
                        "In vitro diagnostic reagents are listed for Class "
                        "%(device_class)s (they are not catalogue categories).",
                        device_class=cls,
                    )
                )
            else:
                lines.append(
                    _(
                        "In vitro diagnostic reagents are excluded for Class %(device_class)s.",
                        device_class=cls,
                    )
                )
        vals, recorded = {}, self.env["gsp.device.category"]
        if licensed:
            wanted = sorted({code for cls in licensed for code in scope.codes.get(cls, ())})
            missing = [code for code in wanted if code not in by_code]
            recorded = recorded.union(*(by_code[code] for code in wanted if code in by_code))
            removed = self.scope_category_ids - recorded
            vals = {
                "scope_category_ids": [Command.set(recorded.ids)],
                "scope_category_iii_ids": [Command.clear()],
                "scope_class_ii": "II" in licensed,
                "scope_class_iii": "III" in licensed,
            }
            lines.append(
                _(
                    "Scope categories recorded: %(categories)s; covers Class II: "
                    "%(class_ii)s; covers Class III: %(class_iii)s.",
                    categories=", ".join(recorded.mapped("display_name")) or _("none"),
                    class_ii=_("yes") if "II" in licensed else _("no"),
                    class_iii=_("yes") if "III" in licensed else _("no"),
                )
            )
            if missing:
                attention.append(
                    _(
                        "Not in the catalogue of this database, not recorded: %(codes)s",
                        codes=", ".join(missing),
                    )
                )
            if removed:
                attention.append(
                    _(
                        "No longer in the scope categories (not in the text): %(categories)s",
                        categories=", ".join(removed.mapped("display_name")),
                    )
                )
            if len(licensed) == 2 and set(scope.codes.get("II", ())) != set(
                scope.codes.get("III", ())
            ):
                class_iii = recorded.browse(
                    [by_code[code].id for code in scope.codes.get("III", ()) if code in by_code]
                )
                vals["scope_category_iii_ids"] = [Command.set(class_iii.ids)]
                lines.append(
                    _(
                        "Class III categories, apart: %(categories)s.",
                        categories=", ".join(class_iii.mapped("display_name")) or _("none"),
                    )
                )
        else:
            attention.append(
                _(
                    "Nothing was read for Class II or Class III; the scope "
                    "categories and classes were left unchanged."
                )
            )
        for issue in scope.unread:
            params = dict(issue.params, text=_shorten(issue.text, 200))
            attention.append(_(issue.template, **params))
        title = _("Business scope of %(document)s read.", document=self.name)
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            title,
            Markup().join(Markup("<li>%s</li>") % line for line in lines + attention),
        )
        summary = _(
            "%(document)s: %(count)s scope categories recorded, %(problems)s items "
            "to check (listed in the chatter).",
            document=self.name,
            count=len(recorded),
            problems=len(attention),
        )
        return {
            "vals": vals,
            "lines": lines,
            "attention": attention,
            "body": body,
            "summary": summary,
        }


def _mapped_legacy(scope, legacy_map):
    """``(scope, read)``: ``scope`` with its 2002 codes that the cross-reference maps
    added, as their 2017 codes, to the codes of their class (those it does not map stay
    2002 codes, reported as not recorded), and ``read``, ``[(class, 2002 code, 2017
    codes)]``."""
    if not any(scope.legacy_codes.values()):
        return scope, []
    codes = {cls: set(found) for cls, found in scope.codes.items()}
    legacy, read = {}, []
    for cls, old_codes in scope.legacy_codes.items():
        for code in old_codes:
            new_codes = legacy_map.get(code) or []
            if new_codes and cls in ("II", "III"):
                codes.setdefault(cls, set()).update(new_codes)
                read.append((cls, code, new_codes))
            else:
                legacy.setdefault(cls, []).append(code)
    scope = dataclasses.replace(
        scope,
        codes=MappingProxyType({cls: tuple(sorted(found)) for cls, found in codes.items()}),
        legacy_codes=MappingProxyType({cls: tuple(found) for cls, found in legacy.items()}),
    )
    return scope, read


def _shorten(text, size):
    return text if len(text) <= size else text[: size - 1] + "…"
