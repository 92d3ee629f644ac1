import datetime
import json
from collections import defaultdict

from markupsafe import Markup
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from medtrace.stats import is_abnormal

from .med_report_mixin import sql_event_counts

ALERT_KINDS = [
    ("near_expiry", "Near Expiry"),
    ("expired", "Expired in Stock"),
    ("overdue_borrow", "Overdue Borrow"),
    ("slow_moving", "Slow-moving"),
    ("abnormal_consumption", "Abnormal Consumption"),
    ("to_scrap", "Soon to be Scrapped"),
]

#: system parameters (with their defaults) tuning the alerts
PARAM_EXPIRY_DAYS = ("med_device_stock.alert_expiry_days", "90,60,30")
PARAM_SLOW_DAYS = ("med_device_stock.alert_slow_moving_days", "180")
PARAM_CONSUMPTION_WEEKS = ("med_device_stock.alert_consumption_weeks", "12")
#: units quarantined or expired for more than these days are due for scrapping
PARAM_SCRAP_DAYS = ("med_device_stock.alert_scrap_days", "30")
#: units listed in the note of an alert activity (the rest is counted)
ACTIVITY_LIST_LIMIT = 20
#: "0" stops the job from moving expired units to quarantine
PARAM_AUTO_QUARANTINE = ("med_device_stock.alert_auto_quarantine", "1")


def parse_alert_days(text):
    """The thresholds of ``"90,60,30"``, ascending; ``ValueError`` when one is not a
    positive whole number of days."""
    days = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        value = int(part.strip())
        if value <= 0:
            raise ValueError(part)
        days.append(value)
    return sorted(set(days))


