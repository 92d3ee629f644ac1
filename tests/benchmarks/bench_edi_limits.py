"""Consignor EDI: how fast hostile files are refused (issue 12, inbound limits).

Run from the repository root (no Odoo needed)::

    python tests/benchmarks/bench_edi_limits.py

Times ``medtrace.edi.decode`` refusing
- an XLSX of about 150 KB whose only sheet inflates to 100 MiB of empty rows (a zip bomb),
- a CSV purchase order of 100,000 columns,
and, in the same run, the standard way of reading the same kind of file: openpyxl's
``load_workbook(read_only=True)`` iterating the rows of a smaller bomb (10 MiB inflated,
so that the run stays short) and Python's ``csv`` module reading the wide file.  Prints a
Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import io
import platform
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from medtrace import edi  # noqa: E402

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
        '.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
        'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas'
        '.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
        'workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
        '/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
        'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas'
        '.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/></Relationships>'
    ),
}


def xlsx_bomb(inflated: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = b"<row/>" * 100_000
            for _ in range(inflated // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def wide_csv(columns: int) -> bytes:
    header = ",".join(f"c{index}" for index in range(columns)).encode()
    return header + b"\r\n" + header + b"\r\n"


def timed(function) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        function()
        outcome = "read"
    except edi.EdiError as error:
        outcome = f"refused: {error.template[:60]}"
    return time.perf_counter() - start, outcome


def openpyxl_rows(data: bytes) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for _row in workbook.active.iter_rows():
        pass


def main() -> int:
    bomb = xlsx_bomb(100 * 1024 * 1024)
    small_bomb = xlsx_bomb(10 * 1024 * 1024)
    wide = wide_csv(100_000)
    rows = [
        (
            f"XLSX bomb, {len(bomb) // 1024} KB -> 100 MiB",
            "medtrace.edi.decode",
            *timed(lambda: edi.decode(bomb, "purchase_order", "xlsx")),
        ),
        (
            f"XLSX bomb, {len(small_bomb) // 1024} KB -> 10 MiB",
            "openpyxl read_only, all rows",
            *timed(lambda: openpyxl_rows(small_bomb)),
        ),
        (
            f"CSV, 100,000 columns, {len(wide) // 1024} KB",
            "medtrace.edi.decode",
            *timed(lambda: edi.decode(wide, "purchase_order", "csv")),
        ),
        (
            f"CSV, 100,000 columns, {len(wide) // 1024} KB",
            "csv.reader, all rows",
            *timed(lambda: list(csv.reader(io.StringIO(wide.decode())))),
        ),
    ]
    print(f"Python {platform.python_version()}, {platform.machine()}")
    print("| file | reader | seconds | outcome |")
    print("| --- | --- | --- | --- |")
    for name, reader, seconds, outcome in rows:
        print(f"| {name} | {reader} | {seconds:.3f} | {outcome} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
