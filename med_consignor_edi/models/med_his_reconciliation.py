from odoo import fields, models

from medtrace.his import Line


class MedHisReconciliation(models.Model):
    """The third source of the reconciliation: what consignors billed (their invoices,
    received as draft vendor bills), beside what was scanned and what the HIS charged."""

    _inherit = "med.his.reconciliation"

    backend_id = fields.Many2one(
        "med.edi.backend",
        string="Consignor",
        check_company=True,
        help="Compare with this consignor's invoices only (all consignors when empty).",
    )

    def _med_billed_lines(self):
        lines = super()._med_billed_lines()
        domain = [
            ("move_id.med_edi_backend_id", "!=", False),
            ("move_id.company_id", "=", self.company_id.id),
            ("move_id.state", "!=", "cancel"),
            ("move_id.move_type", "in", ("in_invoice", "in_refund")),
            ("move_id.invoice_date", ">=", self.date_from),
            ("move_id.invoice_date", "<=", self.date_to),
            ("display_type", "=", "product"),
            ("product_id", "!=", False),
        ]
        if self.backend_id:
            domain.append(("move_id.med_edi_backend_id", "=", self.backend_id.id))
        # the quantities and prices a consignor claims, for those who reconcile (who may
        # not read the accounting itself)
        for line in self.env["account.move.line"].sudo().search(domain):
            sign = -1 if line.move_id.move_type == "in_refund" else 1
            unit = line.med_edi_unit or ""
            serial = unit if line.product_id.tracking == "serial" else ""
            lines.append(
                Line(
                    "billed",
                    line.product_id._med_his_key(),
                    sign * line.quantity,
                    lot="" if serial else unit,
                    serial=serial,
                    unit_price=line.price_unit,
                    reference=("bill_line", line.id),
                )
            )
        return lines
