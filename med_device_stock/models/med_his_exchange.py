import datetime
import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write

_logger = logging.getLogger(__name__)

CRON_XMLID = "med_device_stock.ir_cron_med_his_send"
#: minutes before the next attempt, after the 1st, 2nd, 3rd, then every further failure
BACKOFF_MINUTES = (1, 5, 15, 60)
#: exchanges one run of the scheduled job sends (it is triggered again for the rest)
CRON_BATCH = 100
STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("error", "Error"),
    ("failed", "Failed"),
]


class MedHisExchange(models.Model):
    """One message of a closed surgery case for one HIS backend, and what became of it:
    pending, then sent, or in error and tried again (after 1, 5, 15, then every 60
    minutes) until the backend's maximum of attempts, then failed (a device manager may
    retry it).  The payload is the exact text sent.  Exchanges are recorded by the
    system only: nobody creates, changes or deletes one (but an administrator may
    delete)."""

    _name = "med.his.exchange"
    _description = "HIS Exchange"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "med.surgery.case",
        string="Surgery Case",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    backend_id = fields.Many2one(
        "med.his.backend",
        string="HIS Backend",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        context={"active_test": False},
    )
    company_id = fields.Many2one(
        related="case_id.company_id", store=True, index=True, string="Company"
    )
    department_id = fields.Many2one(
        related="case_id.department_id", store=True, index=True, string="Department"
    )
    transport = fields.Selection(related="backend_id.transport")
    message_type = fields.Selection(
        [("dft", "HL7 DFT^P03"), ("fhir", "FHIR bundle")],
        string="Message",
        required=True,
        readonly=True,
    )
    payload = fields.Text(readonly=True, help="The exact text sent, as written at close-out.")
    payload_display = fields.Text(
        string="Payload (one segment a line)", compute="_compute_payload_display"
    )
    state = fields.Selection(STATES, required=True, default="pending", readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    attempts_before_retry = fields.Integer(
        readonly=True,
        help="The attempts made before a device manager last retried the exchange: the "
        "schedule (1, 5, 15, then every 60 minutes, up to the maximum) starts again from "
        "there.",
    )
    max_attempts = fields.Integer(related="backend_id.max_attempts", string="Maximum Attempts")
    next_attempt = fields.Datetime(readonly=True, index=True)
    date_last_attempt = fields.Datetime(string="Last Attempt", readonly=True)
    date_sent = fields.Datetime(string="Sent On", readonly=True)
    last_error = fields.Text(readonly=True)
    http_status = fields.Integer(string="HTTP Status", readonly=True)
    answer = fields.Text(
        string="HIS Answer",
        readonly=True,
        help="The start of what the HIS answered to the last attempt (at most 16 KB).",
    )
    file_name = fields.Char(
        string="File", readonly=True, help="The file written (folder backends)."
    )

    # -- recorded by the system only --------------------------------------------------
    def _med_his_refuse(self, operation, names):
        raise AccessError(
            _(
                "HIS exchanges are recorded by the system only, as cases are closed and their "
                "messages sent: %(operation)s of %(fields)s refused.",
                operation=operation,
                fields=", ".join(sorted(names)) or "-",
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_system_write(self.env):
            self._med_his_refuse(_("create"), {name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        if not is_system_write(self.env):
            self._med_his_refuse(_("write"), set(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_by_administrator_only(self):
        if not (self.env.su or self.env.user.has_group("base.group_system")):
            self._med_his_refuse(_("deletion"), {"id"})

    def _med_his_system_write(self, vals):
        return self.sudo().with_context(med_system_write=SYSTEM_WRITE).write(vals)

    @api.model
    def _med_his_system_create(self, vals_list):
        return self.sudo().with_context(med_system_write=SYSTEM_WRITE).create(vals_list)

    # -- display ----------------------------------------------------------------------
    @api.depends("case_id.name", "message_type", "backend_id.name")
    def _compute_display_name(self):
        labels = dict(self._fields["message_type"]._description_selection(self.env))
        for exchange in self:
            exchange.display_name = " · ".join(
                filter(
                    None,
                    (
                        exchange.case_id.name,
                        labels.get(exchange.message_type),
                        exchange.backend_id.sudo().name,
                    ),
                )
            )

    @api.depends("payload")
    def _compute_payload_display(self):
        # HL7 ends segments with a carriage return, which a browser does not show as one
        for exchange in self:
            exchange.payload_display = (exchange.payload or "").replace("\r", "\n").strip()

    def _med_his_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _med_his_file_name(self):
        """``<case>-<dft|fhir>-<exchange id>.hl7`` or ``.json`` (the case's reference with
        anything but letters, digits, ``.``, ``_`` and ``-`` as ``_``)."""
        self.ensure_one()
        case = re.sub(r"[^A-Za-z0-9._-]", "_", self.case_id.name or "case").lstrip(".")
        extension = "hl7" if self.message_type == "dft" else "json"
        return f"{case}-{self.message_type}-{self.id}.{extension}"

    # -- sending ----------------------------------------------------------------------
    @api.model
    def _med_his_check_manager(self):
        if not (self.env.su or self.env.user.has_group("med_device_stock.group_med_manager")):
            raise AccessError(
                _(
                    "Only device managers send messages to the HIS: %(user)s may not.",
                    user=self.env.user.name,
                )
            )

    @staticmethod
    def _med_his_backoff(attempts):
        return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])

    def _med_his_lock(self, states):
        """Lock this exchange for one attempt, if it is still in ``states`` and no other
        transaction is sending it."""
        self.ensure_one()
        self.flush_recordset(["state"])
        self.env.cr.execute(
            "SELECT id FROM med_his_exchange WHERE id = %s AND state IN %s FOR UPDATE SKIP LOCKED",
            (self.id, tuple(states)),
        )
        locked = bool(self.env.cr.fetchone())
        self.invalidate_recordset()
        return locked

    def _med_his_attempt(self):
        """One attempt at sending this exchange through its backend, and its outcome
        recorded: sent, or error with the next attempt's time, or failed."""
        self.ensure_one()
        backend = self.backend_id.sudo()
        outcome = backend._med_his_transmit(self.sudo())
        now = fields.Datetime.now()
        attempts = self.attempts + 1
        # since the last retry of a failed exchange: its schedule started again there
        scheduled = attempts - self.attempts_before_retry
        vals = {
            "attempts": attempts,
            "date_last_attempt": now,
            "http_status": outcome.http_status,
            "answer": outcome.answer or False,
        }
        if outcome.sent:
            vals.update(state="sent", date_sent=now, next_attempt=False)
            if outcome.file_name:
                vals["file_name"] = outcome.file_name
        elif scheduled >= backend.max_attempts:
            vals.update(state="failed", next_attempt=False, last_error=outcome.error)
        else:
            vals.update(
                state="error",
                next_attempt=now + self._med_his_backoff(scheduled),
                last_error=outcome.error,
            )
        self._med_his_system_write(vals)
        if not outcome.sent:
            _logger.warning("HIS exchange %s not sent: %s", self.id, outcome.error)
        if vals.get("next_attempt"):
            self._med_his_trigger(vals["next_attempt"])
        return outcome.sent

    def _med_his_send(self, states=("pending", "error")):
        """Attempt each of these exchanges still in ``states`` now (one attempt each).
        With ``med_his_commit`` in the context (the scheduled job), each outcome is
        committed at once."""
        commit = self.env.context.get("med_his_commit")
        sent = self.browse()
        for exchange in self:
            if not exchange._med_his_lock(states):
                continue
            if exchange._med_his_attempt():
                sent |= exchange
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return sent

    @api.model
    def _med_his_trigger(self, at=None):
        cron = self.env.ref(CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at)

    @api.model
    def _med_his_due_domain(self):
        now = fields.Datetime.now()
        return [
            ("state", "in", ("pending", "error")),
            ("backend_id.active", "=", True),
            "|",
            ("next_attempt", "=", False),
            ("next_attempt", "<=", now),
        ]

    @api.model
    def _cron_med_his_send(self):
        """Scheduled job: send the exchanges that are due (new ones, and those in error
        whose next attempt has come)."""
        due = self.search(self._med_his_due_domain(), order="next_attempt, id", limit=CRON_BATCH)
        due._med_his_send()
        if len(due) == CRON_BATCH:
            self._med_his_trigger()
        return True

    def action_send_now(self):
        """Device managers: attempt these pending or in error exchanges at once."""
        self._med_his_check_manager()
        self.check_access("read")
        for exchange in self:
            if exchange.state not in ("pending", "error"):
                raise UserError(
                    _(
                        "%(exchange)s is %(state)s: only a pending exchange or one in error is "
                        "sent (a failed one is retried).",
                        exchange=exchange.display_name,
                        state=exchange._med_his_state_label(),
                    )
                )
        self._med_his_send()
        return True

    def action_retry(self):
        """Device managers: these failed exchanges sent again, at once, and if that
        attempt fails too, on the schedule again (1, 5, 15, then every 60 minutes, up to
        the backend's maximum of attempts)."""
        self._med_his_check_manager()
        self.check_access("read")
        for exchange in self:
            if exchange.state != "failed":
                raise UserError(
                    _(
                        "%(exchange)s is %(state)s: only a failed exchange is retried.",
                        exchange=exchange.display_name,
                        state=exchange._med_his_state_label(),
                    )
                )
        for exchange in self:
            if exchange._med_his_lock(("failed",)):
                exchange._med_his_system_write(
                    {"state": "error", "attempts_before_retry": exchange.attempts}
                )
        self._med_his_send(states=("error",))
        return True
