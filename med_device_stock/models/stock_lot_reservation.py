from odoo import fields, models


class MedLotReservationMixin(models.AbstractModel):
    """The surgery case a unit is reserved for (scanned into the case's open request to
    the store), mixed into ``stock.lot``: shown on the unit, so whoever finds it refused
    sees for whom it is kept."""

    _name = "med.lot.reservation.mixin"
    _description = "Medical Device Unit Reservation"

    med_reserved_case_id = fields.Many2one(
        "med.surgery.case",
        string="Reserved for Case",
        compute="_compute_med_reserved_case_id",
        compute_sudo=True,
        help="The surgery case whose open request to the store holds this unit: no other "
        "issue, borrow, transfer or use takes it.",
    )

    def _compute_med_reserved_case_id(self):
        lines = self.env["med.device.issue"]._med_case_reservations(self)
        cases = {line.lot_id.id: line.issue_id.surgery_case_id for line in lines}
        for lot in self:
            lot.med_reserved_case_id = cases.get(lot.id, False)
