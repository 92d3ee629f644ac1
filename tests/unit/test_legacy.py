"""medtrace.legacy: legacy stock lists read, normalised and checked (no Odoo)."""

import datetime
import io

import openpyxl
import pytest

from medtrace.legacy import (
    Catalog,
    Department,
    LegacyError,
    Place,
    Product,
    check,
    find_header,
    normalise,
    propose_mapping,
    read_rows,
    records_from_rows,
)
from medtrace.udi import gs1_element_string

TODAY = datetime.date(2026, 12, 7)
STOCK = Place(9, "WH/Stock", "1/9/")
CARDIO = Place(12, "WH/Stock/Cardiology", "1/9/12/")
STENT = Product(1, "Coronary Stent", "lot", implantable=True)
CATHETER = Product(2, "IV Catheter", "lot")
STENT_DI = "06950000000019"


def catalog(**values):
    base = {
        "products_by_code": {"st-01": STENT, "ct-02": CATHETER},
        "products_by_name": {"coronary stent": [STENT], "iv catheter": [CATHETER]},
        "products_by_di": {STENT_DI: STENT},
        "suppliers": {"acme medical": (5, "ACME Medical")},
        "locations": {"wh/stock": STOCK, "wh/stock/cardiology": CARDIO, "cardiology": CARDIO},
        "departments": {"cardiology": Department(3, "Cardiology", CARDIO)},
        "today": TODAY,
    }
    base.update(values)
    return Catalog(**base)


def run(rows, cat=None):
    index, labels = find_header(rows)
    mapping = propose_mapping(labels)
    columns = {fname: labels[column] for column, fname in mapping.items()}
    return {
        row.number: row
        for row in check(records_from_rows(rows, index, mapping), cat or catalog(), columns)
    }


def messages(row):
    return [problem.message for problem in row.problems]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026/3/1", datetime.date(2026, 3, 1)),
        ("2026-03-01", datetime.date(2026, 3, 1)),
        ("2026.3.1", datetime.date(2026, 3, 1)),
        ("2026年3月1日", datetime.date(2026, 3, 1)),
        ("２０２６年３月１日", datetime.date(2026, 3, 1)),
        ("20260301", datetime.date(2026, 3, 1)),
        (20260301, datetime.date(2026, 3, 1)),
        (46082, datetime.date(2026, 3, 1)),  # Excel's serial number of 2026-03-01
        ("46082", datetime.date(2026, 3, 1)),
        (46082.0, datetime.date(2026, 3, 1)),
        ("2026-03-01 00:00:00", datetime.date(2026, 3, 1)),
        ("2026-02", datetime.date(2026, 2, 28)),  # by month: the month's last day
        ("2028年2月", datetime.date(2028, 2, 29)),
        ("202602", datetime.date(2026, 2, 28)),
        ("13/03/2026", datetime.date(2026, 3, 13)),
        ("03/13/2026", datetime.date(2026, 3, 13)),
        (datetime.datetime(2026, 3, 1, 8, 30), datetime.date(2026, 3, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_ways_hospital_exports_write_them(value, expected):
    assert normalise.date(value) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "2026/2/30", "soon", "1/2/3", "99999999"])
def test_what_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError):
        normalise.date(value)


def test_a_date_that_reads_both_ways_is_ambiguous():
    with pytest.raises(normalise.DateAmbiguous):
        normalise.date("03/04/2026")


def test_full_width_characters_spaces_and_excel_numbers_are_normalised():
    assert normalise.text("\u3000ＳＮ－００１\u200b ") == "SN-001"
    assert normalise.code(" 'B 24 05") == "B2405"
    assert normalise.code(6901234567892.0) == "6901234567892"
    assert normalise.quantity("1,200") == 1200.0
    assert normalise.quantity("５ 盒") == 5.0
    with pytest.raises(ValueError):
        normalise.quantity("-1")
    with pytest.raises(ValueError):
        normalise.quantity("a few")


