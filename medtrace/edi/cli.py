"""``python -m medtrace edi types|validate|template|docs``: consignor EDI files without Odoo."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .codecs import DEFAULT_LIMITS, FORMATS, Limits, decode, encode
from .errors import EdiError, has_errors
from .message import Line, Message
from .schemas import MESSAGE_TYPES, SCHEMAS, example_message, get_schema
from .validate import validate

EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "edifact": "edi"}


def cmd_types(args) -> int:
    """List the message types."""
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "type": s.name,
                        "direction": s.direction,
                        "title": s.title,
                        "title_zh": s.title_zh,
                        "formats": [f for f in FORMATS if f != "edifact" or s.edifact],
                        "edifact": s.edifact.message if s.edifact else None,
                    }
                    for s in SCHEMAS.values()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for schema in SCHEMAS.values():
        edifact = schema.edifact.message if schema.edifact else "-"
        print(
            f"{schema.name:22} {schema.direction:8} {edifact:7} {schema.title} ({schema.title_zh})"
        )
    return 0


def cmd_validate(args) -> int:
    """Print every problem of a file; exit status 2 when it has errors, 0 otherwise."""
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    limits = Limits(max_bytes=args.max_bytes, max_lines=args.max_lines)
    message = None
    try:
        message = decode(data, args.type, format=args.format, limits=limits, profile=args.profile)
        problems = validate(message)
    except EdiError as exc:
        problems = [exc.as_problem()]
    valid = not has_errors(problems)
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(path),
                    "type": args.type,
                    "valid": valid,
                    "format": message.format if message else args.format,
                    "message_id": message.message_id if message else None,
                    "fingerprint": message.fingerprint if message else None,
                    "lines": len(message.lines) if message else 0,
                    "problems": [p.as_dict() for p in problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for item in problems:
            where = f"line {item.line}: " if item.line is not None and item.located else ""
            print(f"{path}: {where}{item.severity}: {item.text} [{item.code}]")
        errors = sum(1 for p in problems if p.is_error)
        warnings = len(problems) - errors
        summary = f"{path}: {'valid' if valid else 'INVALID'} {args.type}"
        if message:
            summary += f" ({message.format}, {len(message.lines)} line(s))"
        print(f"{summary}: {errors} error(s), {warnings} warning(s)")
    return 0 if valid else 2


def _template_message(message_type: str, fmt: str, empty: bool) -> Message:
    if not empty:
        return example_message(message_type)
    schema = get_schema(message_type)
    # CSV/XLSX: the header row alone; JSON: every key, with one empty line
    return Message(
        message_type,
        {f.name: None for f in schema.header},
        [Line(1, {f.name: None for f in schema.lines})] if fmt == "json" else [],
    )


def cmd_template(args) -> int:
    """Write an example (or empty) file of a message type."""
    schema = get_schema(args.type)
    if args.format == "edifact" and schema.edifact is None:
        print(
            f"error: {EdiError('format_unsupported', message_type=args.type, format='EDIFACT')}",
            file=sys.stderr,
        )
        return 2
    if args.format == "edifact" and args.empty:
        print("error: an EDIFACT template always carries example values", file=sys.stderr)
        return 2
    message = _template_message(args.type, args.format, args.empty)
    data = encode(message, args.format, lang=args.lang)
    if args.out:
        Path(args.out).write_bytes(data)
        print(args.out)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_docs(args) -> int:
    """Regenerate the message type pages and examples of docs/edi."""
    from .docgen import write_docs

    for path in write_docs(Path(args.dir)):
        print(path)
    return 0


def register(subparsers) -> None:
    """Add the ``edi`` command group to the main parser."""
    edi = subparsers.add_parser("edi", help="check and template consignor EDI files")
    commands = edi.add_subparsers(dest="edi_command", metavar="SUBCOMMAND")
    edi.set_defaults(func=lambda args: (edi.print_help(), 2)[1])

    types = commands.add_parser("types", help="list the message types")
    types.add_argument("--json", action="store_true", help="as JSON")
    types.set_defaults(func=cmd_types)

    check = commands.add_parser("validate", help="check a file; exit status 2 when invalid")
    check.add_argument("file", help="the file to check")
    check.add_argument(
        "--type",
        required=True,
        choices=MESSAGE_TYPES,
        metavar="TYPE",
        help="message type (see 'edi types')",
    )
    check.add_argument("--format", choices=FORMATS, help="file format; default: detected")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument(
        "--profile",
        metavar="FILE",
        help="a consignor's EANCOM dialect (JSON, see docs/edi/eancom.md)",
    )
    check.add_argument(
        "--max-lines",
        type=int,
        default=DEFAULT_LIMITS.max_lines,
        help="most lines accepted (default %(default)s)",
    )
    check.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_LIMITS.max_bytes,
        help="largest file accepted (default %(default)s)",
    )
    check.set_defaults(func=cmd_validate)

    template = commands.add_parser("template", help="write an example or empty file")
    template.add_argument(
        "--type",
        required=True,
        choices=MESSAGE_TYPES,
        metavar="TYPE",
        help="message type (see 'edi types')",
    )
    template.add_argument("--format", required=True, choices=FORMATS)
    template.add_argument("--out", help="file to write; default: standard output")
    template.add_argument(
        "--lang",
        default="en",
        choices=("en", "zh_CN"),
        help="column titles: field names (en) or Chinese (zh_CN)",
    )
    template.add_argument(
        "--empty", action="store_true", help="only the header row (CSV/XLSX) or empty values (JSON)"
    )
    template.set_defaults(func=cmd_template)

    docs = commands.add_parser("docs", help="regenerate docs/edi pages and examples")
    docs.add_argument("dir", nargs="?", default="docs/edi", help="default: %(default)s")
    docs.set_defaults(func=cmd_docs)
