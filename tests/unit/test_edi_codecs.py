"""Codecs: what a consignor's CSV, XLSX, JSON or EDIFACT file holds is what decode returns."""

import datetime
import hashlib
import io
import json
import warnings
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydifact.segmentcollection import Interchange

from medtrace import edi
from medtrace.edi import Line, Message

DATA = Path(__file__).parent / "data" / "edi"
EDIFACT_TYPES = [t for t in edi.MESSAGE_TYPES if edi.get_schema(t).edifact]
CASES = [
    (t, f) for t in edi.MESSAGE_TYPES for f in edi.FORMATS if f != "edifact" or t in EDIFACT_TYPES
]


def _typed(message):
    typed = edi.clean(message)
    return typed.header, [line.values for line in typed.lines]


def _po(lines=None, **header):
    values = {
        "message_id": "PO-1",
        "consignor_code": "C1",
        "date": "2025-06-01",
        "order_ref": "R1",
        **header,
    }
    rows = lines if lines is not None else [{"product_code": "P-1", "quantity": "1"}]
    return Message("purchase_order", values, [Line(i, row) for i, row in enumerate(rows, 1)])


def _csv(text, encoding="utf-8"):
    return text.replace("\n", "\r\n").encode(encoding)


# -- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize(("message_type", "fmt"), CASES)
def test_round_trip_keeps_every_value(message_type, fmt):
    original = edi.example_message(message_type)
    data = edi.encode(original, fmt)
    decoded = edi.decode(data, message_type)  # the format is detected
    assert decoded.format == fmt
    assert edi.validate(decoded) == []
    assert _typed(decoded) == _typed(original)
    assert [line.number for line in decoded.lines] != []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_with_chinese_column_titles(fmt):
    original = edi.example_message("usage_report")
    data = edi.encode(original, fmt, lang="zh_CN")
    if fmt == "csv":
        assert data.decode("utf-8-sig").startswith("报文编号,委托方编码")
    assert _typed(edi.decode(data, "usage_report")) == _typed(original)


_text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_line = st.fixed_dictionaries(
    {
        "product_code": _text.filter(lambda s: len(s) <= 40),
        "product_name": _text,
        "lot": _text.filter(lambda s: len(s) <= 40),
        "expiry_date": st.dates(datetime.date(2025, 6, 2), datetime.date(2099, 12, 31)),
        "quantity": st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**9), places=3),
        "unit_price": st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2)),
    }
)


@pytest.mark.parametrize("fmt", edi.FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        _line, min_size=1, max_size=5, unique_by=lambda row: (row["product_code"], row["lot"])
    )
)
def test_round_trip_of_any_line_values(fmt, rows):
    lines = [Line(i, {"line_no": i, **row}) for i, row in enumerate(rows, start=1)]
    header = {
        "message_id": "PR-1",
        "consignor_code": "C1",
        "date": datetime.date(2025, 6, 1),
        "order_ref": "R1",
        "reason": "包装破损, \"quoted\"; a|b 'x'+y:z?",
    }
    original = Message("purchase_return", header, lines)
    assert edi.validate(original) == []
    decoded = edi.decode(edi.encode(original, fmt), "purchase_return", format=fmt)
    assert _typed(decoded) == _typed(original)


# -- CSV as spreadsheets save it ---------------------------------------------------------