def test_merged_two_row_header_under_a_title_row_is_found():
    rows = [
        ["医用耗材库存表", None, None, None, None, None],
        ["产品编码", "名称", "批号", "效期", None, "数量"],
        [None, None, None, "生产日期", "有效期至", None],
        ["CT-02", "IV Catheter", "C1", "2026-01-01", "2030-01-01", 3],
    ]
    index, labels = find_header(rows)
    assert index == 2
    assert labels == ["产品编码", "名称", "批号", "生产日期", "有效期至", "数量"]
    assert propose_mapping(labels) == {
        0: "product_code",
        1: "product_name",
        2: "lot",
        3: "manufactured",
        4: "expiry",
        5: "quantity",
    }


def test_english_headers_and_odoo_s_own_export_are_mapped():
    # the column labels of Odoo 18's Inventory > Physical Inventory export
    labels = ["Product", "Location", "Lot/Serial Number", "On Hand Quantity", "Expiration Date"]
    assert propose_mapping(labels) == {
        0: "product_name",
        1: "location",
        2: "lot",
        3: "quantity",
        4: "expiry",
    }


def test_a_saved_template_maps_headers_no_word_list_knows():
    labels = ["Artikel", "Charge", "Menge"]
    assert propose_mapping(labels) == {}
    saved = {"artikel": "product_code", "charge": "lot", "menge": "quantity"}
    assert propose_mapping(labels, saved) == {0: "product_code", 1: "lot", 2: "quantity"}


def test_csv_in_gbk_and_utf8_with_bom_read_alike():
    text = "产品编码,批号,数量\nCT-02,C1,3\n"
    for data in (text.encode("gbk"), text.encode("utf-8-sig"), text.encode("gb18030")):
        assert read_rows(data, "list.csv") == [["产品编码", "批号", "数量"], ["CT-02", "C1", "3"]]


def test_excel_unicode_text_export_is_read():
    # Excel's "Save as Unicode Text": UTF-16 with its byte-order mark, tab-separated
    data = "产品编码\t批号\t数量\r\nCT-02\tC1\t3\r\n".encode("utf-16")
    assert read_rows(data, "list.txt") == [["产品编码", "批号", "数量"], ["CT-02", "C1", "3"]]


def test_semicolon_csv_as_european_excel_writes_it():
    data = b"Product Code;Lot;Qty\nCT-02;C1;3\n"
    assert read_rows(data, "list.csv")[1] == ["CT-02", "C1", "3"]


def test_xlsx_cells_keep_their_types():
    book = openpyxl.Workbook()
    book.active.append(["产品编码", "有效期", "数量"])
    book.active.append(["CT-02", datetime.datetime(2030, 1, 1), 3])
    out = io.BytesIO()
    book.save(out)
    rows = read_rows(out.getvalue(), "list.xlsx")
    assert rows[1] == ["CT-02", datetime.datetime(2030, 1, 1), 3]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "legacy_empty"),
        (b"\n\n,,\n", "legacy_empty"),
        (b"\x00\x01\x02binary", "legacy_format"),
        (b"PK\x03\x04not really a zip", "legacy_format"),
        (b"\x81\x30\xff\xfe\x80\x80", "legacy_encoding"),
    ],
)
def test_files_that_are_not_lists_are_refused_by_name(data, code):
    with pytest.raises(LegacyError) as info:
        read_rows(data, "bad.xlsx")
    assert info.value.code == code
    assert "bad.xlsx" in str(info.value)


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_unpacked():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 50_000_000)
    with pytest.raises(LegacyError, match="unpacks too large"):
        read_rows(out.getvalue(), "bomb.xlsx")


def test_too_many_rows_are_refused():
    data = ("a,b\n" + "1,2\n" * 20).encode()
    with pytest.raises(LegacyError, match="more than 10 rows"):
        read_rows(data, "big.csv", max_rows=10)


def test_a_clean_row_is_ready_with_what_it_names_resolved():
    rows = run(
        [
            ["产品编码", "批号", "有效期至", "数量", "库位", "供应商"],
            ["CT-02", "C1", "2030/1/1", "3盒", "WH/Stock", "ACME Medical"],
        ]
    )
    row = rows[2]
    assert row.status == "ready", messages(row)
    assert (row.product, row.location, row.supplier) == (CATHETER, STOCK, 5)
    assert row.values["expiry"] == datetime.date(2030, 1, 1)
    assert row.values["quantity"] == 3.0
    assert row.lot_name == "C1"


