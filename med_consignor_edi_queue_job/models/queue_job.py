import datetime

from odoo import api, fields, models
from odoo.tools import config

#: the channel of the consignor files' jobs
EDI_CHANNEL = "root.med.edi"


class QueueJob(models.Model):
    _inherit = "queue.job"

    @api.model
    def _med_edi_requeue_stuck(self):
        """Requeue the jobs of the EDI channel marked started for longer than a worker may
        run a request (twice ``limit_time_real``): their worker died (killed, out of
        memory, its database connection cut). queue_job never requeues a started job by
        itself (``requeue_stuck_jobs`` checks only enqueued ones by default) and keeps
        counting it against the channel's capacity, so two such files would stop every
        background import. Processing a file again is safe: an exchange is claimed and
        processed once. Returns how many were requeued."""
        limit = max(int(config.get("limit_time_real") or 120), 60)
        deadline = fields.Datetime.now() - datetime.timedelta(seconds=2 * limit)
        stuck = self.search(
            [
                ("state", "=", "started"),
                ("date_started", "<=", deadline),
                "|",
                ("channel", "=", EDI_CHANNEL),
                ("channel", "=like", f"{EDI_CHANNEL}.%"),
            ]
        )
        stuck.requeue()
        return len(stuck)
