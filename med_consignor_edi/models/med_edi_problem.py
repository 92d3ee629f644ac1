from odoo import fields, models


class MedEdiProblem(models.Model):
    """One problem found in an exchanged message: where, what value, why."""

    _name = "med.edi.problem"
    _description = "EDI Message Problem"
    _order = "exchange_id, severity, line, id"

    exchange_id = fields.Many2one("med.edi.exchange", required=True, ondelete="cascade", index=True)
    severity = fields.Selection(
        [("error", "Error"), ("warning", "Warning")], required=True, default="error"
    )
    line = fields.Integer(help="Line of the file (0: the file as a whole or its header).")
    field = fields.Char()
    value = fields.Char()
    message = fields.Text(required=True)
    code = fields.Char()
