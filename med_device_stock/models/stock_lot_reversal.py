from odoo import models


class StockLot(models.Model):
    """The state a reversal gives back: the one the unit had before the event it undid
    (recorded on the reversal event), not the one its new place would suggest (a
    borrowed unit whose return is reversed is borrowed again, not issued)."""

    _inherit = "stock.lot"

    def _med_state_after(self, event, state):
        if event.event_type == "reversal" and event.restored_state:
            return event.restored_state
        return super()._med_state_after(event, state)