def test_gbk_csv_from_a_chinese_spreadsheet():
    data = (DATA / "purchase_order_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    message = edi.decode(data, "purchase_order")
    assert message.format == "csv"
    assert edi.validate(message) == []
    header, lines = _typed(message)
    assert header["message_id"] == "CG20250601001"
    assert header["date"] == datetime.date(2025, 6, 1)
    # the title row above the header row is skipped; row numbers stay those of the file
    assert [line.number for line in message.lines] == [3, 4]
    assert lines[0]["product_name"] == "阿莫西林胶囊 0.25g*24粒"
    assert lines[0]["gtin"] == "06901234567892"  # GTIN-13 read as 14 digits
    assert lines[0]["expiry_date"] == datetime.date(2027, 4, 30)  # 2027年4月30日
    assert lines[1]["product_name"] == "布洛芬缓释胶囊,0.3g"
    assert lines[1]["quantity"] == Decimal(60)


def test_gb18030_characters_outside_gbk():
    message = edi.example_message("purchase_order")
    message.lines[0].values["product_name"] = "𠮷野家 支架"
    data = edi.encode(message, "csv", lang="zh_CN", encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")
    decoded = edi.decode(data, "purchase_order")
    assert _typed(decoded)[1][0]["product_name"] == "𠮷野家 支架"


def test_utf8_with_bom_and_semicolons():
    data = (DATA / "stock_statement_semicolon.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    message = edi.decode(data, "stock_statement")
    assert edi.validate(message) == []
    header, lines = _typed(message)
    assert header["message_id"] == "ST-2025-06"  # not "\ufeffST..." nor a BOM column
    assert [line["quantity"] for line in lines] == [Decimal(12), Decimal(0)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter):
    original = edi.example_message("sales_order")
    original.header["delivery_address"] = "a,b;c|d"
    data = edi.encode(original, "csv", delimiter=delimiter)
    assert _typed(edi.decode(data, "sales_order")) == _typed(original)


def test_utf8_without_bom_and_utf16_as_excel_unicode_text():
    original = edi.example_message("stock_status")
    text = edi.encode(original, "csv", delimiter="\t", lang="zh_CN").decode("utf-8-sig")
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        assert _typed(edi.decode(data, "stock_status")) == _typed(original)


def test_undecodable_bytes_are_an_encoding_error():
    data = (
        _csv("message_id,consignor_code,date,order_ref,product_code,quantity\n")
        + b"PO-1,C1,2025-06-01,R1,\x80\xff\x80,1\r\n"
    )
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order", format="csv")
    assert caught.value.code == "encoding"
    assert caught.value.params["position"] == data.index(b"\x80\xff")


def test_a_wrong_delimiter_is_named():
    data = _csv(
        "报文编号，委托方编码，单据日期，订单号，商品编码，数量\nPO-1，C1，2025-06-01，R1，P-1，1\n"
    )
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    assert caught.value.code == "bad_delimiter"
    assert caught.value.params == {"line": 1, "separator": "，"}


def test_missing_required_columns_are_all_named():
    data = _csv("message_id,date,lot,quantity\nPO-1,2025-06-01,L1,1\n")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    error = caught.value
    assert error.code == "missing_columns"
    assert error.line == 1
    assert error.params["columns"] == "consignor_code, order_ref, product_code | gtin | di"
    assert "Line 1: required column(s) missing" in str(error)


def test_a_file_that_is_no_table_at_all():
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b"hello\r\nworld\r\n", "purchase_order")
    assert caught.value.code == "no_header"
    assert caught.value.params["value"] == "hello"


def test_a_column_given_twice():
    data = _csv(
        "message_id,consignor_code,date,order_ref,商品编码,product_code,quantity\n"
        "PO-1,C1,2025-06-01,R1,P-1,P-1,1\n"
    )
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    assert caught.value.code == "duplicate_column"
    assert caught.value.params["field"] == "product_code"


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf", b",,,\r\n,,\r\n"])
def test_empty_files(data):
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    assert caught.value.code == "empty"


def test_header_row_only_has_no_lines():
    data = edi.encode(Message("purchase_order"), "csv")
    message = edi.decode(data, "purchase_order")
    codes = {p.code for p in edi.validate(message)}
    assert "no_lines" in codes and "required" in codes


def test_size_limits_are_clear_errors():
    data = edi.encode(edi.example_message("purchase_order"), "csv")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order", limits=edi.Limits(max_bytes=100))
    assert caught.value.code == "too_large"
    assert caught.value.params == {"size": len(data), "maximum": 100}
    for fmt in edi.FORMATS:
        data = edi.encode(edi.example_message("purchase_order"), fmt)
        with pytest.raises(edi.EdiError) as caught:
            edi.decode(data, "purchase_order", limits=edi.Limits(max_lines=1))
        assert caught.value.code == "too_many_lines", fmt
        assert len(edi.decode(data, "purchase_order", limits=edi.Limits(max_lines=2)).lines) == 2


def test_a_million_line_csv_stops_at_the_limit():
    row = b"PO-1,C1,2025-06-01,R1,P-1,1\r\n"
    data = b"message_id,consignor_code,date,order_ref,product_code,quantity\r\n" + row * 10**6
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order", limits=edi.Limits(max_lines=1000, max_bytes=10**8))
    assert caught.value.code == "too_many_lines"


def test_unknown_type_and_format():
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b"x", "order")
    assert caught.value.code == "unknown_type"
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b"x", "purchase_order", format="xls")
    assert caught.value.code == "unknown_format"
    with pytest.raises(edi.EdiError) as caught:
        edi.encode(edi.example_message("purchase_order"), "pdf")
    assert caught.value.code == "unknown_format"


