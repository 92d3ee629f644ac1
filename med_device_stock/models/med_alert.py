import datetime
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from medtrace.stats import is_abnormal

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
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True, index=True,
                             ondelete="cascade")
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True)
    threshold = fields.Integer(readonly=True, help="Days before expiry, days without "
                               "movement, or the week (ISO yyyyww) of the consumption.")
    key = fields.Char(required=True, readonly=True)
    message = fields.Char(readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company, index=True)

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
        category's (or the nearest parent category's), else the system default."""
        default, by_categ, by_text = self._med_expiry_thresholds()
        horizon = max([0] + default + [d for days in by_categ.values() for d in days]
                      + [d for days in by_text.values() for d in days])
        if not horizon:
            return []
        self.env.cr.execute("""
            SELECT lot.id, (lot.expiration_date::date - %(today)s) AS days_left,
                   lot.med_department_id, lot.company_id, pt.med_expiry_alert_days,
                   categ.parent_path
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN product_category categ ON categ.id = pt.categ_id
             WHERE lot.med_state IN ('in_stock', 'issued', 'borrowed')
               AND lot.expiration_date >= %(today)s
               AND lot.expiration_date < %(today)s::date + %(max)s + 1
        """, {"today": today, "max": horizon})
        alerts = []
        for lot_id, days_left, department_id, company_id, text, path in \
                self.env.cr.fetchall():
            thresholds = by_text.get(text) or next(
                (by_categ[int(c)] for c in reversed((path or "").strip("/").split("/"))
                 if c and int(c) in by_categ), default)
            threshold = next((t for t in thresholds if days_left <= t), None)
            if threshold is None:
                continue
            alerts.append({
                "kind": "near_expiry", "lot_id": lot_id, "department_id": department_id,
                "threshold": threshold, "company_id": company_id,
                "key": f"near_expiry:{lot_id}:{threshold}",
                "message": _("Expires in %(days)s days (threshold %(threshold)s days).",
                             days=days_left, threshold=threshold),
            })
        return alerts

    def _med_expired(self):
        """Expired units still usable somewhere: each is alerted once and, unless
        disabled, moved to quarantine by a quarantine document of its own."""
        self.env.cr.execute("""
            SELECT lot.id, lot.med_department_id, lot.company_id FROM stock_lot lot
             WHERE (lot.med_state = 'expired'
                    OR (lot.med_state IN ('in_stock', 'issued', 'borrowed')
                        AND lot.expiration_date <= now() AT TIME ZONE 'UTC'))
               AND NOT EXISTS (SELECT 1 FROM med_alert a
                                WHERE a.key = 'expired:' || lot.id::text)
        """)
        rows = self.env.cr.fetchall()
        messages = {}
        if rows and self._med_param(PARAM_AUTO_QUARANTINE) not in ("0", "False", "false"):
            messages = self._med_quarantine_expired(
                self.env["stock.lot"].browse([row[0] for row in rows]))
        # translated once, here: ``_`` finds no language inside a comprehension
        default = _("Expired: move it to quarantine.")
        return [{
            "kind": "expired", "lot_id": lot_id, "department_id": department_id,
            "company_id": company_id, "key": f"expired:{lot_id}",
            "message": messages.get(lot_id) or default,
        } for lot_id, department_id, company_id in rows]

    def _med_quarantine_expired(self, lots):
        """Move expired ``lots`` to their company's quarantine through quarantine
        documents (Odoo transfers, the unit's timeline); returns the alert message of
        each unit.  A unit that cannot move keeps a plain alert (its reason told)."""
        Quarantine = self.env["med.device.quarantine"].sudo()
        Scan = self.env["med.device.scan"].sudo()
        Quant = self.env["stock.quant"].sudo()
        messages = {}
        for lot in lots.sudo():
            source = Scan._med_source_location(lot, "quarantine")
            quantity = 1.0 if lot.product_id.tracking == "serial" else (
                source and Quant._get_available_quantity(
                    lot.product_id, source, lot_id=lot, strict=True, allow_negative=False))
            if not source or not quantity:
                messages[lot.id] = _("Expired: it is not in a stock location and could "
                                     "not be moved to quarantine.")
                continue
            expiry = fields.Date.to_string(lot.expiration_date.date())
            document = Quarantine.with_company(lot.company_id or self.env.company).create({
                "lot_id": lot.id, "quantity": quantity,
                "company_id": (lot.company_id or self.env.company).id,
                "reason": _("Expired on %(date)s: quarantined by the stock alert job.",
                            date=expiry),
            })
            try:
                with self.env.cr.savepoint():
                    document.action_done()
            except UserError as error:
                document.action_cancel()
                messages[lot.id] = _("Expired: could not be moved to quarantine "
                                     "(%(error)s).", error=str(error))
                continue
            messages[lot.id] = _("Expired on %(date)s: moved to quarantine by "
                                 "%(document)s.", date=expiry, document=document.name)
        return messages

    def _med_overdue_borrows(self, today):
        self.env.cr.execute("""
            SELECT DISTINCT ON (lot.id) lot.id, i.department_id, lot.company_id,
                   i.expected_return_date
              FROM stock_lot lot
              JOIN med_device_issue_line il ON il.lot_id = lot.id
              JOIN med_device_issue i ON i.id = il.issue_id
             WHERE lot.med_state = 'borrowed' AND i.operation_type = 'borrow'
               AND i.state = 'done'
             ORDER BY lot.id, i.date_done DESC, i.id DESC
        """)
        alerts = []
        for lot_id, department_id, company_id, due in self.env.cr.fetchall():
            if due and due < today:
                alerts.append({
                    "kind": "overdue_borrow", "lot_id": lot_id,
                    "department_id": department_id, "company_id": company_id,
                    "key": f"overdue_borrow:{lot_id}:{due.isoformat()}",
                    "message": _("Borrowed unit due back on %(date)s.", date=due.isoformat()),
                })
        return alerts

    def _med_slow_moving(self):
        days = int(self._med_param(PARAM_SLOW_DAYS))
        self.env.cr.execute("""
            SELECT lot.id, lot.med_department_id, lot.company_id
              FROM stock_lot lot
              JOIN med_unit_event e ON e.lot_id = lot.id
             WHERE lot.med_state = 'in_stock'
             GROUP BY lot.id
            HAVING MAX(e.date) < now() at time zone 'UTC' - make_interval(days => %s)
        """, [days])
        message = _("No movement for %(days)s days.", days=days)
        return [{
            "kind": "slow_moving", "lot_id": lot_id, "department_id": department_id,
            "threshold": days, "company_id": company_id,
            "key": f"slow_moving:{lot_id}:{days}",
            "message": message,
        } for lot_id, department_id, company_id in self.env.cr.fetchall()]

    def _med_abnormal_consumption(self, today):
        weeks = int(self._med_param(PARAM_CONSUMPTION_WEEKS))
        week_start = today - datetime.timedelta(days=today.weekday())
        since = week_start - datetime.timedelta(weeks=weeks)
        self.env.cr.execute("""
            SELECT e.department_id, e.company_id,
                   FLOOR((e.date::date - %(week_start)s) / 7.0)::int AS week, SUM(e.quantity)
              FROM med_unit_event e
             WHERE e.event_type = 'use' AND e.department_id IS NOT NULL
               AND e.date >= %(since)s
             GROUP BY e.department_id, e.company_id, week
        """, {"week_start": week_start, "since": since})
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
                alerts.append({
                    "kind": "abnormal_consumption", "department_id": department_id,
                    "company_id": companies[department_id],
                    "threshold": iso_year * 100 + iso_week,
                    "key": f"abnormal_consumption:{department_id}:{iso_year}W{iso_week}",
                    "message": _("%(quantity)s units used this week, far above the "
                                 "department's usual consumption.", quantity=current),
                })
        return alerts

    def _med_to_scrap(self):
        """Units due for scrapping: in quarantine (or expired) for more than the days
        set, and units whose scrap document is still a draft."""
        days = int(self._med_param(PARAM_SCRAP_DAYS))
        self.env.cr.execute("""
            SELECT lot.id, lot.med_department_id, lot.company_id, NULL::integer
              FROM stock_lot lot
             WHERE (lot.med_state = 'quarantined'
                    AND (SELECT MAX(e.date) FROM med_unit_event e WHERE e.lot_id = lot.id)
                        < now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s))
                OR (lot.med_state = 'expired'
                    AND lot.expiration_date
                        < now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s))
            UNION ALL
            SELECT s.lot_id, NULL::integer, s.company_id, s.id
              FROM med_device_scrap s
             WHERE s.state = 'draft' AND s.lot_id IS NOT NULL
        """, {"days": days})
        alerts = []
        for lot_id, department_id, company_id, scrap_id in self.env.cr.fetchall():
            if scrap_id:
                alerts.append({
                    "kind": "to_scrap", "lot_id": lot_id, "company_id": company_id,
                    "key": f"to_scrap:draft:{scrap_id}",
                    "message": _("A scrap of this unit waits for validation."),
                })
            else:
                alerts.append({
                    "kind": "to_scrap", "lot_id": lot_id, "department_id": department_id,
                    "threshold": days, "company_id": company_id,
                    "key": f"to_scrap:{lot_id}:{days}",
                    "message": _("In quarantine or expired for more than %(days)s days: "
                                 "scrap it or release it.", days=days),
                })
        return alerts

    def _med_notify(self, candidates):
        """Record the alerts not yet notified and give each an activity for the
        department's manager (or the device managers)."""
        if not candidates:
            return self.browse()
        keys = [vals["key"] for vals in candidates]
        self.env.cr.execute("SELECT key FROM med_alert WHERE key = ANY(%s)", [keys])
        known = {row[0] for row in self.env.cr.fetchall()}
        new = []
        for vals in candidates:
            if vals["key"] not in known:
                known.add(vals["key"])
                new.append(vals)
        if not new:
            return self.browse()
        alerts = self.sudo().create(new)
        managers = self.env.ref("med_device_stock.group_med_manager").users
        department_users = {
            department.id: department.manager_id.user_id
            for department in alerts.department_id
        }
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        kinds = dict(ALERT_KINDS)
        activities = []
        for alert, vals in zip(alerts, new, strict=True):
            user = department_users.get(vals.get("department_id")) or managers[:1]
            if not user:
                continue
            activities.append({
                "res_model_id": model_id, "res_id": alert.id,
                "activity_type_id": todo.id, "user_id": user.id,
                "summary": kinds[alert.kind],
                "note": vals["message"],
                "date_deadline": fields.Date.context_today(self),
            })
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True, mail_notify_author=False,
        ).create(activities)
        return alerts



def check_alert_days(records):
    """Refuse near-expiry thresholds that are not positive whole numbers of days."""
    for record in records:
        try:
            parse_alert_days(record.med_expiry_alert_days)
        except ValueError as error:
            raise ValidationError(_(
                "%(record)s: Near-expiry Alerts (days) must list positive whole numbers of "
                "days separated by commas (e.g. 90,60,30), not %(value)s.",
                record=record.display_name, value=record.med_expiry_alert_days,
            )) from error
