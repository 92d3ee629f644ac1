from odoo import _, api, fields, models


class MedDeviceIssueLine(models.Model):
    _name = "med.device.issue.line"
    _inherit = ["med.document.line.mixin"]
    _med_document_field = "issue_id"
    _description = "Device Issue Line"
    _order = "issue_id, id"
    _check_company_auto = True

    issue_id = fields.Many2one("med.device.issue", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="issue_id.company_id", store=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        required=True,
        check_company=True,
        index=True,
        domain="[('product_id.med_is_device', '=', True)]",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    med_mfr_lot = fields.Char(related="lot_id.med_mfr_lot")
    quantity = fields.Float(default=1.0, required=True)
    location_src_id = fields.Many2one(related="lot_id.med_location_id", string="Now At")

    _sql_constraints = [
        ("quantity_positive", "check(quantity > 0)", "The quantity must be positive."),
    ]

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id.product_id.tracking == "serial":
            self.quantity = 1.0

    def _med_check_units(self):
        """The refusals of the scan service's checks for these lines (used at validation,
        so a line added by hand is checked like a scanned one)."""
        Scan = self.env["med.device.scan"]
        problems = []
        for line in self:
            issue = line.issue_id
            scan = Scan._med_scan_dict(
                issue.operation_type,
                line.product_id,
                line.lot_id,
                line.quantity,
                department=issue.department_id,
                document=issue,
            )
            scan["validating"] = True
            problems += [
                _("%(unit)s: %(problem)s", unit=line.lot_id.display_name, problem=problem)
                for problem in Scan._check_scan(scan)
            ]
        return problems