def test_old_excel_workbooks_are_named():
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "purchase_order")
    assert caught.value.code == "xls_unsupported"


def test_partner_column_names_through_a_mapping():
    data = _csv("单据编号,货主,日期,单号,货品ID,数量\nPO-1,C1,2025-06-01,R1,P-1,3\n")
    mapping = {"单据编号": "message_id", "货主": "consignor_code", "货品ID": "product_code"}
    message = edi.decode(data, "purchase_order", mapping=mapping)
    assert edi.validate(message) == []
    assert message.header["message_id"] == "PO-1"
    assert message.lines[0].values == {"product_code": "P-1", "quantity": "3"}


# -- XLSX ----------------------------------------------------------------------------------


def test_xlsx_as_a_person_fills_it_in_excel():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["XX 医院寄售订货单"])
    sheet.append([])
    sheet.append(
        [
            "报文编号",
            "委托方编码",
            "单据日期",
            "订单号",
            "商品条码",
            "批号",
            "有效期至",
            "数量",
            "单价",
        ]
    )
    sheet.append(
        [
            "PO-9",
            "C1",
            datetime.datetime(2025, 6, 1),
            "R9",
            6901234567892,
            240501,
            datetime.datetime(2027, 4, 30),
            5,
            12.5,
        ]
    )
    sheet.append([None, None, None, None, 6901234567908, "L2", 46507, 2.0, None])
    sheet["C5"].number_format = "General"  # a date that lost its format: a serial number
    out = io.BytesIO()
    workbook.save(out)
    message = edi.decode(out.getvalue(), "purchase_order")
    assert message.format == "xlsx"
    assert edi.validate(message) == []
    header, lines = _typed(message)
    assert header == {**header, "message_id": "PO-9", "date": datetime.date(2025, 6, 1)}
    assert [line.number for line in message.lines] == [4, 5]
    assert lines[0]["gtin"] == "06901234567892"  # the leading zero Excel dropped
    assert lines[0]["lot"] == "240501"  # a lot typed as a number stays "240501", not "240501.0"
    assert lines[0]["unit_price"] == Decimal("12.5")
    assert lines[1]["expiry_date"] == datetime.date(2027, 4, 30)  # Excel serial 46507
    assert lines[1]["quantity"] == Decimal(2)


