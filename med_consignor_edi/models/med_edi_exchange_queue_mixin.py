import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

#: system parameter: files of more lines received over HTTP are processed in the background
SYNC_MAX_LINES_PARAM = "med_consignor_edi.http_sync_max_lines"
SYNC_MAX_LINES = 1000
#: system parameter: ``cron`` keeps the scheduled job as the background engine even where
#: ``med_consignor_edi_queue_job`` (OCA queue_job) is installed
ENGINE_PARAM = "med_consignor_edi.background_engine"
#: the scheduled job that processes received exchanges (the engine without queue_job)
CRON_XMLID = "med_consignor_edi.ir_cron_med_edi_folder_exchange"


class MedEdiExchangeQueueMixin(models.AbstractModel):
    """Large inbound files processed in the background: the file is stored and the sender
    answered at once (state received), then the scheduled job of the folder channel
    (``_cron_folder_exchange``), woken at once, processes it.  With OCA ``queue_job`` the
    glue addon ``med_consignor_edi_queue_job`` makes it a job per file in the channel
    ``root.med.edi`` instead (:meth:`_edi_background_engine`, :meth:`_edi_enqueue`).
    Inherited by ``med.edi.exchange``."""

    _name = "med.edi.exchange.queue.mixin"
    _description = "Consignor EDI Background Processing"

    lines_done = fields.Integer(
        readonly=True, help="Lines of the message processed (all of them once processed)."
    )
    progress = fields.Integer(
        string="Progress (%)",
        compute="_compute_progress",
        help="Lines processed of the lines of the message.",
    )

    @api.depends("state", "line_count", "lines_done")
    def _compute_progress(self):
        for exchange in self:
            if exchange.state in ("processed", "duplicate", "sent", "generated"):
                exchange.progress = 100
            elif exchange.line_count:
                exchange.progress = min(100, 100 * exchange.lines_done // exchange.line_count)
            else:
                exchange.progress = 0

    @api.model
    def _edi_sync_max_lines(self):
        """The most lines of a file received over HTTP processed while the sender waits
        (system parameter ``med_consignor_edi.http_sync_max_lines``, default 1000)."""
        value = self.env["ir.config_parameter"].sudo().get_param(SYNC_MAX_LINES_PARAM)
        try:
            return int(value) if value not in (None, False, "") else SYNC_MAX_LINES
        except ValueError:
            _logger.warning("System parameter %s is not a number: %r", SYNC_MAX_LINES_PARAM, value)
            return SYNC_MAX_LINES

    @api.model
    def _edi_estimate_lines(self, data):
        """About how many lines a file holds, without reading it: its line breaks less
        the header row (CSV, JSON written one line per record), EDIFACT LIN segments, or
        for a workbook (a zip, whose rows are not counted without inflating it) one line
        per 500 compressed bytes (a workbook of 50,000 ordinary rows weighs over 1 MB)."""
        if data[:2] == b"PK":
            return len(data) // 500
        return max(data.rstrip(b"\r\n").count(b"\n"), data.count(b"LIN+"))

    @api.model
    def _edi_background_engine(self):
        """What processes received exchanges in the background: ``cron`` (the scheduled
        job) here; extension point of ``med_consignor_edi_queue_job`` (``queue_job``)."""
        return "cron"

    def _edi_enqueue(self):
        """Have these received exchanges processed in the background (extension point:
        the engine's own way of waking up)."""
        cron = self.env.ref(CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
        return True

    def _edi_process_background(self):
        """Process these exchanges if still received (a job or the scheduled job)."""
        for exchange in self:
            if exchange.direction == "in" and exchange.state == "received":
                exchange._edi_process_one()
        return True

    @api.model
    def _edi_process_received(self, limit=None):
        """The scheduled job's part when it is the engine: process every inbound exchange
        received and not processed yet, oldest first, each claimed with a row lock
        (skipped when another worker holds it) and committed alone when the job commits
        (``med_edi_commit`` in the context).  Returns the exchanges."""
        if self._edi_background_engine() != "cron":
            return self.browse()
        done = self.browse()
        for exchange in self.sudo().search(
            [("direction", "=", "in"), ("state", "=", "received")], order="id", limit=limit
        ):
            self.env.cr.execute(
                "SELECT id FROM med_edi_exchange WHERE id = %s AND state = 'received'"
                " FOR NO KEY UPDATE SKIP LOCKED",
                [exchange.id],
            )
            if not self.env.cr.fetchone():
                continue
            exchange._edi_process_background()
            done |= exchange
            if self.env.context.get("med_edi_commit"):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
