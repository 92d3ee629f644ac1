import contextlib
import datetime
import hashlib
import json
import logging
import os
import stat
from decimal import Decimal

import pytz
from dateutil.relativedelta import relativedelta
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config
from odoo.tools.misc import file_open

from medtrace.edi.codecs import FORMATS, Limits
from medtrace.edi.errors import EdiError
from medtrace.edi.message import Line, Message, fingerprint
from medtrace.edi.schemas import INBOUND, SCHEMAS

from .edi_messages import codec_problem

_logger = logging.getLogger(__name__)

INBOUND_TYPES = [name for name, schema in SCHEMAS.items() if schema.direction == INBOUND]
SEND_MODES = [("immediate", "At once"), ("scheduled", "On schedule"), ("never", "Never")]
#: the messages a backend's monthly job generates for the previous month
MONTHLY_TYPES = ("reconciliation", "usage_report", "gain_loss")
#: logistics status of an order (DB15/T 961 §5.3.3 物流状态) by the state of its transfer
ORDER_STATUS_BY_STATE = {"draft": "accepted", "waiting": "accepted", "confirmed": "accepted",
                         "assigned": "picking", "cancel": "cancelled"}


class MedEdiBackend(models.Model):
    """One consignor's EDI configuration (OCA edi_core_oca's ``edi.backend``)."""

    _name = "med.edi.backend"
    _description = "Consignor EDI Backend"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Consignor", required=True, index=True, check_company=True,
        help="The owner of the consignment stock (its quants have this owner).",
    )
    kind = fields.Selection(
        [("consignment_supplier", "Consignment supplier"),
         ("third_party_logistics", "Third-party logistics consignor")],
        required=True, default="consignment_supplier",
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
        required=True, default="csv",
    )
    outbound_lang = fields.Selection(
        [("en", "English column names"), ("zh_CN", "Chinese column names")],
        string="Outbound Columns", required=True, default="zh_CN",
    )
    channel = fields.Selection(
        [("folder", "Folder pair"), ("http", "HTTP endpoint"), ("upload", "Web upload")],
        required=True, default="upload",
    )
    inbox_path = fields.Char(help="Folder read by the scheduled job (files are moved to "
                             "processed/ or error/ below it), relative to the EDI folder "
                             "root the server configuration sets (med_edi_folder_root).")
    outbox_path = fields.Char(help="Folder outbound files are written to, relative to the EDI "
                              "folder root the server configuration sets.")
    field_mapping = fields.Text(
        help='JSON object mapping the consignor\'s own column names to field names, e.g. '
        '{"货品ID": "product_code"}.',
    )
    send_receipt_confirmation = fields.Selection(SEND_MODES, default="immediate", required=True)
    send_shipment_confirmation = fields.Selection(SEND_MODES, default="immediate", required=True)
    confirm_orders = fields.Boolean(
        string="Confirm Purchase Orders",
        help="Confirm the purchase orders received, which creates their receipts.",
    )
    send_reports = fields.Selection(
        [("immediate", "At once"), ("scheduled", "On schedule")], default="immediate",
        required=True,
        help="Reports (monthly reconciliation, usage report, gain/loss, logistics status) are "
        "written to the outbox as soon as they are generated, or by the scheduled job.",
    )
    monthly_reports = fields.Boolean(
        default=True,
        help="On the first day of each month, the scheduled job generates last month's "
        "reconciliation, usage report and gain/loss of this consignor.",
    )
    send_logistics_status = fields.Selection(
        [("scheduled", "On schedule"), ("never", "On demand only")], default="scheduled",
        required=True, string="Logistics Status",
        help="The scheduled job sends the logistics status of every order of this consignor "
        "whose transfer changed state (accepted, picking, shipped, delivered, cancelled).",
    )
    bill_on_use = fields.Selection(
        [("none", "No"), ("purchase_order", "Purchase order line"),
         ("vendor_bill", "Vendor bill line")],
        string="Bill on Use", default="purchase_order", required=True,
        help="What using a consignment unit on a patient creates for the consignor.",
    )
    api_user_id = fields.Many2one(
        "res.users", string="API User", index=True,
        help="The user whose API key the consignor uses on the HTTP endpoint.",
    )
    max_file_size = fields.Integer(
        string="Largest File (bytes)", default=20 * 1024 * 1024, required=True,
        help="Larger files are refused with a clear error, not read.",
    )
    max_lines = fields.Integer(string="Most Lines per File", default=100_000, required=True)
    max_columns = fields.Integer(
        string="Most Columns per Row", default=256, required=True,
        help="A CSV or XLSX row with more columns is refused as soon as it is read.",
    )
    max_unzipped_size = fields.Integer(
        string="Largest Unzipped Workbook (bytes)", default=100 * 1024 * 1024, required=True,
        help="An XLSX workbook (a zip) whose parts declare or inflate to more bytes, or "
        "inflate more than 100 times, is refused before it is read.",
    )
    exchange_ids = fields.One2many("med.edi.exchange", "backend_id", string="Exchanges")
    exchange_count = fields.Integer(compute="_compute_exchange_count")

    _sql_constraints = [
        ("api_user_uniq", "unique(api_user_id)", "An API user serves one consignor only."),
    ]

    def _compute_exchange_count(self):
        counts = dict(self.env["med.edi.exchange"]._read_group(
            [("backend_id", "in", self.ids)], ["backend_id"], ["__count"]))
        for backend in self:
            backend.exchange_count = counts.get(backend, 0)

    @api.constrains("field_mapping")
    def _check_field_mapping(self):
        for backend in self:
            backend._edi_mapping()

    @api.constrains("channel", "inbox_path", "outbox_path")
    def _check_folders(self):
        for backend in self:
            if backend.channel == "folder" and (not backend.inbox_path
                                                or not backend.outbox_path):
                raise ValidationError(_("Backend %(backend)s exchanges files through folders: "
                                        "give its inbox and outbox.", backend=backend.name))
            for field in ("inbox_path", "outbox_path"):
                if backend[field]:
                    backend._edi_folder(field)

    @api.constrains("max_file_size", "max_lines", "max_columns", "max_unzipped_size")
    def _check_limits(self):
        for backend in self:
            for field in ("max_file_size", "max_lines", "max_columns", "max_unzipped_size"):
                if backend[field] <= 0:
                    raise ValidationError(_(
                        "%(field)s of %(backend)s must be greater than zero, not %(value)s.",
                        field=self._fields[field]._description_string(self.env),
                        backend=backend.name, value=backend[field]))

    # -- configuration helpers ------------------------------------------------------

    def _edi_mapping(self):
        """The column mapping as a dict (None when not set)."""
        self.ensure_one()
        if not (self.field_mapping or "").strip():
            return None
        try:
            mapping = json.loads(self.field_mapping)
        except ValueError as exc:
            raise ValidationError(_("Field mapping of %(backend)s is not valid JSON: %(reason)s",
                                    backend=self.name, reason=exc))
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValidationError(_("Field mapping of %(backend)s must be a JSON object of "
                                    "column name to field name.", backend=self.name))
        return mapping

    def _edi_limits(self):
        self.ensure_one()
        return Limits(max_bytes=self.max_file_size, max_lines=self.max_lines,
                      max_columns=self.max_columns, max_unzipped_bytes=self.max_unzipped_size)

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
                message_type, filename, len(data), channel, checksum=fingerprint(data))
        exchange = self._edi_new_inbound(message_type, channel, state="received")
        exchange._edi_attach(data, filename or _("received file"))
        if process:
            exchange.action_process()
        return exchange

    def _edi_receive_refused(self, message_type, filename, size, channel, checksum=None,
                             error=None):
        """Keep a file refused before it was read (too large) as an exchange in error:
        its name, size, checksum (when known), channel and the reason, not its bytes."""
        self.ensure_one()
        error = error or EdiError("too_large", size=size, maximum=self._edi_limits().max_bytes)
        exchange = self._edi_new_inbound(
            message_type, channel, state="error", file_name=filename or _("received file"),
            file_size=size, checksum=checksum or False,
            problem_ids=[Command.create(codec_problem(self.env, error.as_problem()))],
        )
        _logger.warning("EDI backend %s: %s bytes refused unread from %s (%s)", self.id, size,
                        channel, filename)
        return exchange

    def _edi_new_inbound(self, message_type, channel, **values):
        """A new inbound exchange of this backend, made by the system (users never create
        exchanges), in the caller's environment."""
        Exchange = self.env["med.edi.exchange"]
        with Exchange._edi_system():
            exchange = Exchange.sudo().create(dict(
                values,
                backend_id=self.id,
                direction="in",
                message_type=message_type if message_type in INBOUND_TYPES else False,
                channel=channel,
            ))
        return exchange.sudo(self.env.su)

    def _edi_receive_demo_file(self, message_type, path):
        """Receive a file shipped with the addon (demo data) as if uploaded."""
        with file_open(path, "rb") as handle:
            data = handle.read()
        return self._edi_receive(data, message_type, filename=os.path.basename(path))

    def action_open_exchanges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_consignor_edi.med_edi_exchange_action")
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
            exchange = Exchange.sudo().create({
                "period": period,
                "backend_id": self.id,
                "direction": "out",
                "message_type": message_type,
                "channel": self.channel,
                "state": "draft",
                "file_format": self.outbound_format,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
            }).sudo(self.env.su)
        message = Message(message_type, dict(header),
                          [Line(number, values) for number, values in enumerate(lines, 1)])
        message.header.setdefault("message_id", exchange._edi_outbound_message_id())
        exchange._edi_encode(message, send=send)
        exchange._edi_invalidate_document()
        return exchange

    def _edi_stock_lines(self, at=None, lots=None, location_ids=None):
        """Stock owned by the consignor in our internal locations, per product, lot and
        location: a list of dicts with product, lot, location, quantity.

        ``at`` (datetime) gives the stock as of that time, from done move lines;
        otherwise the current quants.  One grouped query either way.
        """
        self.ensure_one()
        owner = self.partner_id
        if at is None:
            domain = [("owner_id", "=", owner.id), ("location_id.usage", "=", "internal"),
                      ("company_id", "=", self.company_id.id)]
            if lots is not None:
                domain.append(("lot_id", "in", lots.ids))
            if location_ids:
                domain.append(("location_id", "child_of", location_ids))
            groups = self.env["stock.quant"].sudo()._read_group(
                domain, ["product_id", "lot_id", "location_id"], ["quantity:sum"])
            return [{"product": product, "lot": lot, "location": location, "quantity": qty}
                    for product, lot, location, qty in groups if qty]
        self.env["stock.move.line"].flush_model()
        self.env.cr.execute("""
            SELECT product_id, lot_id, location_id, SUM(qty) FROM (
                SELECT ml.product_id, ml.lot_id, ml.location_dest_id AS location_id,
                       ml.quantity_product_uom AS qty
                  FROM stock_move_line ml JOIN stock_location l ON l.id = ml.location_dest_id
                 WHERE ml.state = 'done' AND ml.owner_id = %(owner)s AND ml.date <= %(at)s
                   AND l.usage = 'internal' AND ml.company_id = %(company)s
                UNION ALL
                SELECT ml.product_id, ml.lot_id, ml.location_id, -ml.quantity_product_uom
                  FROM stock_move_line ml JOIN stock_location l ON l.id = ml.location_id
                 WHERE ml.state = 'done' AND ml.date <= %(at)s
                   AND (ml.owner_id = %(owner)s OR ml.med_consignor_id = %(owner)s)
                   AND l.usage = 'internal' AND ml.company_id = %(company)s
            ) moves GROUP BY product_id, lot_id, location_id HAVING SUM(qty) != 0
        """, {"owner": owner.id, "at": at, "company": self.company_id.id})
        rows = self.env.cr.fetchall()
        products = self.env["product.product"].browse([r[0] for r in rows])
        lots_ = self.env["stock.lot"].browse([r[1] for r in rows if r[1]])
        locations = self.env["stock.location"].browse([r[2] for r in rows])
        del products, lots_, locations  # prefetch the three sets
        return [{"product": self.env["product.product"].browse(p),
                 "lot": self.env["stock.lot"].browse(lot or []),
                 "location": self.env["stock.location"].browse(loc), "quantity": qty}
                for p, lot, loc, qty in rows]

    def _edi_product_values(self, products):
        """Identifying fields of each product as the consignor knows it: {product: dict}."""
        self.ensure_one()
        infos = self.env["product.supplierinfo"].sudo().search_fetch(
            [("partner_id", "=", self.partner_id.commercial_partner_id.id),
             ("product_tmpl_id", "in", products.product_tmpl_id.ids),
             ("product_code", "!=", False)], ["product_tmpl_id", "product_id", "product_code"])
        codes = {}
        for info in infos:
            codes.setdefault(info.product_id or info.product_tmpl_id, info.product_code)
        values = {}
        for product in products:
            dis = product.product_tmpl_id.med_udi_di_ids if "med_udi_di_ids" in \
                product.product_tmpl_id._fields else []  # fmt: skip
            di = next((d.di for d in dis if d.product_id == product), None) if dis else None
            barcode = product.barcode if product.barcode and product.barcode.isdigit() \
                and len(product.barcode) in (8, 12, 13, 14) else None  # fmt: skip
            values[product] = {
                "product_code": codes.get(product) or codes.get(product.product_tmpl_id)
                or product.default_code or str(product.id),
                "gtin": barcode,
                "di": di if di and di != (barcode or "").zfill(14) else None,
                "product_name": product.name[:200],
                "uom": product.uom_id.name[:10],
            }
        return values

    def _edi_stock_status_lines(self, at=None, lots=None, status=None):
        self.ensure_one()
        rows = self._edi_stock_lines(at=at, lots=lots)
        products = self.env["product.product"].browse({r["product"].id for r in rows})
        product_values = self._edi_product_values(products)
        quarantine = self.company_id.med_quarantine_location_id \
            if "med_quarantine_location_id" in self.company_id._fields else None  # fmt: skip
        lines = []
        for row in rows:
            lot = row["lot"]
            tracking = row["product"].tracking
            expiry = lot.expiration_date if lot and "expiration_date" in lot._fields else None
            line = dict(product_values[row["product"]])
            line.update({
                "lot": lot.name if lot and tracking == "lot" else None,
                "serial": lot.name if lot and tracking == "serial" else None,
                "expiry_date": expiry.date() if expiry else None,
                "quantity": row["quantity"],
                "stock_status": status or (
                    "quarantine" if quarantine and row["location"] == quarantine
                    else "available"),
                "location": (row["location"].name or "")[:40],
            })
            lines.append(line)
        return lines

    def _edi_send_stock_status(self, at=None):
        """Generate (and send, by the channel) the stock status outbound message."""
        self.ensure_one()
        note = _("Stock as of %(date)s", date=at) if at else False
        header = self._edi_header(note=note)
        return self._edi_generate("stock_status", header, self._edi_stock_status_lines(at=at))

    def action_send_stock_status(self):
        for backend in self:
            backend._edi_send_stock_status()
        return True

    def _edi_notify_recall(self, lots, reason="", record=None):
        """Tell each consignor owning some of ``lots`` that they are recalled: a stock
        status message listing its recalled units, blocked (冻结).  On an empty recordset,
        every backend of the current company is considered.  Returns the exchanges."""
        backends = self or self.search([("company_id", "=", self.env.company.id)])
        owners = self.env["stock.quant"].sudo().search(
            [("lot_id", "in", lots.ids), ("owner_id", "!=", False)]).owner_id
        exchanges = self.env["med.edi.exchange"]
        for backend in backends.filtered(lambda b: b.partner_id in owners):
            lines = backend._edi_stock_status_lines(lots=lots, status="blocked")
            if not lines:
                continue
            header = backend._edi_header(note=(_("Recall: %(reason)s", reason=reason)
                                               if reason else _("Recall"))[:250])
            exchanges |= backend._edi_generate("stock_status", header, lines, record=record)
        return exchanges

    # -- folder channel -------------------------------------------------------------

    def _edi_type_from_filename(self, filename):
        name = os.path.basename(filename).lower()
        for message_type in sorted(INBOUND_TYPES, key=len, reverse=True):
            if name.startswith(message_type):
                return message_type
        return False

    def _edi_folder_root(self):
        """The folder every folder channel lives in, set by the server configuration
        (``med_edi_folder_root``; default ``<data_dir>/med_edi/<database>``), resolved."""
        root = config.get("med_edi_folder_root") or os.path.join(
            config["data_dir"], "med_edi", self.env.cr.dbname)
        return os.path.realpath(os.path.expanduser(root))

    def _edi_folder(self, field):
        """The real path of the folder in ``field`` (inbox_path or outbox_path): relative
        to the root, or absolute inside it; symbolic links are resolved, and a folder
        that resolves outside the root is refused (ValidationError naming the field and
        value).  Called when the field is saved and again before each read or write."""
        self.ensure_one()
        value = (self[field] or "").strip()
        root = self._edi_folder_root()
        label = self._fields[field]._description_string(self.env)
        if not value or "\x00" in value:
            raise ValidationError(_("%(field)s of %(backend)s: %(value)r is not a folder.",
                                    field=label, backend=self.name, value=value))
        real = os.path.realpath(os.path.join(root, value))
        if real != root and os.path.commonpath([root, real]) != root:
            raise ValidationError(_(
                "%(field)s of %(backend)s: %(value)s is outside the EDI folder root %(root)s "
                "set by the server configuration (med_edi_folder_root); give a folder inside "
                "it, e.g. a path relative to it.",
                field=label, backend=self.name, value=value, root=root))
        return real

    def _edi_open_folder(self, field, create=False):
        """A descriptor of the folder in ``field``, opened without following a symbolic
        link (the path checked by :meth:`_edi_folder` just before)."""
        path = self._edi_folder(field)
        if create:
            os.makedirs(path, mode=0o750, exist_ok=True)
            path = self._edi_folder(field)
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)

    @staticmethod
    def _edi_subfolder(dir_fd, name):
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, mode=0o750, dir_fd=dir_fd)
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)

    def _edi_read_entry(self, dir_fd, entry):
        """(bytes or None when too large, size, checksum) of a regular file of the inbox,
        opened without following links; None for anything else."""
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError:
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        with os.fdopen(fd, "rb") as handle:
            limit = self._edi_limits().max_bytes
            data = handle.read(limit + 1)
            if len(data) <= limit:
                return data, len(data), None
            digest, size = hashlib.sha256(data), len(data)
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
            return None, size, digest.hexdigest()

    def _edi_read_inbox(self):
        """Receive every file of the inbox, then move it to processed/ or error/."""
        self.ensure_one()
        exchanges = self.env["med.edi.exchange"]
        try:
            inbox = self._edi_open_folder("inbox_path")
        except (ValidationError, OSError) as exc:
            _logger.warning("EDI backend %s: inbox %s not read: %s", self.name, self.inbox_path,
                            exc)
            return exchanges
        try:
            for entry in sorted(os.listdir(inbox)):
                read = self._edi_read_entry(inbox, entry)
                if read is None:
                    continue
                data, size, checksum = read
                message_type = self._edi_type_from_filename(entry)
                if data is None:
                    exchange = self._edi_receive_refused(message_type, entry, size, "folder",
                                                         checksum=checksum)
                else:
                    exchange = self._edi_receive(data, message_type, filename=entry,
                                                 channel="folder")
                if self.env.context.get("med_edi_commit"):
                    # the file leaves the inbox only once its exchange is stored for good
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                target = self._edi_subfolder(
                    inbox, "processed" if exchange.state in ("processed", "duplicate")
                    else "error")
                try:
                    os.replace(entry, entry, src_dir_fd=inbox, dst_dir_fd=target)
                finally:
                    os.close(target)
                exchanges |= exchange
        finally:
            os.close(inbox)
        return exchanges

    @api.model
    def _cron_folder_exchange(self):
        """Scheduled job: read the inboxes, generate scheduled confirmations, write the
        outbound files waiting in generated state."""
        backends = self.search([("channel", "=", "folder")])
        for backend in backends:
            backend._edi_read_inbox()
        self.env["stock.picking"]._edi_send_pending_confirmations()
        self.search([("send_logistics_status", "=", "scheduled")])._edi_send_logistics_status()
        pending = self.env["med.edi.exchange"].search(
            [("direction", "=", "out"), ("state", "=", "generated"),
             ("backend_id.channel", "=", "folder")])
        pending._edi_send()

    def _edi_write_outbox(self, filename, data):
        """Write ``data`` as ``filename`` in the outbox (inside the EDI folder root; no
        symbolic link followed), through a ``.part`` file renamed when complete."""
        self.ensure_one()
        name = os.path.basename(filename or "")
        if name in ("", ".", ".."):
            raise OSError(f"not a file name: {filename!r}")
        outbox = self._edi_open_folder("outbox_path", create=True)
        try:
            fd = os.open(name + ".part", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW,
                         0o640, dir_fd=outbox)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(name + ".part", name, src_dir_fd=outbox, dst_dir_fd=outbox)
        finally:
            os.close(outbox)
        return os.path.join(self._edi_folder("outbox_path"), name)

    # -- bill on use ----------------------------------------------------------------

    def _edi_use_price(self, product):
        self.ensure_one()
        seller = product._select_seller(partner_id=self.partner_id, quantity=None)
        return seller.price if seller else product.standard_price

    def _edi_bill_use(self, move_lines):
        """Buy the consignor's units used on patients (``move_lines`` done to the patient
        location): lines added to the backend's open draft purchase order or vendor bill."""
        self.ensure_one()
        lines = []
        for ml in move_lines:
            name = _("%(product)s, %(lot)s used on %(date)s", product=ml.product_id.display_name,
                     lot=ml.lot_id.name or "-", date=ml.date.date())
            lines.append((ml.product_id, ml.quantity_product_uom, name))
        if self.bill_on_use == "purchase_order":
            Order = self.env["purchase.order"].sudo()
            order = Order.search([("med_edi_backend_id", "=", self.id), ("state", "=", "draft"),
                                  ("origin", "=", "consignment-use")], limit=1)
            commands = [Command.create({
                "product_id": product.id, "product_qty": qty, "name": name,
                "product_uom": product.uom_id.id,
                "price_unit": self._edi_use_price(product),
            }) for product, qty, name in lines]
            if order:
                order.write({"order_line": commands})
            else:
                order = Order.create({
                    "partner_id": self.partner_id.id, "company_id": self.company_id.id,
                    "origin": "consignment-use", "med_edi_backend_id": self.id,
                    "order_line": commands,
                })
            return order
        Move = self.env["account.move"].sudo()
        bill = Move.search([("med_edi_backend_id", "=", self.id), ("state", "=", "draft"),
                            ("move_type", "=", "in_invoice")], limit=1)
        commands = [Command.create({
            "product_id": product.id, "quantity": qty, "name": name,
            "price_unit": self._edi_use_price(product),
        }) for product, qty, name in lines]
        if bill:
            bill.write({"invoice_line_ids": commands})
        else:
            bill = Move.with_context(default_move_type="in_invoice").create({
                "move_type": "in_invoice", "partner_id": self.partner_id.id,
                "company_id": self.company_id.id, "med_edi_backend_id": self.id,
                "invoice_line_ids": commands,
            })
        return bill

    # -- period reports: usage, gain/loss --------------------------------------------

    def _edi_done_move_lines(self, date_from, date_to, domain):
        """Done move lines of the consignor's stock between the two datetimes (units
        used on patients count although their ownership passed to us)."""
        self.ensure_one()
        return self.env["stock.move.line"].sudo().search([
            ("state", "=", "done"),
            "|", ("owner_id", "=", self.partner_id.id),
            ("med_consignor_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("date", ">=", date_from), ("date", "<", date_to), *domain,
        ], order="date, id")

    def _edi_line_values(self, move_line, product_values):
        lot, product = move_line.lot_id, move_line.product_id
        values = dict(product_values[product])
        values.update({
            "lot": lot.name if lot and product.tracking == "lot" else None,
            "serial": lot.name if lot and product.tracking == "serial" else None,
            "expiry_date": lot.expiration_date.date() if lot.expiration_date else None,
            "quantity": move_line.quantity_product_uom,
        })
        return values

    def _edi_send_usage_report(self, date_from, date_to, period=None, skip_empty=False):
        """Units of the consignor used on patients between the two datetimes."""
        self.ensure_one()
        patient = self.company_id._med_patient_location()
        move_lines = self._edi_done_move_lines(
            date_from, date_to, [("location_dest_id", "=", patient.id)])
        product_values = self._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_line_values(move_line, product_values)
            values.update(usage_date=move_line.date.date(),
                          unit_price=self._edi_use_price(move_line.product_id))
            lines.append(values)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        period = period or f"{date_from:%Y-%m}"
        header = self._edi_header(period=period)
        return self._edi_generate("usage_report", header, lines, send=self._edi_send_now(),
                                  period=period)

    def _edi_send_gain_loss(self, date_from, date_to, period=None, skip_empty=False):
        """Inventory adjustments of the consignor's stock: gains and losses with reasons."""
        self.ensure_one()
        move_lines = self._edi_done_move_lines(
            date_from, date_to, [("move_id.is_inventory", "=", True)])
        product_values = self._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_line_values(move_line, product_values)
            gain = move_line.location_dest_id.usage == "internal"
            values.update(direction="gain" if gain else "loss",
                          line_reason=(move_line.move_id.name or "")[:250] or None)
            lines.append(values)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        period = period or f"{date_from:%Y-%m}"
        header = self._edi_header(note=_("Period %(period)s", period=period))
        return self._edi_generate("gain_loss", header, lines, send=self._edi_send_now(),
                                  period=period)

    # -- monthly reconciliation ---------------------------------------------------------

    def _edi_send_now(self):
        """Whether a report is written to the outbox as soon as it is generated."""
        self.ensure_one()
        return self.send_reports == "immediate"

    def _edi_period_bounds(self, period):
        """(first day, start, end) of month ``period`` (``YYYY-MM`` or a date): start and
        end are UTC datetimes of the first midnights of the month and of the next one in
        the user's (or the company's) time zone."""
        self.ensure_one()
        if isinstance(period, str):
            try:
                first = datetime.datetime.strptime(period.strip(), "%Y-%m").date()
            except ValueError:
                raise UserError(_("Period %(period)s is not a month (YYYY-MM expected).",
                                  period=period)) from None
        else:
            first = period.replace(day=1)
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz
                           or self.company_id.partner_id.tz or "UTC")

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return first, utc(first), utc(first + relativedelta(months=1))

    def _edi_last_month(self):
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=1)

    def _edi_reconciliation_figures(self, date_from, date_to):
        """Per product and lot, the consignor's stock at ``date_from`` and its movements
        until ``date_to``: a list of dicts (product, lot, opening, received, used,
        returned, shipped, gain, loss, closing), from done move lines in one grouped
        query.  Only moves between our internal locations and elsewhere count
        (transfers inside the stock change nothing); a unit used on a patient counts as
        used although its ownership then passed to us."""
        self.ensure_one()
        patient = self.company_id._med_patient_location()
        self.env["stock.move.line"].flush_model()
        self.env["stock.location"].flush_model(["usage"])
        self.env.cr.execute("""
            SELECT ml.product_id, ml.lot_id,
                   SUM(CASE WHEN ml.date >= %(start)s THEN 0
                            WHEN dst.usage = 'internal' THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END),
                   SUM(CASE WHEN ml.date >= %(start)s AND dst.usage = 'internal'
                             AND src.usage != 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.id = %(patient)s THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.usage = 'supplier' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.id != %(patient)s
                             AND dst.usage NOT IN ('supplier', 'inventory')
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND dst.usage = 'internal'
                             AND src.usage = 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.usage = 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END)
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
             WHERE ml.state = 'done' AND ml.company_id = %(company)s AND ml.date < %(end)s
               AND (src.usage = 'internal') != (dst.usage = 'internal')
               AND (ml.owner_id = %(owner)s
                    OR (ml.med_consignor_id = %(owner)s AND src.usage = 'internal'))
          GROUP BY ml.product_id, ml.lot_id
        """, {"start": date_from, "end": date_to, "patient": patient.id,
              "company": self.company_id.id, "owner": self.partner_id.id})
        rows = self.env.cr.fetchall()
        Product, Lot = self.env["product.product"], self.env["stock.lot"]
        Product.browse([row[0] for row in rows]).fetch(["uom_id", "tracking"])
        names = ("opening", "received", "used", "returned", "shipped", "gain", "loss")
        figures = []
        for product_id, lot_id, *quantities in rows:
            product = Product.browse(product_id)
            digits = max(0, -Decimal(str(product.uom_id.rounding)).as_tuple().exponent)
            values = dict(zip(names, (Decimal(str(round(q or 0.0, digits))) for q in quantities),
                              strict=True))
            values["closing"] = (values["opening"] + values["received"] + values["gain"]
                                 - values["used"] - values["returned"] - values["shipped"]
                                 - values["loss"])
            if not any(values.values()):
                continue
            figures.append({"product": product, "lot": Lot.browse(lot_id or []), **values})
        return figures

    def _edi_reconciliation_lines(self, date_from, date_to):
        """The lines of the reconciliation message: figures, price and amount of the
        units used (what the consignor invoices)."""
        self.ensure_one()
        figures = self._edi_reconciliation_figures(date_from, date_to)
        products = self.env["product.product"].union(*(f["product"] for f in figures))
        product_values = self._edi_product_values(products)
        prices = {product: self._edi_use_price(product) for product in products}
        currency = self.company_id.currency_id
        lines = []
        for row in figures:
            product, lot = row["product"], row["lot"]
            price = Decimal(str(currency.round(prices[product])))
            line = {key: value for key, value in product_values[product].items()
                    if key != "uom" or value}
            line.update({
                "lot": lot.name if lot else None,
                "unit_price": price,
                "opening_quantity": row["opening"],
                "received_quantity": row["received"],
                "used_quantity": row["used"],
                "returned_quantity": row["returned"],
                "shipped_quantity": row["shipped"],
                "gain_quantity": row["gain"],
                "loss_quantity": row["loss"],
                "closing_quantity": row["closing"],
                "amount": Decimal(str(currency.round(float(row["used"] * price)))),
            })
            lines.append(line)
        return lines

    def _edi_send_reconciliation(self, period=None, skip_empty=False):
        """Generate (and send, by the backend's channel and setting) the monthly
        reconciliation of ``period`` (``YYYY-MM`` or a date; default last month)."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        month = f"{first:%Y-%m}"
        lines = self._edi_reconciliation_lines(start, end)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        header = self._edi_header(period=month, currency=self.company_id.currency_id.name)
        return self._edi_generate("reconciliation", header, lines,
                                  send=self._edi_send_now(), period=month)

    def _edi_send_monthly(self, period=None, message_types=MONTHLY_TYPES):
        """The month's reports not generated yet for ``period`` (default last month):
        one exchange per type; a report already generated or sent is not made again,
        one in error is; a report with nothing to tell (no stock, no use, no adjustment)
        is not made.  Returns the new exchanges."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        month = f"{first:%Y-%m}"
        done = set(self.env["med.edi.exchange"].sudo().search([
            ("backend_id", "=", self.id), ("direction", "=", "out"), ("period", "=", month),
            ("message_type", "in", list(message_types)), ("state", "!=", "error"),
        ]).mapped("message_type"))
        exchanges = self.env["med.edi.exchange"]
        for message_type in message_types:
            if message_type in done:
                continue
            if message_type == "reconciliation":
                exchanges |= self._edi_send_reconciliation(first, skip_empty=True)
            elif message_type == "usage_report":
                exchanges |= self._edi_send_usage_report(start, end, period=month,
                                                         skip_empty=True)
            else:
                exchanges |= self._edi_send_gain_loss(start, end, period=month,
                                                      skip_empty=True)
        return exchanges

    def action_send_reconciliation(self):
        """Button: last month's reconciliation, generated again even if it was before."""
        self._check_edi_manager()
        exchanges = self.env["med.edi.exchange"]
        for backend in self:
            exchanges |= backend.sudo()._edi_send_reconciliation()
        return exchanges._edi_action_open()

    def action_send_monthly_reports(self):
        """Button: last month's reports not generated yet (reconciliation, usage, gain/loss)."""
        self._check_edi_manager()
        exchanges = self.env["med.edi.exchange"]
        for backend in self:
            exchanges |= backend.sudo()._edi_send_monthly()
        return exchanges._edi_action_open()

    def _check_edi_manager(self):
        if not self.env.user.has_group("med_consignor_edi.group_edi_manager"):
            raise UserError(_("Only an EDI manager sends reports to consignors."))
        self.check_access("write")

    @api.model
    def _cron_monthly_reports(self):
        """Scheduled job (monthly): last month's reports of every backend asking for them."""
        for backend in self.search([("monthly_reports", "=", True)]):
            backend._edi_send_monthly()
            if self.env.context.get("med_edi_commit"):
                self.env.cr.commit()  # pylint: disable=invalid-commit

    # -- logistics status --------------------------------------------------------------

    def _edi_order_pickings(self, domain=()):
        """The consignor's orders: transfers created from its inbound messages."""
        return self.env["stock.picking"].sudo().search([
            ("med_edi_backend_id", "in", self.ids),
            ("picking_type_code", "in", ("incoming", "outgoing")), *domain,
        ], order="id")

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
        for picking in pickings.sudo():
            backend = picking._med_edi_backend()
            status = picking._edi_logistics_status()
            header = backend._edi_header(
                order_ref=(picking.med_edi_order_ref or picking.origin or picking.name)[:35],
                status=status, note=picking.name[:250])
            lines = [{"event_date": day, "event_time": time, "event_status": event,
                      "place": (place or "")[:70] or None}
                     for event, day, time, place in events[picking]]
            exchanges |= backend._edi_generate(
                "logistics_status", header, lines, record=picking, send=backend._edi_send_now())
            picking.med_edi_status_sent = status
        return exchanges

    def action_send_logistics_status(self):
        """Button: the logistics status of the orders that changed since last sent."""
        self.check_access("read")
        exchanges = self.sudo()._edi_send_logistics_status()
        if not exchanges:
            raise UserError(_("No order of %(consignor)s changed since its last logistics "
                              "status.", consignor=", ".join(self.partner_id.mapped("name"))))
        return exchanges._edi_action_open()
