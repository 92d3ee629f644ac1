import contextlib
import contextvars
import logging
import os

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from psycopg2 import errors as pg_errors

from medtrace.edi.errors import EdiError
from medtrace.edi.message import fingerprint
from medtrace.edi.schemas import SCHEMAS
from medtrace.edi.validate import clean, validate

from .edi_messages import EdiFileNotStored, addon_problem, codec_problem
from .med_edi_handler import EdiRefused
from .med_edi_handler_ack import ACK_TYPES

_logger = logging.getLogger(__name__)

#: the unique index (created in ``init``) letting one delivery only of a message end processed
MESSAGE_ONCE_INDEX = "med_edi_exchange_message_once"
#: set (in this thread) while the system itself creates or changes exchanges; nothing a
#: client sends (context, values) can set it
_SYSTEM = contextvars.ContextVar("med_edi_system", default=False)


class _Duplicate(Exception):
    def __init__(self, original, problem):
        super().__init__(original.id)
        self.original = original
        self.problem = problem


class MedEdiExchange(models.Model):
    """One message received from or sent to a consignor (OCA ``edi.exchange.record``)."""

    _name = "med.edi.exchange"
    _inherit = [
        "mail.thread",
        "med.edi.exchange.queue.mixin",
        "med.edi.exchange.outbound.mixin",
        "med.edi.exchange.interchange.mixin",
        "med.edi.exchange.ack.mixin",
    ]
    _description = "Consignor EDI Exchange"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    backend_id = fields.Many2one(
        "med.edi.backend",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="backend_id.partner_id", store=True, string="Consignor")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")], required=True, readonly=True
    )
    message_type = fields.Selection(
        [(name, schema.title) for name, schema in SCHEMAS.items()] + ACK_TYPES, readonly=True
    )
    file_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"), ("edifact", "EANCOM (EDIFACT)")],
        string="Format",
        readonly=True,
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    file_name = fields.Char(readonly=True, index="btree_not_null")
    file_size = fields.Integer(
        string="Size (bytes)",
        readonly=True,
        help="Of the file received or sent; a file refused for its size is not stored.",
    )
    checksum = fields.Char(
        string="SHA-256",
        readonly=True,
        index=True,
        help="Of the file's bytes: the same file received twice is processed once.",
    )
    message_ident = fields.Char(string="Message ID", readonly=True, index=True)
    channel = fields.Selection(
        [("folder", "Folder pair"), ("http", "HTTP endpoint"), ("upload", "Web upload")],
        readonly=True,
    )
    date = fields.Datetime(
        string="Received / Sent", default=fields.Datetime.now, readonly=True, required=True
    )
    date_processed = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Operator", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("validated", "Validated"),
            ("processed", "Processed"),
            ("duplicate", "Duplicate"),
            ("draft", "Draft"),
            ("generated", "Generated"),
            ("sent", "Sent"),
            ("error", "Error"),
        ],
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    duplicate_of_id = fields.Many2one("med.edi.exchange", readonly=True)
    problem_ids = fields.One2many("med.edi.problem", "exchange_id", readonly=True)
    problem_count = fields.Integer(compute="_compute_problem_count")
    line_count = fields.Integer(readonly=True)
    period = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="The month (YYYY-MM) a periodic report is about: the monthly job makes each "
        "report of a month once.",
    )
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True, index=True)

    # -- created and changed by the system only ----------------------------------------

    @classmethod
    @contextlib.contextmanager
    def _edi_system(cls):
        """Within this block, the code of this addon creates and changes exchanges (the
        EDI receive, process, generate and send methods); outside, nobody does."""
        token = _SYSTEM.set(True)
        try:
            yield
        finally:
            _SYSTEM.reset(token)

    def _edi_refuse(self, operation, names):
        raise AccessError(
            _(
                "Exchanges are recorded by the system only, as files are received, processed, "
                "generated and sent: %(operation)s of %(fields)s refused.",
                operation=operation,
                fields=", ".join(sorted(names)) or "-",
            )
        )

    def _edi_protected_fields(self):
        return set(self._fields) - set(self.env["mail.thread"]._fields)

    @api.model_create_multi
    def create(self, vals_list):
        if not _SYSTEM.get():
            self._edi_refuse(_("create"), {name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        protected = self._edi_protected_fields().intersection(vals)
        if protected and not _SYSTEM.get():
            self._edi_refuse(_("write"), protected)
        return super().write(vals)

    def _edi_write(self, vals):
        """Write ``vals`` as the system (the EDI methods' own state changes)."""
        with self._edi_system():
            return self.sudo().write(vals)

    @api.depends("direction", "message_type", "message_ident", "interchange_reference")
    def _compute_name(self):
        labels = dict(self._fields["message_type"]._description_selection(self.env))
        for exchange in self:
            interchange = exchange.interchange_reference and not exchange.interchange_id
            exchange.name = " ".join(
                filter(
                    None,
                    (
                        labels.get(exchange.message_type)
                        or (_("Interchange") if interchange else _("Unknown message")),
                        exchange.message_ident or (exchange.id and f"#{exchange.id}") or "",
                    ),
                )
            )

    def _compute_problem_count(self):
        counts = dict(
            self.env["med.edi.problem"]._read_group(
                [("exchange_id", "in", self.ids)], ["exchange_id"], ["__count"]
            )
        )
        for exchange in self:
            exchange.problem_count = counts.get(exchange, 0)

    def init(self):
        # one processed message per consignor, type and message id, even under concurrency
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS med_edi_exchange_message_once
                ON med_edi_exchange (backend_id, message_type, message_ident)
             WHERE direction = 'in' AND state = 'processed' AND message_ident IS NOT NULL
        """)
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS med_edi_exchange_backend_checksum
                ON med_edi_exchange (backend_id, checksum)
        """)

    # -- file -----------------------------------------------------------------------

    @staticmethod
    def _edi_file_stored(attachment, data):
        """Whether the file store holds ``data`` for ``attachment``: Odoo logs a refused
        write (a full disk, a read-only file store) and goes on with an empty file."""
        if not attachment.store_fname:
            return True  # kept in the database
        path = attachment._full_path(attachment.store_fname)
        return os.path.isfile(path) and os.path.getsize(path) == len(data)

    def _edi_attach(self, data, filename):
        """Store ``data`` as this exchange's file, keeping the previous one in the chatter."""
        self.ensure_one()
        previous = self.attachment_id
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": data,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/octet-stream",
                }
            )
        )
        if not self._edi_file_stored(attachment, data):
            raise EdiFileNotStored(
                self.env._(
                    "The file %(file)s (%(size)s bytes) could not be stored: the server's file "
                    "store refused to write it. Try again later.",
                    file=filename,
                    size=len(data),
                ),
                len(data),
            )
        self._edi_write(
            {
                "attachment_id": attachment.id,
                "checksum": fingerprint(data),
                "file_name": filename,
                "file_size": len(data),
            }
        )
        if previous:
            self.sudo().message_post(
                body=_("A corrected file replaced %(file)s (kept attached).", file=previous.name),
                attachment_ids=previous.ids,
            )
        return attachment

    def action_upload_correction(self, data, filename):
        """Replace the file of a message in error by a corrected one and retry it."""
        self.ensure_one()
        if self.direction != "in" or self.state != "error":
            raise UserError(
                _(
                    "Only an inbound message in error can be corrected "
                    "(%(exchange)s is %(state)s).",
                    exchange=self.display_name,
                    state=self._state_label(),
                )
            )
        limit = self.backend_id._edi_limits().max_bytes
        if len(data) > limit:
            raise UserError(
                _(
                    "The corrected file %(file)s has %(size)s bytes, more than the "
                    "%(maximum)s allowed.",
                    file=filename,
                    size=len(data),
                    maximum=limit,
                )
            )
        self._edi_attach(data, filename)
        self._edi_write({"state": "received"})
        return self.action_process()

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_open_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # -- inbound processing ---------------------------------------------------------

    def action_process(self):
        for exchange in self:
            if exchange.direction != "in" or exchange.state not in ("received", "error"):
                raise UserError(
                    _(
                        "%(exchange)s is %(state)s: only received messages or "
                        "messages in error are processed.",
                        exchange=exchange.display_name,
                        state=exchange._state_label(),
                    )
                )
            exchange._edi_process_one()
        return True

    def _edi_duplicate_of(self, domain):
        return self.search(
            [
                ("backend_id", "=", self.backend_id.id),
                ("direction", "=", "in"),
                ("state", "=", "processed"),
                ("id", "!=", self.id),
                *domain,
            ],
            limit=1,
        )

    def _edi_process_message(self):
        """Process this message (``_edi_process_one`` splits interchanges first)."""
        self.ensure_one()
        self.problem_ids.sudo().unlink()
        original = self._edi_duplicate_of([("checksum", "=", self.checksum)])
        if original:
            return self._edi_set_duplicate(
                original,
                addon_problem(self.env, "duplicate_content", exchange=original.display_name),
            )
        vals = {}
        try:
            with self.env.cr.savepoint():
                # the documents are created for the consignor by the system, as the user
                record, warnings = self.sudo()._edi_process_data(vals)
                self._edi_write(
                    {
                        **vals,
                        "state": "processed",
                        "lines_done": vals.get("line_count", 0),
                        "date_processed": fields.Datetime.now(),
                        "res_model": record._name if record else False,
                        "res_id": record.id if record else False,
                        "problem_ids": [Command.create(p) for p in warnings],
                    }
                )
                # released (and flushed) here: when another delivery of the same message
                # was processed meanwhile, the unique index refuses this one
        except EdiRefused as refusal:
            self._edi_set_error(refusal.problems, vals)
            return False
        except _Duplicate as duplicate:
            return self._edi_set_duplicate(duplicate.original, duplicate.problem, vals)
        except pg_errors.UniqueViolation as exc:
            if exc.diag.constraint_name != MESSAGE_ONCE_INDEX:
                return self._edi_set_failed(exc, vals)
            # the documents of this delivery were rolled back with the savepoint
            return self._edi_set_duplicate(
                self._edi_duplicate_of(
                    [
                        ("message_type", "=", self.message_type),
                        ("message_ident", "=", vals.get("message_ident")),
                    ]
                ),
                addon_problem(
                    self.env,
                    "duplicate_concurrent",
                    value=vals.get("message_ident"),
                    consignor=self.backend_id.partner_id.display_name,
                ),
                vals,
            )
        except Exception as exc:
            return self._edi_set_failed(exc, vals)
        self._edi_invalidate_document()
        return record

    def _edi_set_failed(self, exc, vals):
        _logger.exception("EDI exchange %s could not be processed", self.id)
        self._edi_set_error(
            [addon_problem(self.env, "processing_failed", reason=str(exc)[:500])], vals
        )
        return False

    def _edi_invalidate_document(self):
        """The linked documents list their exchanges again (a non-stored compute)."""
        for exchange in self.filtered(lambda e: e.res_model and e.res_id):
            document = self.env[exchange.res_model].browse(exchange.res_id)
            if "med_edi_exchange_ids" in document._fields:
                document.invalidate_recordset(["med_edi_exchange_ids", "med_edi_exchange_count"])

    def _edi_set_error(self, problems, vals=None):
        self._edi_write(
            {
                **(vals or {}),
                "state": "error",
                "problem_ids": [Command.create(p) for p in problems],
            }
        )

    def _edi_set_duplicate(self, original, problem, vals=None):
        self._edi_write(
            {
                **(vals or {}),
                "state": "duplicate",
                "duplicate_of_id": original.id,
                "problem_ids": [Command.create({**problem, "severity": "warning"})],
            }
        )
        return False

    def _edi_process_data(self, vals):
        """Decode, validate and import; raise EdiRefused with every problem found.

        Fills ``vals`` (format, message id...: written on the exchange whatever happens)
        and returns (document, warning problem values).
        """
        backend = self.backend_id
        handler = self.message_type and self.env["med.edi.handler"]._edi_handler(
            self.message_type, "in"
        )
        if handler is None or not self.message_type:
            raise EdiRefused(
                [addon_problem(self.env, "wrong_direction", value=self.file_name or "?")]
            )
        data = self.attachment_id.raw or b""
        try:
            message = self._edi_decode(data, backend)
        except EdiError as exc:
            raise EdiRefused([codec_problem(self.env, exc.as_problem())])
        vals.update(
            file_format=message.format,
            message_ident=message.message_id,
            line_count=len(message.lines),
        )
        if message.format not in backend._edi_formats():
            raise EdiRefused(
                [
                    addon_problem(
                        self.env,
                        "format_not_accepted",
                        value=message.format,
                        expected=", ".join(backend._edi_formats()),
                    )
                ]
            )
        if message.message_id:
            original = self._edi_duplicate_of(
                [
                    ("message_type", "=", self.message_type),
                    ("message_ident", "=", message.message_id),
                ]
            )
            if original:
                raise _Duplicate(
                    original,
                    addon_problem(
                        self.env,
                        "duplicate_message",
                        value=message.message_id,
                        consignor=backend.partner_id.display_name,
                        exchange=original.display_name,
                    ),
                )
        problems = validate(message)
        if any(p.is_error for p in problems):
            raise EdiRefused([codec_problem(self.env, p) for p in problems])
        warnings = [codec_problem(self.env, p) for p in problems]
        typed = clean(message)
        code = typed.header.get("consignor_code")
        if backend.consignor_code and code and code != backend.consignor_code:
            raise EdiRefused(
                [
                    addon_problem(
                        self.env,
                        "wrong_consignor",
                        field="consignor_code",
                        value=code,
                        expected=backend.consignor_code,
                    )
                ]
            )
        self._edi_write({"state": "validated", **vals})
        record = handler._edi_import(self, typed)
        return record, warnings

    def _edi_action_open(self):
        """The window showing these exchanges (a form when there is one)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_consignor_edi.med_edi_exchange_action"
        )
        if len(self) == 1:
            action.update(res_id=self.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    def _edi_api_result(self):
        """What the HTTP endpoint answers about this exchange."""
        self.ensure_one()
        return {
            "exchange_id": self.id,
            "state": self.state,
            "message_id": self.message_ident or None,
            "duplicate_of": self.duplicate_of_id.id or None,
            "line_count": self.line_count,
            "lines_done": self.lines_done,
            "progress": self.progress,
            "document": (
                {"model": self.res_model, "id": self.res_id}
                if self.res_model and self.res_id
                else None
            ),
            "problems": [
                {
                    "severity": p.severity,
                    "line": p.line or None,
                    "field": p.field or None,
                    "value": p.value or None,
                    "message": p.message,
                    "code": p.code,
                }
                for p in self.problem_ids
            ],
            **self._edi_api_links(),
        }
