from odoo import Command, _, api, fields, models


class MedEdiReconciliation(models.Model):
    """Our stock of a consignor's goods against the figures it sent (stock statement)."""

    _name = "med.edi.reconciliation"
    _inherit = ["med.xlsx.export.mixin"]
    _description = "Consignor Stock Reconciliation"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    backend_id = fields.Many2one(
        "med.edi.backend",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(related="backend_id.partner_id", store=True, string="Consignor")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, required=True)
    statement_exchange_id = fields.Many2one(
        "med.edi.exchange", string="Consignor Statement", readonly=True
    )
    comparison_exchange_id = fields.Many2one(
        "med.edi.exchange", string="Comparison Sent", readonly=True
    )
    line_ids = fields.One2many("med.edi.reconciliation.line", "reconciliation_id", readonly=True)
    difference_count = fields.Integer(compute="_compute_difference_count", store=True)

    @api.depends("line_ids.status")
    def _compute_difference_count(self):
        for reconciliation in self:
            reconciliation.difference_count = len(
                reconciliation.line_ids.filtered(lambda line: line.status != "match")
            )

    @api.model
    def _edi_compare(self, backend, message, products, exchange):
        """Build the reconciliation of ``message`` (a clean stock statement)."""
        ours = {}
        for row in backend._edi_stock_lines():
            lot = row["lot"]
            key = (row["product"].id, lot.name or "")
            entry = ours.setdefault(key, {"quantity": 0.0, "expiry": None})
            entry["quantity"] += row["quantity"]
            if lot and lot.expiration_date:
                entry["expiry"] = lot.expiration_date.date()
        theirs = {}
        for line in message.lines:
            key = (
                products[line.number].id,
                line.values.get("serial") or line.values.get("lot") or "",
            )
            entry = theirs.setdefault(key, {"quantity": 0.0, "expiry": None, "line": line.number})
            entry["quantity"] += float(line.values["quantity"])
            entry["expiry"] = line.values.get("expiry_date") or entry["expiry"]
        commands = []
        for key in sorted(set(ours) | set(theirs), key=lambda k: (k[0], k[1])):
            mine, other = ours.get(key), theirs.get(key)
            our_qty = mine["quantity"] if mine else 0.0
            their_qty = other["quantity"] if other else 0.0
            if not mine:
                status = "missing_here"
            elif not other:
                status = "missing_there"
            elif abs(our_qty - their_qty) > 1e-6:
                status = "quantity"
            elif other["expiry"] and mine["expiry"] and other["expiry"] != mine["expiry"]:
                status = "expiry"
            else:
                status = "match"
            commands.append(
                Command.create(
                    {
                        "product_id": key[0],
                        "lot_name": key[1],
                        "line": other["line"] if other else 0,
                        "our_quantity": our_qty,
                        "their_quantity": their_qty,
                        "our_expiry": mine["expiry"] if mine else False,
                        "their_expiry": other["expiry"] if other else False,
                        "status": status,
                    }
                )
            )
        return self.create(
            {
                "name": _(
                    "Reconciliation %(consignor)s %(message)s",
                    consignor=backend.partner_id.display_name,
                    message=message.message_id or "",
                ),
                "backend_id": backend.id,
                "statement_exchange_id": exchange.id,
                "line_ids": commands,
            }
        )

    def _edi_send_comparison(self):
        """The stock comparison message back to the consignor."""
        for reconciliation in self:
            reconciliation.comparison_exchange_id = self.env[
                "med.edi.handler.stock_comparison.out"
            ]._edi_generate(
                reconciliation.backend_id, record=reconciliation, reconciliation=reconciliation
            )

    def _edi_xlsx(self):
        """The reconciliation as an XLSX workbook (bytes), written through the export
        mixin (text cells stay text: a lot ``=HYPERLINK(...)`` is no formula)."""
        self.ensure_one()
        statuses = dict(
            self.env["med.edi.reconciliation.line"]
            ._fields["status"]
            ._description_selection(self.env)
        )
        titles = [
            _("Product"),
            _("Lot / Serial"),
            _("Our Quantity"),
            _("Consignor Quantity"),
            _("Difference"),
            _("Our Expiry"),
            _("Consignor Expiry"),
            _("Status"),
            _("Line"),
        ]
        rows = [
            [
                line.product_id.display_name,
                line.lot_name or "",
                line.our_quantity,
                line.their_quantity,
                line.difference,
                line.our_expiry or None,
                line.their_expiry or None,
                statuses[line.status],
                line.line,
            ]
            for line in self.line_ids
        ]
        return self._med_xlsx_table(_("Reconciliation"), titles, rows, widths=[40] + [16] * 8)

    def action_export_xlsx(self):
        self.ensure_one()
        return self._med_download_xlsx(f"{self.name}.xlsx", self._edi_xlsx())
