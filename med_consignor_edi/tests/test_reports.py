import datetime
import os
from decimal import Decimal

from odoo import fields
from odoo.exceptions import AccessError, UserError

from medtrace.edi import validate
from medtrace.edi.codecs import decode

from .common import ConsignorEdiCommon


class TestMonthlyReconciliation(ConsignorEdiCommon):
    """Opening 10 of stent lot R1 last month; this month: 5 more received, 2 used on a
    patient, 1 returned to the supplier, 1 moved to quarantine (no change), 1 lost at a
    count; catheter lot C9: 3 received, 1 shipped to a customer, 1 found at a count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.patient = cls.company._med_patient_location()
        cls.quarantine = cls.company._med_quarantine_location()
        cls.lot_r1 = cls._lot(cls.stent, "R1", datetime.date(2030, 1, 31))
        cls.lot_c9 = cls._lot(cls.catheter, "C9", datetime.date(2030, 6, 30))
        cls.month, cls.start, cls.end = cls.backend._edi_period_bounds(
            fields.Date.context_today(cls.backend)
        )
        opening = cls._transfer(
            cls.stent, cls.lot_r1, 10, cls.suppliers, cls.stock_location, cls.consignor
        )
        opening.move_line_ids.date = cls.start - datetime.timedelta(days=1)
        # our own units and another consignor's are never in consignor A's figures
        cls._transfer(cls.stent, cls.lot_r1, 4, cls.suppliers, cls.stock_location)
        cls._transfer(cls.stent, cls.lot_r1, 6, cls.suppliers, cls.stock_location, cls.consignor_b)
        cls._transfer(cls.stent, cls.lot_r1, 5, cls.suppliers, cls.stock_location, cls.consignor)
        cls._transfer(cls.catheter, cls.lot_c9, 3, cls.suppliers, cls.stock_location, cls.consignor)
        cls._transfer(cls.stent, cls.lot_r1, 2, cls.stock_location, cls.patient, cls.consignor)
        cls._transfer(cls.stent, cls.lot_r1, 1, cls.stock_location, cls.suppliers, cls.consignor)
        cls._transfer(cls.catheter, cls.lot_c9, 1, cls.stock_location, cls.customers, cls.consignor)
        cls._transfer(cls.stent, cls.lot_r1, 1, cls.stock_location, cls.quarantine, cls.consignor)
        for lot, counted in ((cls.lot_r1, 10), (cls.lot_c9, 3)):
            quant = cls.env["stock.quant"].search(
                [
                    ("lot_id", "=", lot.id),
                    ("owner_id", "=", cls.consignor.id),
                    ("location_id", "=", cls.stock_location.id),
                ]
            )
            quant.with_context(inventory_mode=True).inventory_quantity = counted
            quant.action_apply_inventory()

    def _lines(self, exchange):
        message = decode(exchange.attachment_id.raw, "reconciliation")
        self.assertEqual([p for p in validate(message) if p.is_error], [])
        return message, {line.values["lot"]: line.values for line in message.lines}

    def test_figures_balance_and_match_the_quants(self):
        exchange = self.backend._edi_send_reconciliation(self.month)
        self.assertEqual(exchange.state, "generated", exchange.problem_ids.mapped("message"))
        self.assertEqual(
            (exchange.message_type, exchange.period), ("reconciliation", f"{self.month:%Y-%m}")
        )
        message, lines = self._lines(exchange)
        self.assertEqual(message.header["period"], f"{self.month:%Y-%m}")
        self.assertEqual(set(lines), {"R1", "C9"})
        names = (
            "opening_quantity",
            "received_quantity",
            "used_quantity",
            "returned_quantity",
            "shipped_quantity",
            "gain_quantity",
            "loss_quantity",
            "closing_quantity",
        )
        figures = {
            lot: tuple(Decimal(values[name]) for name in names) for lot, values in lines.items()
        }
        self.assertEqual(figures["R1"], (10, 5, 2, 1, 0, 0, 1, 11))
        self.assertEqual(figures["C9"], (0, 3, 0, 0, 1, 1, 0, 3))
        # the closing stock is what the consignor owns in our internal locations
        owned = dict(
            self.env["stock.quant"]._read_group(
                [("owner_id", "=", self.consignor.id), ("location_id.usage", "=", "internal")],
                ["lot_id"],
                ["quantity:sum"],
            )
        )
        self.assertEqual(
            {lot.name: qty for lot, qty in owned.items() if qty},
            {lot: float(values[-1]) for lot, values in figures.items()},
        )
        # the units used are billed at the agreed price (supplier info of the catheter,
        # the stent's cost otherwise)
        self.assertEqual(Decimal(lines["R1"]["amount"]), 2 * Decimal(lines["R1"]["unit_price"]))
        self.assertEqual(Decimal(lines["C9"]["unit_price"]), 350)

    def test_previous_month_has_only_the_opening_receipt(self):
        last = self.month - datetime.timedelta(days=1)
        exchange = self.backend._edi_send_reconciliation(f"{last:%Y-%m}")
        _message, lines = self._lines(exchange)
        self.assertEqual(list(lines), ["R1"])
        self.assertEqual(
            (
                Decimal(lines["R1"]["opening_quantity"]),
                Decimal(lines["R1"]["received_quantity"]),
                Decimal(lines["R1"]["closing_quantity"]),
            ),
            (0, 10, 10),
        )

    def test_bad_period_is_refused_with_its_value(self):
        with self.assertRaisesRegex(UserError, "2025-13"):
            self.backend._edi_send_reconciliation("2025-13")

    def test_sent_to_the_outbox_at_once_or_by_the_scheduled_job(self):
        with self._edi_tempdir() as folder:
            inbox, outbox = os.path.join(folder, "in"), os.path.join(folder, "out")
            self.backend.write(
                {
                    "channel": "folder",
                    "inbox_path": inbox,
                    "outbox_path": outbox,
                    "send_reports": "immediate",
                }
            )
            exchange = self.backend._edi_send_reconciliation(self.month)
            self.assertEqual(exchange.state, "sent")
            self.assertEqual(os.listdir(outbox), [exchange.file_name])
            os.remove(os.path.join(outbox, exchange.file_name))
            self.backend.send_reports = "scheduled"
            exchange = self.backend._edi_send_reconciliation(self.month)
            self.assertEqual(exchange.state, "generated")
            self.assertFalse(os.listdir(outbox))
            self.env["med.edi.backend"]._cron_folder_exchange()
            self.assertEqual(exchange.state, "sent")
            self.assertEqual(os.listdir(outbox), [exchange.file_name])

    def test_monthly_job_makes_each_report_of_last_month_once(self):
        self.backend_b.monthly_reports = False
        with self.assertRaisesRegex(UserError, r"Only an EDI manager sends reports to consignors"):
            self.backend.with_user(self.user_edi).action_send_reconciliation()
        last = f"{self.month - datetime.timedelta(days=1):%Y-%m}"
        Backend = self.env["med.edi.backend"]
        Backend._cron_monthly_reports()
        exchanges = self.backend.exchange_ids.filtered(lambda e: e.period)
        # last month saw the opening receipt only: no use, no adjustment to report
        self.assertEqual(exchanges.mapped("message_type"), ["reconciliation"])
        self.assertEqual(exchanges.period, last)
        self.assertFalse(self.backend_b.exchange_ids)
        Backend._cron_monthly_reports()
        self.assertEqual(len(self.backend.exchange_ids.filtered(lambda e: e.period)), 1)
        # the manager's button makes what is missing of last month: nothing
        action = self.backend.with_user(self.user_edi_manager).action_send_monthly_reports()
        self.assertEqual(action["domain"], [("id", "in", [])])
        # this month's reports: all three, once
        this_month = self.backend._edi_send_monthly(self.month)
        self.assertEqual(
            sorted(this_month.mapped("message_type")),
            ["gain_loss", "reconciliation", "usage_report"],
        )
        self.assertEqual(
            set(this_month.mapped("state")), {"generated"}, this_month.problem_ids.mapped("message")
        )
        usage = decode(
            this_month.filtered(lambda e: e.message_type == "usage_report").attachment_id.raw,
            "usage_report",
        )
        self.assertEqual(
            [(line.values["lot"], Decimal(line.values["quantity"])) for line in usage.lines],
            [("R1", 2)],
        )
        gain_loss = decode(
            this_month.filtered(lambda e: e.message_type == "gain_loss").attachment_id.raw,
            "gain_loss",
        )
        self.assertEqual(
            sorted((line.values["lot"], line.values["direction"]) for line in gain_loss.lines),
            [("C9", "gain"), ("R1", "loss")],
        )
        self.assertFalse(self.backend._edi_send_monthly(self.month))


class TestLogisticsStatus(ConsignorEdiCommon):
    HEADER = "报文编号,委托方编码,单据日期,订单号,客户编码,商品编码,批号,数量"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_stent = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, cls.lot_stent, 10)

    def _order(self, message_id, quantity=2):
        exchange = self._receive(
            self._csv(
                [f"{message_id},C0001,2025-06-01,O-{message_id},K0001,STENT-1,L1,{quantity}"],
                header=self.HEADER,
            ),
            "sales_order",
        )
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        return self.env["stock.picking"].browse(exchange.res_id)

    def _status(self, exchange):
        message = decode(exchange.attachment_id.raw, "logistics_status")
        self.assertEqual([p for p in validate(message) if p.is_error], [])
        return message.header["status"], [line.values["event_status"] for line in message.lines]

    def test_orders_status_is_sent_when_it_changes(self):
        shipped, cancelled = self._order("SO-1"), self._order("SO-2")
        exchanges = self.backend._edi_send_logistics_status()
        self.assertEqual(exchanges.mapped("res_id"), [shipped.id, cancelled.id])
        self.assertEqual(self._status(exchanges[0]), ("picking", ["accepted", "picking"]))
        message = decode(exchanges[0].attachment_id.raw, "logistics_status")
        self.assertEqual(message.header["order_ref"], "O-SO-1")
        self.assertRegex(message.lines[0].values["event_time"], r"^\d\d:\d\d$")
        # nothing changed: nothing sent
        self.assertFalse(self.backend._edi_send_logistics_status())
        self._create_picking_done(shipped)
        cancelled.action_cancel()
        self.env["med.edi.backend"]._cron_folder_exchange()
        latest = self.env["med.edi.exchange"].search(
            [("message_type", "=", "logistics_status")], order="id desc", limit=2
        )
        by_picking = {exchange.res_id: self._status(exchange) for exchange in latest}
        self.assertEqual(by_picking[shipped.id], ("shipped", ["accepted", "picking", "shipped"]))
        self.assertEqual(by_picking[cancelled.id], ("cancelled", ["accepted", "cancelled"]))
        self.assertEqual(
            (shipped.med_edi_status_sent, cancelled.med_edi_status_sent), ("shipped", "cancelled")
        )

    def test_on_demand_only_and_who_may_send(self):
        self.backend.send_logistics_status = "never"
        picking = self._order("SO-3")
        self.env["med.edi.backend"]._cron_folder_exchange()
        self.assertFalse(self._exchanges([("message_type", "=", "logistics_status")]))
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user_storekeeper).action_send_logistics_status()
        self.backend.with_user(self.user_edi).action_send_logistics_status()
        self.assertEqual(picking.med_edi_status_sent, "picking")
        with self.assertRaisesRegex(UserError, r"changed since its last logistics status"):
            self.backend.with_user(self.user_edi).action_send_logistics_status()
        # from the order itself, sent again even unchanged
        picking.with_user(self.user_edi).action_edi_send_logistics_status()
        self.assertEqual(
            self.env["med.edi.exchange"].search_count(
                [("message_type", "=", "logistics_status"), ("res_id", "=", picking.id)]
            ),
            2,
        )
