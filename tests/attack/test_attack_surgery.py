"""Issue 17: surgery cases and implant records attacked over JSON-RPC by each role of the
demo hospital (the demo has a case closed out today, with its implant record)."""

import pytest
from rpc import RpcError

ERRORS = ("odoo.exceptions.UserError", "odoo.exceptions.AccessError")
CASE_FIELDS = ["patient_identifier", "state", "his_dft_message", "nurse_confirm_user_id"]
IMPLANT_FIELDS = ["patient_identifier", "serial", "udi", "lot_id", "date_implant"]


def _refused(call, name=None):
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name in ((name,) if name else ERRORS), caught.value
    return caught.value


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin"])
def test_a_closed_case_cannot_be_rewritten_reopened_or_deleted(client, admin, scenario, role):
    case_id = scenario["closed_case_id"]
    before = admin.read("med.surgery.case", case_id, CASE_FIELDS)
    user = client(role)
    for vals in (
        {"patient_identifier": "MRN-FORGED"},
        {"state": "in_progress"},
        {"his_dft_message": "MSH|^~\\\\&|FORGED"},
        {"nurse_confirm_user_id": scenario["users"]["plain"]["uid"]},
    ):
        _refused(lambda vals=vals: user.call("med.surgery.case", "write", [case_id], vals))
    _refused(lambda: user.call("med.surgery.case", "action_close", [case_id]))
    _refused(lambda: user.call("med.surgery.case", "unlink", [case_id]))
    line_ids = admin.read("med.surgery.case", case_id, ["line_ids"])["line_ids"]
    _refused(lambda: user.call("med.surgery.case.line", "write", line_ids, {"outcome": "unused"}))
    _refused(lambda: user.call("med.surgery.case.line", "unlink", line_ids))
    assert admin.read("med.surgery.case", case_id, CASE_FIELDS) == before


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin"])
def test_implant_records_are_never_forged_changed_or_deleted(client, admin, scenario, role):
    record_id = scenario["implant_record_id"]
    before = admin.read("med.implant.record", record_id, IMPLANT_FIELDS)
    count = admin.call(
        "med.implant.record", "search_count", [("case_id", "=", scenario["closed_case_id"])]
    )
    user = client(role)
    _refused(
        lambda: user.call(
            "med.implant.record", "write", [record_id], {"serial": "FORGED", "udi": "X"}
        )
    )
    _refused(lambda: user.call("med.implant.record", "unlink", [record_id]))
    values = dict(before, lot_id=before["lot_id"][0], case_id=scenario["closed_case_id"])
    values.pop("id", None)
    values["company_id"] = scenario["company_id"]
    values["product_id"] = admin.read("stock.lot", values["lot_id"], ["product_id"])["product_id"][
        0
    ]
    _refused(lambda: user.call("med.implant.record", "create", values))
    assert admin.read("med.implant.record", record_id, IMPLANT_FIELDS) == before
    assert (
        admin.call(
            "med.implant.record",
            "search_count",
            [("case_id", "=", scenario["closed_case_id"])],
        )
        == count
    )


def test_a_nurse_sees_her_department_s_cases_only(client, scenario):
    nurse = client("nurse")
    ortho_id = scenario["ortho_case_id"]
    found = nurse.call("med.surgery.case", "search", [("id", "=", ortho_id)])
    assert found == []
    _refused(
        lambda: nurse.call("med.surgery.case", "read", [ortho_id], ["patient_identifier"]),
        "odoo.exceptions.AccessError",
    )
    _refused(
        lambda: nurse.call(
            "med.surgery.case", "write", [ortho_id], {"patient_identifier": "MRN-X"}
        ),
        "odoo.exceptions.AccessError",
    )
    # her own department's case she reads
    closed = nurse.read("med.surgery.case", scenario["closed_case_id"], ["state"])
    assert closed["state"] == "done"


@pytest.mark.parametrize("role", ["plain", "purchaser", "consignor_a"])
def test_roles_outside_the_device_store_read_no_patient_data(client, scenario, role):
    user = client(role)
    for model in ("med.surgery.case", "med.implant.record"):
        _refused(
            lambda model=model: user.call(model, "search_read", [], ["patient_identifier"]),
            "odoo.exceptions.AccessError",
        )


def test_the_hl7_and_fhir_of_the_closed_case_name_no_patient(admin, scenario):
    case = admin.read(
        "med.surgery.case",
        scenario["closed_case_id"],
        ["his_dft_message", "his_fhir_bundle", "patient_identifier"],
    )
    pid = next(s for s in case["his_dft_message"].split("\r") if s.startswith("PID|"))
    assert pid.split("|")[3].startswith(case["patient_identifier"])
    assert pid.split("|")[5] == "^^^^^^U"
    assert '"resourceType": "Patient"' not in case["his_fhir_bundle"]


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin"])
def test_a_loaner_set_of_a_closed_case_is_final(client, admin, scenario, role):
    """The demo's closed case has the stent supplier's loaner set (one stent implanted,
    one taken back): nobody rewrites, deletes or forges a set."""
    (set_id,) = admin.call(
        "med.surgery.loaner.set", "search", [("case_id", "=", scenario["closed_case_id"])]
    )
    fields = ["partner_id", "case_id", "picking_id", "return_picking_id"]
    before = admin.read("med.surgery.loaner.set", set_id, fields)
    user = client(role)
    _refused(
        lambda: user.call(
            "med.surgery.loaner.set", "write", [set_id], {"partner_id": before["partner_id"][0]}
        )
    )
    _refused(lambda: user.call("med.surgery.loaner.set", "unlink", [set_id]))
    _refused(
        lambda: user.call(
            "med.surgery.loaner.set",
            "create",
            {"case_id": scenario["closed_case_id"], "partner_id": before["partner_id"][0]},
        )
    )
    assert admin.read("med.surgery.loaner.set", set_id, fields) == before