class MedAlert(models.Model):
    """An alert notified once: the key (kind, unit or department, threshold) is
    remembered, so the daily job does not notify the same thing again."""

    _name = "med.alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Device Stock Alert"
    _order = "date desc, id desc"
    _rec_name = "message"

    kind = fields.Selection(ALERT_KINDS, required=True, readonly=True, index=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Unit", readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True)
    threshold = fields.Integer(
        readonly=True,
        help="Days before expiry, days without "
        "movement, or the week (ISO yyyyww) of the consumption.",
    )
    key = fields.Char(required=True, readonly=True)
    message = fields.Char(readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )

    _sql_constraints = [
        ("key_unique", "unique(key)", "An alert is notified only once."),
    ]

    # ------------------------------------------------------------------ the job
    @api.model
    def _cron_med_alerts(self):
        """Compute every alert over all units at once (a fixed number of queries) and
        notify the new ones."""
        self.env.flush_all()
        today = fields.Date.context_today(self)
        candidates = []
        candidates += self._med_near_expiry(today)
        candidates += self._med_expired()
        candidates += self._med_overdue_borrows(today)
        candidates += self._med_slow_moving()
        candidates += self._med_abnormal_consumption(today)
        candidates += self._med_to_scrap()
        return self._med_notify(candidates)

    def _med_param(self, param):
        return self.env["ir.config_parameter"].sudo().get_param(param[0], param[1])

    def _med_expiry_thresholds(self):
        """The near-expiry thresholds: the system default, and those set on products
        and categories (one query).  Returns ``(default, {categ_id: days},
        {template_text: days})``."""
        default = parse_alert_days(self._med_param(PARAM_EXPIRY_DAYS))
        self.env.cr.execute("""
            SELECT 'categ', id, med_expiry_alert_days FROM product_category
             WHERE COALESCE(med_expiry_alert_days, '') != ''
            UNION ALL
            SELECT DISTINCT 'product', 0, med_expiry_alert_days FROM product_template
             WHERE COALESCE(med_expiry_alert_days, '') != ''
        """)
        by_categ, by_text = {}, {}
        for kind, categ_id, text in self.env.cr.fetchall():
            days = parse_alert_days(text)
            if kind == "categ":
                by_categ[categ_id] = days
            else:
                by_text[text] = days
        return default, by_categ, by_text

    def _med_near_expiry(self, today):
        """Units crossing a near-expiry threshold: the product's own thresholds, else its
        category's (or the nearest parent category's), else the system default.  A lot
        spread over the store and departments is alerted once per place holding some
        (see ``_med_lot_holders``), so that every department checks its own shelf."""
        default, by_categ, by_text = self._med_expiry_thresholds()
        horizon = max(
            [0]
            + default
            + [d for days in by_categ.values() for d in days]
            + [d for days in by_text.values() for d in days]
        )
        if not horizon:
            return []
        self.env.cr.execute(
            """
            SELECT lot.id, (lot.expiration_date::date - %(today)s) AS days_left,
                   lot.med_department_id, lot.company_id, pt.med_expiry_alert_days,
                   categ.parent_path, pt.tracking
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN product_category categ ON categ.id = pt.categ_id
             WHERE lot.med_state IN ('in_stock', 'issued', 'borrowed')
               AND lot.expiration_date >= %(today)s
               AND lot.expiration_date < %(today)s::date + %(max)s + 1
        """,
            {"today": today, "max": horizon},
        )
        rows = self.env.cr.fetchall()
        holders = self._med_lot_holders([row[0] for row in rows if row[6] == "lot"])
        # translated once, here: ``_`` finds no language inside a comprehension
        message = _("Expires in %(days)s days (threshold %(threshold)s days).")
        message_held = _(
            "Expires in %(days)s days (threshold %(threshold)s days); %(quantity)s held here."
        )
        alerts = []
        for lot_id, days_left, department_id, company_id, text, path, _tracking in rows:
            thresholds = by_text.get(text) or next(
                (
                    by_categ[int(c)]
                    for c in reversed((path or "").strip("/").split("/"))
                    if c and int(c) in by_categ
                ),
                default,
            )
            threshold = next((t for t in thresholds if days_left <= t), None)
            if threshold is None:
                continue
            values = {"days": days_left, "threshold": threshold}
            places = holders.get(lot_id)
            if not places:
                alerts.append(
                    {
                        "kind": "near_expiry",
                        "lot_id": lot_id,
                        "department_id": department_id,
                        "threshold": threshold,
                        "company_id": company_id,
                        "key": f"near_expiry:{lot_id}:{threshold}",
                        "message": message % values,
                    }
                )
                continue
            for place_department_id, quantity in places:
                alerts.append(
                    {
                        "kind": "near_expiry",
                        "lot_id": lot_id,
                        "department_id": place_department_id,
                        "threshold": threshold,
                        "company_id": company_id,
                        "key": f"near_expiry:{lot_id}:{threshold}:{place_department_id or 0}",
                        "message": message_held % dict(values, quantity=f"{quantity:g}"),
                    }
                )
        return alerts

    def _med_lot_holders(self, lot_ids):
        """``{lot id: [(department id or None for the store, quantity)]}``: where the
        lots (tracked by lot, not serial) are held in stock, outside quarantine, summed
        per department, in two queries."""
        if not lot_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT q.lot_id, q.location_id, SUM(q.quantity)
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE q.lot_id = ANY(%(lots)s) AND l.usage = 'internal'
               AND l.id != ALL(ARRAY(SELECT med_quarantine_location_id FROM res_company
                                      WHERE med_quarantine_location_id IS NOT NULL))
             GROUP BY q.lot_id, q.location_id
            HAVING SUM(q.quantity) > 0
        """,
            {"lots": lot_ids},
        )
        rows = self.env.cr.fetchall()
        Location = self.env["stock.location"].sudo()
        department_of = self.env["hr.department"]._med_from_locations(
            Location.browse({location_id for _lot, location_id, _qty in rows})
        )
        held = defaultdict(lambda: defaultdict(float))
        for lot_id, location_id, quantity in rows:
            department = department_of.get(Location.browse(location_id))
            held[lot_id][department.id if department else None] += quantity
        return {
            lot_id: sorted(places.items(), key=lambda item: item[0] or 0)
            for lot_id, places in held.items()
        }

    def _med_expired(self):
        """Expired units still usable somewhere: each is alerted once and, unless
        disabled, given a quarantine document that the quarantine job moves.  A lot
        spread over the store and departments is also alerted to each department
        holding some, to hand them over for quarantine."""
        self.env.cr.execute("""
            SELECT lot.id, lot.med_department_id, lot.company_id, pt.tracking = 'lot'
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE (lot.med_state = 'expired'
                    OR (lot.med_state IN ('in_stock', 'issued', 'borrowed')
                        AND lot.expiration_date <= now() AT TIME ZONE 'UTC'))
               AND NOT EXISTS (SELECT 1 FROM med_alert a
                                WHERE a.key = 'expired:' || lot.id::text)
        """)
        rows = self.env.cr.fetchall()
        messages = {}
        if rows and self._med_param(PARAM_AUTO_QUARANTINE) not in ("0", "False", "false"):
            messages = self._med_prepare_quarantine(
                self.env["stock.lot"].browse([row[0] for row in rows])
            )
        holders = self._med_lot_holders([row[0] for row in rows if row[3]])
        # translated once, here: ``_`` finds no language inside a comprehension
        default = _("Expired: move it to quarantine.")
        held = _("Expired: %(quantity)s held here; hand them over for quarantine.")
        alerts = []
        for lot_id, department_id, company_id, _by_lot in rows:
            places = dict(holders.get(lot_id, ()))
            if places:  # the lot's own alert goes to the store when it holds some
                department_id = None if None in places else department_id
            alerts.append(
                {
                    "kind": "expired",
                    "lot_id": lot_id,
                    "department_id": department_id,
                    "company_id": company_id,
                    "key": f"expired:{lot_id}",
                    "message": messages.get(lot_id) or default,
                }
            )
            alerts += [
                {
                    "kind": "expired",
                    "lot_id": lot_id,
                    "department_id": place,
                    "company_id": company_id,
                    "key": f"expired:{lot_id}:{place}",
                    "message": held % {"quantity": f"{quantity:g}"},
                }
                for place, quantity in places.items()
                if place and place != department_id
            ]
        return alerts

    def _med_prepare_quarantine(self, lots):
        """A quarantine document for each of the expired ``lots`` that sits in a stock
        location, created at once per company (a fixed number of queries), marked to be
        moved by the quarantine job (``med.device.quarantine._cron_med_move_expired``),
        which is triggered to run right after this job, in transactions of its own.
        The scan service refuses expired units meanwhile.  Returns the alert message of
        each unit."""
        Quarantine = self.env["med.device.quarantine"].sudo()
        lots = lots.sudo()
        sources = self._med_quarantine_sources(lots)
        # translated once, here: ``_`` finds no language inside a comprehension
        not_movable = _(
            "Expired: it is not in a stock location and could not be moved to quarantine."
        )
        reason = _("Expired on %(date)s: quarantined by the stock alert job.")
        prepared = _("Expired on %(date)s: %(document)s moves it to quarantine.")
        messages = {}
        by_company = defaultdict(list)
        for lot in lots:
            source, quantity = sources.get(lot.id, (None, 0.0))
            if not source or source.usage != "internal" or not quantity:
                messages[lot.id] = not_movable
                continue
            by_company[lot.company_id or self.env.company].append((lot, quantity))
        for company, units in by_company.items():
            documents = Quarantine.with_company(company).create(
                [
                    {
                        "lot_id": lot.id,
                        "quantity": quantity,
                        "company_id": company.id,
                        "reason": reason % {"date": fields.Date.to_string(lot.expiration_date)},
                    }
                    for lot, quantity in units
                ]
            )
            documents._med_system_write({"expiry_move": True})
            for (lot, _quantity), document in zip(units, documents, strict=True):
                messages[lot.id] = prepared % {
                    "date": fields.Date.to_string(lot.expiration_date),
                    "document": document.name,
                }
        if by_company:
            self.env.ref("med_device_stock.ir_cron_med_quarantine_expired")._trigger()
        return messages

    def _med_quarantine_sources(self, lots):
        """``{lot id: (location, quantity)}``: where quarantine takes each of ``lots``
        from, as ``med.device.scan._med_source_location`` decides, in a fixed number of
        queries (a serial unit is where it is; a lot is taken from the store holding
        most of it, else from wherever it is), with the quantity available there."""
        sources = {}
        by_lot = lots.browse()
        for lot in lots:
            if lot.product_id.tracking == "serial":
                sources[lot.id] = (lot.med_location_id, 1.0)
            else:
                by_lot |= lot
        if not by_lot:
            return sources
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", by_lot.ids),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ]
            )
        )
        sub_store = self.env["hr.department"]._med_from_locations(quants.location_id)
        available = defaultdict(lambda: defaultdict(float))
        for quant in quants:
            available[quant.lot_id.id][quant.location_id] += (
                quant.quantity - quant.reserved_quantity
            )
        for lot in by_lot:
            company = lot.company_id or self.env.company
            held = available.get(lot.id, {})
            store = {
                location: quantity
                for location, quantity in held.items()
                if location != company.med_quarantine_location_id and location not in sub_store
            } or held
            if store:
                location = max(store, key=lambda loc, q=held: q[loc])
                sources[lot.id] = (location, max(store[location], 0.0))
        return sources

    def _med_overdue_borrows(self, today):
        """Borrowed units past their return date, by their last borrow: a borrow
        corrected by a correcting document, and the correcting document, are not it."""
        self.env.cr.execute("""
            SELECT DISTINCT ON (lot.id) lot.id, i.department_id, lot.company_id,
                   i.expected_return_date
              FROM stock_lot lot
              JOIN med_device_issue_line il ON il.lot_id = lot.id
              JOIN med_device_issue i ON i.id = il.issue_id
             WHERE lot.med_state = 'borrowed' AND i.operation_type = 'borrow'
               AND i.state = 'done' AND i.reversal_of_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM med_device_issue r
                                WHERE r.reversal_of_id = i.id AND r.state = 'done')
             ORDER BY lot.id, i.date_done DESC, i.id DESC
        """)
        alerts = []
        for lot_id, department_id, company_id, due in self.env.cr.fetchall():
            if due and due < today:
                alerts.append(
                    {
                        "kind": "overdue_borrow",
                        "lot_id": lot_id,
                        "department_id": department_id,
                        "company_id": company_id,
                        "key": f"overdue_borrow:{lot_id}:{due.isoformat()}",
                        "message": _("Borrowed unit due back on %(date)s.", date=due.isoformat()),
                    }
                )
        return alerts

    def _med_slow_moving(self):
        """Units in stock whose last operation is older than the days set; an operation
        corrected by a correcting document and its reversal moved nothing."""
        days = int(self._med_param(PARAM_SLOW_DAYS))
        self.env.cr.execute(
            SQL(
                """
            SELECT lot.id, lot.med_department_id, lot.company_id
              FROM stock_lot lot
              JOIN med_unit_event e ON e.lot_id = lot.id
             WHERE lot.med_state = 'in_stock' AND %(counts)s
             GROUP BY lot.id
            HAVING MAX(e.date) < now() at time zone 'UTC' - make_interval(days => %(days)s)
        """,
                days=days,
                counts=sql_event_counts("e"),
            )
        )
        message = _("No movement for %(days)s days.", days=days)
        return [
            {
                "kind": "slow_moving",
                "lot_id": lot_id,
                "department_id": department_id,
                "threshold": days,
                "company_id": company_id,
                "key": f"slow_moving:{lot_id}:{days}",
                "message": message,
            }
            for lot_id, department_id, company_id in self.env.cr.fetchall()
        ]

    def _med_abnormal_consumption(self, today):
        """Departments using far more this week than they usually do; a use corrected
        by a correcting document (the unit was not used) is not counted."""
        weeks = int(self._med_param(PARAM_CONSUMPTION_WEEKS))
        week_start = today - datetime.timedelta(days=today.weekday())
        since = week_start - datetime.timedelta(weeks=weeks)
        self.env.cr.execute(
            SQL(
                """
            SELECT e.department_id, e.company_id,
                   FLOOR((e.date::date - %(week_start)s) / 7.0)::int AS week, SUM(e.quantity)
              FROM med_unit_event e
             WHERE e.event_type = 'use' AND e.department_id IS NOT NULL
               AND e.date >= %(since)s AND %(counts)s
             GROUP BY e.department_id, e.company_id, week
        """,
                week_start=week_start,
                since=since,
                counts=sql_event_counts("e"),
            )
        )
        usage = defaultdict(dict)
        companies = {}
        for department_id, company_id, week, quantity in self.env.cr.fetchall():
            # week 0 is the current week, -1 the previous one...
            usage[department_id][week] = quantity
            companies[department_id] = company_id
        iso_year, iso_week, _weekday = week_start.isocalendar()
        alerts = []
        for department_id, by_week in usage.items():
            current = by_week.get(0, 0.0)
            history = [by_week.get(-w, 0.0) for w in range(1, weeks + 1)]
            if is_abnormal(history, current):
                alerts.append(
                    {
                        "kind": "abnormal_consumption",
                        "department_id": department_id,
                        "company_id": companies[department_id],
                        "threshold": iso_year * 100 + iso_week,
                        "key": f"abnormal_consumption:{department_id}:{iso_year}W{iso_week}",
                        "message": _(
                            "%(quantity)s units used this week, far above the "
                            "department's usual consumption.",
                            quantity=current,
                        ),
                    }
                )
        return alerts

    def _med_to_scrap(self):
        """Units due for scrapping: in quarantine (or expired) for more than the days
        set (an operation corrected since, and its reversal, do not count), and units
        whose scrap document is still a draft."""
        days = int(self._med_param(PARAM_SCRAP_DAYS))
        self.env.cr.execute(
            SQL(
                """
            SELECT lot.id, lot.med_department_id, lot.company_id, NULL::integer
              FROM stock_lot lot
             WHERE (lot.med_state = 'quarantined'
                    AND (SELECT MAX(e.date) FROM med_unit_event e
                          WHERE e.lot_id = lot.id AND %(counts)s)
                        < now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s))
                OR (lot.med_state = 'expired'
                    AND lot.expiration_date
                        < now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s))
            UNION ALL
            SELECT s.lot_id, NULL::integer, s.company_id, s.id
              FROM med_device_scrap s
             WHERE s.state = 'draft' AND s.lot_id IS NOT NULL
        """,
                days=days,
                counts=sql_event_counts("e"),
            )
        )
        alerts = []
        for lot_id, department_id, company_id, scrap_id in self.env.cr.fetchall():
            if scrap_id:
                alerts.append(
                    {
                        "kind": "to_scrap",
                        "lot_id": lot_id,
                        "company_id": company_id,
                        "key": f"to_scrap:draft:{scrap_id}",
                        "message": _("A scrap of this unit waits for validation."),
                    }
                )
            else:
                alerts.append(
                    {
                        "kind": "to_scrap",
                        "lot_id": lot_id,
                        "department_id": department_id,
                        "threshold": days,
                        "company_id": company_id,
                        "key": f"to_scrap:{lot_id}:{days}",
                        "message": _(
                            "In quarantine or expired for more than %(days)s days: "
                            "scrap it or release it.",
                            days=days,
                        ),
                    }
                )
        return alerts

    def _med_notify(self, candidates):
        """Record the alerts not yet notified (one create) and tell the people
        responsible: one activity per user and kind of alert listing the new ones."""
        if not candidates:
            return self.browse()
        unique = {}
        for vals in candidates:
            unique.setdefault(vals["key"], vals)
        # one set-based insert (an ORM create costs ~0.5 ms per alert: 45 s for the
        # backlog of 200,000 units); a key already notified is skipped by the unique
        # constraint, also against a concurrent run
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            INSERT INTO med_alert (kind, lot_id, product_id, department_id, threshold, key,
                                   message, date, company_id, create_uid, create_date,
                                   write_uid, write_date)
            SELECT v.kind, v.lot_id, lot.product_id, v.department_id, v.threshold, v.key,
                   v.message, %(now)s, v.company_id, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM jsonb_to_recordset(%(vals)s::jsonb) AS v(
                   kind varchar, lot_id integer, department_id integer, threshold integer,
                   key varchar, message varchar, company_id integer, seq integer)
              LEFT JOIN stock_lot lot ON lot.id = v.lot_id
             ORDER BY v.seq
            ON CONFLICT (key) DO NOTHING
            RETURNING id, key
        """,
            {
                "now": now,
                "uid": self.env.uid,
                "vals": json.dumps(
                    [
                        {
                            **{
                                f: vals.get(f)
                                for f in (
                                    "kind",
                                    "lot_id",
                                    "department_id",
                                    "threshold",
                                    "key",
                                    "message",
                                    "company_id",
                                )
                            },
                            "seq": seq,
                        }
                        for seq, vals in enumerate(unique.values())
                    ]
                ),
            },
        )
        ids = {key: alert_id for alert_id, key in self.env.cr.fetchall()}
        new = [(ids[key], vals) for key, vals in unique.items() if key in ids]
        if not new:
            return self.browse()
        alerts = self.browse([alert_id for alert_id, _vals in new])
        self._med_schedule_activities(new)
        return alerts

    def _med_schedule_activities(self, new):
        """One activity per responsible user (the department's manager, else the first
        device manager) and kind of alert, on the first of these alerts: its note
        lists the units (at most ``ACTIVITY_LIST_LIMIT``), the number of alerts and
        where to find them all.  ``new``: ``[(alert id, values)]``.  A fixed number of
        queries whatever the number of alerts."""
        managers = self.env.ref("med_device_stock.group_med_manager").users
        Department = self.env["hr.department"].sudo()
        department_users = {
            department.id: department.manager_id.user_id
            for department in Department.browse(
                {vals["department_id"] for _id, vals in new if vals.get("department_id")}
            )
        }
        groups = defaultdict(list)
        for alert_id, vals in new:
            user = department_users.get(vals.get("department_id")) or managers[:1]
            if user:
                groups[user, vals["kind"]].append((alert_id, vals))
        if not groups:
            return
        Lot = self.env["stock.lot"].sudo()
        listed = [vals for group in groups.values() for _id, vals in group[:ACTIVITY_LIST_LIMIT]]
        lots = Lot.browse({vals["lot_id"] for vals in listed if vals.get("lot_id")})
        departments = Department.browse(
            {vals["department_id"] for vals in listed if vals.get("department_id")}
        )
        names = dict(zip(lots.ids, lots.mapped("display_name"), strict=True))
        names_dept = dict(zip(departments.ids, departments.mapped("display_name"), strict=True))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        # translated once, here: ``_`` finds no language inside a comprehension
        summary = _("%(kind)s: %(count)s new alerts")
        header = _(
            "%(count)s new alerts. All of them: Medical Devices > Reporting > Stock "
            "Alerts, grouped by kind."
        )
        more = _("... and %(count)s more.")
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        activities = []
        for (user, kind), group in groups.items():
            items = Markup("").join(
                Markup("<li>%s: %s</li>")
                % (
                    names.get(vals.get("lot_id"))
                    or names_dept.get(vals.get("department_id"))
                    or "",
                    vals["message"],
                )
                for _id, vals in group[:ACTIVITY_LIST_LIMIT]
            )
            note = Markup("<p>%s</p><ul>%s</ul>") % (header % {"count": len(group)}, items)
            if len(group) > ACTIVITY_LIST_LIMIT:
                note += Markup("<p>%s</p>") % (more % {"count": len(group) - ACTIVITY_LIST_LIMIT})
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": group[0][0],
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "summary": summary % {"kind": kinds[kind], "count": len(group)},
                    "note": note,
                    "date_deadline": today,
                }
            )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True,
            mail_notify_author=False,
        ).create(activities)


def check_alert_days(records):
    """Refuse near-expiry thresholds that are not positive whole numbers of days."""
    for record in records:
        try:
            parse_alert_days(record.med_expiry_alert_days)
        except ValueError as error:
            raise ValidationError(
                _(
                    "%(record)s: Near-expiry Alerts (days) must list positive whole numbers of "
                    "days separated by commas (e.g. 90,60,30), not %(value)s.",
                    record=record.display_name,
                    value=record.med_expiry_alert_days,
                )
            ) from error
