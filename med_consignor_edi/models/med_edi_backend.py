import json
import logging
import os

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import file_open

from medtrace.edi.codecs import FORMATS, Limits
from medtrace.edi.errors import EdiError
from medtrace.edi.message import Line, Message, fingerprint

from .edi_messages import INBOUND_TYPES, EdiFileNotStored, codec_problem

_logger = logging.getLogger(__name__)

SEND_MODES = [("immediate", "At once"), ("scheduled", "On schedule"), ("never", "Never")]
#: logistics status of an order (DB15/T 961 §5.3.3 物流状态) by the state of its transfer
ORDER_STATUS_BY_STATE = {
    "draft": "accepted",
    "waiting": "accepted",
    "confirmed": "accepted",
    "assigned": "picking",
    "cancel": "cancelled",
}


class MedEdiBackend(models.Model):
    """One consignor's EDI configuration (OCA edi_core_oca's ``edi.backend``)."""

    _name = "med.edi.backend"
    _inherit = [
        "med.edi.folder.mixin",
        "med.edi.monthly.mixin",
        "med.edi.bill.mixin",
        "med.edi.stock.mixin",
        "med.edi.backend.ack.mixin",
    ]
    _description = "Consignor EDI Backend"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Consignor",
        required=True,
        index=True,
        check_company=True,
        help="The owner of the consignment stock (its quants have this owner).",
    )
    kind = fields.Selection(
        [
            ("consignment_supplier", "Consignment supplier"),
            ("third_party_logistics", "Third-party logistics consignor"),
        ],
        required=True,
        default="consignment_supplier",
    )
    consignor_code = fields.Char(
        help="The code the consignor writes in its files (委托方编码); files carrying "
        "another code are refused.",
    )
    our_code = fields.Char(
        help="Our code at the consignor (受托方编码), written in outbound files."
    )
    format_csv = fields.Boolean(string="CSV", default=True)
    format_xlsx = fields.Boolean(string="XLSX", default=True)
    format_json = fields.Boolean(string="JSON", default=True)
    format_edifact = fields.Boolean(string="EANCOM (EDIFACT)")
    outbound_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"), ("edifact", "EANCOM (EDIFACT)")],
        required=True,
        default="csv",
    )
    outbound_lang = fields.Selection(
        [("en", "English column names"), ("zh_CN", "Chinese column names")],
        string="Outbound Columns",
        required=True,
        default="zh_CN",
    )
    channel = fields.Selection(
        [("folder", "Folder pair"), ("http", "HTTP endpoint"), ("upload", "Web upload")],
        required=True,
        default="upload",
    )
    field_mapping = fields.Text(
        help="JSON object mapping the consignor's own column names to field names, e.g. "
        '{"货品ID": "product_code"}.',
    )
    send_receipt_confirmation = fields.Selection(SEND_MODES, default="immediate", required=True)
    send_shipment_confirmation = fields.Selection(SEND_MODES, default="immediate", required=True)
    confirm_orders = fields.Boolean(
        string="Confirm Purchase Orders",
        help="Confirm the purchase orders received, which creates their receipts.",
    )
    send_reports = fields.Selection(
        [("immediate", "At once"), ("scheduled", "On schedule")],
        default="immediate",
        required=True,
        help="Reports (monthly reconciliation, usage report, gain/loss, logistics status) are "
        "written to the outbox as soon as they are generated, or by the scheduled job.",
    )
    send_logistics_status = fields.Selection(
        [("scheduled", "On schedule"), ("never", "On demand only")],
        default="scheduled",
        required=True,
        string="Logistics Status",
        help="The scheduled job sends the logistics status of every order of this consignor "
        "whose transfer changed state (accepted, picking, shipped, delivered, cancelled).",
    )
    api_user_id = fields.Many2one(
        "res.users",
        string="API User",
        index=True,
        help="The user whose API key the consignor uses on the HTTP endpoint.",
    )
    max_file_size = fields.Integer(
        string="Largest File (bytes)",
        default=20 * 1024 * 1024,
        required=True,
        help="Larger files are refused with a clear error, not read.",
    )
    max_lines = fields.Integer(string="Most Lines per File", default=100_000, required=True)
    max_columns = fields.Integer(
        string="Most Columns per Row",
        default=256,
        required=True,
        help="A CSV or XLSX row with more columns is refused as soon as it is read.",
    )
    max_unzipped_size = fields.Integer(
        string="Largest Unzipped Workbook (bytes)",
        default=100 * 1024 * 1024,
        required=True,
        help="An XLSX workbook (a zip) whose parts declare or inflate to more bytes, or "
        "inflate more than 100 times, is refused before it is read.",
    )
    exchange_ids = fields.One2many("med.edi.exchange", "backend_id", string="Exchanges")
    exchange_count = fields.Integer(compute="_compute_exchange_count")

    _sql_constraints = [
        ("api_user_uniq", "unique(api_user_id)", "An API user serves one consignor only."),
    ]

    def _compute_exchange_count(self):
        counts = dict(
            self.env["med.edi.exchange"]._read_group(
                [("backend_id", "in", self.ids)], ["backend_id"], ["__count"]
            )
        )
        for backend in self:
            backend.exchange_count = counts.get(backend, 0)

    @api.constrains("field_mapping")
    def _check_field_mapping(self):
        for backend in self:
            backend._edi_mapping()

    @api.constrains("max_file_size", "max_lines", "max_columns", "max_unzipped_size")
    def _check_limits(self):
        for backend in self:
            for field in ("max_file_size", "max_lines", "max_columns", "max_unzipped_size"):
                if backend[field] <= 0:
                    raise ValidationError(
                        _(
                            "%(field)s of %(backend)s must be greater than zero, not %(value)s.",
                            field=self._fields[field]._description_string(self.env),
                            backend=backend.name,
                            value=backend[field],
                        )
                    )

    # -- configuration helpers ------------------------------------------------------

    def _edi_mapping(self):
        """The column mapping as a dict (None when not set)."""
        self.ensure_one()
        if not (self.field_mapping or "").strip():
            return None
        try:
            mapping = json.loads(self.field_mapping)
        except ValueError as exc:
            raise ValidationError(
                _(
                    "Field mapping of %(backend)s is not valid JSON: %(reason)s",
                    backend=self.name,
                    reason=exc,
                )
            )
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValidationError(
                _(
                    "Field mapping of %(backend)s must be a JSON object of "
                    "column name to field name.",
                    backend=self.name,
                )
            )
        return mapping

    def _edi_limits(self):
        self.ensure_one()
        return Limits(
            max_bytes=self.max_file_size,
            max_lines=self.max_lines,
            max_columns=self.max_columns,
            max_unzipped_bytes=self.max_unzipped_size,
        )

    def _edi_formats(self):
        self.ensure_one()
        return [fmt for fmt in FORMATS if self[f"format_{fmt}"]]

    def _edi_consignor_code(self):
        self.ensure_one()
        return self.consignor_code or self.partner_id.ref or str(self.partner_id.id)

    def _edi_check_api_user(self):
        """Raise AccessError unless the current user may act for this backend."""
        self.ensure_one()
        self.check_access("read")
        return True

    # -- inbound --------------------------------------------------------------------

    def _edi_receive(self, data, message_type, filename=None, channel="upload", process=True):
        """Store a received file as received (whatever it holds) and process it.

        Returns the ``med.edi.exchange``.  Never raises on bad content: the exchange
        ends in state error with its problems.
        """
        self.ensure_one()
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = bytes(data or b"")
        limit = self._edi_limits().max_bytes
        if len(data) > limit:
            return self._edi_receive_refused(
                message_type, filename, len(data), channel, checksum=fingerprint(data)
            )
        try:
            with self.env.cr.savepoint():
                exchange = self._edi_new_inbound(message_type, channel, state="received")
                exchange._edi_attach(data, filename or _("received file"))
        except EdiFileNotStored as failure:
            # kept as what was refused (name, size, checksum, why), for the sender to resend
            return self._edi_receive_refused(
                message_type,
                filename,
                failure.size,
                channel,
                checksum=fingerprint(data),
                error=EdiError("not_stored", size=failure.size),
            )
        if process:
            exchange.action_process()
        return exchange

    def _edi_receive_http(self, data, message_type, filename=None):
        """A file posted over HTTP: stored, then processed while the sender waits when it
        holds at most the ``med_consignor_edi.http_sync_max_lines`` system parameter's
        lines (default 1000), otherwise left received and processed in the background
        (a queue_job job, or the scheduled job): the sender polls the exchange."""
        self.ensure_one()
        Exchange = self.env["med.edi.exchange"]
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data or b"")
        background = Exchange._edi_estimate_lines(raw) > Exchange._edi_sync_max_lines()
        exchange = self._edi_receive(
            raw, message_type, filename=filename, channel="http", process=not background
        )
        if background and exchange.state == "received":
            exchange._edi_enqueue()
        return exchange

    def _edi_receive_refused(
        self, message_type, filename, size, channel, checksum=None, error=None
    ):
        """Keep a file refused before it was read (too large) as an exchange in error:
        its name, size, checksum (when known), channel and the reason, not its bytes."""
        self.ensure_one()
        error = error or EdiError("too_large", size=size, maximum=self._edi_limits().max_bytes)
        exchange = self._edi_new_inbound(
            message_type,
            channel,
            state="error",
            file_name=filename or _("received file"),
            file_size=size,
            checksum=checksum or False,
            problem_ids=[Command.create(codec_problem(self.env, error.as_problem()))],
        )
        _logger.warning(
            "EDI backend %s: %s bytes refused unread from %s (%s)", self.id, size, channel, filename
        )
        return exchange

    def _edi_new_inbound(self, message_type, channel, **values):
        """A new inbound exchange of this backend, made by the system (users never create
        exchanges), in the caller's environment."""
        Exchange = self.env["med.edi.exchange"]
        with Exchange._edi_system():
            exchange = Exchange.sudo().create(
                dict(
                    values,
                    backend_id=self.id,
                    direction="in",
                    message_type=message_type if message_type in INBOUND_TYPES else False,
                    channel=channel,
                )
            )
        return exchange.sudo(self.env.su)

    def _edi_receive_demo_file(self, message_type, path):
        """Receive a file shipped with the addon (demo data) as if uploaded."""
        with file_open(path, "rb") as handle:
            data = handle.read()
        return self._edi_receive(data, message_type, filename=os.path.basename(path))

    def action_open_exchanges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_consignor_edi.med_edi_exchange_action"
        )
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action

    def action_upload(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "med.edi.upload.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id},
        }

    # -- outbound -------------------------------------------------------------------

    def _edi_header(self, **values):
        self.ensure_one()
        header = {
            "consignor_code": self._edi_consignor_code(),
            "partner_code": self.our_code or self.company_id.name,
            "date": fields.Date.context_today(self),
        }
        header.update(values)
        return header

    def _edi_generate(self, message_type, header, lines, record=None, send=True, period=None):
        """Create an outbound exchange holding ``lines`` (dicts of field values).

        The exchange is ``generated`` (or ``error`` with its problems), then sent at once
        when the channel is a folder and ``send`` allows it (otherwise the scheduled job
        writes it).  ``period`` (YYYY-MM) marks the month a report is about.
        """
        self.ensure_one()
        Exchange = self.env["med.edi.exchange"]
        with Exchange._edi_system():
            exchange = (
                Exchange.sudo()
                .create(
                    {
                        "period": period,
                        "backend_id": self.id,
                        "direction": "out",
                        "message_type": message_type,
                        "channel": self.channel,
                        "state": "draft",
                        "file_format": self.outbound_format,
                        "res_model": record._name if record else False,
                        "res_id": record.id if record else False,
                    }
                )
                .sudo(self.env.su)
            )
        message = Message(
            message_type,
            dict(header),
            [Line(number, values) for number, values in enumerate(lines, 1)],
        )
        message.header.setdefault("message_id", exchange._edi_outbound_message_id())
        exchange._edi_encode(message, send=send)
        exchange._edi_invalidate_document()
        return exchange

    def _edi_send_now(self):
        """Whether a report is written to the outbox as soon as it is generated."""
        self.ensure_one()
        return self.send_reports == "immediate"

    def _edi_stock_status_lines(self, at=None, lots=None, status=None):
        """The lines of the stock status message (see its handler)."""
        self.ensure_one()
        return self.env["med.edi.handler.stock_status.out"]._edi_lines(self, at, lots, status)

    def _edi_send_stock_status(self, at=None):
        """Generate (and send, by the channel) the stock status outbound message."""
        self.ensure_one()
        note = _("Stock as of %(date)s", date=at) if at else False
        return self.env["med.edi.handler.stock_status.out"]._edi_generate(self, at=at, note=note)

    def action_send_stock_status(self):
        for backend in self:
            backend._edi_send_stock_status()
        return True

    def _edi_notify_recall(self, lots, reason="", record=None):
        """Tell each consignor owning some of ``lots`` that they are recalled: a stock
        status message listing its recalled units, blocked (冻结).  On an empty recordset,
        every backend of the current company is considered.  Returns the exchanges."""
        backends = self or self.search([("company_id", "=", self.env.company.id)])
        owners = (
            self.env["stock.quant"]
            .sudo()
            .search([("lot_id", "in", lots.ids), ("owner_id", "!=", False)])
            .owner_id
        )
        exchanges = self.env["med.edi.exchange"]
        handler = self.env["med.edi.handler.stock_status.out"]
        for backend in backends.filtered(lambda b: b.partner_id in owners):
            header, lines = handler._edi_build(
                backend,
                lots=lots,
                status="blocked",
                note=(_("Recall: %(reason)s", reason=reason) if reason else _("Recall"))[:250],
            )
            if lines:
                exchanges |= backend._edi_generate("stock_status", header, lines, record=record)
        return exchanges

    # -- logistics status --------------------------------------------------------------

    def _edi_order_pickings(self, domain=()):
        """The consignor's orders: transfers created from its inbound messages."""
        return (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("med_edi_backend_id", "in", self.ids),
                    ("picking_type_code", "in", ("incoming", "outgoing")),
                    *domain,
                ],
                order="id",
            )
        )

    def _edi_send_logistics_status(self, pickings=None, changed_only=True):
        """One logistics status message per order (``pickings``, default every order of
        the backends), with the dated events it went through; by default only for the
        orders whose status changed since last sent.  Returns the exchanges."""
        Picking = self.env["stock.picking"].sudo()
        changed = Picking._edi_status_changed_domain() if changed_only else []
        if pickings is None:
            pickings = self._edi_order_pickings(changed)
        elif changed:
            pickings = pickings.filtered_domain(changed)
        exchanges = self.env["med.edi.exchange"]
        events = pickings._edi_logistics_events()
        handler = self.env["med.edi.handler.logistics_status.out"]
        for picking in pickings.sudo():
            backend = picking._med_edi_backend()
            exchanges |= handler._edi_generate(
                backend,
                record=picking,
                send=backend._edi_send_now(),
                picking=picking,
                events=events[picking],
            )
            picking.med_edi_status_sent = picking._edi_logistics_status()
        return exchanges

    def action_send_logistics_status(self):
        """Button: the logistics status of the orders that changed since last sent."""
        self.check_access("read")
        exchanges = self.sudo()._edi_send_logistics_status()
        if not exchanges:
            raise UserError(
                _(
                    "No order of %(consignor)s changed since its last logistics status.",
                    consignor=", ".join(self.partner_id.mapped("name")),
                )
            )
        return exchanges._edi_action_open()
