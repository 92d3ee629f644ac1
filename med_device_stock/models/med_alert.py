import datetime
from collections import defaultdict

from odoo import _, api, fields, models

from medtrace.stats import is_abnormal

ALERT_KINDS = [
    ("near_expiry", "Near Expiry"),
    ("expired", "Expired in Stock"),
    ("overdue_borrow", "Overdue Borrow"),
    ("slow_moving", "Slow-moving"),
    ("abnormal_consumption", "Abnormal Consumption"),
]

#: system parameters (with their defaults) tuning the alerts
PARAM_EXPIRY_DAYS = ("med_device_stock.alert_expiry_days", "90,60,30")
PARAM_SLOW_DAYS = ("med_device_stock.alert_slow_moving_days", "180")
PARAM_CONSUMPTION_WEEKS = ("med_device_stock.alert_consumption_weeks", "12")


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
        return self._med_notify(candidates)

    def _med_param(self, param):
        return self.env["ir.config_parameter"].sudo().get_param(param[0], param[1])

    def _med_near_expiry(self, today):
        thresholds = sorted(int(d) for d in self._med_param(PARAM_EXPIRY_DAYS).split(",")
                            if d.strip())
        if not thresholds:
            return []
        self.env.cr.execute("""
            SELECT id, (expiration_date::date - %(today)s) AS days_left, med_department_id,
                   company_id
              FROM stock_lot
             WHERE med_state IN ('in_stock', 'issued', 'borrowed')
               AND expiration_date >= %(today)s
               AND expiration_date < %(today)s::date + %(max)s + 1
        """, {"today": today, "max": thresholds[-1]})
        alerts = []
        for lot_id, days_left, department_id, company_id in self.env.cr.fetchall():
            threshold = next(t for t in thresholds if days_left <= t)
            alerts.append({
                "kind": "near_expiry", "lot_id": lot_id, "department_id": department_id,
                "threshold": threshold, "company_id": company_id,
                "key": f"near_expiry:{lot_id}:{threshold}",
                "message": _("Expires in %(days)s days (threshold %(threshold)s days).",
                             days=days_left, threshold=threshold),
            })
        return alerts

    def _med_expired(self):
        self.env.cr.execute("""
            SELECT id, med_department_id, company_id FROM stock_lot
             WHERE med_state = 'expired'
        """)
        return [{
            "kind": "expired", "lot_id": lot_id, "department_id": department_id,
            "company_id": company_id, "key": f"expired:{lot_id}",
            "message": _("Expired: move it to quarantine."),
        } for lot_id, department_id, company_id in self.env.cr.fetchall()]

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
        return [{
            "kind": "slow_moving", "lot_id": lot_id, "department_id": department_id,
            "threshold": days, "company_id": company_id,
            "key": f"slow_moving:{lot_id}:{days}",
            "message": _("No movement for %(days)s days.", days=days),
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
