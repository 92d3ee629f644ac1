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
        return (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("state", "=", "done"),
                    "|",
                    ("owner_id", "=", self.partner_id.id),
                    ("med_consignor_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("date", ">=", date_from),
                    ("date", "<", date_to),
                    *domain,
                ],
                order="date, id",
            )
        )

    def _edi_send_usage_report(self, date_from, date_to, period=None, skip_empty=False):
        """Units of the consignor used on patients between the two datetimes."""
        return self._edi_send_period("usage_report", date_from, date_to, period, skip_empty)

    def _edi_send_gain_loss(self, date_from, date_to, period=None, skip_empty=False):
        """Inventory adjustments of the consignor's stock: gains and losses with reasons."""
        return self._edi_send_period("gain_loss", date_from, date_to, period, skip_empty)

    def _edi_send_period(self, message_type, date_from, date_to, period=None, skip_empty=False):
        """The report ``message_type`` of the period (built by its handler), sent by the
        backend's setting; none when ``skip_empty`` and it has no line."""
        self.ensure_one()
        period = period or f"{date_from:%Y-%m}"
        handler = self.env["med.edi.handler"]._edi_handler(message_type, "out")
        header, lines = handler._edi_build(
            self, date_from=date_from, date_to=date_to, period=period
        )
        if skip_empty and not lines:
            return self.env["med.edi.exchange"]
        return self._edi_generate(
            message_type, header, lines, send=self._edi_send_now(), period=period
        )

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
                raise UserError(
                    _("Period %(period)s is not a month (YYYY-MM expected).", period=period)
                ) from None
        else:
            first = period.replace(day=1)
        tz = pytz.timezone(
            self.env.context.get("tz") or self.env.user.tz or self.company_id.partner_id.tz or "UTC"
        )

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
        returned, shipped, gain, loss, closing): the opening from the one stock balance
        (``_edi_stock_balance``), the movements from done move lines in one grouped
        query.  Only moves between our internal locations and elsewhere count
        (transfers inside the stock change nothing); a unit used on a patient counts as
        used although its ownership then passed to us."""
        self.ensure_one()
        patient = self.company_id._med_patient_location()
        opening = {}
        for product_id, lot_id, _location_id, quantity in self._edi_stock_balance(
            at=date_from, before=True
        ):
            key = (product_id, lot_id)
            opening[key] = opening.get(key, 0.0) + quantity
        self.env["stock.move.line"].flush_model()
        self.env["stock.location"].flush_model(["usage"])
        self.env.cr.execute(
            """
            SELECT ml.product_id, ml.lot_id,
                   SUM(CASE WHEN dst.usage = 'internal' AND src.usage != 'inventory'
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN src.usage = 'internal' AND dst.id = %(patient)s
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN src.usage = 'internal' AND dst.usage = 'supplier'
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN src.usage = 'internal' AND dst.id != %(patient)s
                             AND dst.usage NOT IN ('supplier', 'inventory')
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN dst.usage = 'internal' AND src.usage = 'inventory'
                            THEN ml.quantity_product_uom ELSE 0 END),
                   SUM(CASE WHEN src.usage = 'internal' AND dst.usage = 'inventory'
                            THEN ml.quantity_product_uom ELSE 0 END)
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
             WHERE ml.state = 'done' AND ml.company_id = %(company)s
               AND ml.date >= %(start)s AND ml.date < %(end)s
               AND (src.usage = 'internal') != (dst.usage = 'internal')
               AND (ml.owner_id = %(owner)s
                    OR (ml.med_consignor_id = %(owner)s AND src.usage = 'internal'))
          GROUP BY ml.product_id, ml.lot_id
        """,
            {
                "start": date_from,
                "end": date_to,
                "patient": patient.id,
                "company": self.company_id.id,
                "owner": self.partner_id.id,
            },
        )
        movements = {(row[0], row[1]): row[2:] for row in self.env.cr.fetchall()}
        keys = sorted(set(opening) | set(movements), key=lambda k: (k[0], k[1] or 0))
        Product, Lot = self.env["product.product"], self.env["stock.lot"]
        products = Product.browse({key[0] for key in keys})
        products.fetch(["uom_id", "tracking"])
        lots = Lot.browse({key[1] for key in keys if key[1]})
        names = ("opening", "received", "used", "returned", "shipped", "gain", "loss")
        figures = []
        for product_id, lot_id in keys:
            product = products.browse(product_id).with_prefetch(products._prefetch_ids)
            quantities = (
                opening.get((product_id, lot_id), 0.0),
                *movements.get((product_id, lot_id), (0.0,) * 6),
            )
            digits = max(0, -Decimal(str(product.uom_id.rounding)).as_tuple().exponent)
            values = dict(
                zip(names, (Decimal(str(round(q or 0.0, digits))) for q in quantities), strict=True)
            )
            values["closing"] = (
                values["opening"]
                + values["received"]
                + values["gain"]
                - values["used"]
                - values["returned"]
                - values["shipped"]
                - values["loss"]
            )
            if not any(values.values()):
                continue
            lot = lots.browse(lot_id).with_prefetch(lots._prefetch_ids) if lot_id else Lot
            figures.append({"product": product, "lot": lot, **values})
        return figures

    def _edi_send_reconciliation(self, period=None, skip_empty=False):
        """Generate (and send, by the backend's channel and setting) the monthly
        reconciliation of ``period`` (``YYYY-MM`` or a date; default last month)."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        return self._edi_send_period("reconciliation", start, end, f"{first:%Y-%m}", skip_empty)

    def _edi_send_monthly(self, period=None, message_types=MONTHLY_TYPES):
        """The month's reports not generated yet for ``period`` (default last month):
        one exchange per type; a report already generated or sent is not made again,
        one in error is; a report with nothing to tell (no stock, no use, no adjustment)
        is not made.  Returns the new exchanges."""
        self.ensure_one()
        first, start, end = self._edi_period_bounds(period or self._edi_last_month())
        month = f"{first:%Y-%m}"
        done = set(
            self.env["med.edi.exchange"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", self.id),
                    ("direction", "=", "out"),
                    ("period", "=", month),
                    ("message_type", "in", list(message_types)),
                    ("state", "!=", "error"),
                ]
            )
            .mapped("message_type")
        )
        exchanges = self.env["med.edi.exchange"]
        for message_type in message_types:
            if message_type in done:
                continue
            if message_type == "reconciliation":
                exchanges |= self._edi_send_reconciliation(first, skip_empty=True)
            elif message_type == "usage_report":
                exchanges |= self._edi_send_usage_report(start, end, period=month, skip_empty=True)
            else:
                exchanges |= self._edi_send_gain_loss(start, end, period=month, skip_empty=True)
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
