"""The dashboard, the reports, the recall impact and the ZPL label may be served by a
read-only replica (``db_replica_host``): their entry points are declared read-only, and
in the tests' read-only transaction (what HttpCase gives a read-only request) they run
without writing anything (a write would be retried read/write, with a warning)."""

import odoo
from odoo.tests import HttpCase, tagged

from .common import MedDeviceStockCommon, gtin_with_check_digit


def rpc_readonly(model, method):
    """Whether ``/web/dataset/call_kw`` runs ``method`` read-only (as Odoo decides it)."""
    for cls in type(model).mro():
        function = getattr(cls, method, None)
        if function is not None and hasattr(function, "_readonly"):
            return function._readonly
    return False


def route_readonly(env, url):
    """The ``readonly`` of the route ``url`` as the server dispatches it."""
    IrHttp = env["ir.http"]
    modules = sorted(env.registry._init_modules | set(odoo.conf.server_wide_modules))
    for rule, endpoint in IrHttp._generate_routing_rules(modules, IrHttp._get_converters()):
        if rule == url:
            return endpoint.routing["readonly"]
    raise AssertionError(f"no route {url}")


@tagged("post_install", "-at_install")
class TestReadOnlyEntryPoints(HttpCase, MedDeviceStockCommon):
    def test_dashboard_reports_and_recall_impact_are_read_only_rpc(self):
        for model, method in (
            ("med.kpi.dashboard", "onchange"),  # the figures, when the dashboard opens
            ("med.kpi.dashboard", "action_refresh"),
            ("med.report.stock", "read_group"),  # pivots and graphs (Odoo's, kept so)
            ("med.recall", "action_view_lines"),  # the recall's impact
        ):
            with self.subTest(model=model, method=method):
                self.assertIs(rpc_readonly(self.env[model], method), True)
        # these write: a record, a quarantine, an attachment
        for model, method in (
            ("med.kpi.dashboard", "web_save"),
            ("med.recall", "action_open"),
            ("med.recall", "action_export_xlsx"),
        ):
            with self.subTest(model=model, method=method):
                self.assertIs(rpc_readonly(self.env[model], method), False)

    def test_the_dashboard_opens_in_a_read_only_transaction(self):
        self.authenticate("med_store", "med_store")
        spec = {"date_to": {}, "open_recall_count": {}, "expiry_risk_units": {}}
        with self.assertNoLogs("odoo.http", "WARNING"):  # no write retried read/write
            result = self.make_jsonrpc_request(
                "/web/dataset/call_kw/med.kpi.dashboard/onchange",
                {
                    "model": "med.kpi.dashboard",
                    "method": "onchange",
                    "args": [[], {}, [], spec],
                    "kwargs": {},
                },
            )
        board = self.env["med.kpi.dashboard"].with_user(self.user_storekeeper).create({})
        kpis = board._med_kpis()
        self.assertEqual(result["value"]["open_recall_count"], kpis["open_recall_count"])
        self.assertEqual(result["value"]["expiry_risk_units"], kpis["expiry_risk_units"])
        self.assertEqual(result["value"]["date_to"], str(board.date_to))

    def test_the_zpl_label_is_read_in_a_read_only_transaction(self):
        url = "/med_device_stock/label/<int:lot_id>.zpl"
        self.assertIs(route_readonly(self.env, url), True)
        device = self._make_device("Hip Stem", "695000000071", implantable=True)
        unit = self.env["stock.lot"].create(
            {"name": "SN42", "product_id": device.id, "company_id": self.company.id}
        )
        self.authenticate("med_store", "med_store")
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(f"/med_device_stock/label/{unit.id}.zpl")
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        self.assertIn(gtin_with_check_digit("695000000071").zfill(14), response.text)
