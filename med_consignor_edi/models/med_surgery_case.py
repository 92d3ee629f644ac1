from odoo import Command, _, api, fields, models

#: the outcomes that consume a unit of the consignment stock
CONSUMED = ("implanted", "used")


class MedSurgeryCase(models.Model):
    """The close-out of a case asks each consignor whose consignment units were used to
    replenish them: a draft purchase order (request for quotation) per consignor, with
    the products and quantities used, for the buyer to confirm.  Its receipt brings the
    units in as the consignor's (owner), so they are bought on use again."""

    _inherit = "med.surgery.case"

    med_replenishment_ids = fields.One2many(
        "purchase.order",
        "med_surgery_case_id",
        string="Replenishment Requests",
        readonly=True,
        groups="purchase.group_purchase_user",
    )
    med_replenishment_count = fields.Integer(compute="_compute_med_replenishment_count")

    @api.depends("state")
    def _compute_med_replenishment_count(self):
        # nurses close the case but need not read purchase orders: counted as the system
        groups = (
            self.env["purchase.order"]
            .sudo()
            ._read_group(
                [("med_surgery_case_id", "in", self.ids)], ["med_surgery_case_id"], ["__count"]
            )
        )
        counts = {case.id: count for case, count in groups}
        for case in self:
            case.med_replenishment_count = counts.get(case.id, 0)

    def _med_close(self):
        # the owners are read before the close-out: using the units makes them ours
        consigned = self._med_consigned_lines()
        result = super()._med_close()
        self._med_request_replenishment(consigned)
        return result

    def _med_consigned_lines(self):
        """{backend: lines}: the consumed units of consignors with a backend asking for
        replenishment (a loaner set's units travel with their set: not replenished)."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda ln: (
                ln.outcome in CONSUMED
                and ln.owner_id
                and not ("loaner_set_id" in ln._fields and ln.loaner_set_id)
            )
        )
        if not lines:
            return {}
        backends = (
            self.env["med.edi.backend"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", lines.owner_id.ids),
                    ("company_id", "=", self.company_id.id),
                    ("replenish_on_use", "=", True),
                ]
            )
        )
        result = {}
        for backend in backends:
            mine = lines.filtered(lambda ln, b=backend: ln.owner_id == b.partner_id)
            if mine and backend.partner_id not in [b.partner_id for b in result]:
                result[backend] = mine
        return result

    def _med_request_replenishment(self, consigned):
        """One draft purchase order per consignor, as the system (nurses close cases
        without purchase rights); the buyer confirms it."""
        self.ensure_one()
        orders = self.env["purchase.order"].sudo()
        for backend, lines in consigned.items():
            quantities = {}
            for line in lines:
                quantities[line.product_id] = quantities.get(line.product_id, 0.0) + line.quantity
            order = orders.create(
                {
                    "partner_id": backend.partner_id.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                    "user_id": False,
                    "med_edi_backend_id": backend.id,
                    "med_surgery_case_id": self.id,
                    "notes": _(
                        "Replenishment of the consignment stock used in surgery case %(case)s.",
                        case=self.name,
                    ),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": quantity,
                                "product_uom": product.uom_id.id,
                            }
                        )
                        for product, quantity in quantities.items()
                    ],
                }
            )
            self._message_log(
                body=_(
                    "Replenishment requested from %(consignor)s: %(order)s (%(products)s).",
                    consignor=backend.partner_id.display_name,
                    order=order.name,
                    products=", ".join(
                        f"{product.display_name} × {quantity:g}"
                        for product, quantity in quantities.items()
                    ),
                )
            )
            orders |= order
        return orders

    def action_view_med_replenishments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Replenishment Requests"),
            "res_model": "purchase.order",
            "view_mode": "list,form",
            "domain": [("med_surgery_case_id", "=", self.id)],
            "context": {"create": False},
        }
