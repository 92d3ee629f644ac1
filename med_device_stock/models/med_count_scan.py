from odoo import fields, models


class MedCountScan(models.Model):
    """One scan of a cycle count: what was scanned, when, by whom and where (also
    imported later from a handheld's file)."""

    _name = "med.count.scan"
    _inherit = ["med.document.line.mixin"]
    _med_document_field = "count_id"
    _description = "Device Cycle Count Scan"
    _order = "date, id"

    count_id = fields.Many2one("med.count", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="count_id.company_id", store=True)
    department_id = fields.Many2one(related="count_id.department_id", store=True)
    raw = fields.Char(string="UDI", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True, index=True)
    quantity = fields.Float(readonly=True, default=1.0)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    location_id = fields.Many2one("stock.location", readonly=True)
    source = fields.Selection(
        [("scan", "Scanner"), ("file", "Imported File")], default="scan", readonly=True
    )
    message = fields.Char(readonly=True)