def test_an_implant_is_tracked_by_unit_even_when_its_product_says_lot():
    rows = run([["产品编码", "批号", "库位"], ["ST-01", "B1", "WH/Stock"]])
    assert (
        messages(rows[2])
        == [
            "Row 2, column 产品编码: 'Coronary Stent' is tracked unit by unit (an implant or a "
            "serial-tracked device): the row needs its serial number."
        ]
        or "the row needs its serial number" in messages(rows[2])[0]
    )


def test_department_alone_places_the_unit_in_its_sub_store():
    rows = run([["Code", "Serial", "Department"], ["ST-01", "SN1", "Cardiology"]])
    row = rows[2]
    assert row.status == "ready", messages(row)
    assert (row.location, row.department.id) == (CARDIO, 3)


def test_a_location_outside_the_department_is_a_problem():
    rows = run(
        [["Code", "Serial", "Location", "Department"], ["ST-01", "SN1", "WH/Stock", "Cardiology"]]
    )
    assert (
        "location 'WH/Stock' is not in the sub-store of department Cardiology"
        in messages(rows[2])[0]
    )


def test_unknown_names_get_the_closest_known_ones():
    rows = run(
        [
            ["名称", "批号", "库位", "供应商", "科室"],
            ["IV Cathter", "C1", "WH/Stok", "ACME Medicals", "Cardiolgy"],
        ]
    )
    found = "\n".join(messages(rows[2]))
    assert "'IV Cathter' is not a known product. Did you mean IV Catheter?" in found
    assert "'WH/Stok' is not a known stock location. Did you mean WH/Stock?" in found
    assert "'ACME Medicals' is not a known supplier. Did you mean ACME Medical?" in found
    assert "'Cardiolgy' is not a known department. Did you mean Cardiology?" in found


def test_gtin_check_digit_and_udi_are_checked():
    udi = gs1_element_string(STENT_DI, lot="B9", serial="SN9", expiry=datetime.date(2030, 1, 31))
    rows = run(
        [
            ["DI", "UDI", "批号", "库位"],
            ["06950000000018", "", "B1", "WH/Stock"],
            ["", udi, "", "WH/Stock"],
            ["", udi.replace("SN9", "SN8"), "B8", "WH/Stock"],
            ["", "0106950000000019 garbage", "", "WH/Stock"],
        ]
    )
    assert (
        messages(rows[2])[0] == "Row 2, column DI: '06950000000018' has check digit 8, 9 expected."
    )
    filled = rows[3]
    assert filled.status == "ready", messages(filled)
    assert (filled.product, filled.values["serial"], filled.values["lot"]) == (STENT, "SN9", "B9")
    assert filled.values["expiry"] == datetime.date(2030, 1, 31)
    assert "Row 4, column 批号: 'B8' differs from 'B9' that the row's UDI carries." in messages(
        rows[4]
    )
    assert messages(rows[5])[0].startswith(
        "Row 5, column UDI: '0106950000000019 garbage' cannot be read"
    )


def test_across_rows_serials_units_and_lots_are_compared():
    rows = run(
        [
            ["Code", "Lot", "Serial", "Expiry", "Location"],
            ["ST-01", "B1", "SN1", "2030-01-01", "WH/Stock"],
            ["ST-01", "B1", "SN1", "2030-01-01", "WH/Stock/Cardiology"],
            ["ST-01", "B1", "SN2", "2030-01-01", "WH/Stock"],
            ["ST-01", "B2", "SN2", "2030-01-01", "WH/Stock"],
            ["CT-02", "C1", "", "2030-01-01", "WH/Stock"],
            ["CT-02", "C1", "", "2031-01-01", "WH/Stock"],
            ["CT-02", "C1", "", "2030-01-01", "WH/Stock"],
        ]
    )
    assert (
        "unit 'SN1' of Coronary Stent is also on row 3, in WH/Stock/Cardiology"
        in messages(rows[2])[0]
    )
    assert "unit 'SN1' of Coronary Stent is also on row 2, in WH/Stock" in messages(rows[3])[0]
    assert "serial 'SN2' of Coronary Stent is also on row 5" in messages(rows[4])[0]
    assert (
        "lot 'C1' of IV Catheter expires 2030-01-01 here and 2031-01-01 on row 7"
        in messages(rows[6])[0]
    )
    assert rows[8].status == "duplicate" and rows[8].duplicate_of == 6


