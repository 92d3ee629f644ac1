from odoo import _, fields, models


class MedHisReconciliationLine(models.Model):
    """A traceability gap of the HIS reconciliation (a device charged to a patient, or
    billed by a consignor, that no scan recorded) is a quality event once it is resolved:
    the trace of the unit was lost, whatever the reason given (DB15/T 961 §4.2)."""

    _inherit = "med.his.reconciliation.line"

    gsp_event_ids = fields.One2many(
        "gsp.event", "reconciliation_line_id", string="Quality Events", readonly=True
    )

    def action_resolve(self):
        gaps = self.filtered(lambda ln: ln.traceability_gap and not ln.resolved_on)
        result = super().action_resolve()
        gaps._gsp_report_traceability_gap()
        return result

    def _gsp_report_traceability_gap(self):
        """One quality event per gap resolved; created as the system (whoever resolves
        the reconciliation need not be quality staff), reported by the resolver."""
        if not self:
            return self.env["gsp.event"]
        labels = dict(self._fields["status"]._description_selection(self.env))
        vals_list = []
        for line in self:
            lot = line._gsp_gap_unit()
            what = line.serial or line.lot or line.product_key
            vals_list.append(
                {
                    "name": _(
                        "Traceability gap: %(what)s (%(status)s), %(reconciliation)s",
                        what=what,
                        status=labels.get(line.status, line.status),
                        reconciliation=line.reconciliation_id.display_name,
                    ),
                    "event_type": "traceability_gap",
                    "quantity": max(line.qty_charged, line.qty_billed) - line.qty_scanned,
                    "company_id": line.company_id.id,
                    "product_id": line.product_id.id,
                    "department_id": line._gsp_gap_department().id,
                    "lot_id": lot.id,
                    "reconciliation_line_id": line.id,
                    "description": line._gsp_gap_description(lot, labels),
                }
            )
        return self.env["gsp.event"].sudo().create(vals_list)

    def _gsp_gap_unit(self):
        """The unit the row names (its serial number, else its lot), if the suite knows it."""
        self.ensure_one()
        if not self.product_id or not (self.serial or self.lot):
            return self.env["stock.lot"]
        domain = [("product_id", "=", self.product_id.id), ("company_id", "=", self.company_id.id)]
        if self.serial:
            domain.append(("med_serial", "=", self.serial))
        else:
            domain.append(("med_mfr_lot", "=", self.lot))
        return self.env["stock.lot"].sudo().search(domain, limit=1)

    def _gsp_gap_department(self):
        self.ensure_one()
        return self.reconciliation_id.department_id or self.charge_ids.department_id[:1]

    def _gsp_gap_description(self, lot, labels):
        self.ensure_one()
        charges = self.charge_ids.sudo()
        udi = ", ".join(filter(None, charges.mapped("udi"))) or lot.med_udi_raw or "-"
        rows = [
            _("Difference: %(status)s", status=labels.get(self.status, self.status)),
            _("Product: %(product)s", product=self.product_id.display_name or self.product_key),
            _("Lot: %(lot)s, serial: %(serial)s", lot=self.lot or "-", serial=self.serial or "-"),
            _("UDI: %(udi)s", udi=udi),
            _(
                "Scanned %(scanned)s, charged %(charged)s, billed %(billed)s",
                scanned=self.qty_scanned,
                charged=self.qty_charged,
                billed=self.qty_billed,
            ),
        ]
        for charge in charges:
            rows.append(
                _(
                    "HIS charge %(transaction)s of case %(case)s on %(date)s",
                    transaction=charge.transaction_id or "-",
                    case=charge.his_case_id or "-",
                    date=charge.date,
                )
            )
        rows.append(
            _(
                "Resolved by %(user)s: %(reason)s",
                user=self.resolved_by_id.name,
                reason=self.resolution,
            )
        )
        return "\n".join(rows)
