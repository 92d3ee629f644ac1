"""Issue 12, items 1, 2, 4 and 10: done documents, units' identity and scans, attacked over
JSON-RPC by each role of the demo hospital."""

import datetime

import pytest
from rpc import RpcError

from medtrace.udi import gs1_element_string

USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"
ERRORS = (USER_ERROR, ACCESS_ERROR, "odoo.exceptions.ValidationError")


def _refused_any(call):
    """Odoo refused ``call`` (which exception class depends on who asked: a role without
    write access at all gets an AccessError, one with access a UserError)."""
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name in ERRORS, caught.value
    return caught.value


# --- 1. done documents are final ---------------------------------------------------------


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin"])
def test_done_use_cannot_be_rewritten(client, admin, scenario, role):
    use_id = scenario["done_use_id"]
    before = admin.read("med.device.use", use_id, ["patient_identifier", "date_use", "state"])
    user = client(role)
    for vals in (
        {"patient_identifier": "MRN-FORGED"},
        {"date_use": "2020-01-01 00:00:00"},
        {"state": "draft"},
    ):
        _refused_any(lambda vals=vals: user.call("med.device.use", "write", [use_id], vals))
    after = admin.read("med.device.use", use_id, ["patient_identifier", "date_use", "state"])
    assert after == before


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_done_use_cannot_be_deleted(client, admin, scenario, role):
    use_id = scenario["done_use_id"]
    _refused_any(lambda: client(role).call("med.device.use", "unlink", [use_id]))
    assert admin.call("med.device.use", "search_count", [("id", "=", use_id)]) == 1
    events = admin.call(
        "med.unit.event",
        "search_read",
        [("res_model", "=", "med.device.use"), ("res_id", "=", use_id)],
        ["id"],
    )
    assert events, "the use's timeline event is still there"
    _refused_any(lambda: client(role).call("med.unit.event", "unlink", [events[0]["id"]]))


@pytest.mark.parametrize("role", ["storekeeper", "manager", "admin"])
def test_done_issue_cannot_be_cancelled(client, admin, scenario, role):
    issue_id = scenario["done_issue_id"]
    _refused_any(lambda: client(role).call("med.device.issue", "action_cancel", [issue_id]))
    _refused_any(
        lambda: client(role).call("med.device.issue", "write", [issue_id], {"state": "cancel"})
    )
    assert admin.read("med.device.issue", issue_id, ["state"])["state"] == "done"


@pytest.mark.parametrize(
    "model, key",
    [
        ("med.device.scrap", "done_scrap_id"),
        ("med.device.quarantine", "done_quarantine_id"),
        ("med.receipt.check", "done_receipt_check_id"),
        ("med.count", "done_count_id"),
        ("med.recall", "closed_recall_id"),
    ],
)
def test_other_done_documents_are_final(client, admin, scenario, model, key):
    record_id = scenario[key]
    before = admin.read(model, record_id, ["state", "note"])
    for role in ("storekeeper", "manager", "admin"):
        user = client(role)
        _refused_any(lambda user=user: user.call(model, "write", [record_id], {"state": "draft"}))
        _refused_any(lambda user=user: user.call(model, "write", [record_id], {"note": "forged"}))
        _refused_any(lambda user=user: user.call(model, "unlink", [record_id]))
    assert admin.read(model, record_id, ["state", "note"]) == before
    assert before["state"] in ("done", "closed")


def test_operator_given_on_create_is_refused(client, scenario, refused):
    nurse = client("nurse")
    refused(
        lambda: nurse.call(
            "med.device.use",
            "create",
            [
                {
                    "patient_identifier": "MRN-1",
                    "department_id": scenario["cardiology_id"],
                    "user_id": scenario["admin"]["uid"],
                }
            ],
        ),
        USER_ERROR,
        r"Operator",
    )


# --- 2. a unit's identity and dates ------------------------------------------------------

IDENTITY_WRITES = [
    {"expiration_date": "2099-12-31 00:00:00"},
    {"med_udi_raw": "(01)00000000000000(21)FORGED"},
    {"med_di": "00000000000000"},
    {"name": "FORGED-SERIAL"},
    {"med_mfr_lot": "FORGED"},
    {"med_manufactured_date": "2001-01-01"},
]


@pytest.mark.parametrize("role", ["storekeeper", "manager", "admin"])
def test_unit_identity_cannot_be_written(client, admin, scenario, role):
    lot_id = scenario["stock_lot_id"]
    fields = [
        "name",
        "expiration_date",
        "med_udi_raw",
        "med_di",
        "med_mfr_lot",
        "med_manufactured_date",
    ]
    before = admin.read("stock.lot", lot_id, fields)
    user = client(role)
    for vals in IDENTITY_WRITES:
        _refused_any(lambda vals=vals: user.call("stock.lot", "write", [lot_id], vals))
    assert admin.read("stock.lot", lot_id, fields) == before


# --- 4. the scanned UDI must agree with the recorded unit ----------------------------------


def test_scan_with_other_lot_and_expiry_is_refused(client, scenario):
    other_expiry = datetime.date.fromisoformat(scenario["stock_lot_expiry"]) + datetime.timedelta(
        days=400
    )
    raw = gs1_element_string(
        scenario["stock_lot_di"],
        lot="FORGED9",
        serial=scenario["stock_lot_name"],
        expiry=other_expiry,
    )
    result = client("storekeeper").call(
        "med.device.scan",
        "scan",
        raw,
        "issue",
        context={"department_id": scenario["cardiology_id"]},
    )
    assert result["ok"] is False, result
    assert other_expiry.isoformat() in result["message"] or "FORGED9" in result["message"]
    assert (
        scenario["stock_lot_expiry"] in result["message"]
        or (scenario["stock_lot_mfr_lot"] or "") in result["message"]
    ), result["message"]


# --- 10. ill-typed scan context ----------------------------------------------------------


@pytest.mark.parametrize(
    "key, value",
    [
        ("department_id", "abc"),
        ("department_id", 99999),
        ("requester_id", "nobody"),
        ("expected_return_date", "yesterday"),
    ],
)
def test_ill_typed_scan_context_is_named(client, scenario, key, value):
    raw = gs1_element_string(
        scenario["stock_lot_di"],
        serial=scenario["stock_lot_name"],
        expiry=datetime.date.fromisoformat(scenario["stock_lot_expiry"]),
    )
    context = {"department_id": scenario["cardiology_id"], key: value}
    operation = "borrow" if key == "expected_return_date" else "issue"
    if operation == "borrow" and key != "expected_return_date":
        context["expected_return_date"] = "2099-01-01"
    try:
        result = client("storekeeper").call(
            "med.device.scan", "scan", raw, operation, context=context
        )
        message = result["message"]
        assert result["ok"] is False, result
    except Exception as error:  # a clean Odoo refusal is fine too, never a raw DB error
        message = str(error)
        assert "psycopg2" not in message and "Traceback" not in message, message
        assert getattr(error, "name", "") in ERRORS, message
    assert key in message or str(value) in message, message
