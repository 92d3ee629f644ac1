from odoo import fields, models, tools
from odoo.tools import SQL


class MedReportTimeliness(models.Model):
    """How fast the store works: receipt checks (checked on - the receipt's scheduled
    date) and issues or borrows (done on - requested on, the document's creation).  An
    issue or borrow corrected by a correcting document, and the correcting document,
    are not counted."""

    _name = "med.report.timeliness"
    _inherit = ["med.report.mixin"]
    _description = "Device Receipt and Issue Timeliness"
    _auto = False
    _order = "date desc"
    _depends = {
        "med.receipt.check": ["name", "state", "date_done", "picking_id", "company_id", "user_id"],
        "stock.picking": ["scheduled_date"],
        "med.device.issue": [
            "name",
            "state",
            "date_done",
            "create_date",
            "company_id",
            "department_id",
            "user_id",
            "operation_type",
            "reversal_of_id",
        ],
    }

    name = fields.Char(string="Document", readonly=True)
    kind = fields.Selection(
        [("receipt", "Receipt Check"), ("issue", "Issue or Borrow")], readonly=True
    )
    date = fields.Datetime(string="Done On", readonly=True)
    date_expected = fields.Datetime(string="Scheduled / Requested On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Operator", readonly=True)
    delay_hours = fields.Float(
        string="Delay (h)",
        readonly=True,
        aggregator="avg",
        help="Hours between the scheduled (receipt) or requested "
        "(issue) time and the time it was done; negative when early.",
    )
    late_count = fields.Integer(
        string="Late",
        readonly=True,
        help="Receipts checked after their scheduled date, issues "
        "done more than 24 hours after the request.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            SELECT c.id * 2 AS id, c.name, 'receipt' AS kind, c.date_done AS date,
                   p.scheduled_date AS date_expected, c.company_id,
                   NULL::integer AS department_id, c.user_id,
                   EXTRACT(EPOCH FROM c.date_done - p.scheduled_date) / 3600.0
                       AS delay_hours,
                   CASE WHEN c.date_done > p.scheduled_date THEN 1 ELSE 0 END AS late_count
              FROM med_receipt_check c
              JOIN stock_picking p ON p.id = c.picking_id
             WHERE c.state = 'done' AND c.date_done IS NOT NULL
            UNION ALL
            SELECT i.id * 2 + 1, i.name, 'issue', i.date_done, i.create_date, i.company_id,
                   i.department_id, i.user_id,
                   EXTRACT(EPOCH FROM i.date_done - i.create_date) / 3600.0,
                   CASE WHEN i.date_done > i.create_date + interval '24 hours'
                        THEN 1 ELSE 0 END
              FROM med_device_issue i
             WHERE i.state = 'done' AND i.date_done IS NOT NULL
               AND i.operation_type IN ('issue', 'borrow')
               AND i.reversal_of_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM med_device_issue r
                                WHERE r.reversal_of_id = i.id AND r.state = 'done')
            )
        """,
                table=SQL.identifier(self._table),
            )
        )
