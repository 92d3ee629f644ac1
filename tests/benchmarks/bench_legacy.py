"""Legacy stock import: time to check and to import a list of 5,000 / 50,000 rows.

Run from the repository root against a database where med_device_stock is installed::

    python tests/benchmarks/bench_legacy.py -c <odoo.conf> -d <database> [--sizes 5000,50000]

For each size it writes an XLSX list (1,000 lot-tracked devices, 1,000 serial-tracked
implants, found by DI or by product code; one row per implant unit, one per lot with a
quantity; the stock location or a department) and times, as a device manager:

* *read + check*: ``med.legacy.import.action_read_file`` (file read, header found,
  columns mapped, every row normalised and checked against the database, rows stored);
* *import*: ``action_confirm`` (lots created, opening stock in one inventory adjustment,
  a *migrated* event per unit);
* beside it, in the same run, the standard way: Odoo's own physical inventory of the
  same quantities (``stock.quant`` created in inventory mode, then ``_apply_inventory``)
  for lots created beforehand, timed alone.

Everything runs in one transaction rolled back at the end. Rewrites the
``## Legacy stock import`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import io
import platform
import sys
import time
from pathlib import Path

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PRODUCTS = 1_000
CHECK_GOAL = 30.0
IMPORT_GOAL = 180.0
HEADING = "## Legacy stock import"


def _gtin(number: int) -> str:
    body = f"0691{number:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _setup(env):
    from odoo import Command

    templates = env["product.template"].create(
        [
            {
                "name": f"Legacy bench {'implant' if serial else 'device'} {number}",
                "default_code": f"LB-{'S' if serial else 'L'}{number}",
                "is_storable": True,
                "tracking": "serial" if serial else "lot",
                "use_expiration_date": True,
                "med_is_device": True,
                "med_implantable": serial,
                "med_udi_di_ids": [
                    Command.create({"di": _gtin(number + (PRODUCTS if serial else 0))})
                ],
            }
            for serial in (False, True)
            for number in range(PRODUCTS)
        ]
    )
    departments = env["hr.department"].create(
        [{"name": f"Bench ward {n}", "med_is_device_department": True} for n in range(5)]
    )
    return templates.product_variant_ids, departments


def _rows(size, products, departments, run):
    import openpyxl

    lots, implants = products[:PRODUCTS], products[PRODUCTS:]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        ["产品编码", "DI", "批号", "序列号", "生产日期", "有效期至", "数量", "库位", "科室"]
    )
    made = datetime.date(2026, 1, 15)
    for index in range(size):
        implant = index % 2 == 1
        product = (implants if implant else lots)[index // 2 % PRODUCTS]
        by_di = index % 3 == 0
        department = departments[index % 5].name if index % 4 == 0 else None
        sheet.append(
            [
                None if by_di else product.default_code,
                product.med_udi_di_ids.di if by_di else None,
                f"B{run}{index // (2 * PRODUCTS)}",
                f"SN{run}-{index:07d}" if implant else None,
                made.strftime("%Y/%m/%d"),
                datetime.datetime(2029, 1, 31),
                1 if implant else 10,
                None if department else "WH/Stock",
                department,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _standard(env, record):
    """Odoo's own physical inventory of the quantities the import set, for new lots."""
    lines = record.line_ids.filtered(lambda line: line.status == "ready")
    lots = env["stock.lot"].create(
        [
            {
                "name": f"STD-{line.id}",
                "product_id": line.product_id.id,
                "expiration_date": datetime.datetime(2029, 1, 31),
            }
            for line in lines
        ]
    )
    env.flush_all()
    start = time.perf_counter()
    quants = (
        env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            [
                {
                    "product_id": line.product_id.id,
                    "lot_id": lot.id,
                    "location_id": line.location_id.id,
                    "inventory_quantity": float(line.quantity),
                }
                for line, lot in zip(lines, lots, strict=True)
            ]
        )
    )
    quants._apply_inventory()
    env.flush_all()
    return time.perf_counter() - start


