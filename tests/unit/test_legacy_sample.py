"""docs/samples/legacy-stock-5000.xlsx, the messy legacy list a newcomer tries first:
every problem docs/legacy-import.md lists is found, with its count, before anything is
written; the file is what setup/gen_legacy_sample.py writes."""

import collections
import datetime
import importlib.util
from pathlib import Path

from medtrace.legacy import (
    Catalog,
    Department,
    Place,
    Product,
    check,
    find_header,
    propose_mapping,
    read_rows,
    records_from_rows,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "samples" / "legacy-stock-5000.xlsx"

#: the demo data of med_device_stock, as the Odoo import reads it
DEMO_PRODUCTS = [
    ("Coronary Drug-Eluting Stent", "06953120001010", "serial", True),
    ("Hip Joint Prosthesis", "06953120001027", "serial", True),
    ("Dual-Chamber Pacemaker", "06953120001034", "serial", True),
    ("IV Catheter 22G", "06953120001041", "lot", False),
    ("Absorbable Suture 3-0", "06953120001058", "lot", False),
    ("PTCA Guide Wire", "06953120001065", "lot", False),
]
DEMO_SUPPLIERS = ["Huaxin Medical Supply Co., Ltd.", "Kangtai Device Distribution Co., Ltd."]

#: what docs/legacy-import.md says the sample holds
EXPECTED_STATUSES = {"ready": 4410, "to_fix": 421, "duplicate": 169}
EXPECTED_PROBLEMS = {
    "legacy_duplicate": 169,
    "legacy_lot_two_expiries": 114,
    "legacy_gtin_check": 52,
    "legacy_serial_twice": 50,
    "legacy_unit_two_places": 46,
    "legacy_unknown_location": 44,
    "legacy_expiry_before_manufacture": 39,
    "legacy_unknown_department": 31,
    "legacy_implant_without_serial": 29,
    "legacy_date_ambiguous": 20,
    "legacy_unknown_product": 18,
    "legacy_date": 18,
}


def demo_catalog():
    stock = Place(9, "WH/Stock", "1/9/")
    departments = {
        name.casefold(): Department(
            index, name, Place(20 + index, f"WH/Stock/{name}", f"1/9/{20 + index}/")
        )
        for index, name in enumerate(["Cardiology", "Orthopedics", "Operating Theatre"])
    }
    products = [
        Product(index, name, tracking, implant)
        for index, (name, _di, tracking, implant) in enumerate(DEMO_PRODUCTS)
    ]
    return Catalog(
        products_by_di={
            di: products[index] for index, (_n, di, _t, _i) in enumerate(DEMO_PRODUCTS)
        },
        products_by_name={product.name.casefold(): [product] for product in products},
        suppliers={name.casefold(): (index, name) for index, name in enumerate(DEMO_SUPPLIERS)},
        locations={"wh/stock": stock},
        departments=departments,
        today=datetime.date(2026, 12, 7),
    )


def checked():
    rows = read_rows(SAMPLE.read_bytes(), SAMPLE.name)
    index, labels = find_header(rows)
    mapping = propose_mapping(labels)
    columns = {fname: labels[column] for column, fname in mapping.items()}
    return labels, check(records_from_rows(rows, index, mapping), demo_catalog(), columns)


def test_the_sample_is_what_its_generator_writes():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "setup" / "gen_legacy_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.workbook_bytes() == SAMPLE.read_bytes(), "run: python setup/gen_legacy_sample.py"


def test_every_documented_problem_is_found_with_its_count():
    labels, rows = checked()
    assert labels[5:7] == ["生产日期", "有效期至"], "the header merged over two rows"
    assert len(rows) == 5000
    assert collections.Counter(row.status for row in rows) == EXPECTED_STATUSES
    found = collections.Counter(problem.code for row in rows for problem in row.problems)
    assert found == EXPECTED_PROBLEMS


def test_full_width_serials_and_padded_names_are_cleaned_not_refused():
    rows = [["序列号"], ["ＬＧＳ００００１"]]
    assert read_rows("\n".join(",".join(r) for r in rows).encode(), "x.csv")[1] == [
        "ＬＧＳ００００１"
    ]
    _labels, checked_rows = checked()
    serials = [row.values.get("serial") for row in checked_rows if row.values.get("serial")]
    assert all(serial.isascii() for serial in serials)
    names = [
        row.values.get("product_name") for row in checked_rows if row.values.get("product_name")
    ]
    assert all(name == name.strip() for name in names)
