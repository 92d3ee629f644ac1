"""A consignor's reads (stock status, exchange status, outbox) may be served by a
read-only replica (``db_replica_host``): their routes are read-only and run without
writing in the tests' read-only transaction (a write would be retried read/write, with
a warning); what marks or stores something stays read/write."""

import datetime

import odoo
from odoo.tests import HttpCase, tagged

from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestReadOnlyRoutes(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")
        lot = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, lot, 6)

    def _routing(self, url):
        IrHttp = self.env["ir.http"]
        modules = sorted(self.env.registry._init_modules | set(odoo.conf.server_wide_modules))
        for rule, endpoint in IrHttp._generate_routing_rules(modules, IrHttp._get_converters()):
            if rule == url:
                return endpoint.routing
        raise AssertionError(f"no route {url}")

    def test_reads_are_read_only_and_writes_are_not(self):
        for url, readonly in (
            ("/med_edi/<int:backend_id>/stock_status", True),
            ("/med_edi/<int:backend_id>/exchange/<int:exchange_id>", True),
            ("/med_edi/<int:backend_id>/outbox", True),
            ("/med_edi/<int:backend_id>/<string:message_type>", False),  # stores the file
            ("/med_edi/<int:backend_id>/exchange/<int:exchange_id>/file", False),  # marks sent
        ):
            with self.subTest(url=url):
                self.assertIs(self._routing(url)["readonly"], readonly)

    def test_reads_run_in_a_read_only_transaction(self):
        exchange = self._receive(self._csv(self._po_rows()))
        headers = {"Authorization": f"Bearer {self.key_a}"}
        base = f"/med_edi/{self.backend.id}"
        with self.assertNoLogs("odoo.http", "WARNING"):  # no write retried read/write
            stock = self.url_open(f"{base}/stock_status", headers=headers)
            past = self.url_open(f"{base}/stock_status?at=2000-01-01 00:00:00", headers=headers)
            status = self.url_open(f"{base}/exchange/{exchange.id}", headers=headers)
            outbox = self.url_open(f"{base}/outbox", headers=headers)
        self.assertEqual(
            [(line["lot"], line["quantity"]) for line in stock.json()["lines"]], [("L1", 6.0)]
        )
        self.assertEqual(past.json()["lines"], [])
        self.assertEqual(status.json()["state"], exchange.state)
        self.assertEqual(outbox.status_code, 200)
