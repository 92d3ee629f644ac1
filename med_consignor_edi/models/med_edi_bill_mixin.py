from odoo import Command, _, fields, models


class MedEdiBillMixin(models.AbstractModel):
    """Bill on use: a consignor's unit used on a patient is bought from it, on a purchase
    order or vendor bill line.  Inherited by ``med.edi.backend``."""

    _name = "med.edi.bill.mixin"
    _description = "Consignor EDI Bill on Use"

    bill_on_use = fields.Selection(
        [
            ("none", "No"),
            ("purchase_order", "Purchase order line"),
            ("vendor_bill", "Vendor bill line"),
        ],
        string="Bill on Use",
        default="purchase_order",
        required=True,
        help="What using a consignment unit on a patient creates for the consignor.",
    )
    replenish_on_use = fields.Boolean(
        string="Replenishment Requests",
        default=True,
        help="The close-out of a surgery case that used the consignor's units drafts a "
        "purchase order asking it to replenish them, for the buyer to confirm.",
    )

    def _edi_use_price(self, product):
        self.ensure_one()
        seller = product._select_seller(partner_id=self.partner_id, quantity=None)
        return seller.price if seller else product.standard_price

    def _edi_use_references(self, move_lines):
        """{move line: the reference the bill line names}: the surgery case of the use on
        a patient that made the move (from the unit's timeline event), else none.  The
        patient is never named to the consignor."""
        events = (
            self.env["med.unit.event"]
            .sudo()
            .search([("move_line_id", "in", move_lines.ids), ("res_model", "=", "med.device.use")])
        )
        uses = self.env["med.device.use"].sudo().browse(events.mapped("res_id")).exists()
        surgery = {use.id: use.surgery_ref for use in uses if use.surgery_ref}
        return {
            event.move_line_id: surgery[event.res_id] for event in events if event.res_id in surgery
        }

    def _edi_bill_use(self, move_lines):
        """Buy the consignor's units used on patients (``move_lines`` done to the patient
        location): lines added to the backend's open draft purchase order or vendor bill."""
        self.ensure_one()
        lines = []
        references = self._edi_use_references(move_lines)
        for ml in move_lines:
            if references.get(ml):
                name = _(
                    "%(product)s, %(lot)s used on %(date)s (%(reference)s)",
                    product=ml.product_id.display_name,
                    lot=ml.lot_id.name or "-",
                    date=ml.date.date(),
                    reference=references[ml],
                )
            else:
                name = _(
                    "%(product)s, %(lot)s used on %(date)s",
                    product=ml.product_id.display_name,
                    lot=ml.lot_id.name or "-",
                    date=ml.date.date(),
                )
            lines.append((ml.product_id, ml.quantity_product_uom, name))
        if self.bill_on_use == "purchase_order":
            Order = self.env["purchase.order"].sudo()
            order = Order.search(
                [
                    ("med_edi_backend_id", "=", self.id),
                    ("state", "=", "draft"),
                    ("origin", "=", "consignment-use"),
                ],
                limit=1,
            )
            commands = [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": qty,
                        "name": name,
                        "product_uom": product.uom_id.id,
                        "price_unit": self._edi_use_price(product),
                    }
                )
                for product, qty, name in lines
            ]
            if order:
                order.write({"order_line": commands})
            else:
                order = Order.create(
                    {
                        "partner_id": self.partner_id.id,
                        "company_id": self.company_id.id,
                        "origin": "consignment-use",
                        "med_edi_backend_id": self.id,
                        "order_line": commands,
                    }
                )
            return order
        Move = self.env["account.move"].sudo()
        bill = Move.search(
            [
                ("med_edi_backend_id", "=", self.id),
                ("state", "=", "draft"),
                ("move_type", "=", "in_invoice"),
            ],
            limit=1,
        )
        commands = [
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": qty,
                    "name": name,
                    "price_unit": self._edi_use_price(product),
                }
            )
            for product, qty, name in lines
        ]
        if bill:
            bill.write({"invoice_line_ids": commands})
        else:
            bill = Move.with_context(default_move_type="in_invoice").create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "med_edi_backend_id": self.id,
                    "invoice_line_ids": commands,
                }
            )
        return bill