@pytest.mark.parametrize("role", ["consignor_a", "consignor_b", "plain", "purchaser"])
def test_others_see_no_loaner_set_of_another_supplier(client, admin, scenario, role):
    (set_id,) = admin.call(
        "med.surgery.loaner.set", "search", [("case_id", "=", scenario["closed_case_id"])]
    )
    user = client(role)
    try:
        found = user.call("med.surgery.loaner.set", "search", [("id", "=", set_id)])
    except RpcError as error:
        assert error.name == "odoo.exceptions.AccessError", error
    else:
        assert found == []
        _refused(
            lambda: user.call("med.surgery.loaner.set", "read", [set_id], ["partner_id"]),
            "odoo.exceptions.AccessError",
        )


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin", "consignor_a"])
def test_nobody_forges_an_his_exchange(client, admin, scenario, role):
    """What was sent to the HIS is written by the close-out and the sending job only."""
    user = client(role)
    _refused(
        lambda: user.call(
            "med.his.exchange",
            "create",
            {
                "case_id": scenario["closed_case_id"],
                "message_type": "dft",
                "payload": "MSH|^~\\\\&|FORGED",
            },
        )
    )


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "consignor_a", "plain"])
def test_only_device_managers_configure_his_backends(client, role):
    user = client(role)
    _refused(
        lambda: user.call(
            "med.his.backend",
            "create",
            {"name": "Rogue HIS", "transport": "http", "url": "http://127.0.0.1:1/"},
        ),
        "odoo.exceptions.AccessError",
    )


def _planned_request(admin):
    """The demo's planned case and its request to the store (a pacemaker reserved)."""
    (issue,) = admin.call(
        "med.device.issue",
        "search_read",
        [("surgery_case_id", "!=", False), ("state", "=", "draft")],
        ["surgery_case_id", "department_id", "line_ids", "user_id"],
    )
    (line,) = admin.call(
        "med.device.issue.line", "read", issue["line_ids"], ["lot_id", "product_id"]
    )
    return issue, line


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager", "admin"])
def test_a_case_s_request_to_the_store_is_not_redirected(client, admin, scenario, role):
    """Nobody points the request (and the pacemaker it reserves) at another case or
    department, or makes a request for a case out of a plain issue."""
    issue, _line = _planned_request(admin)
    fields = ["surgery_case_id", "department_id", "operation_type", "state"]
    before = admin.read("med.device.issue", issue["id"], fields)
    user = client(role)
    for vals in (
        {"surgery_case_id": scenario["ortho_case_id"]},
        {"surgery_case_id": False},
        {
            "department_id": admin.call(
                "hr.department",
                "search",
                [("id", "!=", issue["department_id"][0]), ("med_is_device_department", "=", True)],
                limit=1,
            )[0]
        },
        {"operation_type": "borrow"},
    ):
        _refused(lambda vals=vals: user.call("med.device.issue", "write", [issue["id"]], vals))
    _refused(
        lambda: user.call(
            "med.device.issue",
            "create",
            {
                "department_id": scenario["cardiology_id"],
                "surgery_case_id": scenario["ortho_case_id"],
            },
        )
    )
    assert admin.read("med.device.issue", issue["id"], fields) == before


def test_a_nurse_asks_the_store_but_does_not_issue(client, admin):
    issue, _line = _planned_request(admin)
    nurse = client("nurse")
    _refused(lambda: nurse.call("med.device.issue", "action_done", [issue["id"]]))
    _refused(
        lambda: nurse.call("med.device.issue", "write", [issue["id"]], {"note": "x"}),
        "odoo.exceptions.AccessError",
    )
    assert admin.read("med.device.issue", issue["id"], ["state"])["state"] == "draft"


def test_the_reserved_pacemaker_is_issued_to_no_one_else(client, admin, scenario):
    _issue, line = _planned_request(admin)
    lot = admin.read("stock.lot", line["lot_id"][0], ["med_udi_raw", "med_state"])
    assert lot["med_state"] == "in_stock"
    store = client("storekeeper")
    for operation, context in (
        ("issue", {"department_id": scenario["cardiology_id"]}),
        (
            "borrow",
            {"department_id": scenario["cardiology_id"], "expected_return_date": "2099-01-01"},
        ),
    ):
        result = store.call(
            "med.device.scan", "scan", lot["med_udi_raw"], operation, context=context
        )
        assert result["ok"] is False, result
        assert "reserved for surgery case" in result["message"], result
    assert admin.read("stock.lot", line["lot_id"][0], ["med_state"])["med_state"] == "in_stock"


@pytest.mark.parametrize("role", ["nurse", "storekeeper", "manager"])
def test_a_closed_case_asks_the_store_for_nothing(client, admin, scenario, role):
    case_id = scenario["closed_case_id"]
    product_id = admin.read(
        "med.surgery.case.line",
        admin.read("med.surgery.case", case_id, ["line_ids"])["line_ids"][0],
        ["product_id"],
    )["product_id"][0]
    user = client(role)
    _refused(
        lambda: user.call(
            "med.surgery.case.request", "create", {"case_id": case_id, "product_id": product_id}
        )
    )
    _refused(lambda: user.call("med.surgery.case", "action_request_from_store", [case_id]))
    assert admin.call("med.surgery.case.request", "search_count", [("case_id", "=", case_id)]) == 0


@pytest.mark.parametrize("role", ["consignor_a", "plain", "purchaser"])
def test_outsiders_read_no_store_request_of_a_case(client, role):
    user = client(role)
    _refused(
        lambda: user.call("med.surgery.case.request", "search_read", [], ["case_id"]),
        "odoo.exceptions.AccessError",
    )
