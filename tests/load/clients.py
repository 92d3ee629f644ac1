"""The load test's clients: scanning stations, consignors and report users, each a
thread with its own HTTP session, for a fixed time.

Every request goes to the loopback server given and has a timeout.  Each operation's
latency and outcome is recorded in ``Stats``:

- ``ok``: done as asked;
- ``refused``: refused by the server as it must be (the loser of two stations scanning
  the same unit at once, a count of a unit another station just moved);
- ``injected``: failed while a failure was being injected (``--inject``): what the user
  saw, shown in the report, not counted as an unexpected error;
- ``error``: anything else (a refusal of a scan that should pass, an HTTP error, a
  timeout): an unexpected error.
"""

import csv
import datetime
import io
import random
import threading
import time
import uuid
from collections import defaultdict

import requests

from medtrace.udi import gs1_element_string

#: (connect, read) seconds of every request
TIMEOUT = (5, 60)
#: the longest a consignor waits for a file processed in the background
EDI_WAIT = 300
#: a scanning station's pause between two scans (seconds): a storekeeper takes the next
#: unit from the tray, reads the screen
SCAN_THINK = (0.3, 1.5)
CONSIGNOR_THINK = (2.0, 6.0)
REPORT_THINK = (2.0, 5.0)
#: share of the scans sent by two stations at once (the same unit, two storekeepers)
CONTENTION = 0.10
#: share of the scans sent again under the same key (a station's retry)
RESEND = 0.05
#: the station's operations and how often a storekeeper does each
SCAN_MIX = {"issue": 30, "count": 25, "use": 15, "return": 12, "receipt": 5}
RECEIPT_UNITS = 5
#: the consignors' files: lines and how often
EDI_SIZES = {10: 40, 100: 30, 1000: 20, 5000: 10}


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Session:
    """One user's web session, calling models as the web client and the scan station do
    (``/web/dataset/call_kw``)."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.http = requests.Session()
        response = self.http.post(
            f"{url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error") or not (body.get("result") or {}).get("uid"):
            raise RpcError("login", f"{login} could not log in: {body.get('error')}")

    def call(self, model, method, *args, **kwargs):
        response = self.http.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(data.get("name", "?"), data.get("message", str(body["error"])))
        return body["result"]


class Stats:
    """Latency and outcome of every operation, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = defaultdict(list)  # op: [(seconds, outcome)]
        self.messages = defaultdict(list)  # (op, outcome): first messages
        self.injecting = threading.Event()

    def add(self, op, seconds, outcome, message=""):
        if outcome == "error" and self.injecting.is_set():
            outcome = "injected"
        with self.lock:
            self.samples[op].append((seconds, outcome))
            seen = self.messages[(op, outcome)]
            if outcome != "ok" and message and len(seen) < 5:
                seen.append(str(message)[:300])

    def timed(self, op, function):
        """(result, seconds) of ``function()``; a transport or RPC error is recorded as
        ``error`` (``injected`` while injecting) and returned as the exception."""
        start = time.perf_counter()
        try:
            result = function()
        except (requests.RequestException, RpcError, ValueError) as error:
            self.add(op, time.perf_counter() - start, "error", f"{type(error).__name__}: {error}")
            return error, time.perf_counter() - start
        return result, time.perf_counter() - start


class Pools:
    """The units the stations scan, where the clients last left them: in the main store
    (``stock``) or issued to a ward (``issued``: [unit, ward])."""

    def __init__(self, stock, issued):
        self.lock = threading.Lock()
        self.stock = [tuple(unit[:2]) for unit in stock]
        self.issued = [(tuple(unit[:2]), unit[2]) for unit in issued]
        self.stock_ids = {unit[0] for unit in self.stock}

    def take(self, pool):
        with self.lock:
            units = getattr(self, pool)
            if not units:
                return None
            unit = units.pop(random.randrange(len(units)))
            if pool == "stock":
                self.stock_ids.discard(unit[0])
            return unit

    def put_stock(self, unit):
        with self.lock:
            self.stock.append(unit)
            self.stock_ids.add(unit[0])

    def put_issued(self, unit, ward):
        with self.lock:
            self.issued.append((unit, ward))

    def peek_stock(self):
        with self.lock:
            return random.choice(self.stock) if self.stock else None

    def in_stock(self, unit):
        with self.lock:
            return unit[0] in self.stock_ids


