from odoo import fields, models, tools
from odoo.tools import SQL

from .med_report_mixin import sql_event_counts, sql_unit_cost

EXPIRY_BUCKETS = [
    ("expired", "Expired"),
    ("30", "Within 30 Days"),
    ("60", "Within 31-60 Days"),
    ("90", "Within 61-90 Days"),
    ("later", "Later"),
    ("none", "No Expiry Date"),
]


class MedReportStock(models.Model):
    """Device units on hand now: one row per unit (lot or serial) and internal location,
    with its department (the sub-store holding the location), value at standard price,
    expiry bucket and days without movement.  Serves the stock, expiry-risk and
    slow-moving reports.  The last movement is that of the unit's last operation not
    corrected (a reversed operation and its reversal moved nothing)."""

    _name = "med.report.stock"
    _inherit = ["med.report.mixin"]
    _description = "Device Stock Report"
    _auto = False
    _order = "department_id, location_id, product_id"
    _rec_name = "lot_id"
    _depends = {
        "stock.quant": ["lot_id", "location_id", "company_id", "product_id", "quantity"],
        "stock.location": ["usage", "parent_path"],
        "stock.lot": ["expiration_date", "med_state"],
        "hr.department": ["med_location_id"],
        "product.product": ["standard_price", "product_tmpl_id"],
        "product.template": ["categ_id", "med_is_device"],
        "med.unit.event": ["lot_id", "date", "event_type", "reversed_event_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True)
    med_state = fields.Selection(related="lot_id.med_state")
    expiration_date = fields.Datetime(readonly=True)
    days_to_expiry = fields.Integer(string="Days to Expiry", readonly=True, aggregator="min")
    expiry_bucket = fields.Selection(EXPIRY_BUCKETS, string="Expiry Risk", readonly=True)
    last_move_date = fields.Datetime(string="Last Movement", readonly=True)
    idle_days = fields.Integer(string="Days Without Movement", readonly=True, aggregator="max")
    unit_count = fields.Integer(
        string="Units", readonly=True, help="Units (serials) or lots at the location."
    )
    quantity = fields.Float(readonly=True)
    unit_cost = fields.Float(string="Standard Price", readonly=True, aggregator="avg")
    value = fields.Float(readonly=True, help="Quantity x standard price.")

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
            ), stock AS (
                SELECT MIN(q.id) AS id, q.lot_id, q.location_id, q.company_id, q.product_id,
                       SUM(q.quantity) AS quantity
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE l.usage = 'internal' AND q.lot_id IS NOT NULL
                 GROUP BY q.lot_id, q.location_id, q.company_id, q.product_id
                HAVING SUM(q.quantity) > 0
            )
            SELECT s.id, s.company_id, s.location_id, s.product_id, s.lot_id,
                   pt.categ_id, s.quantity, 1 AS unit_count,
                   (SELECT dept.department_id FROM dept
                     WHERE l.parent_path LIKE dept.parent_path || %(wild)s
                     ORDER BY length(dept.parent_path) DESC LIMIT 1) AS department_id,
                   %(cost)s AS unit_cost,
                   s.quantity * %(cost)s AS value,
                   lot.expiration_date,
                   lot.expiration_date::date - (now() AT TIME ZONE 'UTC')::date
                       AS days_to_expiry,
                   CASE WHEN lot.expiration_date IS NULL THEN 'none'
                        WHEN lot.expiration_date <= now() AT TIME ZONE 'UTC' THEN 'expired'
                        WHEN lot.expiration_date::date
                             <= (now() AT TIME ZONE 'UTC')::date + 30 THEN '30'
                        WHEN lot.expiration_date::date
                             <= (now() AT TIME ZONE 'UTC')::date + 60 THEN '60'
                        WHEN lot.expiration_date::date
                             <= (now() AT TIME ZONE 'UTC')::date + 90 THEN '90'
                        ELSE 'later' END AS expiry_bucket,
                   last.date AS last_move_date,
                   (now() AT TIME ZONE 'UTC')::date
                       - COALESCE(last.date, lot.create_date)::date AS idle_days
              FROM stock s
              JOIN stock_location l ON l.id = s.location_id
              JOIN stock_lot lot ON lot.id = s.lot_id
              JOIN product_product pp ON pp.id = s.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN LATERAL (
                   SELECT MAX(e.date) AS date FROM med_unit_event e
                    WHERE e.lot_id = s.lot_id AND %(counts)s
              ) last ON TRUE
             WHERE pt.med_is_device
            )
        """,
                wild="%",
                table=SQL.identifier(self._table),
                cost=sql_unit_cost("s"),
                counts=sql_event_counts("e"),
            )
        )
