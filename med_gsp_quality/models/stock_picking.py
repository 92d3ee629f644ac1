from odoo import _, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    gsp_pickup_person_id = fields.Many2one(
        "gsp.qualification",
        string="Pickup Person",
        check_company=True,
        copy=False,
        domain="[('doc_type', '=', 'pickup_authorisation'), ('state', '=', 'approved'), "
        "('partner_id', 'parent_of', partner_id)]",
        help="The customer's authorised pickup person (提货人) who collects the goods.",
    )

    def _gsp_check(self):
        checker = self.env["gsp.qualification"]
        for picking in self:
            role = {"incoming": "supplier", "outgoing": "customer"}.get(picking.picking_type_code)
            partner = picking.partner_id if role else picking.partner_id.browse()
            checker._gsp_check_business(
                partner,
                picking.move_ids.product_id,
                _("Transfer %(picking)s", picking=picking.name),
                role=role,
                raise_error=True,
            )
            problem = picking._gsp_pickup_person_problem()
            if problem:
                raise UserError(problem)

    def _gsp_pickup_person_problem(self):
        """Why the delivery may not leave with its pickup person (None: it may).  Checked
        when the company requires pickup persons, for deliveries of regulated products
        to a customer."""
        self.ensure_one()
        company = self.company_id
        if (
            not (company.gsp_enforce and company.gsp_require_pickup_person)
            or self.picking_type_code != "outgoing"
            or not self.partner_id
        ):
            return None
        checker = self.env["gsp.qualification"]
        if not checker._gsp_regulated_products(self.move_ids.product_id.product_tmpl_id):
            return None
        customer = self.partner_id.commercial_partner_id
        person = self.gsp_pickup_person_id.sudo()
        if not person:
            return _(
                "Transfer %(picking)s: choose the pickup person authorised by "
                "%(partner)s who collects the goods.",
                picking=self.name,
                partner=customer.display_name,
            )
        reason = None
        if person.doc_type != "pickup_authorisation":
            reason = _("it is not a pickup person authorisation")
        else:
            reason = person._gsp_person_problem(customer, fields.Date.context_today(self))
        if reason:
            return _(
                "Transfer %(picking)s: the pickup person %(person)s (%(document)s) "
                "may not collect the goods: %(reason)s.",
                picking=self.name,
                person=person.person_name or "-",
                document=person.name,
                reason=reason,
            )
        return None

    def button_validate(self):
        self._gsp_check()
        return super().button_validate()
