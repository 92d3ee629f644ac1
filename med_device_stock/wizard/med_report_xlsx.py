from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: each report: its model, the pivot's rows and measures, and how the period applies
#: (the date field, or None when the report is a snapshot of now)
REPORTS = {
    "stock": {
        "model": "med.report.stock",
        "groupby": ["department_id", "location_id"],
        "measures": ["unit_count", "quantity", "value"],
        "date_field": None,
    },
    "expiry": {
        "model": "med.report.stock",
        "groupby": ["department_id", "expiry_bucket"],
        "measures": ["unit_count", "quantity", "value"],
        "date_field": None,
        "domain": [("expiry_bucket", "in", ["expired", "30", "60", "90"])],
    },
    "slow_moving": {
        "model": "med.report.stock",
        "groupby": ["department_id", "product_id"],
        "measures": ["unit_count", "quantity", "value"],
        "date_field": None,
    },
    "consumption": {
        "model": "med.report.consumption",
        "groupby": ["department_id", "date:month"],
        "measures": ["quantity", "value"],
        "date_field": "date",
    },
    "turnover": {
        "model": "med.report.turnover",
        "groupby": ["department_id", "date:month"],
        "measures": ["consumed_value", "avg_stock_value", "turnover"],
        "date_field": "date",
    },
    "scrap": {
        "model": "med.report.scrap",
        "groupby": ["product_id", "date:month"],
        "measures": ["received_qty", "scrapped_qty", "scrap_rate"],
        "date_field": "date",
    },
    "timeliness": {
        "model": "med.report.timeliness",
        "groupby": ["kind", "date:month"],
        "measures": ["__count", "delay_hours", "late_count"],
        "date_field": "date",
    },
}


class MedReportXlsx(models.TransientModel):
    """Export a device report to a spreadsheet: the same grouped figures as its pivot
    view (rows of the pivot, its measures, and the total)."""

    _name = "med.report.xlsx"
    _inherit = ["med.xlsx.export.mixin"]
    _description = "Export a Device Report to XLSX"

    report = fields.Selection(
        [
            ("stock", "Stock by Department and Location"),
            ("expiry", "Expiry Risk"),
            ("slow_moving", "Slow-moving Units"),
            ("consumption", "Consumption and Cost by Department"),
            ("turnover", "Stock Turnover"),
            ("scrap", "Scrap Rate"),
            ("timeliness", "Receipt and Issue Timeliness"),
        ],
        required=True,
        default="stock",
    )
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    department_id = fields.Many2one("hr.department")
    slow_days = fields.Integer(string="No Movement For (days)", default=180)

    @api.constrains("date_from", "date_to", "slow_days")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise UserError(
                    _(
                        "The period starts on %(date_from)s, after its end %(date_to)s.",
                        date_from=wizard.date_from,
                        date_to=wizard.date_to,
                    )
                )
            if wizard.slow_days < 0:
                raise UserError(
                    _(
                        "No Movement For (days) must be positive, not %(days)s.",
                        days=wizard.slow_days,
                    )
                )

    def _med_spec(self):
        self.ensure_one()
        spec = REPORTS[self.report]
        Report = self.env[spec["model"]]
        domain = list(spec.get("domain", []))
        if self.report == "slow_moving":
            domain.append(("idle_days", ">=", self.slow_days))
        if spec["date_field"]:
            domain += Report._med_date_range_domain(
                self.date_from, self.date_to, spec["date_field"]
            )
        if self.department_id:
            if "department_id" not in Report._fields:
                raise UserError(
                    _("Report %(report)s is not split by department.", report=self._med_title())
                )
            domain.append(("department_id", "=", self.department_id.id))
        return Report, domain, spec["groupby"], spec["measures"]

    def _med_title(self):
        return dict(self._fields["report"]._description_selection(self.env))[self.report]

    def _med_xlsx(self):
        Report, domain, groupby, measures = self._med_spec()
        header, rows, total = Report._med_table(domain, groupby, measures)
        return self._med_xlsx_table(
            self._med_title(),
            header,
            rows,
            footer=total,
            number_format="#,##0.00",
            widths=[20] * len(header),
        )

    def action_export(self):
        self.ensure_one()
        return self._med_download_xlsx(
            f"{self.report}_{fields.Date.context_today(self)}.xlsx", self._med_xlsx()
        )
