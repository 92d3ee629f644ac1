from odoo import Command, _, fields, models
from odoo.exceptions import UserError

from medtrace.udi import UdiError, parse


class MedRecallWizard(models.TransientModel):
    """Open a recall case: by product or device identifier with manufacturer lots,
    serials, an expiry or manufacturing date range, or by scanning units."""

    _name = "med.recall.wizard"
    _description = "Open a Device Recall"

    reference = fields.Char(string="Recall Notice")
    reason = fields.Text(required=True)
    recall_level = fields.Selection(
        [("1", "Class I"), ("2", "Class II"), ("3", "Class III")],
        string="Recall Class",
    )
    date_received = fields.Datetime(
        string="Recall Received On", required=True, default=fields.Datetime.now
    )
    product_id = fields.Many2one("product.product", domain="[('med_is_device', '=', True)]")
    di = fields.Char(string="Device Identifier")
    mfr_lots = fields.Char(string="Manufacturer Lots")
    serials = fields.Char()
    expiry_from = fields.Date(string="Expiring From")
    expiry_to = fields.Date(string="Expiring Until")
    manufactured_from = fields.Date()
    manufactured_to = fields.Date(string="Manufactured Until")
    supplier_id = fields.Many2one("res.partner", string="Supplier / Consignor")
    scans = fields.Text(string="Scanned UDIs", help="One scanned UDI per line.")

    def _scanned_lots(self):
        lots = self.env["stock.lot"]
        for raw in (self.scans or "").split("\n"):  # not splitlines(): it splits at GS
            raw = raw.strip()
            if not raw:
                continue
            try:
                parsed = parse(raw)
            except UdiError as error:
                raise UserError(
                    _(
                        "Scanned UDIs: %(raw)s cannot be read: %(error)s",
                        raw=raw,
                        error=_(error.template, **error.params),
                    )
                )  # pylint: disable=translation-required
            identifier = self.env["med.product.di"]._find_by_di(parsed.di)
            lot = identifier and self.env["stock.lot"]._med_find_unit(
                identifier.product_id, parsed.lot, parsed.serial
            )
            if not lot:
                raise UserError(_("Scanned UDIs: no unit is known for %(raw)s.", raw=raw))
            lots |= lot
        return lots

    def action_open_recall(self):
        self.ensure_one()
        recall = self.env["med.recall"].create(
            {
                "reference": self.reference,
                "reason": self.reason,
                "recall_level": self.recall_level,
                "date_received": self.date_received,
                "product_id": self.product_id.id,
                "di": self.di,
                "mfr_lots": self.mfr_lots,
                "serials": self.serials,
                "expiry_from": self.expiry_from,
                "expiry_to": self.expiry_to,
                "manufactured_from": self.manufactured_from,
                "manufactured_to": self.manufactured_to,
                "supplier_id": self.supplier_id.id,
                "lot_ids": [Command.set(self._scanned_lots().ids)],
            }
        )
        recall.action_open()
        return {
            "type": "ir.actions.act_window",
            "res_model": "med.recall",
            "res_id": recall.id,
            "view_mode": "form",
        }
