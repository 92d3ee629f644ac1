from odoo import _, api, fields, models
from odoo.exceptions import UserError

MED_STATES = [
    ("in_stock", "In Stock"),
    ("quarantined", "Quarantined"),
    ("issued", "Issued"),
    ("borrowed", "Borrowed"),
    ("used", "Used on Patient"),
    ("returned_supplier", "Returned to Supplier"),
    ("scrapped", "Scrapped"),
    ("recalled", "Recalled"),
    ("expired", "Expired"),
]

#: the state a unit is in after an event of this type (``move`` depends on where it went)
EVENT_STATE = {
    "receipt": "in_stock",
    "return": "in_stock",
    "release": "in_stock",
    "issue": "issued",
    "borrow": "borrowed",
    "use": "used",
    "quarantine": "quarantined",
    "scrap": "scrapped",
    "destruction": "scrapped",
    "recall": "recalled",
    "return_supplier": "returned_supplier",
}

#: states in which a unit can still expire (it is somewhere in the hospital, usable)
EXPIRABLE_STATES = ("in_stock", "issued", "borrowed")


class StockLot(models.Model):
    _inherit = "stock.lot"

    med_is_device = fields.Boolean(related="product_id.med_is_device", string="Medical Device")
    med_udi_raw = fields.Char(string="UDI (as scanned)", readonly=True)
    med_di = fields.Char(string="Device Identifier", index=True, readonly=True)
    med_mfr_lot = fields.Char(string="Manufacturer Lot", index=True)
    med_serial = fields.Char(string="Manufacturer Serial", index=True)
    med_manufactured_date = fields.Date(string="Manufacturing Date")
    med_supplier_id = fields.Many2one("res.partner", string="Supplier")
    med_quality_grade = fields.Selection(
        [("qualified", "Qualified"), ("pending", "Pending Inspection"),
         ("unqualified", "Unqualified")],
        string="Quality Grade",
    )
    med_certificate_number = fields.Char(string="Certificate of Conformity No.")
    med_certificate_attachment_id = fields.Many2one(
        "ir.attachment", string="Certificate of Conformity"
    )
    med_event_ids = fields.One2many("med.unit.event", "lot_id", string="Timeline")
    med_state = fields.Selection(
        MED_STATES, string="Device State", compute="_compute_med_trace", store=True,
        index=True, readonly=True,
        help="Follows what happened to the unit (its timeline); nobody sets it by hand.",
    )
    med_location_id = fields.Many2one(
        "stock.location", string="Current Location", compute="_compute_med_trace",
        store=True, index=True,
    )
    med_department_id = fields.Many2one(
        "hr.department", string="Department", compute="_compute_med_trace", store=True,
        index=True,
    )
    med_holder_id = fields.Many2one(
        "hr.employee", string="Holder", compute="_compute_med_trace", store=True
    )

    @api.depends("med_event_ids", "expiration_date")
    def _compute_med_trace(self):
        now = fields.Datetime.now()
        for lot in self:
            state = location = department = holder = False
            for event in lot.med_event_ids.sorted(lambda e: (e.date, e.id)):
                state = lot._med_state_after(event, state)
                if event.location_id:
                    location = event.location_id
                department = event.department_id
                holder = event.holder_id
            if state in EXPIRABLE_STATES and lot.expiration_date and lot.expiration_date <= now:
                state = "expired"
            lot.med_state = state
            lot.med_location_id = location
            lot.med_department_id = department
            lot.med_holder_id = holder

    def _med_state_after(self, event, state):
        if event.event_type in ("transfer",):
            return state if state in ("issued", "borrowed") else "issued"
        if event.event_type in EVENT_STATE:
            return EVENT_STATE[event.event_type]
        location = event.location_id
        if not location:
            return state
        if location.usage == "internal":
            company = event.company_id
            if location == company.med_quarantine_location_id:
                return "quarantined"
            if event.department_id:
                return state if state in ("issued", "borrowed") else "issued"
            return "in_stock"
        if location.usage == "customer":
            return "used"
        if location.usage == "supplier":
            return "returned_supplier"
        if location.usage == "inventory" and location.scrap_location:
            return "scrapped"
        return state

    @api.model_create_multi
    def create(self, vals_list):
        if any("med_state" in vals for vals in vals_list):
            raise UserError(self._med_state_readonly_message())
        return super().create(vals_list)

    def write(self, vals):
        if "med_state" in vals:
            raise UserError(self._med_state_readonly_message())
        return super().write(vals)

    def _med_state_readonly_message(self):
        return _(
            "The device state of a unit follows what happened to it (receipt, issue, use...): "
            "it cannot be set by hand."
        )

    @api.model
    def _med_find_unit(self, product, lot_name=None, serial=None):
        """The unit of ``product`` scanned: by serial when the product is tracked by serial,
        else by (manufacturer) lot."""
        name = serial if product.tracking == "serial" else lot_name
        if not name:
            return self.browse()
        return self.search(
            [("product_id", "=", product.id), ("name", "=", name),
             ("company_id", "in", [self.env.company.id, False])],
            limit=1,
        )

    @api.model
    def _trace_mfr_lot(self, product, mfr_lot):
        """Every unit of ``product`` from manufacturer lot ``mfr_lot`` (serials included)."""
        return self.search(
            [("product_id", "=", product.id), ("med_mfr_lot", "=", mfr_lot)],
            order="name",
        )

    def action_med_trace(self):
        """The timeline of the units."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_unit_event_action"
        )
        action["domain"] = [("lot_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def action_med_trace_mfr_lot(self):
        """All units sharing the manufacturer lot of this one."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.stock_lot_med_action"
        )
        units = self._trace_mfr_lot(self.product_id, self.med_mfr_lot or self.name)
        action["domain"] = [("id", "in", units.ids)]
        return action

    def action_med_recall(self):
        """Record a recall of these units (managers)."""
        if not self.env.user.has_group("med_device_stock.group_med_manager"):
            raise UserError(_("Only medical device managers can recall units."))
        self.env["med.unit.event"]._record(
            self, "recall", note=self.env.context.get("med_recall_reason") or False
        )
        return True

    @api.model
    def _cron_med_expire(self):
        """Units whose expiry date has passed become expired (the stored state is refreshed)."""
        lots = self.search([
            ("med_state", "in", list(EXPIRABLE_STATES)),
            ("expiration_date", "<=", fields.Datetime.now()),
        ])
        for name in ("med_state", "med_location_id", "med_department_id", "med_holder_id"):
            self.env.add_to_compute(self._fields[name], lots)
        lots._recompute_recordset()
        return len(lots)
