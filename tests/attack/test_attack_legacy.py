"""The legacy stock import attacked over JSON-RPC: roles that must not import, hostile
files, and a done import whose record is forged after the fact."""

import base64
import io
import uuid
import zipfile

import pytest
from conftest import _refused

USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"


def _file(text):
    return base64.b64encode(text.encode()).decode()


def _zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 150_000_000)
    return base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize(
    "role", ["storekeeper", "nurse", "quality_officer", "purchaser", "edi_user", "plain"]
)
def test_only_device_managers_create_or_read_imports(client, role):
    user = client(role)
    _refused(
        lambda: user.call(
            "med.legacy.import", "create", {"name": "x.csv", "file": _file("Lot\nC1\n")}
        ),
        ACCESS_ERROR,
        "not allowed|access",
    )
    _refused(lambda: user.call("med.legacy.import", "search_read", [], ["name"]), ACCESS_ERROR, ".")


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("bomb.xlsx", _zip_bomb(), "bomb.xlsx.*unpacks too large"),
        ("binary.csv", base64.b64encode(b"\x00\x01\x02\x03" * 100).decode(), "binary.csv.*neither"),
        ("big.csv", _file("Lot,Qty\n" + "C1,1\n" * 200_001), "big.csv has more than 200000 rows"),
        ("empty.csv", _file("\n,,\n"), "empty.csv holds no rows"),
        ("latin.csv", base64.b64encode(b"\xff\xfe\x00\xd8").decode(), "latin.csv is not UTF-8"),
    ],
)
def test_hostile_files_are_refused_by_name_and_kept(client, name, data, pattern):
    manager = client("manager")
    name = f"{uuid.uuid4().hex[:6]}-{name}"
    record_id = manager.call("med.legacy.import", "create", {"name": name, "file": data})
    _refused(
        lambda: manager.call("med.legacy.import", "action_read_file", [record_id]),
        USER_ERROR,
        pattern,
    )
    kept = manager.read("med.legacy.import", record_id, ["name", "state"])
    assert kept == {"id": record_id, "name": name, "state": "draft"}, "the file is kept"


def test_a_done_import_cannot_be_forged_or_replayed(client, admin, scenario):
    manager = client("manager")
    name = f"{uuid.uuid4().hex[:6]}-opening.csv"
    lot = f"ATK-{uuid.uuid4().hex[:6].upper()}"
    text = f"产品名称,批号,有效期至,数量,库位\nIV Catheter 22G,{lot},2031-01-01,3,WH/Stock\n"
    record_id = manager.call("med.legacy.import", "create", {"name": name, "file": _file(text)})
    manager.call("med.legacy.import", "action_read_file", [record_id])
    rows = manager.call(
        "med.legacy.import.line",
        "search_read",
        [("import_id", "=", record_id)],
        ["status", "problems"],
    )
    assert [row["status"] for row in rows] == ["ready"], rows
    manager.call("med.legacy.import", "action_confirm", [record_id])
    for vals in (
        {"state": "checked"},
        {"checksum": "0" * 64},
        {"user_id": scenario["admin"]["uid"]},
    ):
        _refused(
            lambda vals=vals: manager.call("med.legacy.import", "write", [record_id], vals),
            USER_ERROR,
            "The import itself sets these fields",
        )
    # confirming checked the rows once more (as new rows): the done import's rows
    line_ids = manager.call("med.legacy.import.line", "search", [("import_id", "=", record_id)])
    assert line_ids
    _refused(
        lambda: manager.call("med.legacy.import.line", "write", line_ids, {"quantity": "300"}),
        USER_ERROR,
        "is done: its rows are the record",
    )
    _refused(
        lambda: manager.call("med.legacy.import", "unlink", [record_id]),
        USER_ERROR,
        "cannot be deleted",
    )
    again = manager.call("med.legacy.import", "create", {"name": "again.csv", "file": _file(text)})
    _refused(
        lambda: manager.call("med.legacy.import", "action_read_file", [again]),
        USER_ERROR,
        "already imported as .*opening.csv",
    )
    events = admin.call(
        "med.unit.event",
        "search_read",
        [("res_model", "=", "med.legacy.import"), ("res_id", "=", record_id)],
        ["event_type", "quantity", "note"],
    )
    assert [(e["event_type"], e["quantity"], e["note"]) for e in events] == [
        ("migrated", 3.0, name)
    ]
    _refused(
        lambda: manager.call("med.unit.event", "write", [events[0]["id"]], {"quantity": 30}),
        USER_ERROR,
        "cannot be changed",
    )
