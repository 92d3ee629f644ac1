import datetime
import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from medtrace.udi import UdiError, gs1_element_string, parse

_logger = logging.getLogger(__name__)

OPERATIONS = (
    "receipt", "receipt_reject", "issue", "borrow", "return", "transfer", "use", "quarantine",
    "scrap", "count", "trace",
)

#: the device states a unit must be in for each operation
ALLOWED_STATES = {
    "issue": ("in_stock",),
    "borrow": ("in_stock",),
    "return": ("issued", "borrowed"),
    "transfer": ("issued", "borrowed"),
    "use": ("issued", "borrowed"),
    "quarantine": ("in_stock", "issued", "borrowed", "expired", "recalled"),
    "scrap": ("in_stock", "quarantined", "expired", "recalled"),
}

#: operations that take a unit from the store: not while it is still being received
#: (the input and quality control steps of a warehouse receiving in two or three steps)
RECEPTION_BLOCKED = ("issue", "borrow")

#: operations refused when the scanned UDI disagrees with the recorded unit (lot, expiry,
#: manufacturing date): those that receive, count or put a unit to use; not those that
#: look at it, record its rejection or take it out of use (a unit whose label does not
#: match its record is rather quarantined or scrapped)
AGREEMENT_OPERATIONS = ("receipt", "issue", "borrow", "return", "transfer", "use", "count")

#: keys of the environment's context the server's own code sets (a recall moving units
#: from where it found them): never taken from a client calling the scan service
INTERNAL_CONTEXT_KEYS = ("med_source_location_id",)

#: operations whose document is created and validated by a single scan
DOCUMENT_MODELS = {
    "receipt": "med.receipt.check",
    "receipt_reject": "med.receipt.check",
    "issue": "med.device.issue",
    "borrow": "med.device.issue",
    "return": "med.device.issue",
    "transfer": "med.device.issue",
    "use": "med.device.use",
    "quarantine": "med.device.quarantine",
    "scrap": "med.device.scrap",
}

#: the largest record id (PostgreSQL integer)
MAX_ID = 2**31 - 1

#: context keys of a scan naming a record: the model it must be a readable record of
#: (employees are checked as the public employee every internal user may read)
CONTEXT_RECORDS = {
    "picking_id": "stock.picking",
    "purchase_id": "purchase.order",
    "department_id": "hr.department",
    "dest_department_id": "hr.department",
    "requester_id": "hr.employee.public",
    "surgeon_id": "hr.employee.public",
    "location_id": "stock.location",
    "certificate_attachment_id": "ir.attachment",
    "count_id": "med.count",
    "med_count_id": "med.count",
}
#: context keys of a scan holding a date
CONTEXT_DATES = ("expected_return_date",)
#: context keys of a scan holding text
CONTEXT_TEXTS = (
    "certificate_number", "patient_identifier", "encounter_ref", "surgery_ref", "reason",
    "note",
)


class MedScanRefused(UserError):
    """A scan refused: its message is shown to the user, nothing is written."""


