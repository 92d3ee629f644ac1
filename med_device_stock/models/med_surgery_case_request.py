from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write


class MedSurgeryCaseRequest(models.Model):
    """A device a surgery case asks of the store: the product and how many.  The store
    reserves units for it by scanning them into the case's request (a draft issue to the
    case's department, ``med.device.issue.surgery_case_id``) and issues them to the
    operating room; the units issued are listed on the case by themselves."""

    _name = "med.surgery.case.request"
    _description = "Surgery Case Store Request"
    _order = "case_id, id"
    _check_company_auto = True

    case_id = fields.Many2one("med.surgery.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product",
        string="Device",
        required=True,
        check_company=True,
        domain="[('med_is_device', '=', True)]",
    )
    quantity = fields.Float(string="Requested", default=1.0, required=True)
    reserved_qty = fields.Float(
        string="Reserved",
        compute="_compute_store_quantities",
        help="Units the store has scanned into the case's open request: kept for the case, "
        "no other issue takes them.",
    )
    issued_qty = fields.Float(
        string="Issued",
        compute="_compute_store_quantities",
        help="Units issued to the operating room for the case.",
    )
    quantity_sent = fields.Float(
        string="Sent to the Store",
        readonly=True,
        copy=False,
        help="How many the store was asked for (Request from Store); more listed is "
        "asked with the next request.",
    )
    note = fields.Char(help="Size, model or anything the store should know.")

    _sql_constraints = [
        ("product_once", "unique(case_id, product_id)", "A device is requested once per case."),
        ("quantity_positive", "check(quantity > 0)", "The quantity must be positive."),
    ]

    @api.depends("case_id.store_issue_ids.state", "case_id.store_issue_ids.line_ids.quantity")
    def _compute_store_quantities(self):
        totals = self.case_id._med_store_quantities()
        for request in self:
            reserved, issued = totals.get((request.case_id.id, request.product_id.id), (0, 0))
            request.reserved_qty = reserved
            request.issued_qty = issued

    def _med_refuse_system_fields(self, names):
        if names and not is_system_write(self.env):
            raise UserError(
                _(
                    "%(fields)s of a surgery case's request is set when it is sent to the store.",
                    fields=", ".join(self._fields[f].string for f in sorted(names)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._med_refuse_system_fields({"quantity_sent"} & {f for f in vals if vals[f]})
        requests = super().create(vals_list)
        requests.case_id._med_check_open()
        return requests

    def write(self, vals):
        self._med_refuse_system_fields({"quantity_sent"} & set(vals))
        self.case_id._med_check_open()
        result = super().write(vals)
        if "quantity" in vals or "product_id" in vals:
            self._med_check_not_below_store()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_served(self):
        self.case_id._med_check_open()
        for request in self:
            if request.reserved_qty or request.issued_qty:
                raise UserError(
                    _(
                        "%(product)s is reserved or issued for %(case)s already: lower the "
                        "request to what the store has served, or take the units off the "
                        "request first.",
                        product=request.product_id.display_name,
                        case=request.case_id.display_name,
                    )
                )

    def _med_system_write(self, vals):
        return self.with_context(med_system_write=SYSTEM_WRITE).write(vals)

    def _med_to_send(self):
        """How many are still to ask of the store: listed, neither asked nor served."""
        self.ensure_one()
        return self.quantity - max(self.quantity_sent, self.reserved_qty + self.issued_qty)

    def _med_check_not_below_store(self):
        for request in self:
            served = request.reserved_qty + request.issued_qty
            if request.quantity < served:
                raise UserError(
                    _(
                        "%(case)s: %(quantity)s of %(product)s requested, but the store has "
                        "reserved or issued %(served)s already.",
                        case=request.case_id.display_name,
                        quantity=request.quantity,
                        product=request.product_id.display_name,
                        served=served,
                    )
                )
