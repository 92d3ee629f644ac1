"""The scan station against a running server: how fast the server answers a scan over
HTTP, and how many scans one station sustains when a keyboard-wedge scanner types them.

Not collected by pytest.  Start Odoo on a database with med_device_stock (a throwaway
one: the benchmark receives and issues units in it), then:

    PYTHONPATH=. $PY tests/benchmarks/bench_station.py --url http://127.0.0.1:8069 -d DB \
        [--login admin --password admin] [--units 60] [--wedge 120] [--write docs/benchmarks.md]

1. Server: ``--units`` serial units are received (a purchase order, scanned at receipt)
   and issued one by one, alternating the station's call (``station_scan``, which also
   records the idempotency key) and the scan service called directly (``scan``), each a
   JSON-RPC round trip from this process; median and 95th percentile.
2. Station: Chromium (Debian's ``chromium``, driven by the ``playwright`` package) opens
   the station in *trace* mode and a wedge types ``--wedge`` scans one after the other,
   30 characters in 50 ms each followed by Enter, with no pause between scans; the
   benchmark waits for every answer, then checks that the station's list holds every
   scan once, in the order typed, and reports scans per minute.
"""

import argparse
import datetime
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

import requests

from medtrace.udi import gs1_element_string

SECTION = "## Scan station"
GTIN_BODY = "695000009901"


def gtin(body):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


class Rpc:
    def __init__(self, url, db, login, password):
        self.url, self.db = url, db
        self.session = requests.Session()
        response = self.session.post(
            f"{url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
        )
        self.uid = response.json()["result"]["uid"]

    def call(self, model, method, *args, **kwargs):
        response = self.session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
        )
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]


def prepare(rpc, units):
    """A device, a department and ``units`` serial units received and in stock."""
    stamp = uuid.uuid4().hex[:6].upper()
    di = gtin(GTIN_BODY)
    product = rpc.call(
        "med.product.di", "search_read", [("di", "in", [di, "0" + di])], ["product_id"]
    )
    if product:
        product_id = product[0]["product_id"][0]
    else:
        template = rpc.call(
            "product.template",
            "create",
            {
                "name": "Bench station stent",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "med_is_device": True,
                "med_implantable": True,
                "med_device_class": "III",
                "med_udi_di_ids": [(0, 0, {"di": di, "packaging_level": "each", "quantity": 1})],
            },
        )
        product_id = rpc.call("product.template", "read", [template], ["product_variant_id"])[0][
            "product_variant_id"
        ][0]
    department = rpc.call(
        "hr.department",
        "create",
        {"name": f"Bench station ward {stamp}", "med_is_device_department": True},
    )
    partner = rpc.call(
        "res.partner", "create", {"name": f"Bench supplier {stamp}", "is_company": True}
    )
    order = rpc.call(
        "purchase.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [
                (0, 0, {"product_id": product_id, "product_qty": units, "price_unit": 10.0})
            ],
        },
    )
    rpc.call("purchase.order", "button_confirm", [order])
    expiry = datetime.date.today() + datetime.timedelta(days=700)
    codes = []
    for index in range(units):
        code = gs1_element_string(di, serial=f"BS{stamp}{index:04d}", expiry=expiry)
        result = rpc.call(
            "med.device.scan",
            "scan",
            code,
            "receipt",
            {"purchase_id": order, "certificate_number": "CoC-BENCH"},
        )
        assert result["ok"], result["message"]
        codes.append(code)
    checks = rpc.call("med.receipt.check", "search", [("purchase_id", "=", order)])
    rpc.call("med.receipt.check", "action_done", checks)
    return codes, department


def server_phase(rpc, codes, department):
    times = {"station_scan": [], "scan": []}
    for index, code in enumerate(codes):
        values = {"department_id": department}
        start = time.perf_counter()
        if index % 2:
            result = rpc.call("med.device.scan", "scan", code, "issue", values)
            times["scan"].append(time.perf_counter() - start)
        else:
            result = rpc.call(
                "med.device.scan",
                "station_scan",
                code,
                "issue",
                values,
                key=str(uuid.uuid4()),
                scanned_at=datetime.datetime.utcnow().isoformat(),
            )
            times["station_scan"].append(time.perf_counter() - start)
        assert result["ok"], result["message"]
    return times


