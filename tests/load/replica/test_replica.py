"""The read-only entry points run on a PostgreSQL replica when one is configured.

A throwaway primary and its streaming hot standby (``replica.py``), the three addons
installed on the primary, ``odoo-bin --workers 2 --db_replica_host/--db_replica_port``
on it; then each read-only endpoint is called over HTTP or JSON-RPC and the statement
logs of both clusters say who served it: its own SQL is in the standby's log, and the
primary's log gains no statement on the database while it runs.  Writes (a consignor's
file posted, a record created over JSON-RPC) still go to the primary and succeed, and
what they wrote is read back from the standby.

Runs without pytest-odoo (``-p no:odoo``); skips when PostgreSQL's binaries or Odoo are
missing.  Two to four minutes, most of it installing the addons.
"""

import json
import time
import uuid

import pytest
import replica

pytestmark = pytest.mark.skipif(bool(replica.missing()), reason=str(replica.missing()))

ADDONS = "med_consignor_edi"  # and, by its dependencies, med_gsp_quality, med_device_stock

#: run in ``odoo-bin shell``: a consignor with an API key and stock on hand, a manager
FIXTURE = """
import datetime, json
from odoo import fields
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
ref = env.ref
company = env.company
api_user = env["res.users"].create({
    "name": "Consignor API", "login": "replica_api",
    "groups_id": [(6, 0, [ref("med_consignor_edi.group_edi_consignor_api").id])],
})
manager = env["res.users"].create({
    "name": "Replica Manager", "login": "replica_manager", "password": "replica-Pw1!",
    "groups_id": [(6, 0, [ref("med_device_stock.group_med_manager").id,
                          ref("med_consignor_edi.group_edi_manager").id])],
})
consignor = env["res.partner"].create({"name": "Consignor A Medical", "ref": "C0001"})
backend = env["med.edi.backend"].create({
    "name": "Consignor A", "partner_id": consignor.id, "kind": "consignment_supplier",
    "consignor_code": "C0001", "our_code": "H0001", "api_user_id": api_user.id,
    "channel": "http",
})
stent = env["product.product"].create({
    "name": "Coronary stent", "is_storable": True, "tracking": "lot", "med_is_device": True,
    "default_code": "STENT-1", "barcode": "06901234567892",
})
lot = env["stock.lot"].create({
    "product_id": stent.id, "name": "L1", "company_id": company.id,
    "expiration_date": datetime.datetime(2030, 1, 31, 12),
})
stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
env["stock.quant"]._update_available_quantity(stent, stock, 6, lot_id=lot, owner_id=consignor)
key = env["res.users.apikeys"].with_user(api_user)._generate(
    None, "replica", fields.Datetime.now() + datetime.timedelta(days=1)
)
env.cr.commit()
ids = {"backend": backend.id, "stent": stent.id, "lot": lot.id}
print("FIXTURE=" + json.dumps(dict(ids, key=key)))
"""


@pytest.fixture(scope="module")
def server():
    pair = replica.ReplicaPair()
    odoo = None
    try:
        pair.start()
        odoo = replica.OdooServer(pair, f"med_replica_{uuid.uuid4().hex[:8]}", ADDONS)
        odoo.install()
        out = odoo.shell(FIXTURE)
        odoo.fixture = json.loads(out.split("FIXTURE=", 1)[1].splitlines()[0])
        pair.log_all_statements()
        odoo.start()
        # every worker loads its registry (on the primary) at its first request: done
        # before the tests watch the primary's log
        for _i in range(16):
            _stock_status(odoo)
        yield odoo
    finally:
        if odoo is not None:
            odoo.stop()
        pair.stop()


def _bearer(odoo):
    return {"Authorization": f"Bearer {odoo.fixture['key']}"}


def _stock_status(odoo, **params):
    import requests

    return requests.get(
        f"{odoo.url}/med_edi/{odoo.fixture['backend']}/stock_status",
        params=params,
        headers=_bearer(odoo),
        timeout=60,
    )


def _odoo_statements(text, database):
    """The statements an Odoo process (application name ``odoo-<pid>``) sent to the
    database (not counting the list of databases Odoo reads in ``postgres`` to find
    the request's database)."""
    return [
        line
        for line in text.splitlines()
        if " odoo-" in line and f"@{database} " in line and "statement: " in line
    ]


class Served:
    """What each cluster logged while the block ran (``primary``, ``standby``)."""

    def __init__(self, odoo, wait_for=None):
        self.pair, self.database, self.wait_for = odoo.pair, odoo.database, wait_for

    def __enter__(self):
        self.offsets = (self.pair.primary.log_size(), self.pair.standby.log_size())
        return self

    def __exit__(self, *exc):
        deadline = time.monotonic() + replica.LOG_WAIT
        while True:
            self.primary = self.pair.primary.log_since(self.offsets[0])
            self.standby = self.pair.standby.log_since(self.offsets[1])
            if not self.wait_for or self.wait_for in self.primary + self.standby:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)

    def assert_on_standby(self, marker):
        assert marker in self.standby, f"{marker!r} not run on the standby"
        assert marker not in self.primary, f"{marker!r} run on the primary"
        assert _odoo_statements(self.primary, self.database) == [], "the primary was used"


def _call_kw(session, odoo, model, method, args, kwargs=None, button=False):
    route = "call_button" if button else "call_kw"
    response = session.post(
        f"{odoo.url}/web/dataset/{route}/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        },
        timeout=60,
    )
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


@pytest.fixture(scope="module")
def session(server):
    import requests

    session = requests.Session()
    response = session.post(
        f"{server.url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "db": server.database,
                "login": "replica_manager",
                "password": "replica-Pw1!",
            },
        },
        timeout=60,
    )
    assert response.json().get("result", {}).get("uid"), response.text[-2000:]
    # the session's first request records its device (Odoo's res.device.log, written on
    # the primary through a cursor of its own, the request itself staying read-only):
    # made here, before the tests watch the primary
    _call_kw(session, server, "res.users", "search_count", [[]])
    return session


