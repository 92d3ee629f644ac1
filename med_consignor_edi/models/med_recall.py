from odoo import models


class MedRecall(models.Model):
    _name = "med.recall"
    _inherit = ["med.recall", "med.edi.consumer.mixin"]

    def _med_notify_supplier(self, lots, suppliers=None):
        """Each consignor with a backend owning some of the recalled units is sent,
        through it, a stock status listing them as blocked; the other suppliers are
        told by email as device stock does.  ``supplier_notified`` when anyone was."""
        self.ensure_one()
        if suppliers is None:
            suppliers = self._med_recall_suppliers(lots)
        backends = (
            self.env["med.edi.backend"].sudo().search([("company_id", "=", self.company_id.id)])
        )
        exchanges = backends._edi_notify_recall(
            lots, reason=self.reference or self.name, record=self
        )
        reached = exchanges.backend_id.partner_id
        if exchanges:
            self._med_system_write({"supplier_notified": True})
        others = {partner: units for partner, units in suppliers.items() if partner not in reached}
        return reached | super()._med_notify_supplier(lots, suppliers=others)
