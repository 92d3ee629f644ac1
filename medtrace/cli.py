"""Command line: ``python -m medtrace <command> ...``.

Each command group lives in its own module and registers itself through a
``register(subparsers)`` function listed in ``COMMAND_MODULES``; the function
adds its sub-parser and sets ``func`` to a callable ``func(args) -> int``.
"""

import argparse
import importlib
import sys

from . import __version__

COMMAND_MODULES = ("medtrace.udi.cli", "medtrace.edi.cli")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m medtrace",
        description="Medical device traceability tools: read and print UDI "
        "barcodes, check and template consignor EDI files. No Odoo needed.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
