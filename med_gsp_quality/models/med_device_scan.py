from odoo import _, models

#: operations that put a received unit to use: business with the unit's supplier, locked
#: when the supplier's qualifications lapse (DB15/T 961 6.1.1.3)
SUPPLIER_USE_OPERATIONS = ("issue", "borrow", "transfer", "use")
#: operations never locked: they look at a unit, record its refusal or take it out of use
#: (a unit of an unqualified product or supplier must still be quarantined or scrapped)
UNLOCKED_OPERATIONS = ("trace", "count", "receipt_reject", "return", "quarantine", "scrap")


class MedDeviceScan(models.AbstractModel):
    _inherit = "med.device.scan"

    def _check_scan(self, scan):
        problems = super()._check_scan(scan)
        product = scan.get("product")
        operation = scan.get("operation")
        if not product or operation in UNLOCKED_OPERATIONS:
            return problems
        Partner = self.env["res.partner"]
        role = None
        if operation == "receipt":
            role, partner = "supplier", scan.get("partner") or Partner
        elif operation in SUPPLIER_USE_OPERATIONS and scan.get("lot"):
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
            return _("Receipt of %(order)s (%(picking)s)",
                     order=picking.purchase_id.name or picking.name, picking=picking.name)
        document = scan.get("document")
        if document:
            return document.display_name
        label = dict(self._operation_labels()).get(operation, operation)
        lot = scan.get("lot")
        return _("Scan (%(operation)s) of %(product)s %(unit)s", operation=label,
                 product=scan["product"].display_name, unit=lot.name if lot else "")