def test_xlsx_that_is_a_broken_zip():
    data = edi.encode(edi.example_message("purchase_order"), "xlsx")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data[: len(data) // 2], "purchase_order")
    assert caught.value.code == "bad_xlsx"


def test_xlsx_keeps_text_as_text():
    message = edi.example_message("purchase_order")
    message.lines[0].values["product_name"] = '=HYPERLINK("http://x")'
    message.lines[0].values["lot"] = "00123"
    data = edi.encode(message, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    column = [cell.value for cell in sheet[1]].index("product_name") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"  # text, not a formula Excel would run
    assert _typed(edi.decode(data, "purchase_order"))[1][0]["lot"] == "00123"


# -- JSON ----------------------------------------------------------------------------------


def test_json_nested_layout_with_chinese_keys():
    document = {
        "message_type": "purchase_order",
        "header": {
            "报文编号": "PO-1",
            "委托方编码": "C1",
            "单据日期": "2025-06-01",
            "订单号": "R1",
        },
        "lines": [{"商品编码": "P-1", "数量": 2.5, "有效期至": "20270430"}],
    }
    message = edi.decode(json.dumps(document, ensure_ascii=False).encode(), "purchase_order")
    assert edi.validate(message) == []
    header, lines = _typed(message)
    assert lines == [
        {
            **lines[0],
            "product_code": "P-1",
            "quantity": Decimal("2.5"),
            "expiry_date": datetime.date(2027, 4, 30),
        }
    ]


def test_json_errors_are_located():
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b'{\n "message_id": "x",\n "lines": [1,]\n}', "purchase_order")
    assert (caught.value.code, caught.value.line) == ("bad_json", 3)
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b'[{"message_id": "x"}]', "purchase_order")
    assert caught.value.code == "json_not_object"
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b'{"message_type": "sales_order", "lines": []}', "purchase_order")
    assert caught.value.params == {"found": "sales_order", "expected": "purchase_order"}
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(b'{"lines": {"a": 1}}', "purchase_order")
    assert caught.value.code == "json_lines_not_list"


def test_json_unknown_keys_and_wrong_kinds():
    data = json.dumps(
        {
            "message_id": "PO-1",
            "consignor_code": "C1",
            "date": "2025-06-01",
            "order_ref": "R1",
            "colour": "red",
            "lines": [{"product_code": ["P-1"], "quantity": 1}, "oops"],
        }
    ).encode()
    problems = edi.validate(edi.decode(data, "purchase_order"))
    found = {(p.code, p.line, p.field, p.severity) for p in problems}
    assert ("unknown_column", None, None, "warning") in found
    assert ("bad_kind", 1, "product_code", "error") in found
    assert ("bad_kind", 2, "lines", "error") in found


# -- EDIFACT ---------------------------------------------------------------------------------


