from odoo import _, api, models
from odoo.addons.med_consignor_edi.models.med_edi_exchange_queue_mixin import ENGINE_PARAM


class MedEdiExchange(models.Model):
    """Received files processed as queue_job jobs: one job per exchange, in the channel
    of the job function ``_edi_process_job`` (``root.med.edi``, retried with the
    pattern of ``data/queue_job_data.xml``), instead of the scheduled job."""

    _inherit = "med.edi.exchange"

    @api.model
    def _edi_background_engine(self):
        """``queue_job``, unless the system parameter
        ``med_consignor_edi.background_engine`` says ``cron``."""
        value = self.env["ir.config_parameter"].sudo().get_param(ENGINE_PARAM)
        return "cron" if value == "cron" else "queue_job"

    def _edi_enqueue(self):
        if self._edi_background_engine() != "queue_job":
            return super()._edi_enqueue()
        for exchange in self:
            exchange.with_delay(
                description=_("EDI: process %(exchange)s", exchange=exchange.display_name),
                identity_key=f"med_edi_exchange_process:{exchange.id}",
            )._edi_process_job()
        return True

    def _edi_process_job(self):
        """The job: process these exchanges if still received, with the rights the
        scheduled job has (the sender's only reached its own backend's exchanges)."""
        return self.sudo()._edi_process_background()
