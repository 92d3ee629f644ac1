from odoo import fields, models, tools
from odoo.tools import SQL

from .med_report_mixin import sql_event_counts, sql_move_line_counts, sql_unit_cost


class MedReportTurnover(models.Model):
    """Stock turnover of each department's sub-store per month: value consumed on
    patients / average stock value ((opening + closing) / 2), both at standard price.
    The stock value is rebuilt from the done stock moves in and out of the sub-store.
    An operation corrected by a correcting document and its reversal count neither in
    the stock value nor in the consumption."""

    _name = "med.report.turnover"
    _inherit = ["med.report.mixin"]
    _description = "Device Stock Turnover by Department"
    _auto = False
    _order = "date desc, department_id"
    _rec_name = "department_id"
    _depends = {
        "stock.move.line": [
            "state",
            "date",
            "company_id",
            "product_id",
            "location_id",
            "location_dest_id",
            "quantity_product_uom",
        ],
        "stock.location": ["parent_path"],
        "hr.department": ["med_location_id"],
        "med.unit.event": [
            "date",
            "company_id",
            "department_id",
            "product_id",
            "quantity",
            "event_type",
            "reversed_event_id",
            "move_line_id",
        ],
        "product.product": ["standard_price", "product_tmpl_id"],
        "product.template": ["categ_id", "med_is_device"],
    }
    _med_ratios = {"turnover": ("consumed_value", "avg_stock_value", 1.0)}

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    opening_value = fields.Float(string="Opening Stock Value", readonly=True)
    closing_value = fields.Float(string="Closing Stock Value", readonly=True)
    avg_stock_value = fields.Float(string="Average Stock Value", readonly=True)
    consumed_value = fields.Float(readonly=True)
    turnover = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Consumed value / average stock value (of the group: a ratio of the sums).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH dept AS (
                SELECT d.id AS department_id, dl.parent_path
                  FROM hr_department d
                  JOIN stock_location dl ON dl.id = d.med_location_id
            ), flow AS (
                SELECT dept.department_id, ml.company_id,
                       date_trunc('month', ml.date)::date AS month,
                       SUM(ml.quantity_product_uom * %(cost_ml)s * (
                           (CASE WHEN dst.parent_path LIKE dept.parent_path || %(wild)s
                                 THEN 1 ELSE 0 END)
                         - (CASE WHEN src.parent_path LIKE dept.parent_path || %(wild)s
                                 THEN 1 ELSE 0 END))) AS value
                  FROM stock_move_line ml
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dst ON dst.id = ml.location_dest_id
                  JOIN product_product pp ON pp.id = ml.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN dept ON src.parent_path LIKE dept.parent_path || %(wild)s
                            OR dst.parent_path LIKE dept.parent_path || %(wild)s
                 WHERE ml.state = 'done' AND pt.med_is_device AND %(ml_counts)s
                 GROUP BY dept.department_id, ml.company_id, month
            ), used AS (
                SELECT e.department_id, e.company_id,
                       date_trunc('month', e.date)::date AS month,
                       SUM(e.quantity * %(cost_e)s) AS value
                  FROM med_unit_event e
                  JOIN product_product pp ON pp.id = e.product_id
                 WHERE e.event_type = 'use' AND e.department_id IS NOT NULL
                   AND %(counts)s
                 GROUP BY e.department_id, e.company_id, month
            ), span AS (
                SELECT department_id, company_id, MIN(month) AS first_month
                  FROM (SELECT department_id, company_id, month FROM flow
                        UNION ALL
                        SELECT department_id, company_id, month FROM used) s
                 GROUP BY department_id, company_id
            ), months AS (
                SELECT span.department_id, span.company_id,
                       generate_series(span.first_month,
                                       date_trunc('month', now() AT TIME ZONE 'UTC'),
                                       interval '1 month')::date AS month
                  FROM span
            ), series AS (
                SELECT m.department_id, m.company_id, m.month,
                       COALESCE(f.value, 0.0) AS net_value,
                       COALESCE(u.value, 0.0) AS consumed_value,
                       SUM(COALESCE(f.value, 0.0)) OVER (
                           PARTITION BY m.department_id, m.company_id ORDER BY m.month
                       ) AS closing_value
                  FROM months m
                  LEFT JOIN flow f USING (department_id, company_id, month)
                  LEFT JOIN used u USING (department_id, company_id, month)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY company_id, department_id, month) AS id,
                   company_id, department_id, month AS date,
                   closing_value - net_value AS opening_value,
                   closing_value,
                   closing_value - net_value / 2.0 AS avg_stock_value,
                   consumed_value,
                   CASE WHEN closing_value - net_value / 2.0 > 0
                        THEN consumed_value / (closing_value - net_value / 2.0)
                        ELSE 0.0 END AS turnover
              FROM series
            )
        """,
                wild="%",
                table=SQL.identifier(self._table),
                cost_ml=sql_unit_cost("ml"),
                cost_e=sql_unit_cost("e"),
                counts=sql_event_counts("e"),
                ml_counts=sql_move_line_counts("ml"),
            )
        )
