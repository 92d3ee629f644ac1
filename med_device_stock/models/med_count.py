from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE

#: the mixin's draft / done / cancel, with the count's own steps
COUNT_STATES = [("draft",), ("in_progress", "Counting"), ("reconciled", "Reconciled"), ("done",)]


class MedCount(models.Model):
    """A cycle count (盘点) of a location or a department's sub-store, by scanning.

    Work goes on during the count: each unit scanned is compared with what the
    location was expected to hold at the time of the scan (the snapshot at the start
    plus the stock moves done since), so a unit moved away after the start is not
    reported missing."""

    _name = "med.count"
    _inherit = ["med.device.operation.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Device Cycle Count"
    _order = "id desc"
    _med_sequence_code = "med.count"
    _med_system_fields = ("user_id", "date_done", "date_start", "reversal_of_id", "reversal_reason")
    _med_correction_group = "med_device_stock.group_med_storekeeper"

    state = fields.Selection(
        selection_add=COUNT_STATES,
        tracking=True,
        ondelete={"in_progress": "set default", "reconciled": "set default"},
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        index=True,
        domain="[('med_is_device_department', '=', True)]",
    )
    location_id = fields.Many2one(
        "stock.location",
        check_company=True,
        index=True,
        domain="[('usage', '=', 'internal')]",
        help="Counted with its sub-locations; the department's sub-store by default.",
    )
    date_start = fields.Datetime(string="Started On", readonly=True, copy=False)
    reversal_of_id = fields.Many2one(
        "med.count",
        string="Corrects",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The done count this one counts again, for the reason given.",
    )
    reversal_ids = fields.One2many("med.count", "reversal_of_id", string="Corrected By")
    line_ids = fields.One2many("med.count.line", "count_id", string="Results", readonly=True)
    scan_ids = fields.One2many("med.count.scan", "count_id", string="Scans", readonly=True)
    scan_count = fields.Integer(compute="_compute_totals", store=True)
    line_total = fields.Integer(string="Units Compared", compute="_compute_totals", store=True)
    line_ok = fields.Integer(string="Units Matching", compute="_compute_totals", store=True)
    difference_count = fields.Integer(string="Differences", compute="_compute_totals", store=True)
    accuracy = fields.Float(
        string="Count Accuracy (%)",
        compute="_compute_totals",
        store=True,
        aggregator="avg",
        help="Share of the units compared whose counted quantity matched the expected one.",
    )

    @api.depends("scan_ids", "line_ids.difference_type")
    def _compute_totals(self):
        for count in self:
            lines = count.line_ids
            ok = len(lines.filtered(lambda ln: ln.difference_type == "ok"))
            count.scan_count = len(count.scan_ids)
            count.line_total = len(lines)
            count.line_ok = ok
            count.difference_count = len(lines) - ok
            count.accuracy = 100.0 * ok / len(lines) if lines else 0.0

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.department_id.med_location_id:
            self.location_id = self.department_id.med_location_id

    @api.model_create_multi
    def create(self, vals_list):
        Department = self.env["hr.department"]
        for vals in vals_list:
            if not vals.get("location_id") and vals.get("department_id"):
                vals["location_id"] = Department.browse(vals["department_id"]).med_location_id.id
        return super().create(vals_list)

    def _med_check_state(self, *states):
        for count in self:
            if count.state not in states:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    _(
                        "Count %(count)s is %(state)s.",
                        count=count.display_name,
                        state=labels[count.state],
                    )
                )

    def action_start(self):
        self._med_check_state("draft")
        for count in self:
            if not count.location_id:
                raise UserError(
                    _(
                        "Count %(count)s: choose the location or department counted.",
                        count=count.display_name,
                    )
                )
            count._med_system_write({"state": "in_progress", "date_start": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------------ scans
    def _med_record_scans(self, scans):
        """Record scans given as dicts (lot_id, quantity, raw, date, user_id, location_id,
        message) in one create."""
        self.ensure_one()
        self._med_check_state("in_progress")
        vals_list = []
        for scan in scans:
            vals = dict(scan, count_id=self.id)
            vals.setdefault("date", fields.Datetime.now())
            vals.setdefault("user_id", self.env.uid)
            vals.setdefault("location_id", self.location_id.id)
            vals_list.append(vals)
        return self.env["med.count.scan"].sudo().create(vals_list)

    # ------------------------------------------------------------------ reconciliation
    def _med_location_ids(self):
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM stock_location WHERE parent_path LIKE %s",
            [self.location_id.parent_path + "%"],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _med_expected_now(self, location_ids):
        """{lot_id: quantity} the location holds now (one query)."""
        self.env.cr.execute(
            """
            SELECT q.lot_id, SUM(q.quantity) FROM stock_quant q
              JOIN product_product pp ON pp.id = q.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE q.location_id = ANY(%s) AND q.lot_id IS NOT NULL AND pt.med_is_device
             GROUP BY q.lot_id HAVING SUM(q.quantity) > 0
        """,
            [location_ids],
        )
        return dict(self.env.cr.fetchall())

    def _med_moves_since(self, location_ids):
        """{lot_id: [(date, signed quantity)]} of the done move lines in or out of the
        location since the start of the count, in date order (one query)."""
        self.env.cr.execute(
            """
            SELECT ml.lot_id, ml.date,
                   CASE WHEN ml.location_dest_id = ANY(%(locs)s) THEN ml.quantity
                        ELSE -ml.quantity END
              FROM stock_move_line ml
             WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL AND ml.date > %(start)s
               AND (ml.location_id = ANY(%(locs)s)) != (ml.location_dest_id = ANY(%(locs)s))
             ORDER BY ml.date, ml.id
        """,
            {"locs": location_ids, "start": self.date_start},
        )
        moves = defaultdict(list)
        for lot_id, date, quantity in self.env.cr.fetchall():
            moves[lot_id].append((date, quantity))
        return moves

    def _med_scanned(self):
        """{lot_id: (quantity, last scan date, last scan id)} (one query)."""
        self.env.cr.execute(
            """
            SELECT lot_id, SUM(quantity), MAX(date), MAX(id) FROM med_count_scan
             WHERE count_id = %s AND lot_id IS NOT NULL GROUP BY lot_id
        """,
            [self.id],
        )
        return {
            lot_id: (qty, date, scan_id) for lot_id, qty, date, scan_id in self.env.cr.fetchall()
        }

    def action_reconcile(self):
        """Compare the scans with the expected stock and record the differences
        (set-based: a fixed number of queries whatever the number of units)."""
        self._med_check_state("in_progress", "reconciled")
        now = fields.Datetime.now()
        self.env.flush_all()
        for count in self:
            location_ids = count._med_location_ids()
            now_qty = count._med_expected_now(location_ids)
            moves = count._med_moves_since(location_ids)
            scanned = count._med_scanned()
            lot_ids = set(now_qty) | set(scanned) | set(moves)
            lots = self.env["stock.lot"].sudo().browse(lot_ids)
            lots.fetch(["expiration_date", "med_location_id", "product_id"])
            count.line_ids.filtered(lambda ln: not ln.resolution).sudo().unlink()
            resolved = set(count.line_ids.lot_id.ids)
            vals_list = []
            for lot in lots:
                if lot.id in resolved:
                    continue
                history = moves.get(lot.id, [])
                # expected at the start = now minus every move since
                start_qty = now_qty.get(lot.id, 0.0) - sum(q for _d, q in history)
                counted, scan_date, scan_id = scanned.get(lot.id, (0.0, None, False))
                when = scan_date or now
                expected = start_qty + sum(q for d, q in history if d <= when)
                if not expected and not counted:
                    continue
                vals = {
                    "count_id": count.id,
                    "lot_id": lot.id,
                    "expected_qty": expected,
                    "counted_qty": counted,
                    "scan_id": scan_id,
                    "difference_type": count._med_difference(
                        lot, expected, counted, location_ids, now
                    ),
                }
                vals_list.append(vals)
            self.env["med.count.line"].sudo().create(vals_list)
            count._med_system_write({"state": "reconciled"})
        return True

    def _med_difference(self, lot, expected, counted, location_ids, now):
        if counted and lot.expiration_date and lot.expiration_date <= now:
            return "expired"
        if counted == expected:
            return "ok"
        if not counted:
            return "missing"
        if not expected and lot.med_location_id and lot.med_location_id.id not in location_ids:
            return "wrong_place"
        return "unexpected" if counted > expected else "missing"

    def action_done(self):
        self._med_check_state("reconciled")
        for count in self:
            pending = count.line_ids.filtered(
                lambda ln: ln.difference_type != "ok" and not ln.resolution
            )
            if pending:
                raise UserError(
                    _(
                        "Count %(count)s: %(number)s differences are not resolved yet (%(units)s).",
                        count=count.name,
                        number=len(pending),
                        units=", ".join(pending[:10].mapped("lot_id.name")),
                    )
                )
            count._med_mark_done()
        return True

    def action_cancel(self):
        self.check_access("write")
        self._med_check_state("draft", "in_progress")
        self._med_system_write({"state": "cancel"})
        return True

    def _med_make_correction(self, reason):
        """A done count is corrected by counting again: a new count of the same place,
        linked to it, whose own differences are resolved (adjusted) as any count's."""
        self.ensure_one()
        return (
            self.with_context(med_system_write=SYSTEM_WRITE)
            .create(
                {
                    "department_id": self.department_id.id,
                    "location_id": self.location_id.id,
                    "company_id": self.company_id.id,
                    "reversal_of_id": self.id,
                    "reversal_reason": reason,
                }
            )
            .with_context(med_system_write=False)
        )

    def action_open_import(self):
        self.ensure_one()
        self._med_check_state("in_progress")
        return {
            "type": "ir.actions.act_window",
            "res_model": "med.count.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_count_id": self.id},
        }

    def _med_scan_context(self):
        self.ensure_one()
        return {"count_id": self.id, "location_id": self.location_id.id}

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_state("in_progress")
        return self.env["med.scan.wizard"]._open_for(self, "count")
