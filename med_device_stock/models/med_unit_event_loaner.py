from odoo import fields, models


class MedUnitEventLoaner(models.Model):
    """A unit received in a supplier's loaner set for a surgery case: held by the case's
    department (its state follows the place: issued to the department), owned by the
    supplier."""

    _inherit = "med.unit.event"

    event_type = fields.Selection(
        selection_add=[("loaner_receipt", "Loaner Receipt")],
        ondelete={"loaner_receipt": "cascade"},
    )
