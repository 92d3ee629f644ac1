from odoo import Command, models


class MedEdiHandlerTransfer(models.AbstractModel):
    """What the inbound messages moving the consignor's stock share (purchase return,
    sales order, sales return): one confirmed transfer, a move per line."""

    _name = "med.edi.handler.transfer"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Transfer Received"

    #: for the customer transfers: shipped from our stock (sales order) or received back
    _edi_outgoing = True

    def _edi_check(self, exchange, message):
        """The customer (its reference in the header), products and lots (which must
        be known here)."""
        backend = exchange.backend_id
        problems = []
        customer = self._edi_customer(backend, message, problems)
        products, lots, more = self._edi_lookup(
            exchange, message, True, customer or backend.partner_id, "customer"
        )
        return {"customer": customer, "products": products, "lots": lots}, problems + more

    def _edi_process(self, exchange, message, found):
        """A sales order (shipped from the consignor's stock) or a sales return (received
        back into it): a transfer between our stock and the customer."""
        warehouse = exchange.backend_id.company_id._med_warehouse()
        stock = warehouse.lot_stock_id
        customers = self.env.ref("stock.stock_location_customers")
        if self._edi_outgoing:
            return self._edi_create_picking(
                exchange, message, found, warehouse.out_type_id, stock, customers, found["customer"]
            )
        return self._edi_create_picking(
            exchange, message, found, warehouse.in_type_id, customers, stock, found["customer"]
        )

    def _edi_create_picking(
        self, exchange, message, found, picking_type, source, destination, partner
    ):
        """One confirmed transfer of the consignor's stock (owner), a move per line,
        reserving the lot a line names (``med_edi_lot_id``)."""
        backend = exchange.backend_id
        products, lots = found["products"], found["lots"]
        owner = backend.partner_id
        moves = []
        for line in message.lines:
            product = products[line.number]
            lot = lots.get(line.number)
            moves.append(
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": float(line.values["quantity"]),
                        "product_uom": product.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "restrict_partner_id": owner.id,
                        "med_edi_lot_id": lot.id if lot else False,
                        "description_picking": lot.name if lot else line.values.get("lot"),
                        "company_id": backend.company_id.id,
                    }
                )
            )
        picking = self.env["stock.picking"].create(
            {
                **self._edi_document_vals(exchange, message),
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "partner_id": partner.id,
                "owner_id": owner.id,
                "origin": message.header.get("order_ref"),
                "company_id": backend.company_id.id,
                "move_ids": moves,
            }
        )
        picking.action_confirm()
        return picking
