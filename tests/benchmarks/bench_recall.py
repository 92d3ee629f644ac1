"""Recall impact, the alert job and a count reconciliation on a database generated at scale.

Not collected by pytest. Run with the venv's python against the database built by
``gen_scale_data.py`` (everything the benchmark writes is rolled back):

    $PY tests/benchmarks/bench_recall.py -c ODOO_CONF -d med_bench_scale \
        [--singles 20] [--count-units 20000] [--write docs/benchmarks.md]

Measured, each with the time and the number of SQL queries (``cr.sql_log_count``), the
ORM cache emptied before each measure:

1. where units are (the addon's ``med.recall._med_impact``) for one unit and for 50 units
   taken at random, against Odoo's traceability report of the same units
   (``stock.traceability.report.get_main_lines``, what the lot form's Traceability button
   calls, once per unit); the single units again without the addon's index on the move
   lines' lot; the units of one and of 50 manufacturer lots found and located as
   ``action_open`` does (``_med_find_lots`` then ``_med_impact``);
2. the alert job (``med.alert._cron_med_alerts``) over all units, the admin made a device
   manager so that alerts get activities: the backlog of the generated history (automatic
   quarantine off), the next day (what became due in the last 24 hours, default
   settings: expired units moved to quarantine), the same day again (nothing new);
3. a cycle count of the large department's sub-store: 20,000 scans recorded in one
   create (``_med_record_scans``), then ``action_reconcile``.
"""

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api

SECTION = "## Recall, alerts and counts"
IMPACT_GOAL = 1.0
IMPACT_RATIO_GOAL = 10.0
ALERT_GOAL = 10.0
COUNT_GOAL = 10.0


