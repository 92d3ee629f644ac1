from odoo import fields, models, tools
from odoo.tools import SQL

from .med_report_mixin import sql_event_counts, sql_unit_cost


class MedReportConsumption(models.Model):
    """Consumption and cost allocation: every use on a patient, valued at the product's
    standard price, charged to the department that used it.  A use corrected by a
    correcting document (the unit was not used) is not counted."""

    _name = "med.report.consumption"
    _inherit = ["med.report.mixin"]
    _description = "Device Consumption and Cost by Department"
    _auto = False
    _order = "date desc"
    _rec_name = "lot_id"
    _depends = {
        "med.unit.event": [
            "date",
            "company_id",
            "department_id",
            "product_id",
            "lot_id",
            "quantity",
            "event_type",
            "reversed_event_id",
        ],
        "product.product": ["standard_price", "product_tmpl_id"],
        "product.template": ["categ_id", "med_is_device"],
    }

    date = fields.Datetime(string="Used On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True)
    quantity = fields.Float(readonly=True)
    unit_cost = fields.Float(string="Standard Price", readonly=True, aggregator="avg")
    value = fields.Float(string="Cost", readonly=True, help="Quantity used x standard price.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            SELECT e.id, e.date, e.company_id, e.department_id, e.product_id, e.lot_id,
                   pt.categ_id, e.quantity,
                   %(cost)s AS unit_cost,
                   e.quantity * %(cost)s AS value
              FROM med_unit_event e
              JOIN product_product pp ON pp.id = e.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE e.event_type = 'use' AND %(counts)s
            )
        """,
                table=SQL.identifier(self._table),
                cost=sql_unit_cost("e"),
                counts=sql_event_counts("e"),
            )
        )
