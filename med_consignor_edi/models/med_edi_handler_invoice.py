from odoo import Command, models

from medtrace.edi.schemas import invoice_sign


class MedEdiHandlerInvoiceIn(models.AbstractModel):
    """Inbound invoice (发票, EANCOM INVOIC): the consignor bills the consignment units
    used, or credits them back.  A draft vendor bill (a draft vendor credit note for a
    credit note) of the consignor, its reference the invoice number, one line per
    invoiced line: product, lot in the label, quantity, unit price, and the company's
    purchase tax of the invoiced rate (the product's purchase taxes when the company
    has no tax of that rate).  Accounting checks it against the units used (bill on
    use) and posts it; nothing is posted automatically."""

    _name = "med.edi.handler.invoice.in"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Invoice Received"
    _edi_message_type = "invoice"
    _edi_direction = "in"

    def _edi_check(self, exchange, message):
        backend = exchange.backend_id
        products, _lots, problems = self._edi_lookup(
            exchange, message, False, backend.partner_id, "supplier"
        )
        return {"products": products}, problems

    def _edi_taxes_by_rate(self, company, rates):
        """{rate: the company's purchase tax of that percentage} in one search."""
        if not rates:
            return {}
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "purchase"),
                ("amount_type", "=", "percent"),
                ("price_include", "=", False),
                ("amount", "in", sorted(rates)),
            ],
            order="sequence, id",
        )
        found = {}
        for tax in taxes:
            found.setdefault(tax.amount, tax)
        return found

    def _edi_process(self, exchange, message, found):
        backend = exchange.backend_id
        company = backend.company_id
        products, header = found["products"], message.header
        rates = {
            float(line.values["tax_rate"])
            for line in message.lines
            if line.values.get("tax_rate") is not None
        }
        by_rate = self._edi_taxes_by_rate(company, rates)
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(backend.partner_id)
        )
        lines = []
        for line in message.lines:
            values = line.values
            product = products[line.number]
            rate = values.get("tax_rate")
            tax = by_rate.get(float(rate)) if rate is not None else None
            taxes = tax or fiscal_position.map_tax(
                product.supplier_taxes_id._filter_taxes_by_company(company)
            )
            unit = values.get("serial") or values.get("lot")
            name = values.get("product_name") or product.display_name
            price = values.get("unit_price")
            if price is None and values.get("amount") is not None:
                price = values["amount"] / values["quantity"]
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": f"{name} ({unit})" if unit else name,
                        "quantity": float(values["quantity"]),
                        "price_unit": float(price) if price is not None else product.standard_price,
                        "med_edi_unit": unit or False,
                        "tax_ids": [Command.set(taxes.ids)],
                    }
                )
            )
        move_type = "in_refund" if invoice_sign(header.get("invoice_type")) < 0 else "in_invoice"
        vals = {
            "move_type": move_type,
            "partner_id": backend.partner_id.id,
            "company_id": company.id,
            "med_edi_backend_id": backend.id,
            "ref": header.get("message_id"),
            "invoice_date": header.get("date"),
            "invoice_origin": header.get("order_ref") or header.get("delivery_note_ref"),
            "invoice_line_ids": lines,
        }
        if header.get("due_date"):
            vals["invoice_date_due"] = header["due_date"]
        currency = header.get("currency") and self.env["res.currency"].with_context(
            active_test=False
        ).search([("name", "=", header["currency"])], limit=1)
        if currency:
            vals["currency_id"] = currency.id
        return (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(default_move_type=move_type)
            .create(vals)
        )
