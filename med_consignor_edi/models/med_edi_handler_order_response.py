from markupsafe import Markup, escape
from odoo import _, models

from .edi_messages import addon_problem


class MedEdiHandlerOrderResponseIn(models.AbstractModel):
    """Inbound order response (订单应答, EANCOM ORDRSP): the consignor's answer to one of
    the hospital's purchase orders (found by its reference or the consignor's own).
    Recorded on the order (response, per line the answer and quantity confirmed; a
    confirmed delivery date becomes the line's expected date) and in its chatter; the
    quantities ordered are not changed: the buyer decides."""

    _name = "med.edi.handler.order_response.in"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Order Response Received"
    _edi_message_type = "order_response"
    _edi_direction = "in"

    def _edi_order(self, backend, reference):
        return (
            self.env["purchase.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", backend.partner_id.commercial_partner_id.id),
                    ("company_id", "=", backend.company_id.id),
                    "|",
                    ("name", "=", reference),
                    ("partner_ref", "=", reference),
                ],
                order="id desc",
                limit=1,
            )
        )

    def _edi_check(self, exchange, message):
        backend = exchange.backend_id
        reference = message.header.get("order_ref")
        order = self._edi_order(backend, reference)
        if not order:
            return {}, [
                addon_problem(
                    self.env,
                    "unknown_order",
                    field="order_ref",
                    value=reference,
                    consignor=backend.partner_id.display_name,
                )
            ]
        if not message.lines:
            return {"order": order, "products": {}}, []
        products, _lots, problems = self._edi_lookup(
            exchange, message, False, backend.partner_id, "supplier"
        )
        ordered = order.order_line.product_id
        for line in message.lines:
            product = products.get(line.number)
            if product and product not in ordered:
                problems.append(
                    addon_problem(
                        self.env,
                        "product_not_on_order",
                        line=line.number,
                        field="product_code",
                        value=product.display_name,
                        order=order.name,
                    )
                )
        return {"order": order, "products": products}, problems

    def _edi_process(self, exchange, message, found):
        order, products, header = found["order"], found["products"], message.header
        by_product = {}
        for order_line in order.order_line.filtered(lambda ol: not ol.display_type):
            by_product.setdefault(order_line.product_id, order_line)
        rows = self.env["purchase.order.line"]
        for line in message.lines:
            order_line = by_product[products[line.number]]
            values = line.values
            vals = {"med_edi_line_action": values.get("line_action") or header["response_code"]}
            if values.get("quantity") is not None:
                vals["med_edi_confirmed_qty"] = float(values["quantity"])
            if values.get("delivery_date"):
                vals["date_planned"] = values["delivery_date"]
            order_line.write(vals)
            rows |= order_line
        order.write(
            {
                "med_edi_response": header["response_code"],
                "med_edi_response_date": header.get("date"),
            }
        )
        order.sudo().message_post(  # whoever processes the file, email address or not
            body=self._edi_response_note(order, header, rows), subtype_xmlid="mail.mt_note"
        )
        return order

    def _edi_response_note(self, order, header, order_lines):
        """The chatter note of the response: what it says, line by line."""
        response = dict(order._fields["med_edi_response"]._description_selection(self.env))
        actions = dict(
            self.env["purchase.order.line"]
            ._fields["med_edi_line_action"]
            ._description_selection(self.env)
        )
        items = Markup("").join(
            Markup("<li>%s</li>")
            % _(
                "%(product)s: %(answer)s, %(quantity)s of %(ordered)s confirmed, expected %(date)s",
                product=line.product_id.display_name,
                answer=actions.get(line.med_edi_line_action, ""),
                quantity=line.med_edi_confirmed_qty,
                ordered=line.product_qty,
                date=line.date_planned.date() if line.date_planned else "-",
            )
            for line in order_lines
        )
        title = _(
            "Order response %(number)s of the consignor: %(response)s",
            number=header.get("message_id"),
            response=response.get(header["response_code"], ""),
        )
        note = escape(header.get("note") or "")
        return Markup("<p>%s</p>%s%s") % (
            title,
            Markup("<ul>%s</ul>") % items if items else "",
            Markup("<p>%s</p>") % note if note else "",
        )
