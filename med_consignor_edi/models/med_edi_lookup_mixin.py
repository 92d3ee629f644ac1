from odoo import models

from .edi_messages import addon_problem


class MedEdiLookupMixin(models.AbstractModel):
    """The lookups the inbound handlers share, one query per kind of identifier:
    products, lots, customer, GSP refusals of a message's lines."""

    _name = "med.edi.lookup.mixin"
    _description = "Consignor EDI Lookups"

    def _edi_resolve_products(self, backend, lines):
        """{line number: product.product} and the problems of lines whose product is
        unknown.  Looked up by UDI-DI (med.product.di), GTIN (DI or barcode) and the
        consignor's product code (product.supplierinfo, then internal reference)."""
        company = backend.company_id
        Product = self.env["product.product"].sudo()
        dis = {line.values.get("di") for line in lines} - {None}
        gtins = {line.values.get("gtin") for line in lines} - {None}
        codes = {line.values.get("product_code") for line in lines} - {None}
        by_di, by_barcode, by_code = {}, {}, {}
        if (dis or gtins) and "med.product.di" in self.env:
            for rec in (
                self.env["med.product.di"]
                .sudo()
                .search_fetch(
                    [("di", "in", list(dis | gtins)), ("company_id", "=", company.id)],
                    ["di", "product_id"],
                )
            ):
                by_di[rec.di] = rec.product_id
        if gtins:
            forms = {}
            for gtin in gtins:
                for size in (14, 13, 12, 8):
                    if gtin[: 14 - size].strip("0") == "":
                        forms[gtin[14 - size :]] = gtin
            for product in Product.search_fetch(
                [("barcode", "in", list(forms)), ("company_id", "in", [company.id, False])],
                ["barcode"],
            ):
                by_barcode.setdefault(forms[product.barcode], product)
        if codes:
            consignor = backend.partner_id.commercial_partner_id
            for info in (
                self.env["product.supplierinfo"]
                .sudo()
                .search_fetch(
                    [
                        ("partner_id", "child_of", consignor.id),
                        ("product_code", "in", list(codes)),
                        ("company_id", "in", [company.id, False]),
                    ],
                    ["product_code", "product_id", "product_tmpl_id"],
                )
            ):
                by_code.setdefault(
                    info.product_code, info.product_id or info.product_tmpl_id.product_variant_id
                )
            missing = codes - set(by_code)
            if missing:
                for product in Product.search_fetch(
                    [
                        ("default_code", "in", list(missing)),
                        ("company_id", "in", [company.id, False]),
                    ],
                    ["default_code"],
                ):
                    by_code.setdefault(product.default_code, product)
        products, problems = {}, []
        for line in lines:
            values = line.values
            product = (
                by_di.get(values.get("di"))
                or by_di.get(values.get("gtin"))
                or by_barcode.get(values.get("gtin"))
                or by_code.get(values.get("product_code"))
            )
            if product:
                products[line.number] = product
                continue
            field = next(name for name in ("di", "gtin", "product_code") if values.get(name))
            problems.append(
                addon_problem(
                    self.env, "unknown_product", line=line.number, field=field, value=values[field]
                )
            )
        return products, problems

    def _edi_check_lots(self, backend, lines, products, must_exist):
        """Problems with the lots/serials of the lines: unknown (when they must exist)
        or known here with another expiry date.  Returns (problems, {line: lot})."""
        company = backend.company_id
        wanted = {
            (products[line.number].id, line.values.get("serial") or line.values.get("lot"))
            for line in lines
            if line.number in products and (line.values.get("serial") or line.values.get("lot"))
        }
        lots = {}
        if wanted:
            for lot in (
                self.env["stock.lot"]
                .sudo()
                .search_fetch(
                    [
                        ("product_id", "in", list({p for p, _n in wanted})),
                        ("name", "in", list({n for _p, n in wanted})),
                        ("company_id", "in", [company.id, False]),
                    ],
                    ["name", "product_id", "expiration_date"],
                )
            ):
                lots[lot.product_id.id, lot.name] = lot
        problems, found = [], {}
        for line in lines:
            product = products.get(line.number)
            field = "serial" if line.values.get("serial") else "lot"
            name = line.values.get(field)
            if not product or not name:
                continue
            lot = lots.get((product.id, name))
            if not lot:
                if must_exist:
                    problems.append(
                        addon_problem(
                            self.env,
                            "unknown_lot",
                            line=line.number,
                            field=field,
                            value=name,
                            product=product.display_name,
                        )
                    )
                continue
            found[line.number] = lot
            expiry = line.values.get("expiry_date")
            if expiry and lot.expiration_date and lot.expiration_date.date() != expiry:
                problems.append(
                    addon_problem(
                        self.env,
                        "lot_expiry_mismatch",
                        line=line.number,
                        field="expiry_date",
                        value=expiry.isoformat(),
                        lot=name,
                        product=product.display_name,
                        expected=lot.expiration_date.date().isoformat(),
                    )
                )
        return problems, found

    def _edi_gsp_problems(self, exchange, partners, products, role):
        """The GSP quality addon's refusals (locked partner, unqualified product)."""
        if "gsp.qualification" not in self.env:
            return []
        Qualification = self.env["gsp.qualification"]
        if not hasattr(Qualification, "_gsp_check_business"):
            return []
        refusals = Qualification._gsp_check_business(
            partners, products, exchange.display_name, role=role
        )
        return [
            {
                "code": "gsp_refused",
                "line": 0,
                "field": False,
                "value": "",
                "message": refusal,
                "severity": "error",
            }
            for refusal in refusals
        ]

    def _edi_customer(self, backend, message, problems):
        code = message.header.get("customer_code")
        customer = (
            self.env["res.partner"]
            .sudo()
            .search(
                [("ref", "=", code), ("company_id", "in", [backend.company_id.id, False])], limit=1
            )
        )
        if not customer:
            problems.append(
                addon_problem(
                    self.env,
                    "unknown_customer",
                    line=message.header_line,
                    field="customer_code",
                    value=code,
                )
            )
        return customer

    def _edi_lookup(self, exchange, message, must_exist_lots, partners, role):
        """Products and lots of every line, with every problem (unknown product, lot,
        expiry mismatch, GSP lock)."""
        backend = exchange.backend_id
        products, problems = self._edi_resolve_products(backend, message.lines)
        lot_problems, lots = self._edi_check_lots(backend, message.lines, products, must_exist_lots)
        problems += lot_problems
        all_products = self.env["product.product"].union(*products.values())
        problems += self._edi_gsp_problems(exchange, partners, all_products, role)
        return products, lots, problems
