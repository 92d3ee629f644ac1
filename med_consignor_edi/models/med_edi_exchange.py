import contextlib
import contextvars
import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from psycopg2 import errors as pg_errors

from medtrace.edi.codecs import decode, encode
from medtrace.edi.errors import EdiError
from medtrace.edi.message import fingerprint
from medtrace.edi.schemas import SCHEMAS
from medtrace.edi.validate import clean, validate

from .edi_messages import addon_problem, codec_problem

_logger = logging.getLogger(__name__)

#: the unique index (created in ``init``) letting one delivery only of a message end processed
MESSAGE_ONCE_INDEX = "med_edi_exchange_message_once"
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "edifact": "edi"}
#: set (in this thread) while the system itself creates or changes exchanges; nothing a
#: client sends (context, values) can set it
_SYSTEM = contextvars.ContextVar("med_edi_system", default=False)


class EdiRefused(Exception):
    """A message that cannot be turned into documents; carries problem values."""

    def __init__(self, problems):
        super().__init__(len(problems))
        self.problems = problems


class _Duplicate(Exception):
    def __init__(self, original, problem):
        super().__init__(original.id)
        self.original = original
        self.problem = problem


class MedEdiExchange(models.Model):
    """One message received from or sent to a consignor (OCA ``edi.exchange.record``)."""

    _name = "med.edi.exchange"
    _inherit = ["mail.thread"]
    _description = "Consignor EDI Exchange"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    backend_id = fields.Many2one(
        "med.edi.backend", required=True, index=True, ondelete="restrict", readonly=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="backend_id.partner_id", store=True, string="Consignor")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")], required=True, readonly=True
    )
    message_type = fields.Selection(
        [(name, schema.title) for name, schema in SCHEMAS.items()], readonly=True
    )
    file_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"), ("edifact", "EANCOM (EDIFACT)")],
        string="Format", readonly=True,
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    file_name = fields.Char(readonly=True, index="btree_not_null")
    file_size = fields.Integer(
        string="Size (bytes)", readonly=True,
        help="Of the file received or sent; a file refused for its size is not stored.",
    )
    checksum = fields.Char(
        string="SHA-256", readonly=True, index=True,
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
        [("received", "Received"), ("validated", "Validated"), ("processed", "Processed"),
         ("duplicate", "Duplicate"), ("draft", "Draft"), ("generated", "Generated"),
         ("sent", "Sent"), ("error", "Error")],
        required=True, readonly=True, index=True, tracking=True,
    )
    duplicate_of_id = fields.Many2one("med.edi.exchange", readonly=True)
    problem_ids = fields.One2many("med.edi.problem", "exchange_id", readonly=True)
    problem_count = fields.Integer(compute="_compute_problem_count")
    line_count = fields.Integer(readonly=True)
    period = fields.Char(
        readonly=True, index="btree_not_null",
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
        raise AccessError(_(
            "Exchanges are recorded by the system only, as files are received, processed, "
            "generated and sent: %(operation)s of %(fields)s refused.",
            operation=operation, fields=", ".join(sorted(names)) or "-"))

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

    @api.depends("direction", "message_type", "message_ident")
    def _compute_name(self):
        labels = dict(self._fields["message_type"]._description_selection(self.env))
        for exchange in self:
            exchange.name = " ".join(filter(None, (
                labels.get(exchange.message_type) or _("Unknown message"),
                exchange.message_ident or (exchange.id and f"#{exchange.id}") or "",
            )))

    def _compute_problem_count(self):
        counts = dict(self.env["med.edi.problem"]._read_group(
            [("exchange_id", "in", self.ids)], ["exchange_id"], ["__count"]))
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

    def _edi_attach(self, data, filename):
        """Store ``data`` as this exchange's file, keeping the previous one in the chatter."""
        self.ensure_one()
        previous = self.attachment_id
        attachment = self.env["ir.attachment"].sudo().create({
            "name": filename,
            "raw": data,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/octet-stream",
        })
        self._edi_write({"attachment_id": attachment.id, "checksum": fingerprint(data),
                         "file_name": filename, "file_size": len(data)})
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
            raise UserError(_("Only an inbound message in error can be corrected "
                              "(%(exchange)s is %(state)s).", exchange=self.display_name,
                              state=self._state_label()))
        limit = self.backend_id._edi_limits().max_bytes
        if len(data) > limit:
            raise UserError(_("The corrected file %(file)s has %(size)s bytes, more than the "
                              "%(maximum)s allowed.", file=filename, size=len(data),
                              maximum=limit))
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
                raise UserError(_("%(exchange)s is %(state)s: only received messages or "
                                  "messages in error are processed.",
                                  exchange=exchange.display_name,
                                  state=exchange._state_label()))
            exchange._edi_process_one()
        return True

    def _edi_duplicate_of(self, domain):
        return self.search([
            ("backend_id", "=", self.backend_id.id), ("direction", "=", "in"),
            ("state", "=", "processed"), ("id", "!=", self.id), *domain,
        ], limit=1)

    def _edi_process_one(self):
        self.ensure_one()
        self.problem_ids.sudo().unlink()
        original = self._edi_duplicate_of([("checksum", "=", self.checksum)])
        if original:
            return self._edi_set_duplicate(original, addon_problem(
                self.env, "duplicate_content", exchange=original.display_name))
        vals = {}
        try:
            with self.env.cr.savepoint():
                # the documents are created for the consignor by the system, as the user
                record, warnings = self.sudo()._edi_process_data(vals)
                self._edi_write({
                    **vals,
                    "state": "processed",
                    "date_processed": fields.Datetime.now(),
                    "res_model": record._name if record else False,
                    "res_id": record.id if record else False,
                    "problem_ids": [Command.create(p) for p in warnings],
                })
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
                self._edi_duplicate_of([("message_type", "=", self.message_type),
                                        ("message_ident", "=", vals.get("message_ident"))]),
                addon_problem(self.env, "duplicate_concurrent", value=vals.get("message_ident"),
                              consignor=self.backend_id.partner_id.display_name), vals)
        except Exception as exc:
            return self._edi_set_failed(exc, vals)
        self._edi_invalidate_document()
        return record

    def _edi_set_failed(self, exc, vals):
        _logger.exception("EDI exchange %s could not be processed", self.id)
        self._edi_set_error([addon_problem(
            self.env, "processing_failed", reason=str(exc)[:500])], vals)
        return False

    def _edi_invalidate_document(self):
        """The linked documents list their exchanges again (a non-stored compute)."""
        for exchange in self.filtered(lambda e: e.res_model and e.res_id):
            document = self.env[exchange.res_model].browse(exchange.res_id)
            if "med_edi_exchange_ids" in document._fields:
                document.invalidate_recordset(["med_edi_exchange_ids", "med_edi_exchange_count"])

    def _edi_set_error(self, problems, vals=None):
        self._edi_write({
            **(vals or {}),
            "state": "error",
            "problem_ids": [Command.create(p) for p in problems],
        })

    def _edi_set_duplicate(self, original, problem, vals=None):
        self._edi_write({
            **(vals or {}),
            "state": "duplicate",
            "duplicate_of_id": original.id,
            "problem_ids": [Command.create({**problem, "severity": "warning"})],
        })
        return False

    def _edi_process_data(self, vals):
        """Decode, validate and import; raise EdiRefused with every problem found.

        Fills ``vals`` (format, message id...: written on the exchange whatever happens)
        and returns (document, warning problem values).
        """
        backend = self.backend_id
        if not self.message_type:
            raise EdiRefused([addon_problem(
                self.env, "wrong_direction", value=self.file_name or "?")])
        data = self.attachment_id.raw or b""
        try:
            message = decode(data, self.message_type, mapping=backend._edi_mapping(),
                             limits=backend._edi_limits())
        except EdiError as exc:
            raise EdiRefused([codec_problem(self.env, exc.as_problem())])
        vals.update(file_format=message.format, message_ident=message.message_id,
                    line_count=len(message.lines))
        if message.format not in backend._edi_formats():
            raise EdiRefused([addon_problem(
                self.env, "format_not_accepted", value=message.format,
                expected=", ".join(backend._edi_formats()))])
        if message.message_id:
            original = self._edi_duplicate_of([("message_type", "=", self.message_type),
                                               ("message_ident", "=", message.message_id)])
            if original:
                raise _Duplicate(original, addon_problem(
                    self.env, "duplicate_message", value=message.message_id,
                    consignor=backend.partner_id.display_name,
                    exchange=original.display_name))
        problems = validate(message)
        if any(p.is_error for p in problems):
            raise EdiRefused([codec_problem(self.env, p) for p in problems])
        warnings = [codec_problem(self.env, p) for p in problems]
        typed = clean(message)
        code = typed.header.get("consignor_code")
        if backend.consignor_code and code and code != backend.consignor_code:
            raise EdiRefused([addon_problem(
                self.env, "wrong_consignor", field="consignor_code", value=code,
                expected=backend.consignor_code)])
        self._edi_write({"state": "validated", **vals})
        importer = getattr(self, f"_edi_import_{self.message_type}")
        record = importer(typed)
        return record, warnings

    # -- lookups shared by the importers (one query per kind of identifier) ----------

    def _edi_resolve_products(self, lines):
        """{line number: product.product} and the problems of lines whose product is
        unknown.  Looked up by UDI-DI (med.product.di), GTIN (DI or barcode) and the
        consignor's product code (product.supplierinfo, then internal reference)."""
        company = self.backend_id.company_id
        Product = self.env["product.product"].sudo()
        dis = {line.values.get("di") for line in lines} - {None}
        gtins = {line.values.get("gtin") for line in lines} - {None}
        codes = {line.values.get("product_code") for line in lines} - {None}
        by_di, by_barcode, by_code = {}, {}, {}
        if (dis or gtins) and "med.product.di" in self.env:
            for rec in self.env["med.product.di"].sudo().search_fetch(
                    [("di", "in", list(dis | gtins)), ("company_id", "=", company.id)],
                    ["di", "product_id"]):
                by_di[rec.di] = rec.product_id
        if gtins:
            forms = {}
            for gtin in gtins:
                for size in (14, 13, 12, 8):
                    if gtin[:14 - size].strip("0") == "":
                        forms[gtin[14 - size:]] = gtin
            for product in Product.search_fetch(
                    [("barcode", "in", list(forms)),
                     ("company_id", "in", [company.id, False])], ["barcode"]):
                by_barcode.setdefault(forms[product.barcode], product)
        if codes:
            consignor = self.backend_id.partner_id.commercial_partner_id
            for info in self.env["product.supplierinfo"].sudo().search_fetch(
                    [("partner_id", "child_of", consignor.id),
                     ("product_code", "in", list(codes)),
                     ("company_id", "in", [company.id, False])],
                    ["product_code", "product_id", "product_tmpl_id"]):
                by_code.setdefault(info.product_code,
                                   info.product_id or info.product_tmpl_id.product_variant_id)
            missing = codes - set(by_code)
            if missing:
                for product in Product.search_fetch(
                        [("default_code", "in", list(missing)),
                         ("company_id", "in", [company.id, False])], ["default_code"]):
                    by_code.setdefault(product.default_code, product)
        products, problems = {}, []
        for line in lines:
            values = line.values
            product = (by_di.get(values.get("di")) or by_di.get(values.get("gtin"))
                       or by_barcode.get(values.get("gtin"))
                       or by_code.get(values.get("product_code")))
            if product:
                products[line.number] = product
                continue
            field = next(name for name in ("di", "gtin", "product_code") if values.get(name))
            problems.append(addon_problem(self.env, "unknown_product", line=line.number,
                                          field=field, value=values[field]))
        return products, problems

    def _edi_check_lots(self, lines, products, must_exist):
        """Problems with the lots/serials of the lines: unknown (when they must exist)
        or known here with another expiry date.  Returns (problems, {line: lot})."""
        company = self.backend_id.company_id
        wanted = {(products[line.number].id, line.values.get("serial") or line.values.get("lot"))
                  for line in lines if line.number in products
                  and (line.values.get("serial") or line.values.get("lot"))}
        lots = {}
        if wanted:
            for lot in self.env["stock.lot"].sudo().search_fetch(
                    [("product_id", "in", list({p for p, _n in wanted})),
                     ("name", "in", list({n for _p, n in wanted})),
                     ("company_id", "in", [company.id, False])],
                    ["name", "product_id", "expiration_date"]):
                lots[lot.product_id.id, lot.name] = lot
        problems, found = [], {}
        for line in lines:
            product = products.get(line.number)
            field = "serial" if line.values.get("serial") else "lot"
            name = line.values.get(field)
            if not product or not name:
                continue
            lot = lots.get((product.id, name))
            if not lot:
                if must_exist:
                    problems.append(addon_problem(
                        self.env, "unknown_lot", line=line.number, field=field, value=name,
                        product=product.display_name))
                continue
            found[line.number] = lot
            expiry = line.values.get("expiry_date")
            if expiry and lot.expiration_date and lot.expiration_date.date() != expiry:
                problems.append(addon_problem(
                    self.env, "lot_expiry_mismatch", line=line.number, field="expiry_date",
                    value=expiry.isoformat(), lot=name, product=product.display_name,
                    expected=lot.expiration_date.date().isoformat()))
        return problems, found

    def _edi_gsp_problems(self, partners, products, role):
        """The GSP quality addon's refusals (locked partner, unqualified product)."""
        if "gsp.qualification" not in self.env:
            return []
        Qualification = self.env["gsp.qualification"]
        if not hasattr(Qualification, "_gsp_check_business"):
            return []
        refusals = Qualification._gsp_check_business(
            partners, products, self.display_name, role=role)
        return [{"code": "gsp_refused", "line": 0, "field": False, "value": "",
                 "message": refusal, "severity": "error"} for refusal in refusals]

    def _edi_customer(self, message, problems):
        code = message.header.get("customer_code")
        customer = self.env["res.partner"].sudo().search(
            [("ref", "=", code),
             ("company_id", "in", [self.backend_id.company_id.id, False])], limit=1)
        if not customer:
            problems.append(addon_problem(self.env, "unknown_customer", line=message.header_line,
                                          field="customer_code", value=code))
        return customer

    def _edi_lookup(self, message, must_exist_lots, partners, role):
        """Products and lots of every line, with every problem (unknown product, lot,
        expiry mismatch, GSP lock): raises EdiRefused when there is any."""
        products, problems = self._edi_resolve_products(message.lines)
        lot_problems, lots = self._edi_check_lots(message.lines, products, must_exist_lots)
        problems += lot_problems
        all_products = self.env["product.product"].union(*products.values())
        problems += self._edi_gsp_problems(partners, all_products, role)
        return products, lots, problems

    # -- importers: one per inbound message type -------------------------------------

    def _edi_document_vals(self, message):
        return {
            "med_edi_backend_id": self.backend_id.id,
            "med_edi_order_ref": message.header.get("order_ref"),
        }

    def _edi_import_purchase_order(self, message):
        backend = self.backend_id
        products, _lots, problems = self._edi_lookup(
            message, False, backend.partner_id, "supplier")
        if problems:
            raise EdiRefused(problems)
        header = message.header
        planned = header.get("expected_date") or header["date"]
        company = backend.company_id
        fiscal_position = self.env["account.fiscal.position"].with_company(company) \
            ._get_fiscal_position(backend.partner_id)  # fmt: skip
        per_product = {}
        lines = []
        for line in message.lines:
            product = products[line.number]
            if product not in per_product:
                # what purchase's onchange would deduce, once per product (not per line)
                taxes = product.supplier_taxes_id._filter_taxes_by_company(company)
                per_product[product] = (product.display_name,
                                        fiscal_position.map_tax(taxes).ids)
            name, tax_ids = per_product[product]
            quantity = float(line.values["quantity"])
            price = line.values.get("unit_price")
            if price is None:
                seller = product._select_seller(partner_id=backend.partner_id,
                                                quantity=quantity, uom_id=product.uom_po_id)
                price = seller.price if seller else product.standard_price
            lines.append(Command.create({
                "product_id": product.id,
                "name": line.values.get("product_name") or name,
                "product_qty": quantity,
                "product_uom": product.uom_po_id.id,
                "date_planned": planned,
                "price_unit": float(price),
                "taxes_id": [Command.set(tax_ids)],
            }))
        order = self.env["purchase.order"].create({
            **self._edi_document_vals(message),
            "partner_id": backend.partner_id.id,
            "company_id": backend.company_id.id,
            "partner_ref": header.get("order_ref"),
            "origin": header.get("message_id"),
            "date_planned": planned,
            "order_line": lines,
        })
        if backend.confirm_orders:
            order.button_confirm()
            order.picking_ids.write({"owner_id": backend.partner_id.id,
                                     "med_edi_backend_id": backend.id,
                                     "med_edi_order_ref": header.get("order_ref")})
        return order

    def _edi_import_purchase_return(self, message):
        backend = self.backend_id
        products, lots, problems = self._edi_lookup(message, True, backend.partner_id, "supplier")
        if problems:
            raise EdiRefused(problems)
        warehouse = backend.company_id._med_warehouse()
        return self._edi_create_picking(
            message, products, lots, warehouse.out_type_id, warehouse.lot_stock_id,
            self.env.ref("stock.stock_location_suppliers"), backend.partner_id)

    def _edi_import_sales_order(self, message):
        return self._edi_import_customer_transfer(message, outgoing=True)

    def _edi_import_sales_return(self, message):
        return self._edi_import_customer_transfer(message, outgoing=False)

    def _edi_import_customer_transfer(self, message, outgoing):
        """A sales order (shipped from the consignor's stock) or a sales return (received
        back into it): a transfer between our stock and the customer."""
        backend = self.backend_id
        problems = []
        customer = self._edi_customer(message, problems)
        products, lots, more = self._edi_lookup(
            message, True, customer or backend.partner_id, "customer")
        problems += more
        if problems:
            raise EdiRefused(problems)
        warehouse = backend.company_id._med_warehouse()
        stock = warehouse.lot_stock_id
        customers = self.env.ref("stock.stock_location_customers")
        if outgoing:
            return self._edi_create_picking(
                message, products, lots, warehouse.out_type_id, stock, customers, customer)
        return self._edi_create_picking(
            message, products, lots, warehouse.in_type_id, customers, stock, customer)

    def _edi_create_picking(self, message, products, lots, picking_type, source, destination,
                            partner):
        """One confirmed transfer of the consignor's stock (owner), a move per line,
        reserving the lot a line names (``med_edi_lot_id``)."""
        backend = self.backend_id
        owner = backend.partner_id
        moves = []
        for line in message.lines:
            product = products[line.number]
            lot = lots.get(line.number)
            moves.append(Command.create({
                "name": product.display_name,
                "product_id": product.id,
                "product_uom_qty": float(line.values["quantity"]),
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "restrict_partner_id": owner.id,
                "med_edi_lot_id": lot.id if lot else False,
                "description_picking": lot.name if lot else line.values.get("lot"),
                "company_id": backend.company_id.id,
            }))
        picking = self.env["stock.picking"].create({
            **self._edi_document_vals(message),
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": partner.id,
            "owner_id": owner.id,
            "origin": message.header.get("order_ref"),
            "company_id": backend.company_id.id,
            "move_ids": moves,
        })
        picking.action_confirm()
        return picking

    def _edi_import_stock_statement(self, message):
        """Compare the consignor's figures with ours: a reconciliation, and the stock
        comparison message sent back."""
        backend = self.backend_id
        products, problems = self._edi_resolve_products(message.lines)
        if problems:
            raise EdiRefused(problems)
        reconciliation = self.env["med.edi.reconciliation"]._edi_compare(
            backend, message, products, self)
        reconciliation._edi_send_comparison()
        return reconciliation

    # -- outbound -------------------------------------------------------------------

    def _edi_outbound_message_id(self):
        self.ensure_one()
        prefix = "".join(part[0] for part in self.message_type.split("_")).upper()
        return f"{prefix}-{self.backend_id.id}-{self.id:08d}"

    def _edi_encode(self, message, send=True):
        """Validate and write ``message`` as this outbound exchange's file; send it at
        once when its channel is a folder and ``send`` is set."""
        self.ensure_one()
        problems = validate(message)
        vals = {"message_ident": message.message_id, "line_count": len(message.lines)}
        if any(p.is_error for p in problems):
            self._edi_set_error([codec_problem(self.env, p) for p in problems], vals)
            return False
        try:
            data = encode(message, self.file_format, lang=self.backend_id.outbound_lang)
        except EdiError as exc:
            self._edi_set_error([codec_problem(self.env, exc.as_problem())], vals)
            return False
        self._edi_write({**vals, "state": "generated"})
        self._edi_attach(data, f"{message.message_id}.{EXTENSIONS[self.file_format]}")
        if send and self.backend_id.channel == "folder" \
                and self.env.context.get("med_edi_send", True):  # fmt: skip
            self._edi_send()
        return True

    def _edi_send(self):
        """Write generated outbound files to their backend's outbox."""
        for exchange in self.filtered(lambda e: e.direction == "out" and e.state == "generated"):
            backend = exchange.backend_id
            if backend.channel != "folder":
                continue
            try:
                backend._edi_write_outbox(exchange.file_name, exchange.attachment_id.raw)
            except (OSError, ValidationError) as exc:
                _logger.warning("EDI exchange %s not written: %s", exchange.id, exc)
                continue
            exchange._edi_write({"state": "sent", "date": fields.Datetime.now()})
        return True

    def _edi_action_open(self):
        """The window showing these exchanges (a form when there is one)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_consignor_edi.med_edi_exchange_action")
        if len(self) == 1:
            action.update(res_id=self.id, view_mode="form",
                          views=[(False, "form")])
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
            "document": ({"model": self.res_model, "id": self.res_id}
                         if self.res_model and self.res_id else None),
            "problems": [{
                "severity": p.severity, "line": p.line or None, "field": p.field or None,
                "value": p.value or None, "message": p.message, "code": p.code,
            } for p in self.problem_ids],
        }
