"""UDI parsing throughput: medtrace vs biip vs python-stdnum, on corpus-shaped data.

Run from the repository root: ``python tests/benchmarks/bench_udi.py``.
It first checks that medtrace reads the same GTIN, lot, serial and dates as
biip on every corpus entry biip can read, then times 1,000 parses per library
(best of several rounds) and rewrites the ``## UDI parsing`` section of
docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import json
import platform
import sys
import time
from pathlib import Path

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import biip  # noqa: E402
from stdnum import gs1_128  # noqa: E402

from medtrace.udi import parse  # noqa: E402

CORPUS = json.loads((ROOT / "tests/unit/data/udi_corpus.json").read_text("utf-8"))
TODAY = datetime.date.fromisoformat(CORPUS["today"])
GS = "\x1d"
ROUNDS = 7


def _biip_fields(raw):
    """(gtin, lot, serial, expiry) as biip reads ``raw``, or None when it cannot."""
    result = biip.parse(raw, config=biip.ParseConfig(separator_chars=[GS]))
    if result.gs1_message is not None:
        elements = result.gs1_message.element_strings
    elif result.gs1_digital_link_uri is not None:
        elements = result.gs1_digital_link_uri.element_strings
    else:
        return None
    gtin, lot, serial, expiry = (elements.get(ai=ai) for ai in ("01", "10", "21", "17"))
    return (
        gtin.value if gtin else None,
        lot.value if lot else None,
        serial.value if serial else None,
        expiry.date if expiry else None,
    )


def check_against_biip() -> tuple[int, int]:
    """Compare fields on every GS1 corpus entry biip reads; return (compared, total)."""
    compared = 0
    entries = [e for e in CORPUS["valid"] if e["expected"]["issuer"] == "GS1"]
    for entry in entries:
        raw = entry["raw"].replace(entry.get("separator") or GS, GS)
        try:
            theirs = _biip_fields(raw)
        except Exception:
            continue
        if theirs is None:
            continue
        ours = parse(entry["raw"], separator=entry.get("separator"), today=TODAY)
        mine = (ours.gtin, ours.lot, ours.serial, ours.expiry)
        if mine != theirs:
            raise SystemExit(f"medtrace and biip differ on {raw!r}: {mine} != {theirs}")
        compared += 1
    if compared < len(entries) // 2:
        raise SystemExit(f"only {compared} of {len(entries)} entries compared with biip")
    return compared, len(entries)


def workload() -> list[str]:
    """1,000 GS1 element strings, HRI texts and Digital Links shaped like the corpus."""
    shapes = []
    for entry in CORPUS["valid"]:
        if entry["expected"]["issuer"] != "GS1" or entry.get("separator"):
            continue
        raw = entry["raw"]
        if raw.startswith("]") and raw[:3] in ("]E0", "]E4", "]I1"):
            continue
        shapes.append(raw)
    return [shapes[i % len(shapes)] for i in range(1000)]


def _time(function, items) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def _safe(function):
    def call(raw):
        try:
            function(raw)
        except Exception:
            pass

    return call


def main() -> int:
    compared, total = check_against_biip()
    items = workload()
    config = biip.ParseConfig(separator_chars=[GS])
    rates = {
        "medtrace": _time(_safe(lambda raw: parse(raw, today=TODAY)), items),
        "biip": _time(_safe(lambda raw: biip.parse(raw, config=config)), items),
        "python-stdnum": _time(_safe(gs1_128.info), items),
    }
    for name, rate in rates.items():
        print(f"{name:14} {rate:12,.0f} parses/s")
    ratio_biip = rates["medtrace"] / rates["biip"]
    ratio_stdnum = rates["medtrace"] / rates["python-stdnum"]
    print(f"medtrace / biip: {ratio_biip:.1f}x, medtrace / python-stdnum: {ratio_stdnum:.1f}x")
    write_report(rates, ratio_biip, ratio_stdnum, compared, total)
    return 0 if ratio_biip >= 5 else 1


def write_report(rates, ratio_biip, ratio_stdnum, compared, total) -> None:
    from importlib.metadata import version

    lines = [
        "## UDI parsing",
        "",
        f"Command: `python tests/benchmarks/bench_udi.py` (run {datetime.date.today()}, "
        f"Python {platform.python_version()}, {platform.machine()}; "
        f"biip {version('biip')}, python-stdnum {version('python-stdnum')}).",
        "",
        "1,000 GS1 UDIs (element strings with and without symbology identifier and GS, "
        "human-readable text, Digital Link URIs) cycled from `tests/unit/data/udi_corpus.json`; "
        f"best of {ROUNDS} rounds. Before timing, medtrace and biip were checked to read the "
        f"same GTIN, lot, serial and expiry on the {compared} GS1 corpus entries biip reads "
        f"(of {total}).",
        "",
        "| library | parses per second | medtrace is |",
        "| --- | ---: | ---: |",
        f"| medtrace | {rates['medtrace']:,.0f} | |",
        f"| biip | {rates['biip']:,.0f} | {ratio_biip:.1f}x faster |",
        f"| python-stdnum (`gs1_128.info`) | {rates['python-stdnum']:,.0f} | "
        f"{ratio_stdnum:.1f}x faster |",
        "",
        "python-stdnum only reads element strings and human-readable text, so it raises on "
        "Digital Link URIs and symbology identifiers; its time includes those refusals.",
        "",
    ]
    section = "\n".join(lines) + "\n"  # keep the blank line before the next section
    write_section(ROOT / "docs" / "benchmarks.md", "## UDI parsing", section)


if __name__ == "__main__":
    sys.exit(main())
