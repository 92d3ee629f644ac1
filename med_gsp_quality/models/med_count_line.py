from odoo import models


class MedCountLine(models.Model):
    _inherit = "med.count.line"

    def _med_report_difference(self, text):
        """A count difference becomes a quality event, classified by the event rules
        (DB15/T 961 §4.2), instead of a plain activity."""
        self.ensure_one()
        self.env["gsp.event"].sudo().create(
            {
                "name": text,
                "event_type": "count_difference",
                "quantity": abs(self.difference_qty),
                "product_id": self.product_id.id,
                "department_id": self.count_id.department_id.id,
            }
        )
