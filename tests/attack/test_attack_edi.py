"""Issue 12, items 5, 6, 8 and 10: consignors' channels and files attacked over HTTP and
JSON-RPC: folders outside the EDI root, hostile files, other consignors' data, forged
exchanges, unknown backends and ill-formed bodies."""

import configparser
import io
import json
import os
import zipfile

import pytest
import requests
from rpc import Client, RpcError

TIMEOUT = 120
REFUSALS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
)


@pytest.fixture(scope="module")
def edi_root():
    config = configparser.ConfigParser(interpolation=None)
    config.read(os.environ["MED_ATTACK_CONF"])
    root = config["options"]["med_edi_folder_root"]
    os.makedirs(root, exist_ok=True)
    return root


def _consignor(scenario, url, role):
    user = scenario["users"][role]
    return Client(url, scenario["db"], user["uid"], scenario["keys"][role])


def _post(url, backend_id, key, message_type, data, filename=None, content_type="text/csv"):
    headers = {"Authorization": f"Bearer {key}"}
    if filename:
        return requests.post(
            f"{url}/med_edi/{backend_id}/{message_type}",
            headers=headers,
            files={"file": (filename, data)},
            timeout=TIMEOUT,
        )
    headers["Content-Type"] = content_type
    return requests.post(
        f"{url}/med_edi/{backend_id}/{message_type}", headers=headers, data=data, timeout=TIMEOUT
    )


def _exchanges(admin, filename):
    return admin.call(
        "med.edi.exchange",
        "search_read",
        [("file_name", "=", filename)],
        ["state", "attachment_id", "checksum"],
    )


# --- 5. folder channels stay inside the root the server configuration sets -------------


@pytest.mark.parametrize("path", ["/etc", "../../..", "/tmp"])
def test_folder_outside_the_root_is_refused(client, admin, scenario, path):
    manager = client("edi_manager")
    backend = scenario["backend_b"]
    before = admin.read("med.edi.backend", backend, ["channel", "inbox_path", "outbox_path"])
    with pytest.raises(RpcError) as caught:
        manager.call(
            "med.edi.backend",
            "write",
            [backend],
            {"channel": "folder", "inbox_path": path, "outbox_path": path},
        )
    assert caught.value.name in REFUSALS, caught.value
    assert path in caught.value.message, caught.value.message
    assert (
        admin.read("med.edi.backend", backend, ["channel", "inbox_path", "outbox_path"]) == before
    )


def test_symlink_out_of_the_root_is_refused(client, scenario, edi_root):
    link = os.path.join(edi_root, "escape")
    if not os.path.islink(link):
        os.symlink("/etc", link)
    with pytest.raises(RpcError) as caught:
        client("edi_manager").call(
            "med.edi.backend",
            "write",
            [scenario["backend_b"]],
            {"channel": "folder", "inbox_path": "escape", "outbox_path": "escape"},
        )
    assert caught.value.name in REFUSALS, caught.value


# --- 6. hostile files are refused before they are read ----------------------------------


