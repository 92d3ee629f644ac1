"""Server time of one issue scan against the same step through Odoo's picking form.

Not collected by pytest. Run with the venv's python against a database where
med_device_stock is installed (everything it creates is rolled back):

    $PY tests/benchmarks/bench_scan.py -c ODOO_CONF -d DATABASE [--units 200] [--scans 30]
        [--write docs/benchmarks.md]

Per unit, the scan service is called as a scanner would (`scan(raw, 'issue', ...)`),
and the standard way is: create an internal transfer in the picking form, confirm
and reserve it, set the unit's serial on the move line in the detailed operations
form, validate. Both move one serial unit from stock to a department's store.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests import Form

from medtrace.udi import gs1_element_string

GTIN = "09506000134352"
SECTION = "## Scan service"


def setup(env, units):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    ward = env["stock.location"].create(
        {"name": "Bench ward store", "usage": "internal", "location_id": stock.id}
    )
    department = env["hr.department"].create(
        {
            "name": "Bench ward",
            "med_is_device_department": True,
            "med_location_id": ward.id,
        }
    )
    product = env["product.product"].create(
        {
            "name": "Bench stent",
            "is_storable": True,
            "tracking": "serial",
            "med_is_device": True,
            "med_implantable": True,
        }
    )
    env["med.product.di"].create(
        {"di": GTIN, "product_tmpl_id": product.product_tmpl_id.id, "product_id": product.id}
    )
    lots = env["stock.lot"].create(
        [
            {
                "name": f"BENCH{index:06d}",
                "product_id": product.id,
                "med_serial": f"BENCH{index:06d}",
                "med_di": GTIN,
            }
            for index in range(units)
        ]
    )
    for lot in lots:
        env["stock.quant"]._update_available_quantity(product, stock, 1, lot_id=lot)
    env["med.unit.event"].create(
        [{"lot_id": lot.id, "event_type": "receipt", "location_id": stock.id} for lot in lots]
    )
    # the picking form shows source and destination to users managing several locations
    env.user.groups_id += env.ref("stock.group_stock_multi_locations")
    env.flush_all()
    return stock, ward, department, product, lots


def by_scan(env, lot, department):
    result = env["med.device.scan"].scan(
        gs1_element_string(GTIN, serial=lot.name), "issue", {"department_id": department.id}
    )
    assert result["ok"], result["message"]


def by_picking_form(env, lot, product, stock, ward):
    picking_type = (
        env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).int_type_id
    )
    form = Form(env["stock.picking"].with_context(default_picking_type_id=picking_type.id))
    form.location_id = stock
    form.location_dest_id = ward
    with form.move_ids_without_package.new() as move:
        move.product_id = product
        move.product_uom_qty = 1
    picking = form.save()
    picking.action_confirm()
    picking.action_assign()
    with Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form:
        with move_form.move_line_ids.edit(0) as line:
            line.lot_id = lot
    picking.button_validate()
    assert picking.state == "done", picking.state


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--scans", type=int, default=30)
    parser.add_argument("--write", help="markdown file to record the results in")
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        stock, ward, department, product, lots = setup(env, args.units + 2 * args.scans + 2)
        by_scan(env, lots[-1], department)  # warm-up, both ways
        by_picking_form(env, lots[-2], product, stock, ward)
        scan_times, form_times = [], []
        for index in range(args.scans):
            scan_times.append(timed(by_scan, env, lots[2 * index], department))
            form_times.append(
                timed(by_picking_form, env, lots[2 * index + 1], product, stock, ward)
            )
        cr.rollback()
    scan_ms = statistics.median(scan_times) * 1000
    form_ms = statistics.median(form_times) * 1000
    command = (
        f"$PY tests/benchmarks/bench_scan.py -c <odoo.conf> -d <db> --units {args.units} "
        f"--scans {args.scans}" + (f" --write {args.write}" if args.write else "")
    )
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (one run; {args.units} units in stock, {args.scans} issues each "
        "way, alternating; median server time, database rolled back).",
        "",
        "| Issue of one serial unit | median ms | min ms | max ms |",
        "|---|---:|---:|---:|",
        f"| `med.device.scan.scan(raw, 'issue', ...)` | {scan_ms:.1f} | "
        f"{min(scan_times) * 1000:.1f} | {max(scan_times) * 1000:.1f} |",
        f"| Odoo picking form: create, confirm, reserve, set serial, validate | {form_ms:.1f} | "
        f"{min(form_times) * 1000:.1f} | {max(form_times) * 1000:.1f} |",
        "",
        f"Scan / picking form: {scan_ms / form_ms:.2f}. The scan also records the unit's "
        "timeline event and checks its state, department and expiry.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = Path(args.write)
        current = path.read_text() if path.exists() else "# Benchmarks\n\n"
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
        if pattern.search(current):
            current = pattern.sub(lambda _match: text + "\n", current)
        else:
            current = current.rstrip("\n") + "\n\n" + text
        path.write_text(current.rstrip("\n") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