class Bench:
    def __init__(self, env):
        self.env = env
        self.cr = env.cr

    def measure(self, function, *args):
        """(seconds, queries, result) of ``function(*args)`` with the ORM cache empty."""
        self.env.invalidate_all()
        queries = self.cr.sql_log_count
        start = time.perf_counter()
        result = function(*args)
        return time.perf_counter() - start, self.cr.sql_log_count - queries, result

    def random_lots(self, salt, limit):
        self.cr.execute(
            "SELECT id FROM stock_lot WHERE med_state IS NOT NULL "
            "ORDER BY hashint4(id + %s) LIMIT %s",
            [salt, limit],
        )
        return self.env["stock.lot"].browse([row[0] for row in self.cr.fetchall()])

    # ------------------------------------------------------------------ recall
    def impact(self, lots):
        return self.env["med.recall"]._med_impact(lots)

    def traceability(self, lots):
        report = self.env["stock.traceability.report"]
        lines = []
        for lot in lots:
            lines += report.get_main_lines({"active_id": lot.id, "model": "stock.lot"})
        return lines

    def mfr_lot_recall(self, recall):
        lots = recall._med_find_lots()
        return lots, self.impact(lots)

    def recall(self, singles):
        warm = self.random_lots(3, 1)
        self.impact(warm)
        self.traceability(warm)
        one = {"impact": [], "trace": []}
        for lot in self.random_lots(17, singles):
            seconds, queries, rows = self.measure(self.impact, lot)
            one["impact"].append((seconds, queries, len(rows)))
            seconds, queries, rows = self.measure(self.traceability, lot)
            one["trace"].append((seconds, queries, len(rows)))
        lots = self.random_lots(91, 50)
        fifty = {}
        seconds, queries, rows = self.measure(self.impact, lots)
        fifty["impact"] = (seconds, queries, len(rows))
        seconds, queries, rows = self.measure(self.traceability, lots)
        fifty["trace"] = (seconds, queries, len(rows))
        # manufacturer lots (serials sharing a lot): find and locate, as action_open does
        self.cr.execute("""
            SELECT med_mfr_lot FROM stock_lot WHERE med_serial IS NOT NULL
             GROUP BY med_mfr_lot ORDER BY hashint4(MIN(id)) LIMIT 50
        """)
        mfr_lots = [row[0] for row in self.cr.fetchall()]
        recalls = self.env["med.recall"].create(
            [
                {"reason": "bench", "mfr_lots": mfr_lots[0]},
                {"reason": "bench", "mfr_lots": ",".join(mfr_lots)},
            ]
        )
        self.env.flush_all()
        mfr = []
        for recall in recalls:
            seconds, queries, (units, rows) = self.measure(self.mfr_lot_recall, recall)
            mfr.append((len(recall.mfr_lots.split(",")), len(units), seconds, queries, len(rows)))
        seconds, queries, rows = self.measure(
            self.traceability, self.env["stock.lot"].search([("med_mfr_lot", "=", mfr_lots[0])])
        )
        mfr_trace = (seconds, queries, len(rows))
        return {"one": one, "fifty": fifty, "mfr": mfr, "mfr_trace": mfr_trace}

    def without_lot_index(self, singles):
        """The same single units looked up without the index the addon puts on the move
        lines' lot (dropped, then restored by rolling back to a savepoint)."""
        result = {"impact": [], "trace": []}
        self.cr.execute("SAVEPOINT bench_without_lot_index")
        try:
            self.cr.execute("DROP INDEX stock_move_line__lot_id_index")
            for lot in self.random_lots(17, singles):
                seconds, queries, rows = self.measure(self.impact, lot)
                result["impact"].append((seconds, queries, len(rows)))
                seconds, queries, rows = self.measure(self.traceability, lot)
                result["trace"].append((seconds, queries, len(rows)))
        finally:
            self.cr.execute("ROLLBACK TO SAVEPOINT bench_without_lot_index")
            self.env.invalidate_all()
        return result

    # ------------------------------------------------------------------ alerts
    def alerts(self):
        """Three runs of the job: the backlog of the generated history (every alert is
        new; expired units only alerted, no quarantine prepared), a day later with the
        default settings (today's alerts only, a quarantine document prepared for each
        expired unit), then the quarantine job moving them, and the alert job the same
        day again (nothing new)."""
        Alert = self.env["med.alert"]
        Param = self.env["ir.config_parameter"].sudo()
        auto_key = "med_device_stock.alert_auto_quarantine"
        auto = Param.get_param(auto_key, "1")
        runs = []

        def run(name):
            seconds, queries, alerts = self.measure(Alert._cron_med_alerts)
            self.env.flush_all()
            kinds = {}
            for kind in alerts.mapped("kind"):
                kinds[kind] = kinds.get(kind, 0) + 1
            self.cr.execute("SELECT COUNT(*) FROM med_device_quarantine WHERE expiry_move")
            quarantined = self.cr.fetchone()[0]
            self.cr.execute(
                "SELECT COUNT(*) FROM mail_activity WHERE res_model = 'med.alert' "
                "AND res_id = ANY(%s)",
                [alerts.ids],
            )
            kinds["activities"] = self.cr.fetchone()[0]
            runs.append((name, seconds, queries, len(alerts), kinds, quarantined))

        # the activities go to the device managers (no department has a manager here)
        self.env.ref("base.user_admin").groups_id += self.env.ref(
            "med_device_stock.group_med_manager"
        )
        self.env.flush_all()
        self.cr.execute("SELECT COUNT(*) FROM med_device_quarantine WHERE expiry_move")
        before = self.cr.fetchone()[0]
        Param.set_param(auto_key, "0")
        run("backlog, expired units not moved")
        # a day later: what became due in the last 24 hours is new again
        Param.set_param(auto_key, auto)
        self.cr.execute("""
            DELETE FROM med_alert a USING stock_lot l
             WHERE a.lot_id = l.id AND (
                   (a.kind = 'expired' AND l.expiration_date
                        > now() AT TIME ZONE 'UTC' - interval '1 day')
                OR (a.kind = 'near_expiry' AND l.expiration_date::date
                        = (now() AT TIME ZONE 'UTC')::date + a.threshold))
        """)
        self.env.invalidate_all()
        run("next day, default settings")
        # the quarantine job the alert job triggered, over every document prepared
        seconds, queries, moved = self.measure(
            self.env["med.device.quarantine"]._cron_med_move_expired, 10**6
        )
        self.env.flush_all()
        self.cr.execute(
            "SELECT COUNT(DISTINCT ml.picking_id) FROM stock_move_line ml "
            "JOIN med_device_quarantine q ON q.lot_id = ml.lot_id "
            "WHERE q.id = ANY(%s) AND ml.location_dest_id = ANY(ARRAY("
            "SELECT med_quarantine_location_id FROM res_company))",
            [moved.ids],
        )
        transfers = self.cr.fetchone()[0]
        job = (seconds, queries, len(moved), transfers)
        run("same day again")
        prepared = [before] + [run[5] for run in runs]
        runs = [
            (name, seconds, queries, number, kinds, prepared[index + 1] - prepared[index])
            for index, (name, seconds, queries, number, kinds, _done) in enumerate(runs)
        ]
        return {"runs": runs, "quarantine_job": job}

    # ------------------------------------------------------------------ count
    def count(self, units):
        env = self.env
        department = env["hr.department"].search([("name", "=", "Operating Theatre")], limit=1)
        count = env["med.count"].create({"department_id": department.id})
        count.action_start()
        # the count started two days ago: the moves done since are taken into account
        start = datetime.datetime.now().replace(microsecond=0) - datetime.timedelta(days=2)
        count._med_system_write({"date_start": start})
        env.flush_all()
        locations = count._med_location_ids()
        self.cr.execute(
            """
            SELECT q.lot_id, SUM(q.quantity) FROM stock_quant q
             WHERE q.location_id = ANY(%s) AND q.lot_id IS NOT NULL
             GROUP BY q.lot_id HAVING SUM(q.quantity) > 0 ORDER BY hashint4(q.lot_id)
        """,
            [locations],
        )
        held = self.cr.fetchall()
        missing = max(len(held) // 100, 1)
        found = held[missing:units]
        # units found there but recorded elsewhere (in the main store)
        self.cr.execute(
            """
            SELECT q.lot_id, q.quantity FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND NOT (q.location_id = ANY(%s)) AND q.quantity > 0
             ORDER BY hashint4(q.lot_id) LIMIT %s
        """,
            [locations, max(units - len(found), 0)],
        )
        elsewhere = self.cr.fetchall()
        scans = [
            {"lot_id": lot_id, "quantity": float(quantity), "raw": f"bench-{lot_id}"}
            for lot_id, quantity in found + elsewhere
        ]
        record_seconds, record_queries, _scans = self.measure(count._med_record_scans, scans)
        env.flush_all()
        seconds, queries, _result = self.measure(count.action_reconcile)
        env.flush_all()
        self.cr.execute(
            """
            SELECT difference_type, COUNT(*) FROM med_count_line WHERE count_id = %s
             GROUP BY 1 ORDER BY 2 DESC
        """,
            [count.id],
        )
        types = dict(self.cr.fetchall())
        self.cr.execute(
            """
            SELECT COUNT(*) FROM stock_move_line WHERE state = 'done' AND date > %s
               AND (location_id = ANY(%s) OR location_dest_id = ANY(%s))
        """,
            [start, locations, locations],
        )
        moves_since = self.cr.fetchone()[0]
        return {
            "held": len(held),
            "scans": len(scans),
            "elsewhere": len(elsewhere),
            "missing": len(held) - len(found),
            "record": (record_seconds, record_queries),
            "reconcile": (seconds, queries),
            "lines": sum(types.values()),
            "types": types,
            "moves_since": moves_since,
        }

    def scale(self):
        counts = {}
        for table in (
            "stock_lot",
            "stock_move_line",
            "stock_move",
            "stock_picking",
            "stock_quant",
            "med_unit_event",
            "med_device_use",
            "med_device_issue",
        ):
            self.cr.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = self.cr.fetchone()[0]
        self.cr.execute(
            "SELECT med_state, COUNT(*) FROM stock_lot WHERE med_state IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC"
        )
        counts["states"] = self.cr.fetchall()
        self.cr.execute("SELECT key, value FROM med_bench_state WHERE key LIKE 'seconds:%%'")
        steps = dict(self.cr.fetchall())
        counts["generation"] = sum(float(value) for value in steps.values()), len(steps)
        self.cr.execute("SHOW server_version")
        counts["postgres"] = self.cr.fetchone()[0]
        return counts


def ok(met):
    return "met" if met else "**missed**"


def median(values):
    return statistics.median(values)


def report(args, scale, recall, alerts, count, no_index):
    one_impact = recall["one"]["impact"]
    one_trace = recall["one"]["trace"]
    s_impact = median([r[0] for r in one_impact])
    s_trace = median([r[0] for r in one_trace])
    f_impact, f_trace = recall["fifty"]["impact"], recall["fifty"]["trace"]
    ratio_one = s_trace / s_impact
    ratio_fifty = f_trace[0] / f_impact[0]
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    command = (
        f"$PY tests/benchmarks/bench_recall.py -c <odoo.conf> -d med_bench_scale "
        f"--singles {args.singles} --count-units {args.count_units}"
        + (f" --write {args.write}" if args.write else "")
    )
    states = ", ".join(f"{state} {number:,}" for state, number in scale["states"])
    lines = [
        SECTION,
        "",
        f"Run {datetime.date.today().isoformat()} on {os.cpu_count()} CPU cores shared with "
        f"other work ({cpu}), Python {platform.python_version()}, PostgreSQL "
        f"{scale['postgres']}; one run, database rolled back after it; load average "
        f"{args.load[0]:.1f} when it started, {os.getloadavg()[0]:.1f} when it ended.",
        "",
        "Database, generated by `./setup/devdb med_bench_scale med_device_stock` then "
        "`$PY tests/benchmarks/gen_scale_data.py -c <odoo.conf> -d med_bench_scale` "
        "(200,000 units, 1,000,000 move lines asked):",
        f"{scale['stock_lot']:,} units (stock.lot), {scale['stock_move_line']:,} done move "
        f"lines with {scale['stock_move']:,} moves in {scale['stock_picking']:,} pickings, "
        f"{scale['stock_quant']:,} quants, {scale['med_unit_event']:,} timeline events, "
        f"{scale['med_device_use']:,} uses on patients, {scale['med_device_issue']:,} "
        f"borrows. Units by state: {states}. Generation took "
        f"{scale['generation'][0] / 60:.1f} minutes ({scale['generation'][1]} steps timed).",
        "Units, moves, quants and events are inserted with set-based SQL; the stored fields "
        "the addon computes (med_state, med_location_id, med_department_id) and Odoo's "
        "single location of a lot are computed with SQL, and the generator checks that the "
        "addon's own compute gives the same values on 500 units taken at random.",
        "",
        f"Command: `{command}`",
        "",
        "Changes made in med_device_stock for these figures: an index on "
        "`stock_move_line.lot_id` (`models/stock_move_line.py`; Odoo 18 has none, so every "
        "lookup of a unit's move lines scanned the whole table); `_med_impact` in one query "
        "(it was 3 queries plus 5 ORM reads of departments and companies), kept in a "
        "PL/pgSQL function `med_recall_impact` whose generic plan PostgreSQL keeps for the "
        "session (planning the query took longer than running it for a few units); the "
        "alert job preparing quarantine documents and leaving the moves to the quarantine "
        "job; the alert job's "
        '"expired" and "slow-moving" messages translated once instead of once per '
        "unit inside a list comprehension, where `_()` finds no language and logged a "
        "warning with a stack trace for each unit (70,000 of them on the backlog).",
        "",
        "### Recall impact: where units are",
        "",
        "Addon: `med.recall._med_impact(lots)` (quants, uses on patients, units gone to "
        "suppliers or customers). Odoo: the traceability report of each unit "
        "(`stock.traceability.report.get_main_lines({'active_id': lot, 'model': "
        "'stock.lot'})`, the lot form's Traceability button), which lists its move lines. "
        "Units taken at random; ORM cache emptied before each measure.",
        "",
        "| units | addon s | addon queries | addon rows | Odoo report s | report queries "
        "| report rows | report / addon |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| 1 (median of {len(one_impact)}) | {s_impact:.4f} | "
        f"{median([r[1] for r in one_impact]):.0f} | "
        f"{median([r[2] for r in one_impact]):.0f} | {s_trace:.4f} | "
        f"{median([r[1] for r in one_trace]):.0f} | {median([r[2] for r in one_trace]):.0f} "
        f"| {ratio_one:.1f}x |",
        f"| 50 | {f_impact[0]:.4f} | {f_impact[1]} | {f_impact[2]} | {f_trace[0]:.3f} | "
        f"{f_trace[1]} | {f_trace[2]} | {ratio_fifty:.1f}x |",
        "",
        f"Goal under {IMPACT_GOAL:.0f} s: {ok(s_impact < IMPACT_GOAL)} (1 unit), "
        f"{ok(f_impact[0] < IMPACT_GOAL)} (50 units). Goal at least "
        f"{IMPACT_RATIO_GOAL:.0f} times faster than the report: "
        f"{ok(ratio_one >= IMPACT_RATIO_GOAL)} (1 unit, {ratio_one:.1f}x), "
        f"{ok(ratio_fifty >= IMPACT_RATIO_GOAL)} (50 units, {ratio_fifty:.1f}x). "
        "The report only lists move lines; it does not say where the unit is now nor on "
        "which patient it was used.",
        "",
        "Without the index med_device_stock adds on `stock_move_line.lot_id` (Odoo 18 has "
        "none; dropped for this measure, same units): one unit takes "
        f"{median([r[0] for r in no_index['impact']]):.4f} s with the addon and "
        f"{median([r[0] for r in no_index['trace']]):.4f} s with Odoo's report (medians of "
        f"{len(no_index['impact'])}): each reads the unit's move lines by a sequential scan "
        f"of the {scale['stock_move_line']:,} rows. With the index, the report is "
        f"{median([r[0] for r in no_index['trace']]) / s_trace:.0f} times faster too.",
        "",
        "Recall by manufacturer lot (serial units sharing a lot), found and located as "
        "`action_open` does (`_med_find_lots` then `_med_impact`):",
        "",
        "| manufacturer lots | units | seconds | queries | impact rows |",
        "|---:|---:|---:|---:|---:|",
    ]
    for mfr_lots, units, seconds, queries, rows in recall["mfr"]:
        lines.append(f"| {mfr_lots} | {units:,} | {seconds:.3f} | {queries} | {rows:,} |")
    mt = recall["mfr_trace"]
    first = recall["mfr"][0]
    lines += [
        "",
        f"Odoo's report for the {first[1]} units of the first manufacturer lot, one by one: "
        f"{mt[0]:.3f} s, {mt[1]} queries, {mt[2]} rows ({mt[0] / first[2]:.1f}x the addon).",
        "",
        "### Alert job over all units",
        "",
        "`med.alert._cron_med_alerts()` (near expiry, expired, overdue borrows, slow-moving, "
        "abnormal consumption, due for scrapping; one alert per new key, inserted at once, "
        "and one activity per responsible user and kind listing the units; by default a "
        "quarantine document is prepared for each expired unit, created at once, and the "
        "quarantine job is triggered to move them in its own transactions). Backlog: the "
        "first run over the generated history, every "
        "alert new, with the automatic quarantine switched off "
        "(`med_device_stock.alert_auto_quarantine` = 0). Next day: the alerts of what "
        "became due in the last 24 hours (units expired since, near-expiry thresholds "
        "crossed today) are new again, default settings. Same day again: nothing new.",
        "",
        "The admin user is made a device manager (rolled back with the rest), so the new "
        "alerts get activities.",
        "",
        "| run | seconds | queries | new alerts | activities | quarantines prepared | by kind |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    activity_counts = {}
    for name, seconds, queries, number, kinds, quarantined in alerts["runs"]:
        activities = kinds.pop("activities", 0)
        activity_counts[name] = activities
        by_kind = ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items())) or "-"
        lines.append(
            f"| {name} | {seconds:.2f} | {queries:,} | {number:,} | "
            f"{activities:,} | {quarantined:,} | {by_kind} |"
        )
    backlog, next_day, _again = alerts["runs"]
    per_unit = (
        f" The backlog's {backlog[3]:,} alerts are inserted by one SQL statement and "
        f"notified by {activity_counts[backlog[0]]:,} activities ({backlog[2]:,} queries "
        "in all)."
    )
    job_seconds, job_queries, moved, transfers = alerts["quarantine_job"]
    job_text = (
        "Quarantine job (`med.device.quarantine._cron_med_move_expired`, triggered by the "
        f"next day's run): {moved:,} units moved by {transfers:,} Odoo transfer(s) in "
        f"{job_seconds:.2f} s and {job_queries:,} queries"
        + (
            f", about {job_seconds / moved * 1000:.0f} ms and {job_queries / moved:.0f} "
            "queries per unit: Odoo's own work on each move line (quants, lot), which "
            "the job leaves to Odoo rather than copy."
            if moved
            else "."
        )
    )
    lines += [
        "",
        "Goal under 10 s: "
        + "; ".join(
            f"{ok(seconds < ALERT_GOAL)} ({name})" for name, seconds, *_rest in alerts["runs"]
        )
        + "."
        + per_unit,
        "",
        job_text,
        "",
        "### Cycle count of 20,000 units",
        "",
        f"Count of the operating theatre's sub-store ({count['held']:,} units held there; "
        f"started two days before, {count['moves_since']:,} move lines in or out since): "
        f"{count['scans']:,} scans ({count['elsewhere']:,} of units recorded elsewhere, "
        f"{count['missing']:,} units held not scanned), recorded in one create, then "
        "`action_reconcile`.",
        "",
        "| step | seconds | queries |",
        "|---|---:|---:|",
        f"| `_med_record_scans` ({count['scans']:,} scans) | {count['record'][0]:.2f} | "
        f"{count['record'][1]} |",
        f"| `action_reconcile` ({count['lines']:,} result lines) | "
        f"{count['reconcile'][0]:.2f} | {count['reconcile'][1]} |",
        "",
        "Result lines: " + ", ".join(f"{kind} {n:,}" for kind, n in count["types"].items()) + ".",
        "",
        f"Goal under {COUNT_GOAL:.0f} s (reconciliation): "
        f"{ok(count['reconcile'][0] < COUNT_GOAL)}.",
        "",
    ]
    return "\n".join(lines)