def _xlsx_bomb(inflated=100 * 1024 * 1024):
    """A small XLSX whose only sheet inflates to ``inflated`` bytes of empty rows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                '.org/package/2006/content-types"><Default Extension="xml" ContentType="application'
                '/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
                'formats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/work'
                'sheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spre'
                'adsheetml.worksheet+xml"/></Types>'
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
                'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schem'
                'as.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl'
                '/workbook.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/workbook.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlforma'
                'ts.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeD'
                'ocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>"
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
                'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schem'
                'as.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="workshe'
                'ets/sheet1.xml"/></Relationships>'
            ),
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schema'
                b's.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = b"<row/>" * 100_000
            for _ in range(inflated // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_xlsx_bomb_is_refused_and_kept_as_metadata(url, admin, scenario):
    bomb = _xlsx_bomb()
    assert len(bomb) < 1024 * 1024
    response = _post(
        url,
        scenario["backend_a"],
        scenario["keys"]["consignor_a"],
        "purchase_order",
        bomb,
        filename="bomb.xlsx",
    )
    assert response.status_code in (413, 422), response.text
    exchanges = _exchanges(admin, "bomb.xlsx")
    assert exchanges and exchanges[-1]["state"] == "error", exchanges


def test_csv_with_100000_columns_is_refused(url, admin, scenario):
    header = ",".join(f"c{index}" for index in range(100_000)).encode()
    response = _post(
        url,
        scenario["backend_a"],
        scenario["keys"]["consignor_a"],
        "purchase_order",
        header + b"\n" + header,
        filename="wide.csv",
    )
    assert response.status_code in (413, 422), response.text
    exchanges = _exchanges(admin, "wide.csv")
    assert exchanges and exchanges[-1]["state"] == "error", exchanges


def test_oversized_body_is_refused_without_storing_it(url, admin, scenario):
    body = b"x" * (50 * 1024 * 1024)
    response = _post(
        url,
        scenario["backend_a"],
        scenario["keys"]["consignor_a"],
        "purchase_order",
        body,
        filename="huge.csv",
    )
    assert response.status_code == 413, response.text
    exchanges = _exchanges(admin, "huge.csv")
    assert exchanges and exchanges[-1]["state"] == "error", exchanges
    sizes = admin.call(
        "ir.attachment",
        "search_read",
        [("res_model", "=", "med.edi.exchange"), ("name", "=", "huge.csv")],
        ["file_size"],
    )
    assert all(row["file_size"] < 1024 * 1024 for row in sizes), sizes


def test_lone_surrogate_in_json_is_a_clean_refusal(url, scenario):
    body = b'{"message_id": "S-1", "consignor_code": "SUP001", "lines": [{"lot": "\\ud800"}]}'
    response = _post(
        url,
        scenario["backend_a"],
        scenario["keys"]["consignor_a"],
        "stock_statement",
        body,
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.text
    assert "Traceback" not in response.text


# --- 8. a consignor sees its own data only; exchanges are made by the system -----------


def test_consignor_reads_only_its_own_reconciliation_lines(url, scenario):
    consignor = _consignor(scenario, url, "consignor_a")
    try:
        lines = consignor.call("med.edi.reconciliation.line", "search_read", [], ["lot_name"])
    except RpcError as error:
        assert error.name == "odoo.exceptions.AccessError", error
        return
    assert all(line["lot_name"] != "LOT-TPL001" for line in lines), lines


def test_edi_user_cannot_forge_a_processed_exchange(client, scenario):
    with pytest.raises(RpcError) as caught:
        client("edi_user").call(
            "med.edi.exchange",
            "create",
            {
                "backend_id": scenario["backend_a"],
                "direction": "in",
                "message_type": "purchase_order",
                "state": "processed",
                "message_ident": "PO-FORGED-1",
            },
        )
    assert caught.value.name in REFUSALS, caught.value


def test_unknown_and_foreign_backends_answer_the_same_403(url, scenario):
    key = scenario["keys"]["consignor_a"]
    foreign = _post(url, scenario["backend_b"], key, "purchase_order", b"x")
    unknown = _post(url, 999999, key, "purchase_order", b"x")
    assert foreign.status_code == unknown.status_code == 403
    assert foreign.text == unknown.text


# --- 9. what consignors send never becomes a formula in what the hospital opens ----------

HOSTILE = '=HYPERLINK("http://e.x","x")'


def test_hostile_lot_reaches_the_reconciliation_xlsx_as_text(url, admin, scenario):
    import base64
    import time

    openpyxl = pytest.importorskip("openpyxl")
    body = json.dumps(
        {
            "message_id": f"ATK-ST-{time.time_ns()}",
            "consignor_code": "TPL001",
            "date": "2026-11-30",
            "lines": [
                {
                    "product_code": "DEMO-VALVE",
                    "lot": HOSTILE,
                    "expiry_date": "2029-01-31",
                    "quantity": 1,
                }
            ],
        }
    ).encode()
    response = _post(
        url,
        scenario["backend_b"],
        scenario["keys"]["consignor_b"],
        "stock_statement",
        body,
        content_type="application/json",
    )
    assert response.status_code == 200, response.text
    document = response.json()["document"]
    assert document["model"] == "med.edi.reconciliation", document
    action = admin.call("med.edi.reconciliation", "action_export_xlsx", [document["id"]])
    attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
    data = admin.read("ir.attachment", attachment_id, ["datas"])["datas"]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE]
    assert cells, "the consignor's lot is in the export"
    assert all(cell.data_type == "s" for cell in cells)
