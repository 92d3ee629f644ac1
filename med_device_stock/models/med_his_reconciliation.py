from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from medtrace.his import Line, reconcile

from .med_device_operation_mixin import SYSTEM_WRITE
from .med_his_reconciliation_line import TRACEABILITY_GAPS


class MedHisReconciliation(models.Model):
    """What was scanned as used on patients, what the HIS charged, and (with the consignor
    addon) what consignors billed, for a period, unit by unit (``medtrace.his.reconcile``)."""

    _name = "med.his.reconciliation"
    _inherit = ["med.xlsx.export.mixin", "mail.thread"]
    _description = "HIS Reconciliation"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    department_id = fields.Many2one(
        "hr.department", check_company=True, domain="[('med_is_device_department', '=', True)]"
    )
    line_ids = fields.One2many("med.his.reconciliation.line", "reconciliation_id", readonly=True)
    unmatched_value = fields.Float(compute="_compute_totals", store=True)
    difference_count = fields.Integer(compute="_compute_totals", store=True)
    unresolved_count = fields.Integer(compute="_compute_totals", store=True)
    computed_on = fields.Datetime(readonly=True)

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for rec in self:
            rec.name = _("Reconciliation %(start)s – %(end)s", start=rec.date_from, end=rec.date_to)

    @api.depends("line_ids.status", "line_ids.unmatched_value", "line_ids.resolved_on")
    def _compute_totals(self):
        for rec in self:
            differences = rec.line_ids.filtered(lambda ln: ln.status != "matched")
            rec.unmatched_value = sum(differences.mapped("unmatched_value"))
            rec.difference_count = len(differences)
            rec.unresolved_count = len(differences.filtered(lambda ln: not ln.resolved_on))

    # ------------------------------------------------------------------ sources
    def _med_period(self):
        start = fields.Datetime.to_datetime(self.date_from)
        end = fields.Datetime.to_datetime(self.date_to).replace(hour=23, minute=59, second=59)
        return start, end

    def _med_scanned_lines(self):
        start, end = self._med_period()
        domain = [
            ("state", "=", "done"),
            ("date_use", ">=", start),
            ("date_use", "<=", end),
            ("company_id", "=", self.company_id.id),
        ]
        if self.department_id:
            domain.append(("department_id", "=", self.department_id.id))
        uses = self.env["med.device.use"].search(domain)
        lines = []
        for use in uses:
            if use.reversal_ids.filtered(lambda r: r.state == "done"):
                continue  # corrected: the unit was not used
            if use.reversal_of_id:
                continue
            lot, product = use.lot_id, use.product_id
            lines.append(
                Line(
                    "scanned",
                    product._med_his_key(),
                    use.quantity,
                    lot=lot.med_mfr_lot or "",
                    serial=lot.med_serial or "",
                    unit_price=product.standard_price or None,
                    reference=("use", use.id),
                )
            )
        return lines

    def _med_charged_lines(self):
        start, end = self._med_period()
        domain = [
            ("date", ">=", start),
            ("date", "<=", end),
            ("company_id", "=", self.company_id.id),
        ]
        if self.department_id:
            domain.append(("department_id", "=", self.department_id.id))
        charges = self.env["med.his.charge"].search(domain)
        return [
            Line(
                "charged",
                charge.product_id._med_his_key() if charge.product_id else charge.charge_code,
                charge.quantity,
                lot=charge.lot or "",
                serial=charge.serial or "",
                unit_price=charge.unit_price or None,
                reference=("charge", charge.id),
            )
            for charge in charges
        ]

    def _med_billed_lines(self):
        """What consignors billed for the period (the consignor EDI addon adds them)."""
        return []

    # ------------------------------------------------------------------ compute
    def action_compute(self):
        self.check_access("write")
        for rec in self:
            if rec.line_ids.filtered("resolved_on"):
                raise UserError(
                    _(
                        "%(name)s has resolved rows: compute a new reconciliation instead.",
                        name=rec.display_name,
                    )
                )
            billed = rec._med_billed_lines()
            rows = reconcile(
                rec._med_scanned_lines() + rec._med_charged_lines() + billed,
                compare_bills=bool(billed),
            )
            keys = {ln.product for row in rows for ln in row.lines}
            products = self.env["product.product"]._med_by_his_codes(keys)
            values = []
            for row in rows:
                refs = [ln.reference for ln in row.lines]
                values.append(
                    {
                        "product_id": products[row.product].id
                        if row.product in products
                        else False,
                        "product_key": row.product,
                        "lot": row.lot,
                        "serial": row.serial,
                        "level": row.level,
                        "status": row.status,
                        "qty_scanned": row.quantities["scanned"],
                        "qty_charged": row.quantities["charged"],
                        "qty_billed": row.quantities["billed"],
                        "price_charged": row.prices.get("charged") or 0.0,
                        "price_billed": row.prices.get("billed") or 0.0,
                        "unmatched_value": row.unmatched_value,
                        "traceability_gap": row.status in TRACEABILITY_GAPS,
                        "use_ids": [Command.set([i for k, i in refs if k == "use"])],
                        "charge_ids": [Command.set([i for k, i in refs if k == "charge"])],
                    }
                )
            # the rows are the computation's: written by it only (users resolve them)
            rec.line_ids.sudo().with_context(med_system_write=SYSTEM_WRITE).unlink()
            self.env["med.his.reconciliation.line"].sudo().with_context(
                med_system_write=SYSTEM_WRITE
            ).create([dict(v, reconciliation_id=rec.id) for v in values])
            rec.computed_on = fields.Datetime.now()
        return True

    def action_export_xlsx(self):
        self.ensure_one()
        labels = dict(self.env["med.his.reconciliation.line"]._fields["status"].selection)
        header = [
            _("Status"),
            _("Code"),
            _("Product"),
            _("Lot"),
            _("Serial"),
            _("Scanned"),
            _("Charged"),
            _("Billed"),
            _("Charged Price"),
            _("Billed Price"),
            _("Unmatched Value"),
            _("Resolution"),
        ]
        rows = [
            [
                labels.get(line.status, line.status),
                line.product_key,
                line.product_id.display_name or "",
                line.lot,
                line.serial,
                line.qty_scanned,
                line.qty_charged,
                line.qty_billed,
                line.price_charged,
                line.price_billed,
                line.unmatched_value,
                line.resolution or "",
            ]
            for line in self.line_ids
        ]
        content = self._med_xlsx_table(
            _("Reconciliation"),
            header,
            rows,
            title=[self.display_name],
            footer=[_("Unmatched value"), *[""] * 9, self.unmatched_value],
            number_format="#,##0.00",
        )
        return self._med_download_xlsx(f"{self.display_name}.xlsx", content)
