from odoo import Command, models


class MedEdiHandlerPurchaseOrderIn(models.AbstractModel):
    """Inbound purchase order (采购订单): a purchase order from the consignor, confirmed
    when its backend says so (its receipts then carry the consignor as owner)."""

    _name = "med.edi.handler.purchase_order.in"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Purchase Order Received"
    _edi_message_type = "purchase_order"
    _edi_direction = "in"

    def _edi_check(self, exchange, message):
        backend = exchange.backend_id
        products, _lots, problems = self._edi_lookup(
            exchange, message, False, backend.partner_id, "supplier"
        )
        return {"products": products}, problems

    def _edi_process(self, exchange, message, found):
        backend = exchange.backend_id
        products = found["products"]
        header = message.header
        planned = header.get("expected_date") or header["date"]
        company = backend.company_id
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(backend.partner_id)
        )
        per_product = {}
        lines = []
        Distribution = self.env["account.analytic.distribution.model"]
        partner = backend.partner_id
        for line in message.lines:
            product = products[line.number]
            if product not in per_product:
                # what purchase's onchange and computes would deduce, once per product
                # (not per line): its name, taxes and analytic distribution
                taxes = product.supplier_taxes_id._filter_taxes_by_company(company)
                distribution = Distribution._get_distribution(
                    {
                        "product_id": product.id,
                        "product_categ_id": product.categ_id.id,
                        "partner_id": partner.id,
                        "partner_category_id": partner.category_id.ids,
                        "company_id": company.id,
                    }
                )
                per_product[product] = (
                    product.display_name,
                    fiscal_position.map_tax(taxes).ids,
                    distribution,
                )
            name, tax_ids, distribution = per_product[product]
            quantity = float(line.values["quantity"])
            price = line.values.get("unit_price")
            if price is None:
                seller = product._select_seller(
                    partner_id=backend.partner_id, quantity=quantity, uom_id=product.uom_po_id
                )
                price = seller.price if seller else product.standard_price
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": line.values.get("product_name") or name,
                        "product_qty": quantity,
                        "product_uom": product.uom_po_id.id,
                        "date_planned": planned,
                        "price_unit": float(price),
                        "taxes_id": [Command.set(tax_ids)],
                        "analytic_distribution": distribution or False,
                    }
                )
            )
        order = self.env["purchase.order"].create(
            {
                **self._edi_document_vals(exchange, message),
                "partner_id": backend.partner_id.id,
                "company_id": backend.company_id.id,
                "partner_ref": header.get("order_ref"),
                "origin": header.get("message_id"),
                "date_planned": planned,
                "order_line": lines,
            }
        )
        if backend.confirm_orders:
            order.button_confirm()
            order.picking_ids.write(
                {
                    "owner_id": backend.partner_id.id,
                    "med_edi_backend_id": backend.id,
                    "med_edi_order_ref": header.get("order_ref"),
                }
            )
        return order
