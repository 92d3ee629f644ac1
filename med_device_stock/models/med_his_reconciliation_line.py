from odoo import _, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write

STATUSES = [
    ("matched", "Matched"),
    ("quantity_difference", "Quantity Difference"),
    ("price_difference", "Price Difference"),
    ("charged_not_scanned", "Charged, Not Scanned"),
    ("scanned_not_charged", "Scanned, Not Charged"),
    ("billed_not_used", "Billed, Neither Scanned nor Charged"),
    ("not_billed", "Not Billed"),
]
#: the differences where a device went to a patient (charged by the HIS, or billed by a
#: consignor) without any scan recording which unit: the trace of the unit is lost
TRACEABILITY_GAPS = ("charged_not_scanned", "billed_not_used")


class MedHisReconciliationLine(models.Model):
    """One row of a reconciliation: a unit (serial), a lot or a product, what each source
    says of it, and, for a difference, its resolution with a reason."""

    _name = "med.his.reconciliation.line"
    _description = "HIS Reconciliation Row"
    _order = "status, product_id, lot, serial"

    reconciliation_id = fields.Many2one(
        "med.his.reconciliation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="reconciliation_id.company_id", store=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_key = fields.Char(string="Code", readonly=True)
    lot = fields.Char(readonly=True)
    serial = fields.Char(readonly=True)
    level = fields.Selection(
        [("serial", "Unit"), ("lot", "Lot"), ("product", "Product")], readonly=True
    )
    status = fields.Selection(STATUSES, readonly=True, index=True)
    qty_scanned = fields.Float(string="Scanned", readonly=True)
    qty_charged = fields.Float(string="Charged", readonly=True)
    qty_billed = fields.Float(string="Billed", readonly=True)
    price_charged = fields.Float(string="Charged Price", readonly=True)
    price_billed = fields.Float(string="Billed Price", readonly=True)
    unmatched_value = fields.Float(readonly=True)
    traceability_gap = fields.Boolean(
        readonly=True,
        help="Charged to a patient, or billed by a consignor, but no scan recorded the unit's use.",
    )
    use_ids = fields.Many2many("med.device.use", string="Uses", readonly=True)
    charge_ids = fields.Many2many("med.his.charge", string="Charges", readonly=True)
    resolution = fields.Text(help="Why the difference is what it is, and what was done.")
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    resolved_on = fields.Datetime(readonly=True)

    def _compute_display_name(self):
        for line in self:
            line.display_name = _(
                "%(reconciliation)s: %(what)s",
                reconciliation=line.reconciliation_id.display_name,
                what=line.serial or line.lot or line.product_key or "-",
            )

    def write(self, vals):
        if not is_system_write(self.env):
            if set(vals) - {"resolution"}:
                raise UserError(
                    _("A reconciliation row is computed; only its resolution is written.")
                )
            if self.filtered("resolved_on"):
                raise UserError(_("A resolved row is final."))
        return super().write(vals)

    def action_resolve(self):
        for line in self:
            if line.status == "matched":
                continue
            if not (line.resolution or "").strip():
                raise UserError(
                    _(
                        "Give the reason of the difference of %(what)s before resolving it.",
                        what=line.serial or line.lot or line.product_key,
                    )
                )
        self.filtered(lambda ln: ln.status != "matched").with_context(
            med_system_write=SYSTEM_WRITE
        ).write({"resolved_by_id": self.env.uid, "resolved_on": fields.Datetime.now()})
        return True