class Run:
    """One run: the scenario, the server's address, the stop signal, the stats."""

    def __init__(self, url, scenario, duration, edi_sizes=None):
        self.url, self.scenario, self.duration = url, scenario, duration
        self.edi_sizes = edi_sizes or EDI_SIZES
        self.db = scenario["db"]
        self.stop = threading.Event()
        self.stats = Stats()
        self.pools = Pools(scenario["stock"], scenario["issued"])
        self.exchanges = []  # (exchange id, message id, lines, final state) posted
        self.scans = []  # (key, operation, lot id, ok) answered
        self.threads = []  # clients started by an injection
        self.lock = threading.Lock()

    def session(self, user):
        """A logged-in session of ``user``; a login lost to an injected failure is tried
        again (10 times, 2 s apart)."""
        for attempt in range(10):
            try:
                return Session(self.url, self.db, user["login"], user["password"])
            except (requests.RequestException, RpcError, ValueError) as error:
                self.stats.add("login", 0.0, "error", error)
                if attempt == 9:
                    raise
                time.sleep(2)
        return None

    def think(self, bounds):
        self.stop.wait(random.uniform(*bounds))


# ---------------------------------------------------------------------- scanning
class Scanner(threading.Thread):
    """A scan station: one storekeeper scanning units in turn."""

    def __init__(self, run, index):
        super().__init__(name=f"scanner-{index}", daemon=True)
        self.run_, self.index = run, index
        users = run.scenario["scanners"]
        self.user = users[index % len(users)]
        self.colleague = users[(index + 1) % len(users)]
        self.receipts = 0

    def run(self):
        run = self.run_
        try:
            self.station = run.session(self.user)
            self.other = run.session(self.colleague)
        except (requests.RequestException, RpcError, ValueError):
            return  # recorded by run.session
        ops, weights = zip(*SCAN_MIX.items(), strict=True)
        # every station does each operation once first (in its own order), then as the
        # mix says: a short run still exercises all of them
        first = list(ops[self.index % len(ops) :] + ops[: self.index % len(ops)])
        while not run.stop.is_set():
            op = first.pop(0) if first else random.choices(ops, weights)[0]
            getattr(self, f"do_{op}")()
            run.think(SCAN_THINK)

    def scan(self, session, code, operation, values, key=None, op=None):
        """The station's call; returns (result or None on an error, key)."""
        key = key or uuid.uuid4().hex
        result, seconds = self.run_.stats.timed(
            op or operation,
            lambda: session.call(
                "med.device.scan",
                "station_scan",
                code,
                operation,
                values,
                key=key,
                scanned_at=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
            ),
        )
        if isinstance(result, Exception):
            return None, key, seconds
        return result, key, seconds

    def record(self, op, result, seconds, expected_ok=True, refused_ok=False):
        """Record a scan's outcome: ok as expected, or refused where allowed."""
        if result["ok"]:
            self.run_.stats.add(op, seconds, "ok")
        elif refused_ok:
            self.run_.stats.add(op, seconds, "refused", result["message"])
        else:
            self.run_.stats.add(op, seconds, "error", result["message"])

    def moved(self, unit, operation, values, on_done):
        """Scan ``unit`` for a step that moves it (issue, use, return); some scans are
        sent by a colleague's station at the same time (exactly one may pass) or again
        under the same key (the same answer, marked duplicate).  ``on_done()`` puts the
        unit where the step leaves it; a scan lost to an injected failure is sent again
        under its key, as the station does."""
        run = self.run_
        code = unit[1]
        if random.random() < CONTENTION:
            answers = [None, None]

            def send(slot, session):
                answers[slot] = self.scan(session, code, operation, values)

            threads = [
                threading.Thread(target=send, args=(slot, session), daemon=True)
                for slot, session in enumerate((self.station, self.other))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(TIMEOUT[1] + 10)
            results = [answer for answer in answers if answer and answer[0] is not None]
            if len(results) < 2:
                return self._lost(unit, operation, values, on_done, answers)
            oks = [result for result, _key, _s in results if result["ok"]]
            for result, key, seconds in results:
                self.note(key, operation, unit, result["ok"])
                self.record(operation, result, seconds, refused_ok=len(oks) == 1)
            if len(oks) == 1:
                run.stats.add(f"{operation} (2 stations, 1 passes)", 0.0, "ok")
                on_done()
            else:
                run.stats.add(
                    f"{operation} (2 stations, 1 passes)",
                    0.0,
                    "error",
                    f"{len(oks)} of 2 stations passed: {[r['message'] for r, _k, _s in results]}",
                )
                if oks:
                    on_done()
            return
        result, key, seconds = self.scan(self.station, code, operation, values)
        if result is None:
            return self._lost(unit, operation, values, on_done, [(None, key, seconds)])
        self.note(key, operation, unit, result["ok"])
        self.record(operation, result, seconds)
        if not result["ok"]:
            return
        if random.random() < RESEND:
            again, _key, seconds = self.scan(
                self.station, code, operation, values, key=key, op="resend (same key)"
            )
            if again is not None:
                same = again.get("duplicate") and again["ok"] == result["ok"]
                run.stats.add(
                    "resend (same key)",
                    seconds,
                    "ok" if same else "error",
                    "" if same else f"resend answered {again}",
                )
        on_done()

    def _lost(self, unit, operation, values, on_done, answers):
        """A scan whose answer did not come back (a worker killed, the database gone):
        the station sends it again under the same key until it is answered."""
        keys = [answer[1] for answer in answers if answer and answer[0] is None]
        passed = False
        for key in keys:
            for _attempt in range(20):
                result, _key, seconds = self.scan(
                    self.station, unit[1], operation, values, key=key, op="resend after error"
                )
                if result is not None:
                    self.note(key, operation, unit, result["ok"])
                    self.run_.stats.add("resend after error", seconds, "ok")
                    passed = passed or result["ok"]
                    break
                time.sleep(1)
        for answer in answers:
            if answer and answer[0] is not None:
                self.note(answer[1], operation, unit, answer[0]["ok"])
                passed = passed or answer[0]["ok"]
        if passed:
            on_done()

    def note(self, key, operation, unit, ok):
        with self.run_.lock:
            self.run_.scans.append((key, operation, unit[0], ok))

    def do_issue(self):
        unit = self.run_.pools.take("stock")
        if not unit:
            return self.do_receipt()
        ward = random.choice(self.run_.scenario["wards"])
        self.moved(
            unit,
            "issue",
            {"department_id": ward},
            lambda: self.run_.pools.put_issued(unit, ward),
        )

    def do_use(self):
        taken = self.run_.pools.take("issued")
        if not taken:
            return self.do_issue()
        unit, ward = taken
        values = {
            "department_id": ward,
            "patient_identifier": f"LP{random.randrange(10**6):06d}",
            "encounter_ref": f"ENC-{random.randrange(10**5)}",
        }
        self.moved(unit, "use", values, lambda: None)

    def do_return(self):
        taken = self.run_.pools.take("issued")
        if not taken:
            return self.do_issue()
        unit, ward = taken
        self.moved(unit, "return", {"department_id": ward}, lambda: self.run_.pools.put_stock(unit))

    def do_count(self):
        run = self.run_
        unit = run.pools.peek_stock()
        if not unit:
            return
        values = {"location_id": run.scenario["stock_location_id"]}
        result, _key, seconds = self.scan(self.station, unit[1], "count", values)
        if result is not None:
            # a unit another station issued meanwhile is not where the count looks
            self.record("count", result, seconds, refused_ok=not run.pools.in_stock(unit))

    def do_receipt(self):
        """An order of a few units arrives: the order (as the purchaser enters it), each
        unit scanned at receipt, the receipt check validated (the units enter stock)."""
        run = self.run_
        scenario = run.scenario
        self.receipts += 1
        serials = [
            f"LR{scenario['stamp']}{self.index:02d}{self.receipts:04d}{n}"
            for n in range(RECEIPT_UNITS)
        ]

        def order():
            order_id = self.station.call(
                "purchase.order",
                "create",
                {
                    "partner_id": scenario["supplier_id"],
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": scenario["serial_product_id"],
                                "product_qty": RECEIPT_UNITS,
                                "price_unit": 100.0,
                            },
                        )
                    ],
                },
            )
            self.station.call("purchase.order", "button_confirm", [order_id])
            return order_id

        order_id, seconds = run.stats.timed("purchase order", order)
        if isinstance(order_id, Exception):
            return
        run.stats.add("purchase order", seconds, "ok")
        expiry = datetime.date.today() + datetime.timedelta(days=700)
        received = []
        for serial in serials:
            code = gs1_element_string(
                scenario["serial_di"],
                serial=serial,
                expiry=expiry,
            )
            values = {"purchase_id": order_id, "certificate_number": "CoC-LOAD"}
            result, key, seconds = self.scan(self.station, code, "receipt", values)
            if result is None:
                continue
            self.record("receipt", result, seconds)
            if result["ok"]:
                received.append((result["lot_id"], code))
                with run.lock:
                    run.scans.append((key, "receipt", result["lot_id"], True))
            run.think(SCAN_THINK)

        def validate():
            checks = self.station.call(
                "med.receipt.check", "search", [("purchase_id", "=", order_id)]
            )
            self.station.call("med.receipt.check", "action_done", checks)

        done, seconds = run.stats.timed("receipt check done", validate)
        if isinstance(done, Exception):
            return
        run.stats.add("receipt check done", seconds, "ok")
        for unit in received:
            run.pools.put_stock(unit)


