import datetime
import logging

from odoo import _, api, models
from odoo.exceptions import UserError

from medtrace.udi import UdiError, parse

from .med_device_scan_context import INTERNAL_CONTEXT_KEYS

_logger = logging.getLogger(__name__)


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

    Its parts, mixed in: the operations as data (``med.device.scan.operation.mixin``:
    ``_med_scan_operations``, read by every part), the context checks
    (``med.device.scan.context.mixin``), the checks of a scan
    (``med.device.scan.check.mixin``), the demo history (``med.device.scan.demo.mixin``)
    and the scan station's side (``med.device.scan.station.mixin``); here the entry
    point and the steps.
    """

    _name = "med.device.scan"
    _inherit = [
        # before the operations it adds one to, and the checks it extends
        "med.device.scan.case.outcome.mixin",
        "med.device.scan.case.reserve.mixin",
        "med.device.scan.operation.mixin",
        "med.device.scan.context.mixin",
        "med.device.scan.check.mixin",
        "med.device.scan.demo.mixin",
        "med.device.scan.station.mixin",
    ]
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
        return _(
            "The scan context must be a dictionary of values, not %(value)s.",
            value=repr(value)[:60],
        )

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
        names = [op["name"] for op in self._med_scan_operations()]
        if operation not in names:
            self._refuse(
                _(
                    "Unknown scan operation %(operation)s: use one of %(operations)s.",
                    operation=operation,
                    operations=", ".join(names),
                )
            )
        values = self._med_scan_values(operation, values)
        return self._scan_parsed(self._parse(raw), operation, values, scan)

    def _scan_parsed(self, parsed, operation, values, scan):
        """The scan of the unit ``parsed`` (a medtrace ``UdiResult``: read from a label, or
        made from what was typed in for a unit without UDI): found, checked and recorded."""
        raw = parsed.raw
        identifier = self.env["med.product.di"]._find_by_di(parsed.di)
        if not identifier:
            self._refuse(
                _(
                    "No device product has the identifier %(di)s (UDI %(raw)s).",
                    di=parsed.di,
                    raw=raw,
                )
                + self.env["med.udi.record"]._med_unknown_di_hint(parsed.di)
            )
        product = identifier.product_id
        if product.tracking == "serial" and not parsed.serial:
            self._refuse(
                _(
                    "%(product)s is tracked by serial number but the UDI %(raw)s carries none.",
                    product=product.display_name,
                    raw=raw,
                )
            )
        if product.tracking == "lot" and not parsed.lot:
            self._refuse(
                _(
                    "%(product)s is tracked by lot but the UDI %(raw)s carries none.",
                    product=product.display_name,
                    raw=raw,
                )
            )
        lot = self.env["stock.lot"]._med_find_unit(product, parsed.lot, parsed.serial)
        quantity = (
            1.0 if product.tracking == "serial" else identifier.quantity * (parsed.quantity or 1)
        )
        scan.update(self._med_scan_dict(operation, product, lot, quantity, values=values))
        scan.update(parsed=parsed, raw=raw, di=identifier)
        self._scan_prepare(scan)
        problems = self._check_scan(scan)
        if problems:
            self._refuse("\n".join(problems))
        return getattr(self, f"_scan_do_{operation}")(scan)

    @api.model
    def _med_scan_dict(
        self, operation, product, lot, quantity, values=None, department=None, document=None
    ):
        """The ``scan`` dict given to ``_check_scan`` (also built by the documents when they
        are validated, so a unit entered by hand is checked like a scanned one)."""
        values = values or {}
        if department is None:
            department = self.env["hr.department"].browse(values.get("department_id") or [])
        model = self._med_document_models().get(operation)
        if document is None and values.get("document_id") and model:
            document = self.env[model].browse(values["document_id"])
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
                    lambda p: (
                        p.picking_type_code == "incoming" and p.state not in ("done", "cancel")
                    )
                )[:1]
            scan["picking"] = picking
            scan["partner"] = picking.partner_id
            scan["location"] = picking.location_dest_id
            if picking:
                scan["company"] = picking.company_id
        document = scan.get("document")
        if document and "department_id" in document._fields and not scan["department"]:
            scan["department"] = document.department_id

    # ------------------------------------------------------------------ the steps
    def _document(self, scan, create_values):
        """The draft document given in the context, or a new one (validated by the scan)."""
        document = scan.get("document")
        if document:
            if document.state != "draft":
                self._refuse(_("%(document)s is not a draft.", document=document.display_name))
            return document, False
        model = self._med_document_models()[scan["operation"]]
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
            lot = self.env["stock.lot"].create(
                {
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
                    "med_certificate_attachment_id": values.get("certificate_attachment_id")
                    or False,
                }
            )
            scan["lot"] = lot
        else:
            self._med_complete_unit(scan, check)
        template = product.product_tmpl_id
        line = self.env["med.receipt.check.line"].create(
            {
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
                "certificate_number": values.get("certificate_number")
                or lot.med_certificate_number,
                "quantity_arrived": scan["quantity"],
                "quantity_accepted": scan["quantity"],
            }
        )
        line._med_assign_move_line()
        return self._scan_result(
            scan,
            True,
            _(
                "Accepted %(quantity)s x %(product)s %(unit)s on %(check)s.",
                quantity=scan["quantity"],
                product=product.display_name,
                unit=lot.name,
                check=check.name,
            ),
            res_model=check._name,
            res_id=check.id,
            state="pending_receipt",
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
            lot._med_identity_write(
                vals,
                reason=_(
                    "completed from the UDI %(raw)s scanned at receipt on %(check)s",
                    raw=parsed.raw,
                    check=check.name,
                ),
            )

    def _scan_do_receipt_reject(self, scan):
        """Record the scanned unit as rejected on the receipt check: a check line with
        the result "rejected" and the reason; no unit is created and no stock moves."""
        parsed = scan["parsed"]
        values = scan["values"]
        product = scan["product"]
        picking = scan["picking"]
        check = scan.get("document") or self.env["med.receipt.check"]._med_for_picking(picking)
        template = product.product_tmpl_id
        self.env["med.receipt.check.line"].create(
            {
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
            }
        )
        return self._scan_result(
            scan,
            True,
            _(
                "Rejected %(quantity)s x %(product)s %(unit)s on %(check)s: %(reason)s.",
                quantity=scan["quantity"],
                product=product.display_name,
                unit=parsed.serial or parsed.lot or "",
                check=check.name,
                reason=values["reason"].strip(),
            ),
            res_model=check._name,
            res_id=check.id,
            state="rejected",
        )

    def _scan_do_move(self, scan):
        values = scan["values"]
        operation = scan["operation"]
        department = scan["department"]
        document, created = self._document(
            scan,
            {
                "operation_type": operation,
                "department_id": department.id,
                "dest_department_id": values.get("dest_department_id") or False,
                "requester_id": values.get("requester_id") or False,
                "expected_return_date": values.get("expected_return_date") or False,
                "note": values.get("note") or False,
            },
        )
        self.env["med.device.issue.line"].create(
            {
                "issue_id": document.id,
                "lot_id": scan["lot"].id,
                "quantity": scan["quantity"],
            }
        )
        if created:
            document.action_done()
        return self._step_result(scan, document, created)

    _scan_do_issue = _scan_do_borrow = _scan_do_return = _scan_do_transfer = _scan_do_move

    def _scan_do_single(self, scan, create_values):
        document, created = self._document(
            scan, dict(create_values, lot_id=scan["lot"].id, quantity=scan["quantity"])
        )
        if not created:
            document.write({"lot_id": scan["lot"].id, "quantity": scan["quantity"]})
        document.action_done()
        return self._step_result(scan, document, True)

    def _scan_do_use(self, scan):
        values = scan["values"]
        return self._scan_do_single(
            scan,
            {
                "department_id": scan["department"].id,
                "patient_identifier": values.get("patient_identifier"),
                "encounter_ref": values.get("encounter_ref") or False,
                "surgery_ref": values.get("surgery_ref") or False,
                "surgeon_id": values.get("surgeon_id") or False,
            },
        )

    def _scan_do_case(self, scan):
        """The unit listed on the surgery case (a unit already listed is refused by
        ``_check_scan_unit``, as for every document)."""
        case = scan.get("document")
        if not case:
            self._refuse(_("Choose the surgery case the units are for."))
        case._med_check_open()
        self.env["med.surgery.case.line"].with_context(med_case_scanned=True).create(
            {"case_id": case.id, "lot_id": scan["lot"].id, "quantity": scan["quantity"]}
        )
        return self._step_result(scan, case, False)

    def _scan_do_quarantine(self, scan):
        return self._scan_do_single(scan, {"reason": scan["values"].get("reason")})

    def _scan_do_scrap(self, scan):
        return self._scan_do_single(scan, {"reason": scan["values"].get("reason")})

    def _step_result(self, scan, document, done):
        lot = scan["lot"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        if done:
            message = _(
                "%(unit)s: %(operation)s done (%(document)s), now %(state)s at %(location)s.",
                unit=self._unit_label(scan),
                operation=dict(self._operation_labels())[scan["operation"]],
                document=document.name,
                state=labels.get(lot.med_state, ""),
                location=lot.med_location_id.display_name or "-",
            )
        else:
            message = _(
                "%(unit)s added to %(document)s.",
                unit=self._unit_label(scan),
                document=document.name,
            )
        return self._scan_result(scan, True, message, res_model=document._name, res_id=document.id)

    def _scan_do_count(self, scan):
        lot = scan["lot"]
        location = scan["location"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        if location and lot.med_location_id != location:
            return self._scan_result(
                scan,
                False,
                _(
                    "%(unit)s is recorded at %(recorded)s (%(state)s), not at %(location)s.",
                    unit=self._unit_label(scan),
                    recorded=lot.med_location_id.display_name or "-",
                    state=labels.get(lot.med_state, ""),
                    location=location.display_name,
                ),
            )
        return self._scan_result(
            scan,
            True,
            _(
                "%(unit)s counted at %(location)s.",
                unit=self._unit_label(scan),
                location=lot.med_location_id.display_name or "-",
            ),
        )

    def _scan_do_trace(self, scan):
        lot = scan["lot"]
        labels = dict(lot._fields["med_state"]._description_selection(self.env))
        return self._scan_result(
            scan,
            True,
            _(
                "%(unit)s: %(state)s at %(location)s, %(events)s events.",
                unit=self._unit_label(scan),
                state=labels.get(lot.med_state, ""),
                location=lot.med_location_id.display_name or "-",
                events=len(lot.med_event_ids),
            ),
            res_model="stock.lot",
            res_id=lot.id,
        )
