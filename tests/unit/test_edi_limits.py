"""Inbound limits: hostile files (zip bombs, very wide or long CSV, deep or non-text JSON)
are refused with a clear error while they are read, before they cost time or memory.
Timings are in docs/benchmarks.md; these tests assert the refusal and its reason."""

import csv
import io
import zipfile

import pytest
import xlsxwriter

from medtrace import edi
from medtrace.edi import Line, Message
from medtrace.edi.xlsx import iter_sheet_rows

PO_COLUMNS = b"message_id,consignor_code,date,order_ref,product_code,quantity\r\n"
PO_ROW = b"PO-1,C1,2025-06-01,R1,P-1,1\r\n"
PO_FIELDS = ["message_id", "consignor_code", "date", "order_ref", "product_code", "quantity"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = b"</sheetData></worksheet>"


def _workbook(rows=b"", inflated=0, chunk=b"<row/>", prefix=b""):
    """A minimal XLSX whose sheet holds ``rows`` then ``inflated`` bytes of ``chunk``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(prefix + _SHEET_START + rows)
            block = chunk * max(1, 1_000_000 // len(chunk))
            for _ in range(inflated // len(block)):
                sheet.write(block)
            sheet.write(_SHEET_END)
    return out.getvalue()


def _inline_row(number, values):
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _refused(data, message_type="purchase_order", **limits):
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, message_type, limits=edi.Limits(**limits))
    return caught.value


# -- XLSX ----------------------------------------------------------------------------------


def test_zip_bomb_xlsx_is_refused_from_its_declared_sizes():
    bomb = _workbook(inflated=100 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    error = _refused(bomb)
    assert error.code == "compression_ratio"
    assert error.params["member"] == "xl/worksheets/sheet1.xml"
    assert error.params["size"] > 90 * 1024 * 1024
    assert "more than the 100 times allowed" in str(error)


def test_declared_total_over_the_limit_is_refused_before_reading():
    data = _workbook(inflated=3 * 1024 * 1024)
    error = _refused(data, max_unzipped_bytes=2 * 1024 * 1024, max_ratio=10**6)
    assert error.code == "unzipped_too_large"
    assert error.params["maximum"] == 2 * 1024 * 1024


def test_empty_rows_past_the_row_limit_stop_the_streaming_read():
    # the ratio check let through: the reader still stops at the row limit
    data = _workbook(rows=_inline_row(1, PO_FIELDS), inflated=50 * 1024 * 1024)
    error = _refused(data, max_ratio=10**6, max_lines=1000)
    assert error.code == "too_many_rows"
    assert error.params["maximum"] == 2100


def test_a_row_number_far_down_is_refused_at_once():
    data = _workbook(
        rows=_inline_row(1, PO_FIELDS)
        + _inline_row(1_048_576, ["PO-1", "C1", "2025-06-01", "R1", "P-1", "1"])
    )
    assert _refused(data).code == "too_many_rows"


def test_actual_bytes_cannot_exceed_the_declared_size():
    """A part whose central directory lies about its size (declares 100 bytes for a big
    sheet) is not read past what it declared: the workbook is refused as damaged."""
    data = bytearray(
        _workbook(
            rows=_inline_row(1, ["message_id", "quantity"]),
            inflated=2 * 1024 * 1024,
            chunk=b"<row></row>",
        )
    )
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    error = _refused(bytes(data), max_ratio=10**6)
    assert error.code == "bad_xlsx"


def test_xlsx_column_past_the_limit_is_refused():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, PO_FIELDS)
    sheet.write_string(1, 299, "far right")
    workbook.close()
    error = _refused(out.getvalue(), max_columns=256)
    assert (error.code, error.params["line"], error.params["count"]) == ("too_many_columns", 2, 300)


def test_xlsx_with_a_dtd_is_refused():
    data = _workbook(rows=_inline_row(1, PO_FIELDS))
    # a DTD (entity expansion) in the sheet part
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                content = content.replace(
                    b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1
                )
            target.writestr(info.filename, content)
    error = _refused(out.getvalue())
    assert error.code == "bad_xlsx" and "DTD" in str(error)


def test_streaming_reader_reads_what_openpyxl_reads():
    message = edi.example_message("stock_statement")
    data = edi.encode(message, "xlsx", lang="zh_CN")
    rows = list(iter_sheet_rows(data, edi.DEFAULT_LIMITS))
    assert rows[0][0] == 1 and len(rows) == len(message.lines) + 1
    decoded = edi.decode(data, "stock_statement")
    assert (
        edi.clean(decoded).lines[0].values
        == edi.clean(edi.decode(edi.encode(message, "csv"), "stock_statement")).lines[0].values
    )


# -- CSV -----------------------------------------------------------------------------------


def test_csv_with_100000_columns_is_refused_fast():
    header = ",".join(f"c{index}" for index in range(100_000)).encode()
    error = _refused(header + b"\n" + header)
    assert error.code == "too_many_columns"
    assert (error.params["line"], error.params["count"], error.params["maximum"]) == (
        1,
        100_000,
        256,
    )


def test_csv_wide_data_row_is_refused():
    data = PO_COLUMNS + PO_ROW + b"x," * 300 + b"\r\n"
    error = _refused(data)
    assert (error.code, error.params["line"]) == ("too_many_columns", 3)


def test_csv_value_longer_than_the_field_limit_is_refused():
    data = PO_COLUMNS + b"PO-1,C1,2025-06-01,R1," + b"P" * 20_000 + b",1\r\n"
    error = _refused(data, max_field_chars=10_000)
    assert (error.code, error.params["line"], error.params["size"]) == (
        "field_too_large",
        2,
        20_000,
    )
    huge = PO_COLUMNS + b'PO-1,C1,2025-06-01,R1,"' + b"P" * 200_000 + b'",1\r\n'
    assert _refused(huge).code == "field_too_large"


def test_csv_blank_lines_past_the_row_limit_are_refused():
    data = PO_COLUMNS + PO_ROW + b"\r\n" * 5_000_000
    error = _refused(data, max_lines=1000, max_bytes=10**8)
    assert error.code == "too_many_rows"


# -- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "where"),
    [
        (
            b'{"message_id": "S-1", "lines": [{"lot": "\\ud800"}]}',
            "lone_surrogate",
            "$.lines[0].lot",
        ),
        (b'{"message_id": "S-1", "lines": [{"\\udfff": "x"}]}', "lone_surrogate", "$.lines[0]"),
        (
            b'{"message_id": "S-1", "lines": [{"lot": "L\\u0000"}]}',
            "nul_character",
            "$.lines[0].lot",
        ),
        (b'{"lines": [{"quantity": 1e999999999}]}', "number_too_large", "1e999999999"),
        (b'{"lines": [{"quantity": ' + b"9" * 5000 + b"}]}", "number_too_large", "999"),
        (
            b'{"lines": [{"quantity": 1}], "x": ' + b"[" * 100 + b"]" * 100 + b"}",
            "json_too_deep",
            "$.x[0]",
        ),
        (b'{"a": ' * 100_000, "json_too_deep", "$"),
    ],
)
def test_hostile_json_is_a_clear_refusal(body, code, where):
    error = _refused(body, "stock_statement")
    assert error.code == code
    assert str(error.params["value"]).startswith(where), error.params
    str(error).encode("utf-8")  # the message itself is text


def test_json_nested_within_the_limit_is_read():
    body = b'{"message_id": "S-1", "lines": [{"lot": "L1", "quantity": 2}]}'
    message = edi.decode(body, "stock_statement")
    assert message.lines[0].values == {"lot": "L1", "quantity": 2}


# -- outbound CSV never carries a formula ---------------------------------------------------

PO_LOT = [f.name for f in edi.get_schema("stock_comparison").fields].index("lot")
FORMULAS = [
    '=HYPERLINK("http://x","click")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+1",
    "-1+2",
    "\tTAB",
    "\rCR",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_outbound_csv_escapes_formulas_and_reads_them_back_as_text(value):
    message = Message(
        "stock_comparison",
        {"consignor_code": "C1", "date": "2025-06-01"},
        [
            Line(
                1,
                {
                    "product_code": "P-1",
                    "lot": value,
                    "our_quantity": 1,
                    "their_quantity": 3,
                    "difference": -2,
                },
            )
        ],
    )
    data = edi.encode(message, "csv")
    row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1]
    lot, difference = row[PO_LOT], row[-1]
    assert lot == f"'{value}"
    assert difference == "-2"  # numbers stay numbers
    back = edi.decode(data, "stock_comparison")
    assert back.lines[0].values["lot"] == value.strip()


def test_normal_values_round_trip_unchanged():
    message = edi.example_message("stock_comparison")
    data = edi.encode(message, "csv")
    assert b"'" not in data
    back = edi.clean(edi.decode(data, "stock_comparison"))
    assert [line.values for line in back.lines] == [
        line.values for line in edi.clean(message).lines
    ]
    assert back.header == edi.clean(message).header
