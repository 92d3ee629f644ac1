from odoo import _, api, fields, models
from odoo.exceptions import UserError

DIFFERENCE_TYPES = [
    ("ok", "Matches"),
    ("missing", "Missing"),
    ("unexpected", "Unexpected"),
    ("wrong_place", "In the Wrong Place"),
    ("expired", "Expired Found in Stock"),
]

RESOLUTIONS = [
    ("recount", "Recount"),
    ("adjusted", "Adjustment Approved"),
    ("quality_event", "Quality Event"),
]


class MedCountLine(models.Model):
    """One unit compared by a cycle count, and how its difference was resolved."""

    _name = "med.count.line"
    _inherit = ["med.document.line.mixin"]
    _med_document_field = "count_id"
    _description = "Device Cycle Count Result"
    _order = "count_id, difference_type, id"

    count_id = fields.Many2one("med.count", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="count_id.company_id", store=True)
    department_id = fields.Many2one(related="count_id.department_id", store=True, index=True)
    location_id = fields.Many2one(related="count_id.location_id", store=True)
    count_state = fields.Selection(related="count_id.state", string="Count State")
    lot_id = fields.Many2one(
        "stock.lot", string="Unit", required=True, index=True, ondelete="restrict"
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    expected_qty = fields.Float(string="Expected", readonly=True)
    counted_qty = fields.Float(string="Counted", readonly=True)
    difference_qty = fields.Float(
        string="Difference", compute="_compute_difference_qty", store=True
    )
    difference_type = fields.Selection(DIFFERENCE_TYPES, required=True, readonly=True, index=True)
    scan_id = fields.Many2one("med.count.scan", string="Last Scan", readonly=True)
    scan_date = fields.Datetime(related="scan_id.date", string="Scanned On")
    scan_user_id = fields.Many2one(related="scan_id.user_id", string="Scanned By")
    scan_location_id = fields.Many2one(related="scan_id.location_id", string="Scanned At")
    resolution = fields.Selection(RESOLUTIONS, readonly=True, copy=False)
    reason = fields.Char(help="Why the difference is adjusted.")
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)

    @api.depends("expected_qty", "counted_qty")
    def _compute_difference_qty(self):
        for line in self:
            line.difference_qty = line.counted_qty - line.expected_qty

    def _med_check_resolvable(self):
        for line in self:
            if line.count_id.state != "reconciled":
                raise UserError(
                    _("Count %(count)s is not reconciled.", count=line.count_id.display_name)
                )
            if line.difference_type == "ok":
                raise UserError(_("%(unit)s: nothing to resolve.", unit=line.lot_id.display_name))

    def _med_resolve(self, resolution):
        self.sudo().write(
            {
                "resolution": resolution,
                "resolved_by_id": self.env.uid,
                "date_resolved": fields.Datetime.now(),
            }
        )

    def action_recount(self):
        """Count the unit again: the count goes back to counting for it."""
        self._med_check_resolvable()
        counts = self.count_id
        self.sudo().unlink()
        counts._med_system_write({"state": "in_progress"})
        return True

    def action_adjust(self):
        """Approve the difference: Odoo's inventory adjustment sets the counted quantity."""
        if not self.env.user.has_group("med_device_stock.group_med_manager"):
            raise UserError(_("Only medical device managers can approve count adjustments."))
        self._med_check_resolvable()
        Quant = self.env["stock.quant"].sudo().with_context(inventory_mode=True)
        for line in self:
            if not line.reason:
                raise UserError(
                    _("%(unit)s: give the reason of the adjustment.", unit=line.lot_id.display_name)
                )
            location = line.count_id.location_id
            if line.difference_type == "wrong_place" and line.lot_id.med_location_id:
                old = Quant._gather(
                    line.product_id, line.lot_id.med_location_id, lot_id=line.lot_id, strict=True
                )
                old.inventory_quantity = 0.0
                old.action_apply_inventory()
            quants = Quant._gather(line.product_id, location, lot_id=line.lot_id, strict=False)
            target = quants.filtered(lambda q, loc=location: q.location_id == loc)[:1] or quants[:1]
            if not target:
                target = Quant.create(
                    {
                        "product_id": line.product_id.id,
                        "location_id": location.id,
                        "lot_id": line.lot_id.id,
                    }
                )
            others = quants - target
            if others:
                others.inventory_quantity = 0.0
                others.action_apply_inventory()
            target.inventory_quantity = line.counted_qty
            target.action_apply_inventory()
            line._med_resolve("adjusted")
        return True

    def action_quality_event(self):
        """Report the difference to quality through ``_med_report_difference``."""
        self._med_check_resolvable()
        for line in self:
            text = _(
                "Count %(count)s: %(unit)s expected %(expected)s, counted %(counted)s.",
                count=line.count_id.name,
                unit=line.lot_id.display_name,
                expected=line.expected_qty,
                counted=line.counted_qty,
            )
            line._med_report_difference(text)
            line._med_resolve("quality_event")
        return True

    def _med_report_difference(self, text):
        """Hook: how a count difference reaches quality.  Here, an activity for the
        count's responsible; med_gsp_quality makes it a classified quality event."""
        self.ensure_one()
        self.count_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Count difference"),
            note=text,
            user_id=self.count_id.user_id.id,
        )