# ---------------------------------------------------------------------- consignors
class Consignor(threading.Thread):
    """A consignor's system posting purchase orders of 10 to 5,000 lines to its API."""

    def __init__(self, run, index):
        super().__init__(name=f"consignor-{index}", daemon=True)
        self.run_, self.index = run, index
        self.code = sorted(run.scenario["backends"])[index % len(run.scenario["backends"])]
        self.backend = run.scenario["backends"][self.code]
        self.key = run.scenario["keys"][self.code]
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {self.key}"
        self.sent = 0

    def file(self, lines):
        scenario = self.run_.scenario
        self.sent += 1
        message = f"LOAD-{scenario['stamp']}-{self.code}-{self.sent}"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "message_id",
                "consignor_code",
                "date",
                "order_ref",
                "product_code",
                "gtin",
                "lot",
                "expiry_date",
                "quantity",
                "unit_price",
            ]
        )
        codes = scenario["edi_product_codes"]
        for n in range(lines):
            writer.writerow(
                [
                    message,
                    self.code,
                    time.strftime("%Y-%m-%d"),
                    f"PO-{message}",
                    codes[n % len(codes)],
                    "",
                    f"L{self.sent}X{n}",
                    "2030-01-31",
                    1 + n % 7,
                    "12.5",
                ]
            )
        return message, out.getvalue().encode()

    def run(self):
        run = self.run_
        sizes, weights = zip(*run.edi_sizes.items(), strict=True)
        last = None
        while not run.stop.is_set():
            if last and random.random() < 0.1:
                # the consignor's system sends a file again: stored, kept as a duplicate
                self.post("duplicate file", *last, expect="duplicate")
            else:
                lines = random.choices(sizes, weights)[0]
                message, data = self.file(lines)
                last = (message, data, lines)
                self.post(f"EDI file {lines:,} lines", message, data, lines)
            run.think(CONSIGNOR_THINK)

    def post(self, op, message, data, lines, expect="processed", attempt=0):
        run = self.run_
        url = f"{run.url}/med_edi/{self.backend}/purchase_order"
        start = time.perf_counter()
        try:
            response = self.http.post(
                url,
                params={"filename": f"{message}.csv"},
                data=data,
                headers={"Content-Type": "text/csv"},
                timeout=TIMEOUT,
            )
            if response.status_code == 503 and "exchange_id" in response.text:
                # the server could not store the file (its file store refused it): the
                # refusal is recorded as an exchange of its own, the file is sent again
                body = response.json()
                with run.lock:
                    run.exchanges.append(
                        (body["exchange_id"], message, lines, body.get("state"), 503)
                    )
                raise requests.HTTPError(
                    "HTTP 503: "
                    + "; ".join(p.get("message", "") for p in body.get("problems") or [])[:200]
                )
            if response.status_code >= 500:
                raise requests.HTTPError(f"HTTP {response.status_code}: {response.text[:200]}")
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            run.stats.add(op, time.perf_counter() - start, "error", error)
            if expect != "duplicate" and attempt < 15:
                # the consignor's system sends a file whose answer was lost again (every
                # 3 s): it is processed if the first send was rolled back, a duplicate
                # otherwise
                time.sleep(3)
                return self.post("resend after error", message, data, lines, "either", attempt + 1)
            return None
        exchange = body.get("id") or body.get("exchange_id")
        state = body.get("state")
        deadline = time.monotonic() + EDI_WAIT
        while state in ("received", "validated") and time.monotonic() < deadline:
            time.sleep(1)
            try:
                polled = self.http.get(
                    f"{run.url}/med_edi/{self.backend}/exchange/{exchange}", timeout=TIMEOUT
                )
                state = polled.json().get("state")
                body = polled.json()
            except (requests.RequestException, ValueError):
                continue  # the server is back in a moment: poll again
        seconds = time.perf_counter() - start
        with run.lock:
            run.exchanges.append((exchange, message, lines, state, response.status_code))
        if state == expect or (expect == "either" and state in ("processed", "duplicate")):
            run.stats.add(op, seconds, "ok")
        else:
            run.stats.add(
                op,
                seconds,
                "error",
                f"HTTP {response.status_code}, exchange {exchange} {state}: "
                + "; ".join(p.get("message", "") for p in body.get("problems") or [])[:200],
            )


