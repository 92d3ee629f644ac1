from odoo import api, fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "med.edi.consumer.mixin"]

    med_edi_confirmation_pending = fields.Boolean(
        string="EDI Confirmation Pending", readonly=True, copy=False, index="btree_not_null",
        help="Done, its receipt or shipment confirmation waits for the scheduled job.",
    )

    def _med_edi_backend(self):
        self.ensure_one()
        backend = self.med_edi_backend_id
        if not backend and self.picking_type_code == "incoming":
            backend = self.purchase_id.med_edi_backend_id
        return backend

    def _med_edi_confirmation_type(self):
        self.ensure_one()
        return "receipt_confirmation" if self.picking_type_code == "incoming" \
            else "shipment_confirmation"  # fmt: skip

    def _action_done(self):
        res = super()._action_done()
        # storekeepers validate transfers without any EDI right: the system reports them
        immediate = self.sudo().browse()
        # internal transfers (quarantine, issue to departments) are never confirmed
        for picking in self.sudo().filtered(
                lambda p: p.state == "done" and p.picking_type_code in ("incoming", "outgoing")):
            backend = picking._med_edi_backend()
            if not backend:
                continue
            mode = backend[f"send_{picking._med_edi_confirmation_type()}"]
            if mode == "immediate":
                immediate |= picking
            elif mode == "scheduled":
                picking.med_edi_confirmation_pending = True
        immediate._edi_send_confirmation()
        return res

    @api.model
    def _edi_send_pending_confirmations(self):
        self.sudo().search([("med_edi_confirmation_pending", "=", True)])._edi_send_confirmation()

    def _edi_send_confirmation(self):
        """The receipt or shipment confirmation of each done transfer."""
        exchanges = self.env["med.edi.exchange"]
        for picking in self:
            backend = picking._med_edi_backend()
            message_type = picking._med_edi_confirmation_type()
            groups = self.env["stock.move.line"]._read_group(
                [("picking_id", "=", picking.id), ("state", "=", "done")],
                ["product_id", "lot_id"], ["quantity_product_uom:sum"])
            products = self.env["product.product"].union(*(g[0] for g in groups))
            product_values = backend._edi_product_values(products)
            lines = []
            for product, lot, quantity in groups:
                values = dict(product_values[product])
                expiry = lot.expiration_date if lot else None
                values.update({
                    "lot": lot.name if lot and product.tracking == "lot" else None,
                    "serial": lot.name if lot and product.tracking == "serial" else None,
                    "expiry_date": expiry.date() if expiry else None,
                    "quantity": quantity,
                })
                lines.append(values)
            date_done = fields.Date.context_today(picking, picking.date_done)
            header = backend._edi_header(
                order_ref=(picking.med_edi_order_ref or picking.origin or picking.name)[:35])
            if message_type == "receipt_confirmation":
                header["receipt_date"] = date_done
            else:
                header["shipment_date"] = date_done
                header["customer_code"] = picking.partner_id.ref or None
            exchanges |= backend._edi_generate(message_type, header, lines, record=picking)
            picking.med_edi_confirmation_pending = False
        return exchanges
