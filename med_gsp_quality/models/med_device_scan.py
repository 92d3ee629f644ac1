from odoo import _, models


class MedDeviceScan(models.AbstractModel):
    """GSP's business locks on scans, read from each operation's description
    (``_med_scan_operations``, see ``_gsp_scan_lock``)."""

    _inherit = "med.device.scan"

    def _gsp_scan_lock(self, operation):
        """Whose qualifications lock the operation described by ``operation``: "order"
        (a receipt: business with the order's supplier), "unit" (the operations putting a
        received unit to use, their description's ``puts_to_use``: business with the
        unit's supplier, locked when its qualifications lapse, DB15/T 961 6.1.1.3) or
        False (never locked: they look at a unit, record its refusal or take it out of
        use; a unit of an unqualified product or supplier must still be quarantined or
        scrapped).  A description's own ``gsp_lock`` key decides where it has one."""
        if not operation:
            return False
        if "gsp_lock" in operation:
            return operation["gsp_lock"]
        if operation["name"] == "receipt":
            return "order"
        return "unit" if operation.get("puts_to_use") else False

    def _check_scan(self, scan):
        problems = super()._check_scan(scan)
        product = scan.get("product")
        lock = self._gsp_scan_lock(self._med_scan_operation(scan.get("operation")))
        if not product or not lock:
            return problems
        Partner = self.env["res.partner"]
        role = None
        if lock == "order":
            role, partner = "supplier", scan.get("partner") or Partner
        elif scan.get("lot"):
            partner = scan["lot"].med_supplier_id
        else:
            partner = Partner
        problems += self.env["gsp.qualification"]._gsp_check_business(
            partner, product, self._gsp_scan_label(scan), role=role
        )
        return problems

    def _gsp_scan_label(self, scan):
        """Names the document of the scan in the GSP refusals."""
        operation = scan.get("operation")
        picking = scan.get("picking")
        if operation == "receipt" and picking:
            return _(
                "Receipt of %(order)s (%(picking)s)",
                order=picking.purchase_id.name or picking.name,
                picking=picking.name,
            )
        document = scan.get("document")
        if document:
            return document.display_name
        label = dict(self._operation_labels()).get(operation, operation)
        lot = scan.get("lot")
        return _(
            "Scan (%(operation)s) of %(product)s %(unit)s",
            operation=label,
            product=scan["product"].display_name,
            unit=lot.name if lot else "",
        )
