"""The work per message does not grow with its lines: a constant number of queries for
the stock status (now and as of a time) and a stock statement's reconciliation, and
large files received over HTTP processed in the background."""

import datetime

from odoo import Command, fields
from odoo.addons.med_consignor_edi.models.med_edi_exchange_queue_mixin import (
    ENGINE_PARAM,
    SYNC_MAX_LINES_PARAM,
)
from odoo.tests import HttpCase, tagged

from .common import ConsignorEdiCommon

STATEMENT_HEADER = "报文编号,委托方编码,单据日期,商品编码,批号,有效期至,数量"


class TestQueryCounts(ConsignorEdiCommon):
    def _receive_lots(self, count, start=0):
        """A done receipt of ``count`` new stent lots (one unit each) of the consignor."""
        lots = self.env["stock.lot"].create(
            [
                {
                    "product_id": self.stent.id,
                    "name": f"Q{index:04d}",
                    "company_id": self.company.id,
                }
                for index in range(start, start + count)
            ]
        )
        suppliers = self.env.ref("stock.stock_location_suppliers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": suppliers.id,
                "location_dest_id": self.stock_location.id,
                "owner_id": self.consignor.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "in",
                            "product_id": self.stent.id,
                            "product_uom_qty": count,
                            "product_uom": self.stent.uom_id.id,
                            "location_id": suppliers.id,
                            "location_dest_id": self.stock_location.id,
                            "restrict_partner_id": self.consignor.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.stent.id,
                            "lot_id": lot.id,
                            "quantity": 1,
                            "location_id": suppliers.id,
                            "location_dest_id": self.stock_location.id,
                            "owner_id": self.consignor.id,
                            "picking_id": picking.id,
                        }
                    )
                    for lot in lots
                ]
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return lots

    def _queries(self, function):
        """(result, number of queries) of ``function()`` on a cold cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = function()
        return result, self.cr.sql_log_count - before

    def _assert_constant(self, function, check):
        """``function`` makes as many queries for 50 lots as for 5 (and ``check`` holds
        on its result with each)."""
        self._receive_lots(5)
        function()  # the caches of the first call (sequences, parameters) filled
        result, count = self._queries(function)
        check(result, 5)
        self._receive_lots(45, start=5)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(count):
            result = function()
        check(result, 50)
        return count

    def _check_lines(self, lines, count):
        self.assertEqual(len(lines), count)
        self.assertEqual(lines[0]["lot"], "Q0000")
        self.assertEqual({line["quantity"] for line in lines}, {1.0})

    def test_stock_status_now_queries_do_not_grow_with_lines(self):
        self._assert_constant(
            lambda: self.backend.sudo()._edi_stock_status_lines(), self._check_lines
        )

    def test_stock_status_at_queries_do_not_grow_with_lines(self):
        """What ``GET stock_status?at=`` computes."""
        at = fields.Datetime.now() + datetime.timedelta(days=1)
        self._assert_constant(
            lambda: self.backend.sudo()._edi_stock_status_lines(at=at), self._check_lines
        )

    def test_stock_statement_reconciliation_queries_do_not_grow_with_lines(self):
        """The lines of a stock statement looked up, compared with our stock (read in
        one query per model) and the comparison sent back."""

        def receive():
            lots = self.env["stock.lot"].search([("name", "=like", "Q%")], order="name")
            self.statements = getattr(self, "statements", 0) + 1
            rows = [f"ST-{self.statements},C0001,2025-06-01,STENT-1,{lot.name},,1" for lot in lots]
            return self._receive(self._csv(rows, header=STATEMENT_HEADER), "stock_statement")

        def check(exchange, count):
            self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
            reconciliation = self.env["med.edi.reconciliation"].browse(exchange.res_id)
            self.assertEqual(len(reconciliation.line_ids), count)
            self.assertEqual(set(reconciliation.line_ids.mapped("status")), {"match"})

        self._assert_constant(receive, check)

    def test_monthly_reconciliation_queries_do_not_grow_with_lines(self):
        """The month's figures per lot (the opening from the stock balance) and the
        lines of the message read their lots and products in batch."""
        month = fields.Date.context_today(self.backend)

        def check(exchange, count):
            self.assertEqual(exchange.state, "generated", exchange.problem_ids.mapped("message"))
            self.assertEqual(exchange.line_count, count)

        self._assert_constant(lambda: self.backend._edi_send_reconciliation(month), check)


@tagged("post_install", "-at_install")
class TestBackgroundProcessing(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")
        # these tests are the scheduled job's (med_consignor_edi_queue_job's tests the jobs')
        cls.env["ir.config_parameter"].sudo().set_param(ENGINE_PARAM, "cron")

    def _post(self, data):
        return self.url_open(
            f"/med_edi/{self.backend.id}/purchase_order",
            data=data,
            headers={"Content-Type": "text/csv", "Authorization": f"Bearer {self.key_a}"},
        )

    def _status(self, exchange_id, key=None):
        return self.url_open(
            f"/med_edi/{self.backend.id}/exchange/{exchange_id}",
            headers={"Authorization": f"Bearer {key or self.key_a}"},
        )

    def test_large_file_is_stored_and_answered_before_processing(self):
        lines = [
            ("STENT-1", "", "", f"L{index}", "2030-01-31", "1", "10") for index in range(50_000)
        ]
        data = self._csv(self._po_rows(message_id="PO-BIG", lines=lines))
        Trigger = self.env["ir.cron.trigger"]
        cron = self.env.ref("med_consignor_edi.ir_cron_med_edi_folder_exchange")
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        response = self._post(data)
        self.assertEqual(response.status_code, 202, response.text[-2000:])
        result = response.json()
        self.assertEqual(
            (result["state"], result["progress"], result["document"]), ("received", 0, None)
        )
        exchange = self.env["med.edi.exchange"].browse(result["exchange_id"])
        self.assertEqual((exchange.state, exchange.channel), ("received", "http"))
        self.assertEqual(exchange.attachment_id.raw, data)
        self.assertFalse(self.env["purchase.order"].search([("origin", "=", "PO-BIG")]))
        # the scheduled job is woken to process it (the engine without queue_job, or
        # with it when the system parameter says so)
        self.assertEqual(self.env["med.edi.exchange"]._edi_background_engine(), "cron")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1)

    def test_received_file_is_processed_by_the_scheduled_job(self):
        self.env["ir.config_parameter"].sudo().set_param(SYNC_MAX_LINES_PARAM, "2")
        response = self._post(self._csv(self._po_rows()))
        self.assertEqual(response.status_code, 202, response.text)
        exchange_id = response.json()["exchange_id"]
        status = self._status(exchange_id).json()
        self.assertEqual((status["state"], status["progress"]), ("received", 0))
        # another consignor never sees it
        key_b = self._api_key(self.user_api_b, "consignor B")
        self.assertEqual(self._status(exchange_id, key_b).status_code, 403)
        self.env["med.edi.backend"]._cron_folder_exchange()
        exchange = self.env["med.edi.exchange"].browse(exchange_id)
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        self.assertEqual((exchange.line_count, exchange.lines_done, exchange.progress), (3, 3, 100))
        order = self.env["purchase.order"].browse(exchange.res_id)
        self.assertEqual((exchange.res_model, order.partner_ref), ("purchase.order", "PO-2025-1"))
        status = self._status(exchange_id).json()
        self.assertEqual(
            (status["state"], status["lines_done"], status["progress"]), ("processed", 3, 100)
        )
        self.assertEqual(status["document"], {"model": "purchase.order", "id": order.id})
        # processed once: the next run leaves it alone
        self.env["med.edi.backend"]._cron_folder_exchange()
        self.assertEqual(
            self.env["purchase.order"].search_count([("partner_ref", "=", "PO-2025-1")]), 1
        )

    def test_small_file_is_processed_while_the_sender_waits(self):
        self.env["ir.config_parameter"].sudo().set_param(SYNC_MAX_LINES_PARAM, "3")
        response = self._post(self._csv(self._po_rows()))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            (response.json()["state"], response.json()["progress"]), ("processed", 100)
        )
