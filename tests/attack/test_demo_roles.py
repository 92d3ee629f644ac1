"""Issue 13, first contact: the demo has one user per role (password = login, as
./setup/demo prints them), each in its role's groups, and the administrator in all."""

import pytest
from rpc import Client, RpcError

DEMO_USERS = {
    "storekeeper": "med_device_stock.group_med_storekeeper",
    "nurse": "med_device_stock.group_med_department_user",
    "device_manager": "med_device_stock.group_med_manager",
    "purchaser": "purchase.group_purchase_user",
    "quality_officer": "med_gsp_quality.group_gsp_quality_officer",
    "quality_manager": "med_gsp_quality.group_gsp_quality_manager",
    "edi_manager": "med_consignor_edi.group_edi_manager",
    "consignor_sup001": "med_consignor_edi.group_edi_consignor_api",
}


def _login(url, db, login, password):
    import requests

    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"service": "common", "method": "login", "args": [db, login, password]},
    }
    return requests.post(f"{url}/jsonrpc", json=payload, timeout=60).json().get("result")


@pytest.mark.parametrize("login, group", DEMO_USERS.items())
def test_each_demo_role_logs_in_with_its_group(url, admin, scenario, login, group):
    uid = _login(url, scenario["db"], login, login)
    assert uid, f"{login} logs in with the password {login}"
    assert admin.call("res.users", "has_group", [uid], group) is True


def test_administrator_holds_every_role(admin):
    for group in DEMO_USERS.values():
        if group != "med_consignor_edi.group_edi_consignor_api":
            assert admin.call("res.users", "has_group", [admin.uid], group) is True, group


def test_demo_nurse_sees_her_department_only(url, scenario):
    uid = _login(url, scenario["db"], "nurse", "nurse")
    nurse = Client(url, scenario["db"], uid, "nurse")
    departments = nurse.call(
        "stock.lot",
        "read_group",
        [("med_is_device", "=", True)],
        ["med_department_id"],
        ["med_department_id"],
    )
    names = {row["med_department_id"][1] for row in departments if row["med_department_id"]}
    assert names == {"Cardiology"}, names
    with pytest.raises(RpcError):
        nurse.call("med.device.scrap", "create", {"lot_id": 1, "reason": "x"})
