from odoo import fields, models, tools
from odoo.tools import SQL

from .med_report_mixin import sql_event_counts


class MedReportScrap(models.Model):
    """Scrap rate: units scrapped / units received, per product and month (one row per
    receipt or scrap event; the rate of a group is the ratio of its sums).  A scrap
    corrected by a correcting document is not counted."""

    _name = "med.report.scrap"
    _inherit = ["med.report.mixin"]
    _description = "Device Scrap Rate"
    _auto = False
    _order = "date desc"
    _rec_name = "product_id"
    _depends = {
        "med.unit.event": [
            "date",
            "company_id",
            "product_id",
            "lot_id",
            "quantity",
            "event_type",
            "reversed_event_id",
        ],
        "product.product": ["standard_price", "product_tmpl_id"],
        "product.template": ["categ_id", "med_is_device"],
    }
    _med_ratios = {"scrap_rate": ("scrapped_qty", "received_qty", 100.0)}

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True)
    received_qty = fields.Float(string="Received", readonly=True)
    scrapped_qty = fields.Float(string="Scrapped", readonly=True)
    scrap_rate = fields.Float(
        string="Scrap Rate (%)",
        readonly=True,
        digits=(16, 2),
        help="Scrapped / received (of the group: a ratio of the sums).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            SELECT e.id, e.date, e.company_id, e.product_id, e.lot_id, pt.categ_id,
                   CASE WHEN e.event_type = 'receipt' THEN e.quantity ELSE 0.0 END
                       AS received_qty,
                   CASE WHEN e.event_type = 'scrap' THEN e.quantity ELSE 0.0 END
                       AS scrapped_qty,
                   0.0 AS scrap_rate
              FROM med_unit_event e
              JOIN product_product pp ON pp.id = e.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE e.event_type IN ('receipt', 'scrap') AND %(counts)s
            )
        """,
                table=SQL.identifier(self._table),
                counts=sql_event_counts("e"),
            )
        )
