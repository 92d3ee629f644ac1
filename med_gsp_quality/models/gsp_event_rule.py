from odoo import api, fields, models

EVENT_TYPES = [
    ("recall", "Recall"),
    ("complaint", "Complaint"),
    ("adverse_event", "Adverse Event"),
    ("qualification_expired", "Expired Qualification"),
    ("qualification_revoked", "Revoked Qualification"),
    ("count_difference", "Count Difference"),
    ("consignor_dispute", "Consignor Dispute"),
    ("traceability_gap", "Traceability Gap"),
]
CLASSES = [("A", "Class A"), ("B", "Class B"), ("C", "Class C")]


class GspEventRule(models.Model):
    """Gives a quality or logistics event its information class (DB15/T 961 §4.2)."""

    _name = "gsp.event.rule"
    _description = "GSP Information Class Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    event_type = fields.Selection(EVENT_TYPES, required=True)
    min_quantity = fields.Float(
        help="The rule applies when the event's quantity is at least this (0: always)."
    )
    info_class = fields.Selection(CLASSES, string="Information Class", required=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    @api.model
    def _classify(self, event_type, quantity, company):
        rules = self.search(
            [
                ("event_type", "=", event_type),
                ("company_id", "in", [company.id, False]),
            ]
        )
        for rule in rules:
            if abs(quantity or 0.0) >= rule.min_quantity:
                return rule.info_class
        return "C"