def test_expiry_before_manufacture_and_past_expiry():
    rows = run(
        [
            ["Code", "Lot", "Manufacturing Date", "Expiry", "Location"],
            ["CT-02", "C1", "2027-01-01", "2026-01-01", "WH/Stock"],
            ["CT-02", "C2", "2024-01-01", "2026-01-01", "WH/Stock"],
        ]
    )
    assert rows[2].status == "to_fix"
    assert "expiry 2026-01-01 is before the manufacturing date 2027-01-01" in messages(rows[2])[0]
    assert rows[3].status == "ready", "an expired unit is imported, as expired"
    assert "is past: the unit is imported as expired" in messages(rows[3])[0]


def test_known_lot_with_another_expiry_and_unit_in_stock_elsewhere():
    serial_stent = Product(1, "Coronary Stent", "serial", True)
    cat = catalog(
        products_by_code={"st-01": serial_stent, "ct-02": CATHETER},
        lot_expiries={(2, "C1"): datetime.date(2030, 1, 1)},
        units_in_stock={(1, "SN1"): CARDIO},
    )
    rows = run(
        [
            ["Code", "Lot", "Serial", "Expiry", "Location"],
            ["CT-02", "C1", "", "2031-01-01", "WH/Stock"],
            ["ST-01", "", "SN1", "2031-01-01", "WH/Stock"],
        ],
        cat,
    )
    assert (
        "lot 'C1' of IV Catheter is known with expiry 2030-01-01, the file says 2031-01-01"
        in messages(rows[2])[0]
    )
    assert (
        "unit 'SN1' of Coronary Stent is already in stock in WH/Stock/Cardiology"
        in messages(rows[3])[0]
    )


def test_one_lot_serial_column_of_a_unit_tracked_product_is_its_serial():
    serial_stent = Product(1, "Coronary Stent", "serial", True)
    cat = catalog(products_by_name={"coronary stent": [serial_stent]})
    rows = run(
        [["Product", "Lot/Serial Number", "Location"], ["Coronary Stent", "SN7", "WH/Stock"]], cat
    )
    row = rows[2]
    assert row.status == "ready", messages(row)
    assert (row.values["serial"], row.values["lot"], row.lot_name) == ("SN7", None, "SN7")


def test_unknown_products_become_new_ones_only_when_allowed():
    data = [["名称", "DI", "批号", "库位"], ["骨水泥", "06950000007773", "BC1", "WH/Stock"]]
    refused = run(data)[2]
    assert refused.status == "to_fix"
    assert "device identifier '06950000007773' belongs to no product" in messages(refused)[0]
    allowed = run(data, catalog(allow_new_products=True))[2]
    assert allowed.status == "ready" and allowed.new_product
    assert allowed.tracking == "lot"


def test_a_serial_unit_has_quantity_one():
    rows = run([["Code", "Serial", "Qty", "Location"], ["ST-01", "SN1", "2", "WH/Stock"]])
    assert "a row with a serial number is one unit, its quantity must be 1" in messages(rows[2])[0]


def test_an_unknown_di_with_a_udi_database_record_creates_the_product_from_it():
    from medtrace.legacy import UdiRecord

    record = UdiRecord(77, "冠状动脉药物洗脱支架系统 DES-3018", "serial")
    data = [
        ["DI", "序列号", "库位"],
        ["06970000000017", "", "WH/Stock"],
        ["06970000000017", "S1", "WH/Stock"],
    ]
    refused = run(data, catalog(udi_records={"06970000000017": record}))
    assert messages(refused[3]) == [
        "Row 3, column DI: device identifier '06970000000017' belongs to no product; the UDI "
        "database has it (冠状动脉药物洗脱支架系统 DES-3018): allow creating missing products to "
        "create it from there."
    ]
    rows = run(data, catalog(udi_records={"06970000000017": record}, allow_new_products=True))
    assert rows[3].status == "ready" and rows[3].udi_record == record
    assert (
        "it will be created from the UDI database record 冠状动脉药物洗脱支架系统"
        in messages(rows[3])[0]
    )
    # an implant in the UDI database is tracked unit by unit: the row needs its serial
    assert rows[2].status == "to_fix"
    assert "the row needs its serial number" in messages(rows[2])[1]
