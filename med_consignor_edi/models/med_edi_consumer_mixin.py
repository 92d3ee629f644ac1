from odoo import Command, _, fields, models


class MedEdiConsumerMixin(models.AbstractModel):
    """Documents created from, or reported by, consignor EDI messages."""

    _name = "med.edi.consumer.mixin"
    _description = "Consignor EDI Document"

    med_edi_backend_id = fields.Many2one(
        "med.edi.backend", string="EDI Backend", readonly=True, copy=False, index="btree_not_null"
    )
    med_edi_order_ref = fields.Char(string="Consignor Order", readonly=True, copy=False)
    med_edi_exchange_ids = fields.Many2many(
        "med.edi.exchange",
        string="EDI Exchanges",
        compute="_compute_med_edi_exchange_ids",
        help="The messages this document was created from or reported in.",
    )
    med_edi_exchange_count = fields.Integer(compute="_compute_med_edi_exchange_ids")

    def _compute_med_edi_exchange_ids(self):
        exchanges = self.env["med.edi.exchange"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        by_record = {}
        for exchange in exchanges:
            by_record.setdefault(exchange.res_id, []).append(exchange.id)
        for record in self:
            ids = by_record.get(record.id, [])
            record.med_edi_exchange_ids = [Command.set(ids)]
            record.med_edi_exchange_count = len(ids)

    def action_open_med_edi_exchanges(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("EDI Exchanges"),
            "res_model": "med.edi.exchange",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
        }
