from odoo import models


class MedRecall(models.Model):
    _name = "med.recall"
    _inherit = ["med.recall", "med.edi.consumer.mixin"]

    def _med_notify_supplier(self, lots):
        """Each consignor owning some of the recalled units is sent, through its backend,
        a stock status listing them as blocked; ``supplier_notified`` only when one was.

        Replaces the device-stock default, which cannot know the consignors."""
        self.ensure_one()
        backends = self.env["med.edi.backend"].sudo().search(
            [("company_id", "=", self.company_id.id)])
        exchanges = backends._edi_notify_recall(
            lots, reason=self.reference or self.name, record=self)
        if exchanges:
            self._med_system_write({"supplier_notified": True})
        return exchanges
