from odoo import models
from odoo.addons.med_device_stock.models.stock_lot import IDENTITY_FIELDS

#: the fields of a device unit a change request may correct (its identity and dates;
#: product_expiry's derived dates follow the expiry)
LOT_CHANGEABLE_FIELDS = (
    "med_udi_raw",
    "med_di",
    "name",
    "med_mfr_lot",
    "med_serial",
    "expiration_date",
    "med_manufactured_date",
    "product_id",
)


class StockLot(models.Model):
    """A device unit's identity and dates are in the GSP audit trail: every change, by a
    scan (the system) or by a change request quality approved, with its reason.  No
    guard here: med_device_stock lets only the system write them."""

    _name = "stock.lot"
    _inherit = ["stock.lot", "gsp.audited.mixin"]
    _gsp_audit_fields = IDENTITY_FIELDS

    def _gsp_audited(self, vals=None):
        """Device units only: ordinary lots keep Odoo's standard flows untouched."""
        return self._med_identity_protected(vals)

    def action_gsp_change_request(self):
        """A change request correcting this unit's identity or dates."""
        self.ensure_one()
        return self.env["gsp.change.request"]._gsp_open_for(self)

    def _gsp_apply_change(self, vals, reason):
        return self._med_identity_write(vals, reason=reason)

    def _med_identity_write(self, vals, reason=None):
        # the reason the system gives is the reason of the audit entries
        lots = self
        if reason and not self.env.context.get("gsp_audit_reason"):
            lots = self.with_context(gsp_audit_reason=str(reason))
        return super(StockLot, lots)._med_identity_write(vals, reason=reason)
