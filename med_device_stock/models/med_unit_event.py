from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import is_system_write
from .stock_lot import MED_STATES

EVENT_TYPES = [
    ("receipt", "Receipt"),
    ("receipt_check", "Receipt Check"),
    ("move", "Stock Move"),
    ("issue", "Issue"),
    ("borrow", "Borrow"),
    ("return", "Return"),
    ("transfer", "Transfer"),
    ("use", "Use on Patient"),
    ("quarantine", "Quarantine"),
    ("release", "Release from Quarantine"),
    ("scrap", "Scrap"),
    ("destruction", "Destruction"),
    ("recall", "Recall"),
    ("return_supplier", "Return to Supplier"),
    ("reversal", "Reversal (Correction)"),
    ("migrated", "Migrated (Opening Stock)"),
]


class MedUnitEvent(models.Model):
    """One thing that happened to a device unit: the rows of its timeline.

    Rows are written by the code of the operations (as superuser, with the real
    operator in ``user_id``); nobody edits or deletes them, the superuser included: only
    the workflow's own token (``SYSTEM_WRITE``) lets a reversal link its event to the
    event it undoes.  A mistake is corrected by a correcting document, whose "reversal"
    events follow in the timeline.
    """

    _name = "med.unit.event"
    _description = "Device Unit Event"
    _order = "date desc, id desc"
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, string="Product")
    med_mfr_lot = fields.Char(related="lot_id.med_mfr_lot", string="Manufacturer Lot")
    event_type = fields.Selection(EVENT_TYPES, string="Event", required=True)
    user_id = fields.Many2one(
        "res.users", string="Operator", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    quantity = fields.Float(default=1.0)
    location_src_id = fields.Many2one("stock.location", string="From")
    location_id = fields.Many2one("stock.location")
    department_id = fields.Many2one("hr.department", index=True)
    holder_id = fields.Many2one("hr.employee")
    partner_id = fields.Many2one("res.partner")
    move_line_id = fields.Many2one("stock.move.line", string="Stock Move Line")
    res_model = fields.Char(string="Document Model")
    res_id = fields.Many2oneReference(string="Document", model_field="res_model")
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    reversed_event_id = fields.Many2one(
        "med.unit.event",
        string="Reverses",
        readonly=True,
        index="btree_not_null",
        help="The event a correction undid (for a reversal event).",
    )
    restored_state = fields.Selection(
        MED_STATES,
        string="State Restored",
        readonly=True,
        help="The device state the unit had before the event the reversal undid.",
    )

    def write(self, vals):
        if not is_system_write(self.env):
            raise UserError(
                _(
                    "Timeline events record what happened to a unit: they cannot be changed "
                    "(%(events)s).",
                    events=self._med_labels(),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not is_system_write(self.env):
            raise UserError(
                _(
                    "Timeline events record what happened to a unit: they cannot be deleted "
                    "(%(events)s).",
                    events=self._med_labels(),
                )
            )

    @api.depends("event_type", "lot_id", "date")
    def _compute_display_name(self):
        """ "Use DES24A0001 (2026-12-03 10:00:00)": what a correction's *Reverses* shows."""
        types = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{types.get(event.event_type, '')} {event.lot_id.name or ''} ({event.date})"
            )

    def _med_labels(self):
        types = dict(self._fields["event_type"]._description_selection(self.env))
        return ", ".join(
            f"{types.get(event.event_type, '')} {event.lot_id.name or ''}" for event in self[:5]
        )

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS med_unit_event_lot_date_idx "
            "ON med_unit_event (lot_id, date)"
        )

    @api.model
    def _record(self, lots, event_type, **values):
        """Append one event per unit of ``lots`` (as superuser, operator = current user)."""
        vals_list = []
        for lot in lots:
            vals = {
                "lot_id": lot.id,
                "event_type": event_type,
                "user_id": self.env.uid,
                "company_id": lot.company_id.id or self.env.company.id,
            }
            vals.update(values)
            vals_list.append(vals)
        return self.sudo().create(vals_list).sudo(False)

    def action_open_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
