import datetime
from decimal import Decimal

import pytz
from dateutil.relativedelta import relativedelta
from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: the messages a backend's monthly job generates for the previous month
MONTHLY_TYPES = ("reconciliation", "usage_report", "gain_loss")


class MedEdiMonthlyMixin(models.AbstractModel):
    """A consignor backend's period reports (usage report, gain/loss) and monthly
    reconciliation, generated for last month by the scheduled job or a button.
    Inherited by ``med.edi.backend``, which defines the outbound methods used here."""

    _name = "med.edi.monthly.mixin"
    _description = "Consignor EDI Monthly Reports"

    monthly_reports = fields.Boolean(
        default=True,
        help="On the first day of each month, the scheduled job generates last month's "
        "reconciliation, usage report and gain/loss of this consignor.",
    )

    # -- period reports: usage, gain/loss --------------------------------------------

    def _edi_done_move_lines(self, date_from, date_to, domain):
        """Done move lines of the consignor's stock between the two datetimes (units
        used on patients count although their ownership passed to us)."""
        self.ensure_one()
        return self.env["stock.move.line"].sudo().search([
            ("state", "=", "done"),
            "|", ("owner_id", "=", self.partner_id.id),
            ("med_consignor_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("date", ">=", date_from), ("date", "<", date_to), *domain,
        ], order="date, id")

    def _edi_line_values(self, move_line, product_values):
        lot, product = move_line.lot_id, move_line.product_id
        values = dict(product_values[product])
        values.update({
            "lot": lot.name if lot and product.tracking == "lot" else None,
            "serial": lot.name if lot and product.tracking == "serial" else None,
            "expiry_date": lot.expiration_date.date() if lot.expiration_date else None,
            "quantity": move_line.quantity_product_uom,
        })
        return values

    def _edi_send_usage_report(self, date_from, date_to, period=None, skip_empty=False):
        """Units of the consignor used on patients between the two datetimes."""
        self.ensure_one()
        patient = self.company_id._med_patient_location()
        move_lines = self._edi_done_move_lines(
            date_from, date_to, [("location_dest_id", "=", patient.id)])
        product_values = self._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_line_values(move_line, product_values)
            values.update(usage_date=move_line.date.date(),
                          unit_price=self._edi_use_price(move_line.product_id))
            lines.append(values)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        period = period or f"{date_from:%Y-%m}"
        header = self._edi_header(period=period)
        return self._edi_generate("usage_report", header, lines, send=self._edi_send_now(),
                                  period=period)

    def _edi_send_gain_loss(self, date_from, date_to, period=None, skip_empty=False):
        """Inventory adjustments of the consignor's stock: gains and losses with reasons."""
        self.ensure_one()
        move_lines = self._edi_done_move_lines(
            date_from, date_to, [("move_id.is_inventory", "=", True)])
        product_values = self._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_line_values(move_line, product_values)
            gain = move_line.location_dest_id.usage == "internal"
            values.update(direction="gain" if gain else "loss",
                          line_reason=(move_line.move_id.name or "")[:250] or None)
            lines.append(values)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        period = period or f"{date_from:%Y-%m}"
        header = self._edi_header(note=_("Period %(period)s", period=period))
        return self._edi_generate("gain_loss", header, lines, send=self._edi_send_now(),
                                  period=period)

    # -- monthly reconciliation ---------------------------------------------------------

    def _edi_period_bounds(self, period):
        """(first day, start, end) of month ``period`` (``YYYY-MM`` or a date): start and
        end are UTC datetimes of the first midnights of the month and of the next one in
        the user's (or the company's) time zone."""
        self.ensure_one()
        if isinstance(period, str):
            try:
                first = datetime.datetime.strptime(period.strip(), "%Y-%m").date()
            except ValueError:
                raise UserError(_("Period %(period)s is not a month (YYYY-MM expected).",
                                  period=period)) from None
        else:
            first = period.replace(day=1)
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz
                           or self.company_id.partner_id.tz or "UTC")

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return first, utc(first), utc(first + relativedelta(months=1))

    def _edi_last_month(self):
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=1)

    def _edi_reconciliation_figures(self, date_from, date_to):
        """Per product and lot, the consignor's stock at ``date_from`` and its movements
        until ``date_to``: a list of dicts (product, lot, opening, received, used,
        returned, shipped, gain, loss, closing), from done move lines in one grouped
        query.  Only moves between our internal locations and elsewhere count
        (transfers inside the stock change nothing); a unit used on a patient counts as
        used although its ownership then passed to us."""
        self.ensure_one()
        patient = self.company_id._med_patient_location()
        self.env["stock.move.line"].flush_model()
        self.env["stock.location"].flush_model(["usage"])
        self.env.cr.execute("""
            SELECT ml.product_id, ml.lot_id,
                   SUM(CASE WHEN ml.date >= %(start)s THEN 0
                            WHEN dst.usage = 'internal' THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END),
                   SUM(CASE WHEN ml.date >= %(start)s AND dst.usage = 'internal'
                             AND src.usage != 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.id = %(patient)s THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.usage = 'supplier' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.id != %(patient)s
                             AND dst.usage NOT IN ('supplier', 'inventory')
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND dst.usage = 'internal'
                             AND src.usage = 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END),
                   SUM(CASE WHEN ml.date >= %(start)s AND src.usage = 'internal'
                             AND dst.usage = 'inventory' THEN ml.quantity_product_uom
                            ELSE 0 END)
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
             WHERE ml.state = 'done' AND ml.company_id = %(company)s AND ml.date < %(end)s
               AND (src.usage = 'internal') != (dst.usage = 'internal')
               AND (ml.owner_id = %(owner)s
                    OR (ml.med_consignor_id = %(owner)s AND src.usage = 'internal'))
          GROUP BY ml.product_id, ml.lot_id
        """, {"start": date_from, "end": date_to, "patient": patient.id,
              "company": self.company_id.id, "owner": self.partner_id.id})
        rows = self.env.cr.fetchall()
        Product, Lot = self.env["product.product"], self.env["stock.lot"]
        Product.browse([row[0] for row in rows]).fetch(["uom_id", "tracking"])
        names = ("opening", "received", "used", "returned", "shipped", "gain", "loss")
        figures = []
        for product_id, lot_id, *quantities in rows:
            product = Product.browse(product_id)
            digits = max(0, -Decimal(str(product.uom_id.rounding)).as_tuple().exponent)
            values = dict(zip(names, (Decimal(str(round(q or 0.0, digits))) for q in quantities),
                              strict=True))
            values["closing"] = (values["opening"] + values["received"] + values["gain"]
                                 - values["used"] - values["returned"] - values["shipped"]
                                 - values["loss"])
            if not any(values.values()):
                continue
            figures.append({"product": product, "lot": Lot.browse(lot_id or []), **values})
        return figures

    def _edi_reconciliation_lines(self, date_from, date_to):
        """The lines of the reconciliation message: figures, price and amount of the
        units used (what the consignor invoices)."""
        self.ensure_one()
        figures = self._edi_reconciliation_figures(date_from, date_to)
        products = self.env["product.product"].union(*(f["product"] for f in figures))
        product_values = self._edi_product_values(products)
        prices = {product: self._edi_use_price(product) for product in products}
        currency = self.company_id.currency_id
        lines = []
        for row in figures:
            product, lot = row["product"], row["lot"]
            price = Decimal(str(currency.round(prices[product])))
            line = {key: value for key, value in product_values[product].items()
                    if key != "uom" or value}
            line.update({
                "lot": lot.name if lot else None,
                "unit_price": price,
                "opening_quantity": row["opening"],
                "received_quantity": row["received"],
                "used_quantity": row["used"],
                "returned_quantity": row["returned"],
                "shipped_quantity": row["shipped"],
                "gain_quantity": row["gain"],
                "loss_quantity": row["loss"],
                "closing_quantity": row["closing"],
                "amount": Decimal(str(currency.round(float(row["used"] * price)))),
            })
            lines.append(line)
        return lines

    def _edi_send_reconciliation(self, period=None, skip_empty=False):
        """Generate (and send, by the backend's channel and setting) the monthly
        reconciliation of ``period`` (``YYYY-MM`` or a date; default last month)."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        month = f"{first:%Y-%m}"
        lines = self._edi_reconciliation_lines(start, end)
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        header = self._edi_header(period=month, currency=self.company_id.currency_id.name)
        return self._edi_generate("reconciliation", header, lines,
                                  send=self._edi_send_now(), period=month)

    def _edi_send_monthly(self, period=None, message_types=MONTHLY_TYPES):
        """The month's reports not generated yet for ``period`` (default last month):
        one exchange per type; a report already generated or sent is not made again,
        one in error is; a report with nothing to tell (no stock, no use, no adjustment)
        is not made.  Returns the new exchanges."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        month = f"{first:%Y-%m}"
        done = set(self.env["med.edi.exchange"].sudo().search([
            ("backend_id", "=", self.id), ("direction", "=", "out"), ("period", "=", month),
            ("message_type", "in", list(message_types)), ("state", "!=", "error"),
        ]).mapped("message_type"))
        exchanges = self.env["med.edi.exchange"]
        for message_type in message_types:
            if message_type in done:
                continue
            if message_type == "reconciliation":
                exchanges |= self._edi_send_reconciliation(first, skip_empty=True)
            elif message_type == "usage_report":
                exchanges |= self._edi_send_usage_report(start, end, period=month,
                                                         skip_empty=True)
            else:
                exchanges |= self._edi_send_gain_loss(start, end, period=month,
                                                      skip_empty=True)
        return exchanges

    def action_send_reconciliation(self):
        """Button: last month's reconciliation, generated again even if it was before."""
        self._check_edi_manager()
        exchanges = self.env["med.edi.exchange"]
        for backend in self:
            exchanges |= backend.sudo()._edi_send_reconciliation()
        return exchanges._edi_action_open()

    def action_send_monthly_reports(self):
        """Button: last month's reports not generated yet (reconciliation, usage, gain/loss)."""
        self._check_edi_manager()
        exchanges = self.env["med.edi.exchange"]
        for backend in self:
            exchanges |= backend.sudo()._edi_send_monthly()
        return exchanges._edi_action_open()

    def _check_edi_manager(self):
        if not self.env.user.has_group("med_consignor_edi.group_edi_manager"):
            raise UserError(_("Only an EDI manager sends reports to consignors."))
        self.check_access("write")

    @api.model
    def _cron_monthly_reports(self):
        """Scheduled job (monthly): last month's reports of every backend asking for them."""
        for backend in self.search([("monthly_reports", "=", True)]):
            backend._edi_send_monthly()
            if self.env.context.get("med_edi_commit"):
                self.env.cr.commit()  # pylint: disable=invalid-commit
