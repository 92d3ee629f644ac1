from odoo import _, models

#: the operations that take a unit for someone: a unit reserved for a surgery case goes
#: through them only on the case's own request (quarantine, recall, scrap and counts
#: still reach it: quality is never held up by a reservation)
RESERVATION_HOLDS = ("issue", "borrow", "transfer", "use", "case")


class MedDeviceScanCaseReserveMixin(models.AbstractModel):
    """Units reserved for surgery cases (scanned into a case's open request to the
    store): refused to every other issue, borrow, transfer, use or case, and a case's
    request takes no more of a device than the case asked for.  Mixed into
    ``med.device.scan`` before the checks it extends (``_check_scan``)."""

    _name = "med.device.scan.case.reserve.mixin"
    _description = "Medical Device Scan: Reservations for Surgery Cases"

    def _check_scan(self, scan):
        problems = super()._check_scan(scan)
        if problems or not scan.get("lot") or scan["operation"] not in RESERVATION_HOLDS:
            return problems
        document = scan.get("document")
        case = (
            document.surgery_case_id if document and document._name == "med.device.issue" else None
        )
        problems += self._med_reservation_problems(scan, document)
        if case:
            problems += self._med_case_request_problems(scan, document, case)
        return problems

    def _med_reservation_problems(self, scan, document):
        lot = scan["lot"]
        reservations = self.env["med.device.issue"]._med_case_reservations(lot)
        others = reservations.filtered(
            lambda line: (
                line.issue_id != document
                and not (
                    document
                    and document._name == "med.surgery.case"
                    and line.issue_id.surgery_case_id == document
                )
            )
        )
        if not others:
            return []
        if lot.product_id.tracking != "serial":
            # a lot: what is reserved of it elsewhere is not available here
            source = self._med_source_location(lot, scan["operation"], scan["department"])
            available = (
                sum(
                    self.env["stock.quant"]
                    .sudo()
                    ._gather(lot.product_id, source, lot_id=lot, strict=True)
                    .mapped("quantity")
                )
                if source
                else 0.0
            )
            reserved = sum(others.mapped("quantity"))
            if scan["quantity"] <= available - reserved:
                return []
            return [
                _(
                    "%(unit)s: %(reserved)s of the %(available)s at %(location)s are reserved "
                    "for %(cases)s.",
                    unit=self._unit_label(scan),
                    reserved=reserved,
                    available=available,
                    location=source.display_name if source else "-",
                    cases=", ".join(others.issue_id.surgery_case_id.mapped("name")),
                )
            ]
        issue = others.issue_id[:1]
        return [
            _(
                "%(unit)s is reserved for surgery case %(case)s (%(request)s).",
                unit=self._unit_label(scan),
                case=issue.surgery_case_id.name,
                request=issue.name,
            )
        ]

    def _med_case_request_problems(self, scan, issue, case):
        product = scan["product"]
        if case.state not in ("draft", "in_progress"):
            return [
                _(
                    "%(case)s is %(state)s: the store issues nothing more for it.",
                    case=case.display_name,
                    state=case._med_state_label(),
                )
            ]
        request = case.request_ids.filtered(lambda r: r.product_id == product)
        requested = sum(request.mapped("quantity"))
        on_issue = sum(
            issue.line_ids.filtered(lambda ln: ln.product_id == product).mapped("quantity")
        )
        if not scan.get("validating"):
            on_issue += scan["quantity"]
        issued = request.issued_qty if request else 0.0
        if on_issue + issued <= requested:
            return []
        if not requested:
            return [
                _(
                    "%(case)s did not ask for %(product)s: the nurse adds it to the case's "
                    "request first.",
                    case=case.display_name,
                    product=product.display_name,
                )
            ]
        return [
            _(
                "%(case)s asked for %(requested)s × %(product)s; %(issued)s issued and "
                "%(reserved)s on %(request)s would be too many.",
                case=case.display_name,
                requested=requested,
                product=product.display_name,
                issued=issued,
                reserved=on_issue,
                request=issue.display_name,
            )
        ]
