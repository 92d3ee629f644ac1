"""``python -m medtrace udi parse|label``: read and print UDIs without Odoo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import UdiError
from .parser import parse
from .render import SYMBOLOGIES, save_label
from .zpl import DPIS, zpl_label

_FIELDS = (
    "issuer",
    "di",
    "gtin",
    "lot",
    "serial",
    "expiry",
    "manufactured",
    "quantity",
    "symbology",
)


def _inputs(args) -> list[str]:
    if args.barcode:
        return args.barcode
    return [line.rstrip("\r\n") for line in sys.stdin if line.strip("\r\n")]


def _print_text(result: dict) -> None:
    print(f"raw: {result['raw']!r}")
    if "error" in result:
        print(f"error: {result['error']}")
    else:
        for name in _FIELDS:
            if result[name] is not None:
                print(f"{name}: {result[name]}")
        for key, value in result["elements"].items():
            print(f"element {key}: {value}")
    print()


def cmd_parse(args) -> int:
    """Parse each barcode; exit status 2 when any could not be read."""
    status = 0
    for raw in _inputs(args):
        try:
            result = parse(raw, separator=args.separator).as_dict()
        except UdiError as exc:
            result = {"raw": raw, "error": str(exc), "code": exc.code}
            status = 2
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            _print_text(result)
    return status


def cmd_label(args) -> int:
    """Write one label file; exit status 2 on bad data."""
    fields = {
        "gtin": args.gtin,
        "lot": args.lot,
        "serial": args.serial,
        "expiry": args.expiry,
        "manufactured": args.manufactured,
    }
    try:
        if args.out.lower().endswith(".zpl"):
            path = Path(args.out)
            path.write_bytes(
                zpl_label(args.symbology, title=args.title, dpi=args.dpi, **fields).encode("utf-8")
            )
        else:
            path = save_label(args.out, args.symbology, domain=args.domain, **fields)
    except UdiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def register(subparsers) -> None:
    """Add the ``udi`` command group to the main parser."""
    udi = subparsers.add_parser("udi", help="read UDI barcodes and print UDI labels")
    commands = udi.add_subparsers(dest="udi_command", metavar="SUBCOMMAND")
    udi.set_defaults(func=lambda args: (udi.print_help(), 2)[1])

    parser = commands.add_parser(
        "parse",
        help="parse GS1 / HIBCC / ISBT 128 / MA barcodes (arguments, or lines on standard input)",
    )
    parser.add_argument("barcode", nargs="*", help="scanned data; none: read standard input")
    parser.add_argument("--json", action="store_true", help="one JSON object per input")
    parser.add_argument(
        "--separator",
        metavar="C",
        help="character the scanner sends for FNC1 instead of GS (ASCII 29)",
    )
    parser.set_defaults(func=cmd_parse)

    label = commands.add_parser("label", help="write a GS1 label (PNG, SVG or Zebra ZPL)")
    label.add_argument("--symbology", choices=SYMBOLOGIES, required=True)
    label.add_argument("--out", required=True, metavar="FILE.png|FILE.svg|FILE.zpl")
    label.add_argument("--gtin", required=True)
    label.add_argument("--lot")
    label.add_argument("--serial")
    label.add_argument("--expiry", metavar="YYYY-MM-DD")
    label.add_argument("--manufactured", metavar="YYYY-MM-DD")
    label.add_argument(
        "--domain", default="https://id.gs1.org", help="Digital Link domain for --symbology qr"
    )
    label.add_argument("--title", help="product name printed on a .zpl label")
    label.add_argument(
        "--dpi",
        type=int,
        choices=DPIS,
        default=203,
        help="printer resolution of a .zpl label (default 203)",
    )
    label.set_defaults(func=cmd_label)


def main(argv=None) -> int:  # pragma: no cover - convenience for `python -m medtrace.udi.cli`
    root = argparse.ArgumentParser(prog="medtrace")
    register(root.add_subparsers())
    args = root.parse_args(argv)
    return args.func(args)
