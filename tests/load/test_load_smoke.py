"""The load harness, briefly: a small generated hospital, a few clients for 30 s; the
invariants must hold and every operation must have run without an unexpected error.
Latency is not asserted (it is measured, in docs/benchmarks.md).

``setup/test``'s load tier runs it with:

- ``MED_LOAD_CONF``: an Odoo configuration reaching the database server;
- ``MED_LOAD_DB``: a database the harness creates (the addons, queue_job, then
  ``gen_scale_data.py``) or reuses; the tier drops it afterwards.

Without them it is skipped.  ``MED_LOAD_UNITS`` / ``MED_LOAD_DURATION`` change the
scale and the run's length.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

#: every operation a short run must have done
OPERATIONS = {
    "issue",
    "use",
    "return",
    "count",
    "receipt",
    "purchase order",
    "receipt check done",
    "recall impact (open)",
    "report: stock by ward",
    "report: consumption by product",
    "unit timeline",
}


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set: run the load tier through setup/test")
    return value


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    conf = _required("MED_LOAD_CONF")
    db = _required("MED_LOAD_DB")
    out = tmp_path_factory.mktemp("load") / "summary.json"
    command = [
        sys.executable,
        str(HERE / "harness.py"),
        "-c",
        conf,
        "--db",
        db,
        "--units",
        os.environ.get("MED_LOAD_UNITS", "2000"),
        "--clients",
        "3",
        "--duration",
        os.environ.get("MED_LOAD_DURATION", "30"),
        "--edi-sizes",
        "10,100,1500",
        "--json",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    print(done.stdout[-20000:])
    print(done.stderr[-5000:], file=sys.stderr)
    assert out.exists(), f"the harness wrote no summary (exit {done.returncode})"
    return json.loads(out.read_text(encoding="utf-8"))[0], done.returncode


def test_invariants_hold(summary):
    result, _returncode = summary
    violated = {name: rows[:5] for name, rows in result["invariants"].items() if rows}
    assert not violated, violated
    assert result["drained"], "files were left in the background queue"


def test_every_operation_ran_without_unexpected_error(summary):
    result, returncode = summary
    operations = {op["op"]: op for op in result["operations"]}
    assert OPERATIONS <= set(operations), sorted(OPERATIONS - set(operations))
    assert any(op.startswith("EDI file") for op in operations), sorted(operations)
    errors = {name: op["errors"] for name, op in operations.items() if op["errors"]}
    assert not errors, errors
    assert returncode == 0
