import datetime

from odoo import api, fields, models


class MedKpiDashboard(models.TransientModel):
    """The device store's key figures over a period, each computed with one grouped
    query (whatever the number of units or documents), as the user may see them."""

    _name = "med.kpi.dashboard"
    _description = "Medical Device KPI Dashboard"
    _rec_name = "date_to"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - datetime.timedelta(days=90),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    count_accuracy = fields.Float(
        string="Count Accuracy (%)",
        compute="_compute_kpis",
        digits=(16, 1),
        help="Units matching / units compared in the counts done in the period (a count "
        "corrected by a new count done is replaced by it).",
    )
    count_done = fields.Integer(string="Counts Done", compute="_compute_kpis")
    recall_response_hours = fields.Float(
        string="Recall Response Time (h)",
        compute="_compute_kpis",
        digits=(16, 1),
        help="Average hours from a recall's arrival until all its units were located "
        "(recalls received in the period).",
    )
    recall_count = fields.Integer(string="Recalls Located", compute="_compute_kpis")
    scrap_rate = fields.Float(
        string="Scrap Rate (%)",
        compute="_compute_kpis",
        digits=(16, 2),
        help="Units scrapped / units received.",
    )
    received_qty = fields.Float(string="Units Received", compute="_compute_kpis")
    scrapped_qty = fields.Float(string="Units Scrapped", compute="_compute_kpis")
    expiry_risk_value = fields.Float(
        string="Value Expiring Within 90 Days",
        compute="_compute_kpis",
        help="Stock value (at standard price) of the units expiring in the next 90 days.",
    )
    expiry_risk_units = fields.Integer(
        string="Units Expiring Within 90 Days", compute="_compute_kpis"
    )
    expired_value = fields.Float(string="Expired Stock Value", compute="_compute_kpis")
    overdue_borrow_count = fields.Integer(string="Overdue Borrows", compute="_compute_kpis")
    open_recall_count = fields.Integer(string="Open Recalls", compute="_compute_kpis")
    count_in_progress = fields.Integer(string="Counts in Progress", compute="_compute_kpis")
    receipt_delay_hours = fields.Float(
        string="Receipt Check Delay (h)",
        compute="_compute_kpis",
        digits=(16, 1),
        help="Average hours between a receipt's scheduled date and its check.",
    )
    issue_delay_hours = fields.Float(
        string="Issue Delay (h)",
        compute="_compute_kpis",
        digits=(16, 1),
        help="Average hours between an issue or borrow request and its completion.",
    )
    consumed_value = fields.Float(compute="_compute_kpis")

    def _med_period(self, field="date"):
        """The records of the dashboard's company in its period (days included), on the
        datetime ``field``."""
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            (field, ">=", fields.Datetime.to_datetime(self.date_from)),
            (field, "<", fields.Datetime.to_datetime(fields.Date.add(self.date_to, days=1))),
        ]

    # the form opens on a new dashboard: its onchange computes the defaults and every
    # figure (reads only; the new record lives in memory), so it may run on a replica
    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        return super().onchange(values, field_names, fields_spec)

    @api.depends("date_from", "date_to", "company_id")
    def _compute_kpis(self):
        for board in self:
            board.update(board._med_kpis())

    def _med_kpis(self):
        self.ensure_one()
        company = [("company_id", "=", self.company_id.id)]
        ((line_ok, line_total, count_done),) = self.env["med.count"]._read_group(
            [("state", "=", "done"), ("reversal_ids", "not any", [("state", "=", "done")])]
            + self._med_period("date_done"),
            [],
            ["line_ok:sum", "line_total:sum", "__count"],
        )
        ((response, recalls),) = self.env["med.recall"]._read_group(
            [("date_located", "!=", False)] + self._med_period("date_received"),
            [],
            ["response_hours:avg", "__count"],
        )
        ((received, scrapped),) = self.env["med.report.scrap"]._read_group(
            self._med_period(), [], ["received_qty:sum", "scrapped_qty:sum"]
        )
        risk = dict.fromkeys(("expired", "risk"), (0.0, 0))
        for bucket, value, units in self.env["med.report.stock"]._read_group(
            company + [("expiry_bucket", "in", ["expired", "30", "60", "90"])],
            ["expiry_bucket"],
            ["value:sum", "unit_count:sum"],
        ):
            key = "expired" if bucket == "expired" else "risk"
            risk[key] = (risk[key][0] + (value or 0.0), risk[key][1] + (units or 0))
        delays = dict(
            self.env["med.report.timeliness"]._read_group(
                self._med_period(), ["kind"], ["delay_hours:avg"]
            )
        )
        ((consumed,),) = self.env["med.report.consumption"]._read_group(
            self._med_period(), [], ["value:sum"]
        )
        overdue = self.env["med.device.issue"].search_count(company + [("is_overdue", "=", True)])
        # what needs attention now, whatever the period
        open_recalls = self.env["med.recall"].search_count(company + [("state", "=", "open")])
        counting = self.env["med.count"].search_count(company + [("state", "=", "in_progress")])
        return {
            "count_accuracy": 100.0 * (line_ok or 0) / line_total if line_total else 0.0,
            "count_done": count_done,
            "recall_response_hours": response or 0.0,
            "recall_count": recalls,
            "scrap_rate": 100.0 * (scrapped or 0.0) / received if received else 0.0,
            "received_qty": received or 0.0,
            "scrapped_qty": scrapped or 0.0,
            "expiry_risk_value": risk["risk"][0],
            "expiry_risk_units": risk["risk"][1],
            "expired_value": risk["expired"][0],
            "overdue_borrow_count": overdue,
            "open_recall_count": open_recalls,
            "count_in_progress": counting,
            "receipt_delay_hours": delays.get("receipt") or 0.0,
            "issue_delay_hours": delays.get("issue") or 0.0,
            "consumed_value": consumed or 0.0,
        }

    # ------------------------------------------------------------------ drill-down
    def _med_action(self, xmlid, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        return action

    def action_open_expiry(self):
        return self._med_action(
            "med_device_stock.med_report_stock_expiry_action",
            [("company_id", "=", self.company_id.id)],
        )

    def action_open_scrap(self):
        return self._med_action("med_device_stock.med_report_scrap_action", self._med_period())

    def action_open_timeliness(self):
        return self._med_action("med_device_stock.med_report_timeliness_action", self._med_period())

    def action_open_consumption(self):
        return self._med_action(
            "med_device_stock.med_report_consumption_action", self._med_period()
        )

    def action_open_overdue(self):
        return self._med_action(
            "med_device_stock.med_device_issue_action",
            [("is_overdue", "=", True), ("company_id", "=", self.company_id.id)],
        )

    def action_open_recalls(self):
        return self._med_action(
            "med_device_stock.med_recall_action",
            [("state", "=", "open"), ("company_id", "=", self.company_id.id)],
        )

    def action_open_counts(self):
        return self._med_action(
            "med_device_stock.med_count_action",
            [("state", "=", "in_progress"), ("company_id", "=", self.company_id.id)],
        )

    @api.readonly
    def action_refresh(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