def _pydifact(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interchange = Interchange.from_str(data.decode("utf-8"))
        return interchange, list(interchange.get_messages())


@pytest.mark.parametrize("message_type", EDIFACT_TYPES)
def test_edifact_we_write_is_read_by_pydifact(message_type):
    schema = edi.get_schema(message_type)
    original = edi.example_message(message_type)
    interchange, messages = _pydifact(edi.encode(original, "edifact"))
    assert len(messages) == 1
    message = messages[0]
    assert message.identifier[:3] == [schema.edifact.message, "D", "96A"]
    bgm = message.get_segment("BGM")
    assert bgm.elements[0] == schema.edifact.document_code
    assert bgm.elements[1] == original.header["message_id"]
    assert len(list(message.get_segments("LIN"))) == len(original.lines)
    quantities = [
        s.elements[0][1]
        for s in message.get_segments("QTY")
        if s.elements[0][0] == schema.edifact.quantity_qualifier
    ]
    assert quantities == [str(line.values["quantity"]) for line in original.lines]
    expiries = [s.elements[0][1] for s in message.get_segments("DTM") if s.elements[0][0] == "36"]
    if "expiry_date" in schema.line_names:
        assert expiries == ["20270430", "20270430"]
    assert interchange.control_reference


def test_edifact_from_a_partner_is_read():
    data = (DATA / "orders_partner.edi").read_bytes()
    message = edi.decode(data, "purchase_order")
    assert message.format == "edifact"
    # CUX and MOA are EANCOM ORDERS segments: kept by name in the extra data, no warning
    assert edi.validate(message) == []
    assert message.header["extra"] == {"CUX+2": "CNY"}
    assert message.lines[0].values["extra"] == {"MOA+203": "5122"}
    header, lines = _typed(message)
    assert header["message_id"] == "PO-EXT-417"
    assert header["order_ref"] == "HOSP-PO-417"
    assert header["consignor_code"] == "5412345000013"
    assert header["expected_date"] == datetime.date(2025, 6, 10)
    assert [line.number for line in message.lines] == [11, 18]  # segment numbers of LIN
    assert lines[0]["product_name"] == "Stent 3.0:18 mm"  # ?: released
    assert lines[0]["unit_price"] == Decimal("1280.50")  # decimal comma
    assert lines[1]["lot"] == "L240602"


def test_edifact_with_latin1_text():
    original = edi.example_message("shipment_confirmation")
    original.header.update(carrier="Müller Spedition", customer_code="K1")
    for line in original.lines:
        line.values["product_name"] = "Stent Ø 3.0"
        line.values["specification"] = "Größe 3"
        line.values["uom"] = "PCE"
        line.values["registration_no"] = "CE 0123"
    data = edi.encode(original, "edifact")
    assert b"UNOC:3" in data
    assert "Ø".encode("latin-1") in data
    assert _typed(edi.decode(data, "shipment_confirmation")) == _typed(original)


def test_edifact_with_chinese_text_is_utf8():
    data = edi.encode(edi.example_message("purchase_order"), "edifact")
    assert b"UNOW:4" in data
    assert "冠脉支架".encode() in data


def test_edifact_of_the_wrong_message():
    desadv = edi.encode(edi.example_message("shipment_confirmation"), "edifact")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(desadv, "purchase_order")
    assert caught.value.code == "edifact_wrong_message"
    assert caught.value.params["found"] == "DESADV"
    sales = edi.encode(edi.example_message("sales_order"), "edifact")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(sales, "purchase_order")
    assert caught.value.params == {
        "found": "227",
        "message_type": "purchase_order",
        "expected": "220",
    }


def test_edifact_interchange_with_two_messages():
    text = (DATA / "orders_partner.edi").read_text(encoding="latin-1")
    start, end = text.index("UNH"), text.index("UNZ")
    text = text[:end] + text[start:end] + text[end:].replace("UNZ+1+", "UNZ+2+")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(text.encode("latin-1"), "purchase_order")
    assert caught.value.params == {"count": 2}
    # decode_interchange splits it (tests/unit/test_edi_interchange.py)
    assert len(edi.decode_interchange(text.encode("latin-1")).messages) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"UNB+UNOC:3+A+B+250601:1200+1'UNZ+0+1'",
        b"UNA:+.? 'UNH+1",
        b"UNH+1+ORDERS:D:96A:UN'BGM+220+X'",
    ],
)
def test_edifact_broken(data):
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    assert caught.value.code in ("edifact_no_message", "edifact_syntax", "edifact_incomplete")


def test_no_edifact_for_types_without_an_eancom_message():
    with pytest.raises(edi.EdiError) as caught:
        edi.encode(edi.example_message("reconciliation"), "edifact")
    assert caught.value.code == "format_unsupported"
    data = edi.encode(edi.example_message("purchase_order"), "edifact")
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "reconciliation")
    assert caught.value.code == "format_unsupported"


# -- identity --------------------------------------------------------------------------------


def test_fingerprint_and_identity():
    data = edi.encode(edi.example_message("purchase_order"), "json")
    message = edi.decode(data, "purchase_order")
    assert message.fingerprint == hashlib.sha256(data).hexdigest() == edi.fingerprint(data)
    assert edi.fingerprint(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert message.message_id == "PO-20250601-0001"
    assert message.identity == ("purchase_order", "C0001", "PO-20250601-0001")
    # the same message in another format: another file, the same identity
    other = edi.decode(edi.encode(message, "csv"), "purchase_order")
    assert other.identity == message.identity
    assert other.fingerprint != message.fingerprint


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"UNA:+.? 'UNB+", "edifact"),
        (b"\r\n UNB+UNOC", "edifact"),
        (b"PK\x03\x04rest", "xlsx"),
        (b' \n{"a": 1}', "json"),
        (b"\xef\xbb\xbf[1]", "json"),
        (b"message_id,date", "csv"),
        ("报文编号".encode("gbk"), "csv"),
    ],
)
def test_format_detection(data, fmt):
    assert edi.detect_format(data) == fmt
