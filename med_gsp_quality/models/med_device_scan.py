from odoo import _, models


class MedDeviceScan(models.AbstractModel):
    _inherit = "med.device.scan"

    def _check_scan(self, scan):
        problems = super()._check_scan(scan)
        product = scan.get("product")
        if not product or scan.get("operation") in ("trace", "count"):
            return problems
        role = {"receipt": "supplier"}.get(scan.get("operation"))
        partner = scan.get("partner") if role else None
        problems += self.env["gsp.qualification"]._gsp_check_business(
            partner or self.env["res.partner"], product,
            _("Scan (%(operation)s)", operation=scan.get("operation")), role=role,
        )  # fmt: skip
        return problems