def test_the_standby_is_a_streaming_replica(server):
    assert server.pair.standby.sql("SELECT pg_is_in_recovery()") == [["t"]]
    rows = server.pair.primary.sql(
        "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = 'standby'"
    )
    assert rows == [["streaming", "sync"]]


def test_stock_status_is_served_by_the_standby(server):
    with Served(server, "FROM stock_quant q") as served:
        response = _stock_status(server)
    assert response.status_code == 200, response.text[-2000:]
    lines = response.json()["lines"]
    assert [(line["product_code"], line["lot"], line["quantity"]) for line in lines] == [
        ("STENT-1", "L1", 6.0)
    ]
    served.assert_on_standby("FROM stock_quant q JOIN stock_location l")

    with Served(server, "FROM stock_move_line ml") as served:
        response = _stock_status(server, at="2000-01-01 00:00:00")
    assert response.status_code == 200, response.text[-2000:]
    assert response.json()["lines"] == []
    served.assert_on_standby("FROM stock_move_line ml JOIN stock_location l")


def test_a_posted_file_is_written_on_the_primary_and_polled_on_the_standby(server):
    import requests

    backend = server.fixture["backend"]
    header = (
        "报文编号,委托方编码,单据日期,订单号,商品编码,商品条码,产品标识,批号,有效期至,数量,单价"
    )
    row = "PO-R1,C0001,2026-06-01,PO-2026-R1,STENT-1,,,L1,2030-01-31,3,1280"
    with Served(server, 'INSERT INTO "med_edi_exchange"') as served:
        response = requests.post(
            f"{server.url}/med_edi/{backend}/purchase_order",
            data=f"{header}\n{row}\n".encode(),
            headers={**_bearer(server), "Content-Type": "text/csv"},
            timeout=120,
        )
    assert response.status_code in (200, 202, 422), response.text[-2000:]
    exchange_id = response.json()["exchange_id"]
    assert 'INSERT INTO "med_edi_exchange"' in served.primary
    assert "INSERT INTO" not in served.standby  # the standby would have refused it anyway
    # committed on the primary, applied on the standby (remote_apply): polled there
    with Served(server, 'FROM "med_edi_exchange"') as served:
        status = requests.get(
            f"{server.url}/med_edi/{backend}/exchange/{exchange_id}",
            headers=_bearer(server),
            timeout=60,
        )
    assert status.status_code == 200, status.text[-2000:]
    assert status.json()["exchange_id"] == exchange_id
    assert status.json()["state"] == response.json()["state"]
    served.assert_on_standby('FROM "med_edi_exchange"')

    with Served(server, 'FROM "med_edi_exchange"') as served:
        outbox = requests.get(
            f"{server.url}/med_edi/{backend}/outbox", headers=_bearer(server), timeout=60
        )
    assert outbox.status_code == 200, outbox.text[-2000:]
    assert isinstance(outbox.json()["exchanges"], list)
    served.assert_on_standby('FROM "med_edi_exchange"')


def test_the_dashboard_reports_and_recall_impact_are_served_by_the_standby(server, session):
    # opening the dashboard: its onchange computes every figure
    spec = {"date_from": {}, "date_to": {}, "open_recall_count": {}, "expiry_risk_units": {}}
    with Served(server, "med_report_stock") as served:
        result = _call_kw(session, server, "med.kpi.dashboard", "onchange", [[], {}, [], spec])
    assert result["value"]["open_recall_count"] == 0
    assert result["value"]["date_to"]
    served.assert_on_standby('FROM "med_report_stock"')

    # a report's pivot and graph read its groups
    with Served(server, "med_report_stock") as served:
        groups = _call_kw(
            session,
            server,
            "med.report.stock",
            "read_group",
            [],
            {"domain": [], "fields": ["quantity:sum"], "groupby": ["expiry_bucket"]},
        )
    assert [(group["expiry_bucket"], group["quantity"]) for group in groups] == [("later", 6.0)]
    served.assert_on_standby('FROM "med_report_stock"')

    # a recall created over JSON-RPC is written on the primary ...
    with Served(server, 'INSERT INTO "med_recall"') as served:
        recall_id = _call_kw(
            session,
            server,
            "med.recall",
            "create",
            [{"reason": "replica test", "product_id": server.fixture["stent"]}],
        )
    assert 'INSERT INTO "med_recall"' in served.primary
    assert "INSERT INTO" not in served.standby
    # ... and its impact (the button, then the list of its lines) read on the standby
    with Served(server, "ir_act_window") as served:
        action = _call_kw(
            session, server, "med.recall", "action_view_lines", [[recall_id]], button=True
        )
    assert action["domain"] == [["recall_id", "=", recall_id]]
    served.assert_on_standby("ir_act_window")
    with Served(server, "med_recall_line") as served:
        lines = _call_kw(
            session,
            server,
            "med.recall.line",
            "web_search_read",
            [],
            {"domain": action["domain"], "specification": {"place": {}}},
        )
    assert lines["length"] == 0
    served.assert_on_standby('FROM "med_recall_line"')


def test_the_zpl_label_is_served_by_the_standby(server, session):
    with Served(server, 'FROM "stock_lot"') as served:
        response = session.get(
            f"{server.url}/med_device_stock/label/{server.fixture['lot']}.zpl", timeout=60
        )
    assert response.status_code == 200, response.text[-2000:]
    assert "06901234567892" in response.text  # the GTIN, from the product's barcode
    served.assert_on_standby('FROM "stock_lot"')
