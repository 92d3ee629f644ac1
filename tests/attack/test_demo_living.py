"""Issue 13: the demo is a living hospital, dated from the day it is installed. Each role
of the demo, logged in with its own password (= login), finds what needs attention: the
KPI dashboard's tiles, near-expiry and expired units, an overdue borrow, an open recall,
a count in progress, qualifications expiring and expired (and the business they lock),
a change request waiting for the quality manager, the consignor's exchanged files."""

import datetime
import re

import pytest
import requests
from rpc import Client, RpcError

TIMEOUT = 60
#: the largest near-expiry threshold (days) of the stock alerts and the dashboard
EXPIRY_HORIZON = 90


def _today():
    """The server's day: it runs in UTC (TZ=UTC), the demo dates are relative to it."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def _date(value):
    return datetime.date.fromisoformat(str(value)[:10])


@pytest.fixture(scope="module")
def demo(url, scenario):
    """``demo("nurse")``: the demo user of that role, logged in with its password."""

    def login(name):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "common",
                "method": "login",
                "args": [scenario["db"], name, name],
            },
        }
        uid = requests.post(f"{url}/jsonrpc", json=payload, timeout=TIMEOUT).json()["result"]
        assert uid, f"the demo user {name} logs in with the password {name}"
        return Client(url, scenario["db"], uid, name)

    return login


# --- the device store: what the dashboard and the lists say ---------------------------


def test_dashboard_tiles_say_what_needs_attention(demo):
    manager = demo("device_manager")
    board_id = manager.call("med.kpi.dashboard", "create", {})
    board = manager.read(
        "med.kpi.dashboard",
        board_id,
        [
            "date_from",
            "date_to",
            "expiry_risk_units",
            "expiry_risk_value",
            "expired_value",
            "overdue_borrow_count",
            "count_done",
            "count_accuracy",
            "recall_count",
            "received_qty",
            "open_recall_count",
            "count_in_progress",
        ],
    )
    # today, in the user's time zone
    assert abs((_date(board["date_to"]) - _today()).days) <= 1, board
    assert board["expiry_risk_units"] > 0, board
    assert board["expiry_risk_value"] > 0, board
    assert board["expired_value"] > 0, board
    assert board["overdue_borrow_count"] >= 1, board
    assert board["count_done"] >= 1 and board["count_accuracy"] > 0, board
    assert board["recall_count"] >= 1, board
    assert board["received_qty"] > 0, board
    assert board["open_recall_count"] >= 1 and board["count_in_progress"] >= 1, board
    # its drill-downs open the lists behind the tiles
    action = manager.call("med.kpi.dashboard", "action_open_overdue", [board_id])
    assert action["res_model"] == "med.device.issue", action


def test_near_expiry_and_expired_stock_is_dated_from_today(demo):
    today = _today()
    rows = demo("device_manager").call(
        "med.report.stock",
        "search_read",
        [("expiry_bucket", "in", ["30", "60", "90"])],
        ["lot_id", "expiration_date", "days_to_expiry", "quantity", "value"],
    )
    assert rows, "units expire within 90 days"
    for row in rows:
        expiry = _date(row["expiration_date"])
        assert today < expiry <= today + datetime.timedelta(days=EXPIRY_HORIZON), row
        assert row["days_to_expiry"] == (expiry - today).days, row
    expired = demo("device_manager").call(
        "med.report.stock",
        "search_read",
        [("expiry_bucket", "=", "expired")],
        ["lot_id", "expiration_date", "quantity", "value"],
    )
    assert expired, "a lot past its expiry is still on a shelf"
    assert all(_date(row["expiration_date"]) < today for row in expired), expired
    assert any(row["value"] > 0 for row in expired), expired


def test_daily_alerts_name_near_expiry_expired_and_overdue_units(demo):
    alerts = demo("device_manager").call(
        "med.alert", "search_read", [], ["kind", "lot_id", "message", "date"]
    )
    kinds = {alert["kind"] for alert in alerts}
    assert {"near_expiry", "expired", "overdue_borrow"} <= kinds, alerts
    assert all(_date(alert["date"]) <= _today() for alert in alerts), alerts


def test_expired_lot_waits_for_quarantine_and_is_refused_meanwhile(demo, scenario):
    """The expired lot came in as an opening balance (the receipt check refuses expired
    units); the alert job gave it a quarantine document (which the quarantine job moves,
    when crons run) and the scan service refuses it."""
    storekeeper = demo("storekeeper")
    lots = storekeeper.call(
        "stock.lot",
        "search_read",
        [
            ("med_is_device", "=", True),
            ("med_state", "in", ["expired", "quarantined"]),
            ("expiration_date", "<", _today().isoformat()),
        ],
        ["name", "expiration_date", "med_udi_raw"],
    )
    assert lots, "an expired lot in stock"
    lot = lots[0]
    quarantines = storekeeper.call(
        "med.device.quarantine", "search_read", [("lot_id", "=", lot["id"])], ["state"]
    )
    assert quarantines, "the alert job prepared its quarantine"
    result = storekeeper.call(
        "med.device.scan",
        "scan",
        lot["med_udi_raw"],
        "issue",
        context={"department_id": scenario["cardiology_id"]},
    )
    assert result["ok"] is False, result
    assert re.search(r"expired|quarantine", result["message"], re.I), result


def test_overdue_borrow_was_due_before_today(demo):
    borrows = demo("device_manager").call(
        "med.device.issue",
        "search_read",
        [("is_overdue", "=", True)],
        ["operation_type", "state", "expected_return_date", "department_id"],
    )
    assert borrows, "a borrow is overdue"
    for borrow in borrows:
        assert borrow["operation_type"] == "borrow" and borrow["state"] == "done", borrow
        assert _date(borrow["expected_return_date"]) < _today(), borrow


def test_open_recall_found_and_quarantined_its_units(demo):
    manager = demo("device_manager")
    recalls = manager.call(
        "med.recall",
        "search_read",
        [("state", "=", "open")],
        ["name", "reason", "date_received", "date_located", "line_ids"],
    )
    assert recalls, "a recall is open"
    recall = recalls[0]
    assert recall["date_located"] and _date(recall["date_received"]) <= _today(), recall
    lines = manager.call(
        "med.recall.line",
        "search_read",
        [("recall_id", "=", recall["id"])],
        ["disposition", "place"],
    )
    assert lines and any(line["disposition"] == "quarantined" for line in lines), lines


def test_count_in_progress_has_scans(demo):
    counts = demo("storekeeper").call(
        "med.count",
        "search_read",
        [("state", "=", "in_progress")],
        ["name", "date_start", "scan_count", "location_id"],
    )
    assert counts, "a count is in progress"
    assert any(count["scan_count"] > 0 for count in counts), counts
    assert all(_date(count["date_start"]) <= _today() for count in counts), counts


def test_nurse_sees_her_department_units_only(demo):
    nurse = demo("nurse")
    lots = nurse.call(
        "stock.lot",
        "search_read",
        [("med_is_device", "=", True)],
        ["name", "med_department_id", "med_state"],
    )
    assert lots, "the nurse sees her department's units"
    assert {lot["med_department_id"] and lot["med_department_id"][1] for lot in lots} == {
        "Cardiology"
    }, lots
    # the store's units (the expired lot, the recalled stent) are not hers
    names = {lot["name"] for lot in lots}
    assert not names & {"S2311", "DES24B0001", "S2409", "C240917"}, names
    with pytest.raises(RpcError):
        nurse.call("med.kpi.dashboard", "create", {})


# --- quality ------------------------------------------------------------------------


def test_quality_officer_sees_qualifications_expiring_and_expired(demo):
    officer = demo("quality_officer")
    today = _today()
    expiring = officer.call(
        "gsp.qualification",
        "search_read",
        [("validity", "=", "expiring")],
        ["name", "expiry_date", "days_to_expiry"],
    )
    assert expiring, "a qualification expires soon"
    for qual in expiring:
        assert today <= _date(qual["expiry_date"]) <= today + datetime.timedelta(days=90), qual
    expired = officer.call(
        "gsp.qualification", "search_read", [("validity", "=", "expired")], ["name", "expiry_date"]
    )
    assert expired, "a qualification has expired"
    assert all(_date(qual["expiry_date"]) < today for qual in expired), expired
    # the daily job reported each lapse as a quality event: business with it is locked
    events = officer.call(
        "gsp.event",
        "search_read",
        [("event_type", "=", "qualification_expired")],
        ["qualification_id", "description"],
    )
    assert {event["qualification_id"][0] for event in events} >= {q["id"] for q in expired}
    assert all("locked" in event["description"] for event in events), events


def test_expired_registration_certificate_locks_its_product(admin, demo, scenario):
    """With GSP enforced, a unit of the product whose registration certificate expired
    cannot be issued: the refusal names the certificate and its expiry date."""
    expired = admin.call(
        "gsp.qualification",
        "search_read",
        [("validity", "=", "expired"), ("product_tmpl_id", "!=", False)],
        ["number", "expiry_date", "product_tmpl_id"],
    )
    assert expired, "a product's certificate has expired"
    cert = expired[0]
    lots = admin.call(
        "stock.lot",
        "search_read",
        [
            ("product_id.product_tmpl_id", "=", cert["product_tmpl_id"][0]),
            ("med_state", "=", "in_stock"),
        ],
        ["name", "med_udi_raw"],
        limit=1,
    )
    assert lots, "a unit of the locked product is in the store"
    company = scenario["company_id"]
    before = admin.read("res.company", company, ["gsp_enforce"])["gsp_enforce"]
    storekeeper = demo("storekeeper")
    admin.call("res.company", "write", [company], {"gsp_enforce": True})
    try:
        result = storekeeper.call(
            "med.device.scan",
            "scan",
            lots[0]["med_udi_raw"],
            "issue",
            context={"department_id": scenario["cardiology_id"]},
        )
    finally:
        admin.call("res.company", "write", [company], {"gsp_enforce": before})
    assert result["ok"] is False, result
    assert cert["number"] in result["message"], result["message"]
    assert f"expired on {cert['expiry_date']}" in result["message"], result["message"]
    assert admin.read("stock.lot", lots[0]["id"], ["med_state"])["med_state"] == "in_stock"


def test_quality_manager_sees_the_officers_pending_change_request(demo):
    manager = demo("quality_manager")
    requests_ = manager.call(
        "gsp.change.request",
        "search_read",
        [("state", "=", "submitted")],
        ["name", "requested_by_id", "request_date", "line_ids", "reason"],
    )
    officer = demo("quality_officer")
    mine = [r for r in requests_ if r["requested_by_id"][0] == officer.uid]
    assert mine, requests_
    request = mine[0]
    assert request["line_ids"] and request["reason"], request
    assert _date(request["request_date"]) <= _today(), request
    # four eyes: the officer who asked cannot decide it herself
    with pytest.raises(RpcError) as caught:
        officer.call("gsp.change.request", "action_approve", [request["id"]])
    assert "Four eyes" in caught.value.message, caught.value
    assert manager.read("gsp.change.request", request["id"], ["state"])["state"] == "submitted"


# --- the consignor --------------------------------------------------------------------


def test_edi_manager_sees_the_consignors_exchanged_files(admin, demo, scenario):
    manager = demo("edi_manager")
    backend = scenario["backend_a"]
    exchanges = manager.call(
        "med.edi.exchange",
        "search_read",
        [("backend_id", "=", backend)],
        ["direction", "message_type", "state", "file_name"],
    )
    seen = {(x["direction"], x["message_type"], x["state"]) for x in exchanges}
    assert ("in", "purchase_order", "processed") in seen, seen
    assert ("in", "purchase_order", "error") in seen, seen
    assert ("in", "stock_statement", "processed") in seen, seen
    for message_type in ("receipt_confirmation", "stock_status", "stock_comparison"):
        assert seen & {("out", message_type, "generated"), ("out", message_type, "sent")}, (
            message_type,
            seen,
        )
    # the goods of its order are held for it: consignment stock it owns
    partner = admin.read("med.edi.backend", backend, ["partner_id"])["partner_id"][0]
    quants = admin.call(
        "stock.quant",
        "search_read",
        [("owner_id", "=", partner), ("location_id.usage", "=", "internal")],
        ["product_id", "lot_id", "quantity"],
    )
    assert sum(q["quantity"] for q in quants) > 0, quants
    # its statement of the day disagrees with our stock on one line: a difference to see
    reconciliations = manager.call(
        "med.edi.reconciliation",
        "search_read",
        [("backend_id", "=", backend)],
        ["date", "difference_count"],
    )
    assert any(
        r["difference_count"] > 0 and _date(r["date"]) == _today() for r in reconciliations
    ), reconciliations
