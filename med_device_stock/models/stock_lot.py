import datetime

from markupsafe import Markup
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

#: the context value allowing the system's own writes of a unit's identity and dates
#: (``_med_identity_write``): an object identity, which no client (JSON-RPC context) can
#: forge
IDENTITY_WRITE = object()

#: a device unit's identity and dates (product_expiry's derived dates included: they
#: decide when it is removed and alerted): set when the unit is created, then changed only
#: by the system (``_med_identity_write``: from a scan, or a change request quality
#: approved), every change posted on the unit
IDENTITY_FIELDS = (
    "name",
    "product_id",
    "med_udi_raw",
    "med_di",
    "med_mfr_lot",
    "med_serial",
    "med_manufactured_date",
    "expiration_date",
    "use_date",
    "removal_date",
    "alert_date",
)


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "med.lot.label.mixin", "med.lot.reservation.mixin"]

    # a unit's identity and dates are tracked (IDENTITY_FIELDS)
    name = fields.Char(tracking=True)
    product_id = fields.Many2one(tracking=True)
    expiration_date = fields.Datetime(tracking=True)
    use_date = fields.Datetime(tracking=True)
    removal_date = fields.Datetime(tracking=True)
    alert_date = fields.Datetime(tracking=True)
    med_is_device = fields.Boolean(related="product_id.med_is_device", string="Medical Device")
    med_udi_raw = fields.Char(string="UDI (as scanned)", readonly=True, tracking=True)
    med_di = fields.Char(string="Device Identifier", index=True, readonly=True, tracking=True)
    med_mfr_lot = fields.Char(string="Manufacturer Lot", index=True, tracking=True)
    med_serial = fields.Char(string="Manufacturer Serial", index=True, tracking=True)
    med_manufactured_date = fields.Date(string="Manufacturing Date", tracking=True)
    med_supplier_id = fields.Many2one("res.partner", string="Supplier")
    med_quality_grade = fields.Selection(
        [
            ("qualified", "Qualified"),
            ("pending", "Pending Inspection"),
            ("unqualified", "Unqualified"),
        ],
        string="Quality Grade",
    )
    med_certificate_number = fields.Char(string="Certificate of Conformity No.")
    med_certificate_attachment_id = fields.Many2one(
        "ir.attachment", string="Certificate of Conformity"
    )
    med_event_ids = fields.One2many("med.unit.event", "lot_id", string="Timeline")
    med_state = fields.Selection(
        MED_STATES,
        string="Device State",
        compute="_compute_med_trace",
        store=True,
        index=True,
        readonly=True,
        help="Follows what happened to the unit (its timeline); nobody sets it by hand.",
    )
    med_location_id = fields.Many2one(
        "stock.location",
        string="Current Location",
        compute="_compute_med_trace",
        store=True,
        index=True,
    )
    med_department_id = fields.Many2one(
        "hr.department",
        string="Department",
        compute="_compute_med_trace",
        store=True,
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
        if event.event_type == "reversal" and event.restored_state:
            # what a correction gives back: the state the unit had before the event it
            # undid, not the one its new place suggests (a borrowed unit whose return is
            # reversed is borrowed again, not issued)
            return event.restored_state
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
        if self.env.context.get("med_identity_write") is not IDENTITY_WRITE:
            units = self._med_identity_changed(vals)
            if units and not self.env.su:
                raise UserError(self._med_identity_readonly_message(units[0], vals))
            if units:
                # server code in superuser mode is the system too: recorded, never quiet
                identity = {fname: vals[fname] for fname in IDENTITY_FIELDS if fname in vals}
                units._med_identity_write(
                    identity, reason=_("written by the server in superuser mode")
                )
                others = {fname: vals[fname] for fname in vals if fname not in identity}
                if others:
                    super(StockLot, units).write(others)
                rest = self - units
                return super(StockLot, rest).write(vals) if rest else True
        return super().write(vals)

    def _med_state_readonly_message(self):
        return _(
            "The device state of a unit follows what happened to it (receipt, issue, use...): "
            "it cannot be set by hand."
        )

    # ------------------------------------------------------------------ identity
    def _med_identity_protected(self, vals=None):
        """The units of ``self`` whose identity and dates are protected: device units
        (their product is a medical device, or they were received from a UDI), or all of
        them when ``vals`` gives them a device product."""
        product_id = (vals or {}).get("product_id")
        if (
            isinstance(product_id, int)
            and not isinstance(product_id, bool)
            and self.env["product.product"].sudo().browse(product_id).exists().med_is_device
        ):
            return self
        return self.filtered(lambda lot: lot.sudo().product_id.med_is_device or lot.med_di)

    def _med_identity_changed(self, vals):
        """The protected units of ``self`` whose identity or dates ``vals`` changes
        (writing the value a unit already has changes nothing)."""
        fnames = [fname for fname in IDENTITY_FIELDS if fname in vals]
        if not fnames:
            return self.browse()
        return self._med_identity_protected(vals).filtered(
            lambda lot: any(lot._med_identity_differs(fname, vals[fname]) for fname in fnames)
        )

    def _med_identity_differs(self, fname, value):
        self.ensure_one()
        field = self._fields[fname]
        try:
            new = field.convert_to_record(field.convert_to_cache(value, self), self)
        except (TypeError, ValueError):
            return True  # not even a value of the field: a change, refused
        old = self[fname]
        if not new and not old:
            return False
        return new != old

    def _med_identity_readonly_message(self, lot, vals):
        changed = [
            fname
            for fname in IDENTITY_FIELDS
            if fname in vals and lot._med_identity_differs(fname, vals[fname])
        ]
        return _(
            "%(fields)s of %(product)s unit %(unit)s cannot be changed: a unit's identity and "
            "dates are recorded when it is received, from its UDI, then changed only by the "
            "system, from a scan or a change request approved by quality.",
            fields=", ".join(
                self._fields[fname]._description_string(self.env) for fname in changed
            ),
            product=lot.sudo().product_id.display_name,
            unit=lot.name,
        )

    def _med_identity_write(self, vals, reason=None):
        """Write the identity or dates of the units ``self`` as the system: the only way
        they change once the units exist (a scan filling what a unit lacks, a change
        request quality approved).  Posts on each unit its old -> new values and
        ``reason``.  Never reachable from a client: the method is private and the token
        allowing the write is an object in the context, which JSON cannot carry."""
        lots = self.sudo()
        watched = [fname for fname in IDENTITY_FIELDS if fname in lots._fields]
        info = lots.fields_get(
            watched, attributes=("string", "type", "selection", "currency_field")
        )
        before = {lot.id: {fname: lot[fname] for fname in watched} for lot in lots}
        lots.with_context(med_identity_write=IDENTITY_WRITE, mail_notrack=True).write(vals)
        author = self.env.user.partner_id.id
        for lot in lots:
            changes, tracking = lot._mail_track(info, before[lot.id])
            if not changes:
                continue
            lines = Markup().join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    info[fname]["string"],
                    lot._med_identity_display(fname, before[lot.id][fname]),
                    lot._med_identity_display(fname, lot[fname]),
                )
                for fname in watched
                if fname in changes
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                _(
                    "Unit data changed by the system: %(reason)s",
                    reason=reason or _("no reason given"),
                ),
                lines,
            )
            lot._message_log(body=body, tracking_value_ids=tracking, author_id=author)
        return True

    def _med_identity_display(self, fname, value):
        """``value`` of the identity field ``fname`` as the chatter shows it."""
        if not value:
            return _("(none)")
        if self._fields[fname].type == "many2one":
            return value.display_name
        if isinstance(value, datetime.datetime):
            return fields.Datetime.to_string(value)
        if isinstance(value, datetime.date):
            return fields.Date.to_string(value)
        return str(value)

    def _med_udi_disagreements(self, udi):
        """What the UDI ``udi`` (a medtrace ``UdiResult`` read from the unit's label) says
        differently from this unit's record: its manufacturer lot, expiry and
        manufacturing date, each message naming both values (empty: they agree).  A value
        the label or the record lacks is no disagreement."""
        self.ensure_one()
        unit = _(
            "%(product)s unit %(unit)s", product=self.sudo().product_id.display_name, unit=self.name
        )
        expiry = self.expiration_date and self.expiration_date.date()
        pairs = (
            (_("lot"), udi.lot, self.med_mfr_lot),
            (_("expiry"), udi.expiry, expiry),
            (_("manufacturing date"), udi.manufactured, self.med_manufactured_date),
        )
        return [
            _(
                "The scanned %(what)s %(scanned)s differs from the unit's recorded %(what)s "
                "%(recorded)s (%(unit)s): the label does not match the unit received.",
                what=what,
                scanned=self._med_udi_value(scanned),
                recorded=self._med_udi_value(recorded),
                unit=unit,
            )
            for what, scanned, recorded in pairs
            if scanned and recorded and scanned != recorded
        ]

    @staticmethod
    def _med_udi_value(value):
        return value.isoformat() if isinstance(value, datetime.date) else value

    @api.model
    def _med_find_unit(self, product, lot_name=None, serial=None):
        """The unit of ``product`` scanned: by serial when the product is tracked by serial,
        else by (manufacturer) lot."""
        name = serial if product.tracking == "serial" else lot_name
        if not name:
            return self.browse()
        return self.search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                ("company_id", "in", [self.env.company.id, False]),
            ],
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
        lots = self.search(
            [
                ("med_state", "in", list(EXPIRABLE_STATES)),
                ("expiration_date", "<=", fields.Datetime.now()),
            ]
        )
        for name in ("med_state", "med_location_id", "med_department_id", "med_holder_id"):
            self.env.add_to_compute(self._fields[name], lots)
        lots._recompute_recordset()
        return len(lots)