# ---------------------------------------------------------------------- reports
class ReportUser(threading.Thread):
    """A manager opening the reports, a unit's timeline and a recall's impact."""

    def __init__(self, run, index):
        super().__init__(name=f"reports-{index}", daemon=True)
        self.run_, self.index = run, index
        self.recalls = 0

    def run(self):
        run = self.run_
        try:
            self.session = run.session(run.scenario["manager"])
        except (requests.RequestException, RpcError, ValueError):
            return  # recorded by run.session
        ops = [self.recall, self.stock_report, self.consumption_report, self.timeline]
        weights = [1, 3, 2, 3]
        first = list(ops)
        while not run.stop.is_set():
            (first.pop(0) if first else random.choices(ops, weights)[0])()
            run.think(REPORT_THINK)

    def call(self, op, model, method, *args, **kwargs):
        result, seconds = self.run_.stats.timed(
            op, lambda: self.session.call(model, method, *args, **kwargs)
        )
        if not isinstance(result, Exception):
            self.run_.stats.add(op, seconds, "ok")
        return result

    def stock_report(self):
        self.call(
            "report: stock by ward",
            "med.report.stock",
            "web_read_group",
            [],
            ["quantity:sum", "value:sum"],
            ["department_id"],
        )

    def consumption_report(self):
        self.call(
            "report: consumption by product",
            "med.report.consumption",
            "web_read_group",
            [],
            ["__count"],
            ["product_id"],
        )

    def timeline(self):
        units = self.run_.scenario["stock"]
        lot_id = random.choice(units)[0]
        self.call(
            "unit timeline",
            "med.unit.event",
            "search_read",
            [("lot_id", "=", lot_id)],
            ["event_type", "date", "location_id", "department_id", "user_id"],
        )

    def recall(self):
        """A recall of a few units, opened: its impact found (where each unit is, the
        patients), the units in stock quarantined."""
        run = self.run_
        units = run.scenario["recall_units"]
        self.recalls += 1
        start = (self.index * 50 + self.recalls * 3) % max(1, len(units) - 3)
        chosen = units[start : start + 3]
        if not chosen:
            return

        def recall():
            recall_id = self.session.call(
                "med.recall",
                "create",
                {"reason": "Load test recall", "lot_ids": [(6, 0, [u[0] for u in chosen])]},
            )
            self.session.call("med.recall", "action_open", [recall_id])
            return self.session.call(
                "med.recall.line", "search_count", [("recall_id", "=", recall_id)]
            )

        result, seconds = run.stats.timed("recall impact (open)", recall)
        if isinstance(result, Exception):
            return
        if result >= 1:
            run.stats.add("recall impact (open)", seconds, "ok")
        else:
            run.stats.add("recall impact (open)", seconds, "error", "no line found")


def start(run, scanners, consignors=3, report_users=2):
    threads = [Scanner(run, index) for index in range(scanners)]
    threads += [Consignor(run, index) for index in range(consignors)]
    threads += [ReportUser(run, index) for index in range(report_users)]
    for thread in threads:
        thread.start()
    return threads