def station_phase(args, codes):
    from playwright.sync_api import sync_playwright

    scans = [codes[index % len(codes)] for index in range(args.wedge)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{args.url}/web/login?db={args.database}", wait_until="load")
        page.fill("input[name=login]", args.login)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/odoo.*"))
        page.goto(
            f"{args.url}/odoo/action-med_device_stock.med_scan_station_action", wait_until="load"
        )
        page.click('.o_med_station_mode[data-operation="trace"]')
        page.evaluate("document.activeElement && document.activeElement.blur()")
        per_key = 50 / 30  # ms: 30 characters in 50 ms
        start = time.perf_counter()
        for code in scans:
            page.keyboard.type(code, delay=per_key)
            page.keyboard.press("Enter")
        typed = time.perf_counter() - start
        page.wait_for_function(
            f"document.querySelectorAll('.o_med_station_entry[data-status=\"done\"]').length"
            f" >= {len(scans)}",
            timeout=600_000,
        )
        elapsed = time.perf_counter() - start
        listed = page.evaluate("""() => [...document.querySelectorAll('.o_med_station_entry')]
            .map((li) => [li.dataset.raw, li.dataset.status]).reverse()""")
        browser.close()
    statuses = [status for _raw, status in listed]
    return {
        "scans": len(scans),
        "typed_s": typed,
        "elapsed_s": elapsed,
        "listed": len(listed),
        "refused": statuses.count("refused"),
        "pending": statuses.count("pending"),
        "in_order": [raw for raw, _status in listed] == scans,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--wedge", type=int, default=120)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--write", help="markdown file to record the results in")
    args = parser.parse_args(argv)
    rpc = Rpc(args.url, args.database, args.login, args.password)
    codes, department = prepare(rpc, args.units)
    times = server_phase(rpc, codes, department)
    station = station_phase(args, codes)

    def ms(values, q=None):
        values = sorted(values)
        if q is None:
            return statistics.median(values) * 1000
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000

    command = (
        f"PYTHONPATH=. $PY tests/benchmarks/bench_station.py --url <server> -d <db> "
        f"--units {args.units} --wedge {args.wedge}"
        + (f" --write {args.write}" if args.write else "")
    )
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (run {datetime.date.today()}, one Odoo server with "
        "`--workers 2` on this 2-core machine, client on the same machine).",
        "",
        "| Issue of one serial unit, JSON-RPC round trip | median ms | p95 ms | calls |",
        "|---|---:|---:|---:|",
        f"| station: `station_scan` (idempotency key recorded) | "
        f"{ms(times['station_scan']):.1f} | {ms(times['station_scan'], 0.95):.1f} | "
        f"{len(times['station_scan'])} |",
        f"| scan service called directly: `scan` | {ms(times['scan']):.1f} | "
        f"{ms(times['scan'], 0.95):.1f} | {len(times['scan'])} |",
        "",
        f"Station in Chromium, *trace* mode: {station['scans']} scans typed by a wedge "
        f"(30 characters in 50 ms, Enter, the next scan at once) in "
        f"{station['typed_s']:.1f} s; all answered after {station['elapsed_s']:.1f} s: "
        f"**{station['scans'] / station['elapsed_s'] * 60:.0f} scans per minute**; "
        f"{station['listed']} listed, {station['pending']} pending, "
        f"{station['refused']} refused, "
        f"{'in the order typed' if station['in_order'] else 'NOT in the order typed'} "
        "(a dropped or merged scan would list fewer or be refused as an unreadable code).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = Path(args.write)
        current = path.read_text(encoding="utf-8")
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
        current = (
            pattern.sub(text + "\n", current)
            if pattern.search(current)
            else (current.rstrip("\n") + "\n\n" + text)
        )
        path.write_text(current.rstrip("\n") + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