def _run(env, sizes, import_sizes):
    manager = env.ref("base.user_admin")
    products, departments = _setup(env)
    env.flush_all()
    results = []
    for run, size in enumerate(sizes):
        data = _rows(size, products, departments, run)
        menv = env(user=manager)
        record = menv["med.legacy.import"].create(
            {"name": f"bench-{size}.xlsx", "file": base64.b64encode(data)}
        )
        env.flush_all()
        start = time.perf_counter()
        record.action_read_file()
        env.flush_all()
        checked = time.perf_counter() - start
        assert record.ready_count == size, record.line_ids.filtered("problems")[:3].mapped(
            "problems"
        )
        imported = standard = None
        if size in import_sizes:
            start = time.perf_counter()
            record.action_confirm()
            env.flush_all()
            imported = time.perf_counter() - start
            standard = _standard(env, record)
        results.append((size, checked, imported, standard))
        print(f"{size} rows: check {checked:.2f} s, import {imported} s, Odoo's {standard} s")
    return results


def _write(results, command):
    def cell(value, fmt="{:.2f}"):
        return fmt.format(value) if value is not None else "not run"

    rows = [
        f"| {size:,} | {checked:.2f} | {size / checked:,.0f} | {cell(imported)} "
        f"| {cell(imported and size / imported, '{:,.0f}')} | {cell(standard)} "
        f"| {cell(imported and standard and imported / standard)} |"
        for size, checked, imported, standard in results
    ]
    checked_last = results[-1]
    imported_last = [result for result in results if result[2] is not None][-1]
    verdicts = [
        f"{checked_last[0]:,} rows checked in {checked_last[1]:.1f} s, goal under "
        f"{CHECK_GOAL:.0f} s: {'met' if checked_last[1] < CHECK_GOAL else 'NOT met'}.",
        f"{imported_last[0]:,} rows imported in {imported_last[2]:.1f} s "
        f"({imported_last[0] / imported_last[2]:,.0f} rows/s; 50,000 rows in under "
        f"{IMPORT_GOAL:.0f} s needs {50_000 / IMPORT_GOAL:,.0f} rows/s): "
        f"{'met' if imported_last[0] / imported_last[2] >= 50_000 / IMPORT_GOAL else 'NOT met'}.",
    ]
    section = "\n".join(
        [
            HEADING,
            "",
            f"Command: `{command}` (run {datetime.date.today()}, "
            f"Python {platform.python_version()}, "
            f"{platform.machine()}, 2 shared CPU cores).",
            "",
            "An XLSX legacy list (half implant units, half lots of 10; products by DI or by "
            "code; stock location or department) read and checked by "
            "`med.legacy.import.action_read_file` (rows stored for the preview), then imported "
            "by `action_confirm` (lots, one inventory adjustment, a *migrated* event per unit). "
            "Beside it, in the same run, the standard way: Odoo's own physical inventory of "
            "the same quantities (`stock.quant` in inventory mode, `_apply_inventory`), for "
            "lots created beforehand, timed alone.",
            "",
            "| rows | check (s) | rows/s | import (s) | rows/s | Odoo's inventory (s) "
            "| import / Odoo's |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            *verdicts,
            "",
        ]
    )
    write_section(ROOT / "docs/benchmarks.md", HEADING, section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", default="5000,50000", help="rows checked")
    parser.add_argument("--import-sizes", default="5000", help="of those, rows also imported")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        try:
            results = _run(env, sizes, {int(size) for size in args.import_sizes.split(",")})
        finally:
            cr.rollback()
    if not args.no_write:
        _write(
            results,
            "python tests/benchmarks/bench_legacy.py -c <odoo.conf> -d <database> "
            f"--sizes {args.sizes} --import-sizes {args.import_sizes}",
        )


if __name__ == "__main__":
    main()
