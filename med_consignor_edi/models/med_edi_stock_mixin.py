from odoo import models


class MedEdiStockMixin(models.AbstractModel):
    """The consignor's stock balance (what it owns where, now or as of a date), computed
    in one place: :meth:`_edi_stock_balance`, one SQL query, read by the stock status,
    the stock statement's reconciliation and the monthly reconciliation.  Inherited by
    ``med.edi.backend``, which defines ``partner_id`` and ``company_id``."""

    _name = "med.edi.stock.mixin"
    _description = "Consignor EDI Stock Balance"

    def _edi_stock_balance(self, at=None, lots=None, location_ids=None, before=False):
        """Rows (product id, lot id or None, location id, quantity) of the stock owned
        by the consignor in our internal locations, non-zero, in one query.

        ``at`` (datetime): as of that time (``before``: strictly before it), from the
        done move lines (a unit in, owned by the consignor; a unit out, owned by it or
        used on a patient from its stock); otherwise now, from the quants.  ``lots``
        (stock.lot) and ``location_ids`` (with their children) restrict the rows."""
        self.ensure_one()
        params = {
            "owner": self.partner_id.id,
            "company": self.company_id.id,
            "at": at,
            "lots": lots.ids if lots is not None else None,
            "locations": None,
        }
        if location_ids:
            params["locations"] = (
                self.env["stock.location"]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "child_of", list(location_ids))])
                .ids
            )
        filters = "".join(
            (
                " AND lot_id = ANY(%(lots)s)" if lots is not None else "",
                " AND location_id = ANY(%(locations)s)" if location_ids else "",
            )
        )
        if at is None:
            self.env["stock.quant"].flush_model(
                ["product_id", "lot_id", "location_id", "owner_id", "company_id", "quantity"]
            )
            self.env["stock.location"].flush_model(["usage"])
            query = f"""
                SELECT product_id, lot_id, location_id, SUM(quantity) FROM (
                    SELECT q.product_id, q.lot_id, q.location_id, q.quantity
                      FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
                     WHERE q.owner_id = %(owner)s AND l.usage = 'internal'
                       AND q.company_id = %(company)s
                ) quants WHERE TRUE {filters}
                GROUP BY product_id, lot_id, location_id HAVING SUM(quantity) != 0
            """
        else:
            self.env["stock.move.line"].flush_model()
            self.env["stock.location"].flush_model(["usage"])
            date = "ml.date < %(at)s" if before else "ml.date <= %(at)s"
            query = f"""
                SELECT product_id, lot_id, location_id, SUM(qty) FROM (
                    SELECT ml.product_id, ml.lot_id, ml.location_dest_id AS location_id,
                           ml.quantity_product_uom AS qty
                      FROM stock_move_line ml JOIN stock_location l ON l.id = ml.location_dest_id
                     WHERE ml.state = 'done' AND ml.owner_id = %(owner)s AND {date}
                       AND l.usage = 'internal' AND ml.company_id = %(company)s
                    UNION ALL
                    SELECT ml.product_id, ml.lot_id, ml.location_id, -ml.quantity_product_uom
                      FROM stock_move_line ml JOIN stock_location l ON l.id = ml.location_id
                     WHERE ml.state = 'done' AND {date}
                       AND (ml.owner_id = %(owner)s OR ml.med_consignor_id = %(owner)s)
                       AND l.usage = 'internal' AND ml.company_id = %(company)s
                ) moves WHERE TRUE {filters}
                GROUP BY product_id, lot_id, location_id HAVING SUM(qty) != 0
            """
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def _edi_stock_lines(self, at=None, lots=None, location_ids=None):
        """Stock owned by the consignor in our internal locations, per product, lot and
        location: a list of dicts with product, lot, location, quantity, ordered by
        product, lot and location.  The records of the rows are read in batch (one
        query per model, whatever the number of rows)."""
        rows = self._edi_stock_balance(at=at, lots=lots, location_ids=location_ids)
        products = self._edi_ordered("product.product", {r[0] for r in rows})
        lots_ = self._edi_ordered("stock.lot", {r[1] for r in rows if r[1]})
        locations = self._edi_ordered("stock.location", {r[2] for r in rows})
        rank = {}
        for records in (products, lots_, locations):
            rank.update({(records._name, rec.id): index for index, rec in enumerate(records)})
        rows.sort(
            key=lambda r: (
                rank["product.product", r[0]],
                rank.get(("stock.lot", r[1]), -1),
                rank["stock.location", r[2]],
            )
        )
        no_lot = self.env["stock.lot"].sudo()
        return [
            {
                "product": products.browse(p).with_prefetch(products._prefetch_ids),
                "lot": lots_.browse(lot).with_prefetch(lots_._prefetch_ids) if lot else no_lot,
                "location": locations.browse(loc).with_prefetch(locations._prefetch_ids),
                "quantity": qty,
            }
            for p, lot, loc, qty in rows
        ]

    def _edi_product_values(self, products):
        """Identifying fields of each product as the consignor knows it: {product: dict}."""
        self.ensure_one()
        infos = (
            self.env["product.supplierinfo"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("product_tmpl_id", "in", products.product_tmpl_id.ids),
                    ("product_code", "!=", False),
                ],
                ["product_tmpl_id", "product_id", "product_code"],
            )
        )
        codes = {}
        for info in infos:
            codes.setdefault(info.product_id or info.product_tmpl_id, info.product_code)
        values = {}
        for product in products:
            dis = (
                product.product_tmpl_id.med_udi_di_ids
                if "med_udi_di_ids" in product.product_tmpl_id._fields
                else []
            )
            di = next((d.di for d in dis if d.product_id == product), None) if dis else None
            barcode = (
                product.barcode
                if product.barcode
                and product.barcode.isdigit()
                and len(product.barcode) in (8, 12, 13, 14)
                else None
            )
            values[product] = {
                "product_code": codes.get(product)
                or codes.get(product.product_tmpl_id)
                or product.default_code
                or str(product.id),
                "gtin": barcode,
                "di": di if di and di != (barcode or "").zfill(14) else None,
                "product_name": product.name[:200],
                "uom": product.uom_id.name[:10],
            }
        return values

    def _edi_ordered(self, model, ids):
        """The records of ``ids`` (sudo, archived too) in their model's order."""
        Model = self.env[model].sudo().with_context(active_test=False)
        return Model.search([("id", "in", list(ids))]) if ids else Model.browse()