class MedDeviceScan(models.AbstractModel):
    """One entry point for every scan of a device unit's UDI.

    ``scan(raw, operation, context)`` parses the UDI, finds the product (by its device
    identifier) and the unit, checks it (``_check_scan``, the hook other addons extend),
    performs the step through the operation's document and answers a short result.
    A refused scan writes nothing: everything runs in a savepoint.  The context is
    checked first (``_med_scan_values``), and the UDI must agree with the unit recorded
    (``_check_scan_agrees``).
    """

    _name = "med.device.scan"
    _description = "Medical Device Scan Service"

    # ------------------------------------------------------------------ entry point
    @api.model
    def scan(self, raw, operation, context=None):
        """Scan ``raw`` (a UDI as the scanner sent it) for ``operation``.

        ``context`` is a dict of the operation's data (picking_id or purchase_id,
        department_id, dest_department_id, requester_id, location_id, certificate_number,
        patient_identifier, encounter_ref, surgery_ref, surgeon_id, reason, document_id,
        expected_return_date...).  Called over JSON-RPC with ``context`` as a keyword it
        arrives as the environment's context, which is read instead.

        Returns ``{"ok", "message", "lot_id", "product_id", "state", "operation",
        "quantity", "res_model", "res_id"}``.
        """
        scanner = self.with_context(**dict.fromkeys(INTERNAL_CONTEXT_KEYS))
        scan = {"operation": operation, "raw": raw}
        if context is not None and not isinstance(context, dict):
            return scanner._scan_result(scan, False, scanner._scan_context_refusal(context))
        values = dict(scanner.env.context if context is None else context)
        try:
            with scanner.env.cr.savepoint():
                result = scanner._scan(raw, operation, values, scan)
        except UserError as error:  # refusals, access and validation errors
            return scanner._scan_result(scan, False, error.args[0])
        return result

    def _scan_context_refusal(self, value):
        return _("The scan context must be a dictionary of values, not %(value)s.",
                 value=repr(value)[:60])

    def _scan_result(self, scan, ok, message, **extra):
        lot = scan.get("lot")
        product = scan.get("product")
        result = {
            "ok": ok,
            "message": message,
            "operation": scan.get("operation"),
            "lot_id": lot.id if lot else False,
            "product_id": product.id if product else False,
            "state": (lot.med_state or "") if lot and ok else "",
            "quantity": scan.get("quantity", 0.0),
            "res_model": False,
            "res_id": False,
        }
        result.update(extra)
        return result

    def _refuse(self, message):
        raise MedScanRefused(message)

    def _parse(self, raw):
        try:
            return parse(raw)
        except UdiError as error:
            # the templates are listed in med_udi_messages for the translation export
            self._refuse(_(error.template, **error.params))  # pylint: disable=translation-required

    def _scan(self, raw, operation, values, scan):
        if operation not in OPERATIONS:
            self._refuse(_("Unknown scan operation %(operation)s: use one of %(operations)s.",
                           operation=operation, operations=", ".join(OPERATIONS)))
        values = self._med_scan_values(operation, values)
        parsed = self._parse(raw)
        identifier = self.env["med.product.di"]._find_by_di(parsed.di)
        if not identifier:
            self._refuse(_("No device product has the identifier %(di)s (UDI %(raw)s).",
                           di=parsed.di, raw=raw))
        product = identifier.product_id
        if product.tracking == "serial" and not parsed.serial:
            self._refuse(_("%(product)s is tracked by serial number but the UDI %(raw)s "
                           "carries none.", product=product.display_name, raw=raw))
        if product.tracking == "lot" and not parsed.lot:
            self._refuse(_("%(product)s is tracked by lot but the UDI %(raw)s carries none.",
                           product=product.display_name, raw=raw))
        lot = self.env["stock.lot"]._med_find_unit(product, parsed.lot, parsed.serial)
        quantity = 1.0 if product.tracking == "serial" else identifier.quantity * (
            parsed.quantity or 1
        )
        scan.update(self._med_scan_dict(operation, product, lot, quantity, values=values))
        scan.update(parsed=parsed, raw=raw, di=identifier)
        self._scan_prepare(scan)
        problems = self._check_scan(scan)
        if problems:
            self._refuse("\n".join(problems))
        return getattr(self, f"_scan_do_{operation}")(scan)

    def _med_scan_values(self, operation, values):
        """The scan's context ``values`` checked before anything uses them (over JSON-RPC
        they are anything): each record id (``CONTEXT_RECORDS``, ``document_id``) names a
        record the user may read, each date is a date, each text is text; else the scan
        is refused naming the key and the value.  Returns them with dates as dates (empty
        values, False, None, 0 or "", mean no value, as before)."""
        values = dict(values)
        records = dict(CONTEXT_RECORDS)
        if operation in DOCUMENT_MODELS:
            records["document_id"] = DOCUMENT_MODELS[operation]
        wanted = {}  # model: {key: id}
        for key, model in records.items():
            value = values.get(key)
            if not value:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
                self._refuse(_(
                    "The scan context value %(key)s = %(value)s is not the id of a record.",
                    key=key, value=self._med_value_label(value),
                ))
            wanted.setdefault(model, {})[key] = value
        for model, ids in wanted.items():
            found = self._med_readable_ids(model, set(ids.values()))
            for key, value in ids.items():
                if value not in found:
                    self._refuse(_(
                        "The scan context value %(key)s = %(value)s is unknown: no %(model)s "
                        "with this id that you may read.",
                        key=key, value=value, model=self.env[model]._description,
                    ))
        for key in CONTEXT_DATES:
            value = values.get(key)
            if value and not isinstance(value, datetime.date):
                try:
                    values[key] = fields.Date.to_date(value) if isinstance(value, str) else None
                except ValueError:
                    values[key] = None
                if values[key] is None:
                    self._refuse(_(
                        "The scan context value %(key)s = %(value)s is not a date "
                        "(YYYY-MM-DD expected).", key=key, value=self._med_value_label(value),
                    ))
        for key in CONTEXT_TEXTS:
            value = values.get(key)
            if value and not isinstance(value, str):
                self._refuse(_(
                    "The scan context value %(key)s = %(value)s is not text.",
                    key=key, value=self._med_value_label(value),
                ))
        return values

    def _med_readable_ids(self, model, ids):
        """Those of ``ids`` naming a record of ``model`` the user may read (one query):
        another company's record is unknown, like one that does not exist."""
        try:
            return set(self.env[model].with_context(active_test=False).search(
                [("id", "in", list(ids))]).ids)
        except AccessError:
            return set()

    def _med_value_label(self, value):
        """A context value as a refusal quotes it (cut short: a client sends anything)."""
        label = repr(value)
        return label if len(label) <= 60 else label[:57] + "..."

    @api.model
    def _med_scan_dict(self, operation, product, lot, quantity, values=None, department=None,
                       document=None):
        """The ``scan`` dict given to ``_check_scan`` (also built by the documents when they
        are validated, so a unit entered by hand is checked like a scanned one)."""
        values = values or {}
        if department is None:
            department = self.env["hr.department"].browse(values.get("department_id") or [])
        if document is None and values.get("document_id") and operation in DOCUMENT_MODELS:
            document = self.env[DOCUMENT_MODELS[operation]].browse(values["document_id"])
        return {
            "operation": operation,
            "parsed": None,
            "product": product,
            "lot": lot,
            "quantity": quantity,
            "partner": lot.med_supplier_id if lot else self.env["res.partner"],
            "location": self.env["stock.location"].browse(values.get("location_id") or []),
            "department": department,
            "company": self.env.company,
            "document": document,
            "values": values,
        }

    def _scan_prepare(self, scan):
        """Complete ``scan`` from the operation's context (picking, partner...)."""
        values = scan["values"]
        if scan["operation"] in ("receipt", "receipt_reject"):
            picking = self.env["stock.picking"]
            if values.get("picking_id"):
                picking = picking.browse(values["picking_id"])
            elif values.get("purchase_id"):
                order = self.env["purchase.order"].browse(values["purchase_id"])
                picking = order.picking_ids.filtered(
                    lambda p: p.picking_type_code == "incoming"
                    and p.state not in ("done", "cancel")
                )[:1]
            scan["picking"] = picking
            scan["partner"] = picking.partner_id
            scan["location"] = picking.location_dest_id
            if picking:
                scan["company"] = picking.company_id
        document = scan.get("document")
        if document and "department_id" in document._fields and not scan["department"]:
            scan["department"] = document.department_id

    # ------------------------------------------------------------------ the hook
    def _check_scan(self, scan):
        """Why the scanned unit may not go through ``scan["operation"]``.

        Returns a list of translated messages (empty: allowed).  Extend it with
        ``problems = super()._check_scan(scan)`` then append your own messages.
        ``scan`` keys: operation, parsed (medtrace UdiResult, None when a document is
        validated), product, lot (may be empty at receipt), quantity, partner, location,
        department, company, document, values (the caller's context dict).
        """
        operation = scan["operation"]
        if operation == "receipt":
            return self._check_scan_agrees(scan) or self._check_scan_receipt(scan)
        if operation == "receipt_reject":
            return self._check_scan_receipt_reject(scan)
        if operation in ("count", "trace"):
            if not scan["lot"]:
                return [self._unknown_unit_message(scan)]
            return self._check_scan_agrees(scan)
        return self._check_scan_unit(scan)

    def _check_scan_agrees(self, scan):
        """Where the scanned UDI disagrees with the unit found (same product and serial,
        or lot): its manufacturer lot, expiry or manufacturing date, for the operations
        refusing a label that does not match the record (``AGREEMENT_OPERATIONS``)."""
        parsed = scan.get("parsed")
        lot = scan.get("lot")
        if not parsed or not lot or scan["operation"] not in AGREEMENT_OPERATIONS:
            return []
        return lot._med_udi_disagreements(parsed)

    def _unknown_unit_message(self, scan):
        parsed = scan.get("parsed")
        return _("%(product)s %(unit)s is unknown: it was never received.",
                 product=scan["product"].display_name,
                 unit=(parsed.serial or parsed.lot) if parsed else "")

    def _unit_label(self, scan):
        return _("%(product)s unit %(unit)s", product=scan["product"].display_name,
                 unit=scan["lot"].name)

    def _check_scan_unit(self, scan):
        lot = scan["lot"]
        operation = scan["operation"]
        if not lot:
            return [self._unknown_unit_message(scan)]
        problems = []
        unit = self._unit_label(scan)
        state = lot.med_state
        if lot.expiration_date and lot.expiration_date <= fields.Datetime.now() and \
                operation in ("issue", "borrow", "transfer", "use"):
            return [_("%(unit)s expired on %(date)s.", unit=unit,
                      date=fields.Date.to_string(lot.expiration_date.date()))]
        disagreements = self._check_scan_agrees(scan)
        if disagreements:
            return disagreements
        by_lot = lot.product_id.tracking != "serial"
        if operation in RECEPTION_BLOCKED:
            problem = self._med_reception_problem(scan, unit)
            if problem:
                return [problem]
        if by_lot and state in ("recalled", "expired"):
            allowed = ALLOWED_STATES[operation]
        elif by_lot:
            # a lot spreads over several places: its quantity at the source decides
            allowed = (state,)
        else:
            allowed = ALLOWED_STATES[operation]
        if state not in allowed:
            labels = dict(lot._fields["med_state"]._description_selection(self.env))
            if state == "recalled":
                problems.append(_("%(unit)s is recalled.", unit=unit))
            elif state == "quarantined":
                problems.append(_("%(unit)s is in quarantine.", unit=unit))
            elif state == "used":
                problems.append(_("%(unit)s was already used on a patient.", unit=unit))
            elif state == "expired":
                problems.append(_("%(unit)s is expired.", unit=unit))
            else:
                problems.append(_(
                    "%(unit)s is %(state)s at %(location)s: %(operation)s expects it %(where)s.",
                    unit=unit, state=labels.get(state, state or "-"),
                    location=lot.med_location_id.display_name or "-",
                    operation=dict(self._operation_labels())[operation],
                    where=", ".join(labels[s] for s in ALLOWED_STATES[operation]),
                ))
            return problems
        department = scan["department"]
        if operation in ("issue", "borrow", "use", "transfer", "return") and not department:
            problems.append(_("Choose the department for %(operation)s.",
                              operation=dict(self._operation_labels())[operation]))
        elif operation in ("use", "transfer", "return") and not by_lot and \
                lot.med_department_id != department:
            problems.append(_(
                "%(unit)s is held by %(holder)s, not by %(department)s.", unit=unit,
                holder=lot.med_department_id.display_name or _("the store"),
                department=department.display_name,
            ))
        values = scan["values"]
        if not scan.get("document"):
            if operation == "use" and not values.get("patient_identifier"):
                problems.append(_("Give the patient identifier of the use on a patient."))
            if operation in ("quarantine", "scrap") and not values.get("reason"):
                problems.append(_("Give the reason of the %(operation)s.",
                                  operation=dict(self._operation_labels())[operation]))
            if operation == "borrow" and not values.get("expected_return_date"):
                problems.append(_("Give the expected return date of the borrow."))
        if operation == "transfer":
            document = scan.get("document")
            dest = document.dest_department_id if document else self.env[
                "hr.department"].browse(values.get("dest_department_id") or [])
            if not dest:
                problems.append(_("Choose the department the unit is transferred to."))
            elif dest == lot.med_department_id:
                problems.append(_("%(unit)s is already at %(department)s.", unit=unit,
                                  department=dest.display_name))
        if by_lot:
            source = self._med_source_location(lot, operation, department)
            available = source and sum(self.env["stock.quant"].sudo()._gather(
                lot.product_id, source, lot_id=lot, strict=True
            ).mapped("quantity"))
            if scan["quantity"] > (available or 0.0):
                problems.append(_(
                    "%(unit)s: %(quantity)s requested, only %(available)s at %(location)s.",
                    unit=unit, quantity=scan["quantity"], available=available or 0.0,
                    location=source.display_name or "-",
                ))
        document = scan.get("document")
        if document and not scan.get("validating") and "line_ids" in document._fields and \
                lot in document.line_ids.lot_id and lot.product_id.tracking == "serial":
            problems.append(_("%(unit)s is already on %(document)s.", unit=unit,
                              document=document.display_name))
        return problems

    @api.model
    def _med_reception_locations(self, company):
        """The input and quality control locations of ``company``'s warehouses that
        receive in two or three steps: units there are not put away yet."""
        warehouses = self.env["stock.warehouse"].sudo().search(
            [("company_id", "=", company.id), ("reception_steps", "!=", "one_step")])
        return warehouses.wh_input_stock_loc_id | warehouses.wh_qc_stock_loc_id

    @api.model
    def _med_in_reception(self, locations, company):
        """The part of ``locations`` inside the reception steps of ``company``."""
        reception = self._med_reception_locations(company)
        return locations.filtered(lambda loc: any(
            loc.parent_path.startswith(step.parent_path) for step in reception))

    def _med_reception_problem(self, scan, unit):
        """Why a unit cannot leave the store yet: all of it (a serial unit, or the
        quantity asked of a lot) still sits in reception, waiting to be put away."""
        lot = scan["lot"]
        company = lot.company_id or scan["company"] or self.env.company
        if not self._med_reception_locations(company):
            return None  # every warehouse receives straight into stock
        quants = self.env["stock.quant"].sudo().search([
            ("lot_id", "=", lot.id), ("location_id.usage", "=", "internal"),
            ("quantity", ">", 0),
        ])
        waiting = quants.filtered(
            lambda q: q.location_id in self._med_in_reception(q.location_id, company))
        if not waiting:
            return None
        if lot.product_id.tracking != "serial":
            # a lot leaves from the store holding it (see _med_source_location)
            source = self._med_source_location(lot, scan["operation"], scan["department"])
            if sum(quants.filtered(lambda q: q.location_id == source).mapped("quantity")) \
                    >= scan["quantity"]:  # fmt: skip
                return None
        transfers = self.env["stock.move.line"].sudo().search([
            ("lot_id", "=", lot.id), ("state", "not in", ("done", "cancel")),
            ("location_id", "in", waiting.location_id.ids),
        ]).picking_id
        return _("%(unit)s is still being received at %(location)s: put it away first "
                 "(%(transfer)s).", unit=unit,
                 location=", ".join(waiting.location_id.mapped("display_name")),
                 transfer=", ".join(transfers.mapped("name")) or _("no transfer planned"))

    @api.model
    def _med_source_location(self, lot, operation, department=None):
        """Where the operation takes the unit from.  A serial unit is in one place; a lot
        is taken from the main store (issue, borrow, quarantine, scrap) or from the
        department's sub-store (return, transfer, use)."""
        if lot.product_id.tracking == "serial":
            return lot.med_location_id
        if operation in ("return", "transfer", "use") and department:
            return department.med_location_id
        company = lot.company_id or self.env.company
        if operation == "release":
            return company.med_quarantine_location_id
        quants = self.env["stock.quant"].sudo().search([
            ("lot_id", "=", lot.id), ("location_id.usage", "=", "internal"),
            ("quantity", ">", 0),
        ])
        sub_store = self.env["hr.department"]._med_from_locations(quants.location_id)
        reception = self._med_in_reception(quants.location_id, company)
        store = quants.filtered(
            lambda q: q.location_id != company.med_quarantine_location_id
            and q.location_id not in sub_store
            and q.location_id not in reception
        )
        if operation in ("quarantine", "scrap") and not store:
            store = quants
        return max(store, key=lambda q: q.quantity).location_id if store else \
            self.env["stock.location"]

    def _check_scan_receipt(self, scan):
        picking = scan.get("picking")
        product = scan["product"]
        parsed = scan["parsed"]
        values = scan["values"]
        if not picking:
            return [_("Scan receipts against a purchase order's incoming shipment.")]
        if picking.state in ("done", "cancel"):
            return [_("Receipt %(picking)s is already closed.", picking=picking.name)]
        moves = picking.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )
        order = picking.purchase_id.name or picking.name
        if not moves:
            return [_("%(product)s is not on purchase order %(order)s.",
                      product=product.display_name, order=order)]
        problems = []
        ordered = sum(moves.mapped("product_uom_qty"))
        accepted = sum(self.env["med.receipt.check.line"].search([
            ("check_id.picking_id", "=", picking.id),
            ("check_id.state", "!=", "cancel"),
            ("product_id", "=", product.id),
        ]).mapped("quantity_accepted"))
        if accepted + scan["quantity"] > ordered:
            problems.append(_(
                "Over quantity: %(product)s ordered %(ordered)s on %(order)s, %(accepted)s "
                "already accepted, this scan adds %(quantity)s.",
                product=product.display_name, ordered=ordered, order=order,
                accepted=accepted, quantity=scan["quantity"],
            ))
        lot = scan["lot"]
        if lot and product.tracking == "serial":
            problems.append(_("%(product)s serial %(serial)s was already received.",
                              product=product.display_name, serial=lot.name))
        if parsed.expiry:
            days_left = (parsed.expiry - fields.Date.context_today(self)).days
            minimum = product.product_tmpl_id._med_min_shelf_life(scan["company"])
            if days_left < minimum:
                problems.append(_(
                    "%(product)s expires on %(date)s: %(days)s days of shelf life left, at "
                    "least %(minimum)s required.",
                    product=product.display_name, date=parsed.expiry.isoformat(),
                    days=days_left, minimum=minimum,
                ))
        elif product.use_expiration_date:
            problems.append(_("The UDI of %(product)s carries no expiry date.",
                              product=product.display_name))
        certificate = values.get("certificate_number") or (lot and lot.med_certificate_number)
        if product.med_is_device and not certificate:
            problems.append(_(
                "The certificate of conformity number of %(product)s is required.",
                product=product.display_name,
            ))
        return problems

    def _check_scan_receipt_reject(self, scan):
        """A unit may be rejected at an open receipt, with the reason of the rejection
        (nothing else: the rejection records what arrived, whatever is wrong with it)."""
        picking = scan.get("picking")
        if not picking:
            return [_("Scan receipts against a purchase order's incoming shipment.")]
        if picking.state in ("done", "cancel"):
            return [_("Receipt %(picking)s is already closed.", picking=picking.name)]
        if not (scan["values"].get("reason") or "").strip():
            return [_("Give the reason of the rejection of %(product)s.",
                      product=scan["product"].display_name)]
        return []

    # ------------------------------------------------------------------ the steps
    def _operation_labels(self):
        return [
            ("receipt", _("receipt")), ("receipt_reject", _("receipt rejection")),
            ("issue", _("issue")), ("borrow", _("borrow")),
            ("return", _("return")), ("transfer", _("transfer")),
            ("use", _("use on patient")), ("quarantine", _("quarantine")),
            ("scrap", _("scrap")), ("count", _("count")), ("trace", _("trace")),
        ]

    def _document(self, scan, create_values):
        """The draft document given in the context, or a new one (validated by the scan)."""
        document = scan.get("document")
        if document:
            if document.state != "draft":
                self._refuse(_("%(document)s is not a draft.", document=document.display_name))
            return document, False
        model = DOCUMENT_MODELS[scan["operation"]]
        return self.env[model].create(create_values), True

    def _scan_do_receipt(self, scan):
        parsed = scan["parsed"]
        values = scan["values"]
        product = scan["product"]
        picking = scan["picking"]
        check = scan.get("document") or self.env["med.receipt.check"]._med_for_picking(picking)
        lot = scan["lot"]
        if not lot:
            expiry = parsed.expiry and datetime.datetime.combine(parsed.expiry, datetime.time())
            lot = self.env["stock.lot"].create({
                "name": parsed.serial if product.tracking == "serial" else parsed.lot,
                "product_id": product.id,
                "company_id": picking.company_id.id,
                "expiration_date": expiry or False,
                "med_udi_raw": parsed.raw,
                "med_di": parsed.di,
                "med_mfr_lot": parsed.lot or False,
                "med_serial": parsed.serial or False,
                "med_manufactured_date": parsed.manufactured or False,
                "med_supplier_id": picking.partner_id.id,
                "med_quality_grade": "qualified",
                "med_certificate_number": values.get("certificate_number") or False,
                "med_certificate_attachment_id": values.get("certificate_attachment_id") or False,
            })
            scan["lot"] = lot
        else:
            self._med_complete_unit(scan, check)
        template = product.product_tmpl_id
        line = self.env["med.receipt.check.line"].create({
            "check_id": check.id,
            "product_id": product.id,
            "product_model": template.med_model,
            "product_specification": template.med_specification,
            "registration_number": template.med_registration_number,
            "lot_id": lot.id,
            "udi_raw": parsed.raw,
            "mfr_lot": parsed.lot,
            "serial": parsed.serial,
            "manufactured_date": parsed.manufactured,
            "expiry_date": parsed.expiry,
            "manufacturer_id": template.med_manufacturer_id.id,
            "supplier_id": picking.partner_id.id,
            "certificate_number": values.get("certificate_number") or lot.med_certificate_number,
            "quantity_arrived": scan["quantity"],
            "quantity_accepted": scan["quantity"],
        })
        line._med_assign_move_line()
        return self._scan_result(
            scan, True,
            _("Accepted %(quantity)s x %(product)s %(unit)s on %(check)s.",
              quantity=scan["quantity"], product=product.display_name, unit=lot.name,
              check=check.name),
            res_model=check._name, res_id=check.id, state="pending_receipt",
        )

    def _med_complete_unit(self, scan, check):
        """Fill what an existing unit received again lacks (a lot first recorded without
        its UDI data) from the UDI scanned: the system's own write of the unit's data,
        posted on the unit.  What it has already is never replaced (a disagreement was
        refused by ``_check_scan_agrees``)."""
        parsed = scan["parsed"]
        lot = scan["lot"]
        expiry = parsed.expiry and datetime.datetime.combine(parsed.expiry, datetime.time())
        scanned = {
            "med_udi_raw": parsed.raw,
            "med_di": parsed.di,
            "med_mfr_lot": parsed.lot,
            "med_serial": parsed.serial if lot.product_id.tracking == "serial" else False,
            "med_manufactured_date": parsed.manufactured,
            "expiration_date": expiry,
        }
        vals = {fname: value for fname, value in scanned.items() if value and not lot[fname]}
        if vals:
            lot._med_identity_write(vals, reason=_(
                "completed from the UDI %(raw)s scanned at receipt on %(check)s",
                raw=parsed.raw, check=check.name,
            ))

    def _scan_do_receipt_reject(self, scan):
        """Record the scanned unit as rejected on the receipt check: a check line with
        the result "rejected" and the reason; no unit is created and no stock moves."""
        parsed = scan["parsed"]
        values = scan["values"]
        product = scan["product"]
        picking = scan["picking"]
        check = scan.get("document") or self.env["med.receipt.check"]._med_for_picking(picking)
        template = product.product_tmpl_id
        self.env["med.receipt.check.line"].create({
            "check_id": check.id,
            "product_id": product.id,
            "product_model": template.med_model,
            "product_specification": template.med_specification,
            "registration_number": template.med_registration_number,
            "lot_id": scan["lot"].id,
            "udi_raw": parsed.raw,
            "mfr_lot": parsed.lot,
            "serial": parsed.serial,
            "manufactured_date": parsed.manufactured,
            "expiry_date": parsed.expiry,
            "manufacturer_id": template.med_manufacturer_id.id,
            "supplier_id": picking.partner_id.id,
            "certificate_number": values.get("certificate_number") or False,
            "quantity_arrived": scan["quantity"],
            "quantity_accepted": 0.0,
            "result": "rejected",
            "reject_reason": values["reason"].strip(),
        })
        return self._scan_result(
            scan, True,
            _("Rejected %(quantity)s x %(product)s %(unit)s on %(check)s: %(reason)s.",
              quantity=scan["quantity"], product=product.display_name,
              unit=parsed.serial or parsed.lot or "", check=check.name,
              reason=values["reason"].strip()),
            res_model=check._name, res_id=check.id, state="rejected",
        )

    def _scan_do_move(self, scan):
        values = scan["values"]
        operation = scan["operation"]
        department = scan["department"]
        document, created = self._document(scan, {
            "operation_type": operation,
            "department_id": department.id,
            "dest_department_id": values.get("dest_department_id") or False,
            "requester_id": values.get("requester_id") or False,
            "expected_return_date": values.get("expected_return_date") or False,
            "note": values.get("note") or False,
        })
        self.env["med.device.issue.line"].create({
            "issue_id": document.id, "lot_id": scan["lot"].id, "quantity": scan["quantity"],
        })
        if created:
            document.action_done()
        return self._step_result(scan, document, created)

    _scan_do_issue = _scan_do_borrow = _scan_do_return = _scan_do_transfer = _scan_do_move

    def _scan_do_single(self, scan, create_values):
        document, created = self._document(scan, dict(
            create_values, lot_id=scan["lot"].id, quantity=scan["quantity"]
        ))
        if not created:
            document.write({"lot_id": scan["lot"].id, "quantity": scan["quantity"]})
        document.action_done()
        return self._step_result(scan, document, True)

    def _scan_do_use(self, scan):
        values = scan["values"]
        return self._scan_do_single(scan, {
            "department_id": scan["department"].id,
            "patient_identifier": values.get("patient_identifier"),
            "encounter_ref": values.get("encounter_ref") or False,
            "surgery_ref": values.get("surgery_ref") or False,
            "surgeon_id": values.get("surgeon_id") or False,
        })

    def _scan_do_quarantine(self, scan):
        return self._scan_do_single(scan, {"reason": scan["values"].get("reason")})

    def _scan_do_scrap(self, scan):
        return self._scan_do_single(scan, {"reason": scan["values"].get("reason")})

    def _step_result(self, scan, document, done):
        lot = scan["lot"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        if done:
            message = _("%(unit)s: %(operation)s done (%(document)s), now %(state)s at "
                        "%(location)s.", unit=self._unit_label(scan),
                        operation=dict(self._operation_labels())[scan["operation"]],
                        document=document.name, state=labels.get(lot.med_state, ""),
                        location=lot.med_location_id.display_name or "-")
        else:
            message = _("%(unit)s added to %(document)s.", unit=self._unit_label(scan),
                        document=document.name)
        return self._scan_result(scan, True, message, res_model=document._name,
                                 res_id=document.id)

    def _scan_do_count(self, scan):
        lot = scan["lot"]
        location = scan["location"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        if location and lot.med_location_id != location:
            return self._scan_result(scan, False, _(
                "%(unit)s is recorded at %(recorded)s (%(state)s), not at %(location)s.",
                unit=self._unit_label(scan), recorded=lot.med_location_id.display_name or "-",
                state=labels.get(lot.med_state, ""), location=location.display_name,
            ))
        return self._scan_result(scan, True, _(
            "%(unit)s counted at %(location)s.", unit=self._unit_label(scan),
            location=lot.med_location_id.display_name or "-",
        ))

    def _scan_do_trace(self, scan):
        lot = scan["lot"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        return self._scan_result(scan, True, _(
            "%(unit)s: %(state)s at %(location)s, %(events)s events.",
            unit=self._unit_label(scan), state=labels.get(lot.med_state, ""),
            location=lot.med_location_id.display_name or "-", events=len(lot.med_event_ids),
        ), res_model="stock.lot", res_id=lot.id)

    # ------------------------------------------------------------------ demo data
    @api.model
    def _med_load_demo_history(self):
        """Demo history, made through the scan service so it is consistent: two purchase
        orders received, issues, a borrow, a transfer, a return, uses on patients, a
        quarantine and a scrap with its destruction."""
        ref = self.env.ref
        tmpl = {key: ref(f"med_device_stock.product_{key}_demo") for key in (
            "stent", "hip", "pacemaker", "catheter", "suture", "guidewire")}
        prod = {key: t.product_variant_id for key, t in tmpl.items()}
        cardio = ref("med_device_stock.hr_department_cardiology_demo")
        ortho = ref("med_device_stock.hr_department_orthopedics_demo")
        nurse = ref("med_device_stock.hr_employee_nurse_demo")
        surgeon = ref("med_device_stock.hr_employee_surgeon_demo")
        today = fields.Date.today()
        expiry = today + datetime.timedelta(days=900)
        made = today - datetime.timedelta(days=60)

        def udi(key, serial=None, lot=None, box=False):
            dis = tmpl[key].med_udi_di_ids
            di = (dis.filtered(lambda d: d.packaging_level == "box") if box else
                  dis.filtered(lambda d: d.packaging_level == "each"))[:1].di
            return gs1_element_string(di, lot=lot, serial=serial, expiry=expiry,
                                      manufactured=made)

        def order(partner, lines):
            po = self.env["purchase.order"].create({
                "partner_id": ref(f"med_device_stock.{partner}").id,
                "order_line": [Command.create({"product_id": prod[k].id, "product_qty": q,
                                               "price_unit": p}) for k, q, p in lines],
            })
            po.button_confirm()
            return po

        po1 = order("res_partner_supplier_a_demo",
                    [("stent", 4, 6800.0), ("hip", 2, 21000.0), ("catheter", 30, 4.5)])
        po2 = order("res_partner_supplier_b_demo",
                    [("pacemaker", 2, 38000.0), ("suture", 20, 12.0), ("guidewire", 10, 450.0)])
        scans = [
            (po1, udi("stent", "DES24A0001", "24A")), (po1, udi("stent", "DES24A0002", "24A")),
            (po1, udi("stent", "DES24A0003", "24A")), (po1, udi("stent", "DES24B0001", "24B")),
            (po1, udi("hip", "HJP0000117", "H2405")), (po1, udi("hip", "HJP0000118", "H2405")),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po1, udi("catheter", lot="C240611", box=True)),
            (po2, udi("pacemaker", "PM7700231", "P77")),
            (po2, udi("pacemaker", "PM7700232", "P77")),
            (po2, udi("suture", lot="S2405", box=True)),
            (po2, udi("suture", lot="S2405", box=True)),
            (po2, udi("guidewire", lot="GW2406")),
        ]
        def checked(raw, operation, values):
            result = self.scan(raw, operation, values)
            if not result["ok"]:  # demo data must not hide a refused step
                raise UserError(result["message"])
            return result

        for po, raw in scans:
            checked(raw, "receipt", {"purchase_id": po.id, "certificate_number": "CoC-2024-88"})
        self.env["med.receipt.check"].search([("purchase_id", "in", (po1 | po2).ids)]).action_done()

        def run(raw, operation, **values):
            return checked(raw, operation, values)

        run(udi("stent", "DES24A0001", "24A"), "issue", department_id=cardio.id,
            requester_id=nurse.id)
        run(udi("stent", "DES24A0002", "24A"), "issue", department_id=cardio.id,
            requester_id=nurse.id)
        run(udi("catheter", lot="C240611", box=True), "issue", department_id=cardio.id,
            requester_id=nurse.id)
        run(udi("hip", "HJP0000117", "H2405"), "borrow", department_id=ortho.id,
            requester_id=surgeon.id, expected_return_date=today + datetime.timedelta(days=3))
        run(udi("pacemaker", "PM7700231", "P77"), "borrow", department_id=cardio.id,
            requester_id=nurse.id, expected_return_date=today - datetime.timedelta(days=2))
        run(udi("stent", "DES24A0001", "24A"), "use", department_id=cardio.id,
            patient_identifier="MRN-20240611-001", surgery_ref="OR-2024-0611-03",
            surgeon_id=surgeon.id)
        run(udi("hip", "HJP0000117", "H2405"), "use", department_id=ortho.id,
            patient_identifier="MRN-20240612-017", surgery_ref="OR-2024-0612-01",
            surgeon_id=surgeon.id)
        run(udi("stent", "DES24A0002", "24A"), "transfer", department_id=cardio.id,
            dest_department_id=ortho.id)
        run(udi("stent", "DES24A0002", "24A"), "return", department_id=ortho.id)
        run(udi("guidewire", lot="GW2406"), "quarantine", reason="Outer packaging damaged")
        result = run(udi("guidewire", lot="GW2406"), "scrap", reason="Sterile barrier broken")
        scrap = self.env["med.device.scrap"].browse(result["res_id"])
        if scrap:
            scrap.write({"destruction_method": "incineration",
                         "destruction_witness_id": surgeon.id})
            scrap.action_destroy()
        return True