def write_section(path, text):
    path = Path(path)
    current = path.read_text() if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _match: text + "\n", current)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current.rstrip("\n") + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--singles", type=int, default=20, help="units measured one at a time (median reported)"
    )
    parser.add_argument("--count-units", type=int, default=20_000)
    parser.add_argument(
        "--only",
        choices=("recall", "no_index", "alerts", "count"),
        help="run one part (nothing written)",
    )
    parser.add_argument("--write", help="markdown file to record the results in")
    args = parser.parse_args(argv)
    args.load = os.getloadavg()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        bench = Bench(env)
        try:
            scale = bench.scale()
            results = {}
            for part, function in (
                ("recall", lambda: bench.recall(args.singles)),
                ("no_index", lambda: bench.without_lot_index(args.singles)),
                ("alerts", bench.alerts),
                ("count", lambda: bench.count(args.count_units)),
            ):
                if args.only in (None, part):
                    start = time.perf_counter()
                    results[part] = function()
                    print(f"{part}: {time.perf_counter() - start:.1f}s {results[part]}", flush=True)
        finally:
            cr.rollback()
    if args.only:
        return 0
    text = report(
        args, scale, results["recall"], results["alerts"], results["count"], results["no_index"]
    )
    print(text)
    if args.write:
        write_section(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
