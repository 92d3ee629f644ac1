"""Write docs/samples/legacy-stock-5000.xlsx: a messy 5,000-row legacy stock list of
the demo hospital, as a former system exports it, with known problems.

    python setup/gen_legacy_sample.py [OUTPUT]

The rows name the demo data's products (by DI or by name), departments and stock
location.  What a real export brings is there: a title row, a header merged over two
rows, full-width characters, padded cells, dates in six styles, units after
quantities; and problems at fixed rows (see docs/legacy-import.md, which lists them
with their counts; tests/unit/test_legacy_sample.py checks those counts).  The output
is the same on every run (seeded, fixed dates, fixed file timestamps).
"""

import datetime
import io
import random
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "samples" / "legacy-stock-5000.xlsx"
ROWS = 5000

#: demo products: (name, DI of the unit, tracked by serial)
PRODUCTS = [
    ("Coronary Drug-Eluting Stent", "06953120001010", True),
    ("Hip Joint Prosthesis", "06953120001027", True),
    ("Dual-Chamber Pacemaker", "06953120001034", True),
    ("IV Catheter 22G", "06953120001041", False),
    ("Absorbable Suture 3-0", "06953120001058", False),
    ("PTCA Guide Wire", "06953120001065", False),
]
DEPARTMENTS = ["Cardiology", "Orthopedics", "Operating Theatre"]
SUPPLIERS = ["Huaxin Medical Supply Co., Ltd.", "Kangtai Device Distribution Co., Ltd."]
HEADER = [
    "序号",
    "产品名称",
    "DI",
    "批号",
    "序列号",
    "效期",
    None,
    "数量",
    "库位",
    "科室",
    "供应商",
]
SUBHEADER = [None, None, None, None, None, "生产日期", "有效期至", None, None, None, None]

#: problem: every Nth row from an offset (rows counted from 0 among the data rows)
PROBLEMS = {
    "gtin_check": (97, 5),
    "expiry_before_manufacture": (131, 7),
    "location_typo": (113, 11),
    "department_typo": (157, 13),
    "serial_twice": (199, 17),
    "unit_two_places": (211, 19),
    "lot_two_expiries": (223, 23),
    "implant_without_serial": (167, 29),
    "duplicate": (89, 31),
    "ambiguous_date": (241, 37),
    "unknown_product": (251, 41),
    "bad_date": (263, 43),
}


def _full_width(text):
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def _date_text(rng, day, style):
    if style == 0:
        return day.strftime("%Y-%m-%d")
    if style == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if style == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 3:
        return int(day.strftime("%Y%m%d"))
    if style == 4:
        return datetime.datetime.combine(day, datetime.time())
    return f"{day.year}.{day.month}.{day.day}"


def _problem_rows():
    chosen = {}
    for problem, (step, offset) in PROBLEMS.items():
        for index in range(offset, ROWS, step):
            chosen.setdefault(index, problem)
    return chosen


def rows():
    rng = random.Random(20261207)
    problems = _problem_rows()
    data = []
    serial_number = 0
    last_serial_row = None
    last_lot_row = None
    lots = {}
    for index in range(ROWS):
        name, di, serial_tracked = PRODUCTS[rng.randrange(len(PRODUCTS))]
        problem = problems.get(index)
        if problem in ("serial_twice", "unit_two_places") and last_serial_row is None:
            problem = None
        if problem == "lot_two_expiries" and last_lot_row is None:
            problem = None
        if problem == "implant_without_serial" and not serial_tracked:
            name, di, serial_tracked = PRODUCTS[0]
        made = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(500))
        lot = f"LG{made:%y%m}{rng.randrange(1, 9)}"
        # a lot is made and expires once, whichever rows name it
        made, expiry = lots.setdefault(
            (name, lot), (made, made + datetime.timedelta(days=730 + rng.randrange(365)))
        )
        department = DEPARTMENTS[rng.randrange(3)] if rng.random() < 0.4 else None
        location = None if department else "WH/Stock"
        if serial_tracked:
            serial_number += 1
            serial = f"LGS{serial_number:05d}"
            quantity = 1
        else:
            serial = None
            quantity = rng.choice([1, 2, 5, 10, "10盒", "5 支", 20])
        by = rng.random()
        shown_name = name if by < 0.4 else None
        shown_di = di if by >= 0.3 else None
        if shown_name and rng.random() < 0.2:
            shown_name = f"  {name} "
        if serial and rng.random() < 0.1:
            serial = _full_width(serial)
        style = rng.randrange(6)
        made_cell, expiry_cell = _date_text(rng, made, style), _date_text(rng, expiry, style)
        row = [
            index + 1,
            shown_name,
            shown_di,
            lot,
            serial,
            made_cell,
            expiry_cell,
            quantity,
            location,
            department,
            SUPPLIERS[rng.randrange(2)],
        ]
        if problem == "gtin_check":
            row[1], row[2] = None, di[:-1] + str((int(di[-1]) + 3) % 10)
        elif problem == "expiry_before_manufacture":
            row[5], row[6] = expiry.strftime("%Y-%m-%d"), made.strftime("%Y-%m-%d")
        elif problem == "location_typo":
            row[8], row[9] = "WH/Stok", None
        elif problem == "department_typo":
            row[8], row[9] = None, "Cardiolgy"
        elif problem == "serial_twice":
            row = list(data[last_serial_row])
            row[0] = index + 1
            row[7] = 1
            row[10] = SUPPLIERS[1] if row[10] == SUPPLIERS[0] else SUPPLIERS[0]
        elif problem == "unit_two_places":
            row = list(data[last_serial_row])
            row[0] = index + 1
            row[8], row[9] = ("WH/Stock", None) if row[9] else (None, "Orthopedics")
        elif problem == "lot_two_expiries":
            row = list(data[last_lot_row])
            row[0] = index + 1
            row[6] = "2031-12-31"
        elif problem == "implant_without_serial":
            row[4] = None
        elif problem == "duplicate":
            row = list(data[-1])
        elif problem == "ambiguous_date":
            row[6] = "03/04/2028"
        elif problem == "unknown_product":
            row[1], row[2], row[4], row[7] = "Bone Cement 40g", None, None, 2
        elif problem == "bad_date":
            row[6] = "2028-13-01"
        if problem is None and serial:
            last_serial_row = len(data)
        if problem is None and not serial:
            last_lot_row = len(data)
        data.append(row)
    return data


def workbook_bytes():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(["医用耗材库存明细（旧系统导出）"])
    sheet.append(HEADER)
    sheet.append(SUBHEADER)
    for row in rows():
        sheet.append(row)
    sheet.merge_cells("A1:K1")
    sheet.merge_cells("F2:G2")
    for column in ("A", "B", "C", "D", "E", "H", "I", "J", "K"):
        sheet.merge_cells(f"{column}2:{column}3")
    fixed = datetime.datetime(2026, 12, 7)
    book.properties.created = book.properties.modified = fixed
    out = io.BytesIO()
    book.save(out)
    # the same bytes on every run: zip entries get a fixed time too
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    final = io.BytesIO()
    with zipfile.ZipFile(final, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 7, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-12-07T00:00:00Z", content
                )
            target.writestr(entry, content)
    return final.getvalue()


def main(argv):
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(workbook_bytes())
    print(output)


if __name__ == "__main__":
    main(sys.argv)
