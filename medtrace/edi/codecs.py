"""Read and write EDI messages as CSV, XLSX, JSON or EANCOM (EDIFACT D96A subset).

``decode(data, message_type, format=None, mapping=None, limits=None)`` -> :class:`Message`
``encode(message, format, lang="en")`` -> bytes

CSV and XLSX use one flat layout: a header row naming the columns (field names,
English labels or Chinese aliases such as 商品编码, 批号, 有效期至, 数量), then one row
per line with the header fields repeated on every row. JSON is nested: the header
fields, then ``"lines": [{...}, ...]``. EDIFACT is described in docs/edi/eancom.md.

``decode`` raises :class:`EdiError` - and nothing else - when a file cannot be read at
all; value problems are left to :func:`medtrace.edi.validate`.
"""

from __future__ import annotations

import codecs as _codecs
import csv
import datetime
import io
import itertools
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import WARNING, EdiError, problem
from .message import Line, Message, fingerprint
from .schemas import PRODUCT_FIELDS, Schema, get_schema
from .values import escape_formula, format_value, is_empty, unescape_formula

FORMATS = ("csv", "xlsx", "json", "edifact")
DELIMITERS = (",", ";", "\t", "|")
#: separators people type by mistake; only used to explain a header that did not split
_WRONG_DELIMITERS = ("，", "；", ":", "、", " ")
_HEADER_SEARCH_ROWS = 10
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class Limits:
    """How much a file may hold; past these, decode fails with a clear error.

    Every limit is checked while the file is read, before more is read: the size of the
    file, its rows (blank ones included: ``max_rows``, default twice ``max_lines`` plus a
    hundred), its columns and the length of a value (CSV and XLSX), and for an XLSX
    workbook (a zip) the size each part declares, their total, each part's compression
    ratio and the bytes actually inflated; for JSON the nesting depth.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_lines: int = 100_000
    max_columns: int = 256
    max_rows: int | None = None
    max_field_chars: int = 10_000
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_json_depth: int = 32

    @property
    def row_limit(self) -> int:
        """The most rows read (blank rows included) before the file is refused."""
        if self.max_rows is not None:
            return self.max_rows
        return 2 * self.max_lines + 100


DEFAULT_LIMITS = Limits()


# -- detection and text ----------------------------------------------------------------


def detect_format(data: bytes) -> str:
    """Guess the format from the first bytes: EDIFACT, XLSX (zip), JSON or CSV."""
    head = bytes(data[:64])
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = (
            head[2:]
            .decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="ignore")
            .encode("utf-8", errors="ignore")
        )
    stripped = head.lstrip(b" \t\r\n")
    if stripped[:3] in (b"UNA", b"UNB", b"UNH"):
        return "edifact"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise EdiError("xls_unsupported")
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "csv"


def decode_text(data: bytes, fmt: str, fallbacks=("gb18030",)) -> str:
    """Text of a file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK,
    what Chinese Excel and WPS save as "CSV")."""
    try:
        if data.startswith(_codecs.BOM_UTF8):
            text = data[3:].decode("utf-8")
        elif data.startswith((_codecs.BOM_UTF16_LE, _codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as first:
                for encoding in fallbacks:
                    try:
                        text = data.decode(encoding)
                        break
                    except UnicodeDecodeError:
                        continue
                if text is None:
                    raise first
    except UnicodeDecodeError as exc:
        raise EdiError("encoding", position=exc.start, value=data[exc.start : exc.start + 1])
    position = text.find("\x00")
    if position >= 0:
        raise EdiError("binary", position=position, format=fmt.upper())
    return text


# -- the flat table layout (CSV and XLSX) ------------------------------------------------


def _recognised(schema: Schema, cells, mapping) -> int:
    return sum(
        1 for cell in cells if not is_empty(cell) and schema.resolve_column(str(cell), mapping)
    )


def _is_blank(cells) -> bool:
    return all(is_empty(cell) for cell in cells)


def _excel_date(value):
    """Excel's serial day number of a date cell that lost its date format."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    return value


def rows_to_message(
    rows, schema: Schema, mapping, limits: Limits, fmt: str, first_row_hint=None
) -> Message:
    """Build a message from ``(row number, cells)`` pairs of the flat layout.

    ``first_row_hint(cells, line)`` may raise a more precise error when no header row is
    found (CSV: a wrong delimiter).
    """
    rows = iter(rows)
    skipped = []
    header_number = header_cells = None
    for number, cells in rows:
        if _is_blank(cells):
            continue
        if _recognised(schema, cells, mapping) >= 2:
            header_number, header_cells = number, cells
            break
        skipped.append((number, cells))
        if len(skipped) >= _HEADER_SEARCH_ROWS:
            break
    if header_number is None:
        if not skipped:
            raise EdiError("empty")
        first_number, first_cells = skipped[0]
        if first_row_hint:
            first_row_hint(first_cells, first_number)
        shown = ", ".join(str(c) for c in first_cells if not is_empty(c))[:200]
        raise EdiError("no_header", rows=_HEADER_SEARCH_ROWS, message_type=schema.name, value=shown)

    problems = []
    columns: dict[int, str] = {}
    titles: dict[str, str] = {}
    for index, cell in enumerate(header_cells):
        if is_empty(cell):
            continue
        title = str(cell).strip()
        name = schema.resolve_column(title, mapping)
        if name is None or name not in schema.header_names + schema.line_names:
            problems.append(
                problem(
                    "unknown_column",
                    line=header_number,
                    value=title,
                    severity=WARNING,
                    message_type=schema.name,
                )
            )
            continue
        if name in titles:
            raise EdiError(
                "duplicate_column", line=header_number, field=name, first=titles[name], value=title
            )
        columns[index] = name
        titles[name] = title
    missing = [f.name for f in schema.fields if f.required and f.name not in titles]
    products = [n for n in PRODUCT_FIELDS if n in schema.line_names]
    if schema.product_required and not any(n in titles for n in products):
        missing.append(" | ".join(products))
    if missing:
        raise EdiError(
            "missing_columns",
            line=header_number,
            columns=", ".join(missing),
            found=", ".join(titles.values()) or "-",
        )

    date_fields = {f.name for f in schema.fields if f.type == "date"}
    header_names = set(schema.header_names)
    header: dict = {}
    header_seen: dict[str, int] = {}
    header_line = None
    lines: list[Line] = []
    width = max(columns) + 1 if columns else 0
    count = 0
    for number, cells in rows:
        if _is_blank(cells):
            continue
        count += 1
        if count > limits.max_lines:
            raise EdiError("too_many_lines", maximum=limits.max_lines)
        if header_line is None:
            header_line = number
        extra = [c for c in cells[width:] if not is_empty(c)]
        if extra and len(cells) > len(header_cells):
            problems.append(
                problem(
                    "extra_cells",
                    line=number,
                    count=len(cells),
                    columns=len(header_cells),
                    value=str(extra[0]),
                )
            )
        values = {}
        for index, name in columns.items():
            value = cells[index] if index < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
                if fmt == "csv":
                    value = unescape_formula(value).strip()
            if fmt == "xlsx" and name in date_fields:
                value = _excel_date(value)
            if is_empty(value):
                continue
            values[name] = value
        for name in header_names.intersection(values):
            value = values.pop(name)
            if name not in header:
                header[name], header_seen[name] = value, number
            elif _same(header[name]) != _same(value):
                problems.append(
                    problem(
                        "header_mismatch",
                        line=number,
                        field=name,
                        value=_same(value),
                        first=_same(header[name]),
                        first_line=header_seen[name],
                    )
                )
        if values:
            lines.append(Line(number, values))
    return Message(
        schema.name, header, lines, format=fmt, header_line=header_line, problems=problems
    )


def _same(value) -> str:
    return format_value(value).strip()


# -- CSV ---------------------------------------------------------------------------------


def _csv_rows(text: str, delimiter: str, limits: Limits):
    """``(row number, cells)`` of a CSV text, one row at a time; refuses a row past the
    row limit, wider than the column limit or holding a value longer than the field limit
    as soon as it is read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    row_limit = limits.row_limit
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise EdiError(
                    "field_too_large",
                    line=reader.line_num,
                    size=f"> {csv.field_size_limit()}",
                    maximum=limits.max_field_chars,
                ) from None
            raise
        if start > row_limit:
            raise EdiError("too_many_rows", maximum=row_limit)
        check_row(cells, start, limits)
        yield start, cells
        start = reader.line_num + 1


def check_row(cells, line: int, limits: Limits) -> None:
    """Refuse a row wider than the column limit or with a value longer than the field
    limit (the row as read, before anything is done with its cells)."""
    if len(cells) > limits.max_columns:
        raise EdiError("too_many_columns", line=line, count=len(cells), maximum=limits.max_columns)
    for cell in cells:
        if isinstance(cell, str) and len(cell) > limits.max_field_chars:
            raise EdiError(
                "field_too_large", line=line, size=len(cell), maximum=limits.max_field_chars
            )


def _sniff(text: str, schema: Schema, mapping, limits: Limits) -> str:
    """The delimiter among , ; tab | that names the most known columns in the first rows.

    A delimiter splitting a row into more columns than allowed is not scored (so the
    sniffing stays fast); when no other one names the columns, the file is refused as
    too wide."""
    sample = "".join(itertools.islice(io.StringIO(text, newline=""), _HEADER_SEARCH_ROWS))
    best, best_score = ",", (-1, -1)
    too_wide = {}
    for delimiter in DELIMITERS:
        try:
            rows = [cells for _n, cells in _csv_rows(sample, delimiter, limits)]
        except csv.Error:
            continue
        except EdiError as exc:
            if exc.code not in ("too_many_columns", "field_too_large"):
                raise
            too_wide.setdefault(exc.code, exc)
            continue
        known = max((_recognised(schema, cells, mapping) for cells in rows), default=0)
        width = max((len(cells) for cells in rows), default=0)
        if (known, width) > best_score:
            best, best_score = delimiter, (known, width)
    if too_wide and best_score[0] < 2:
        raise too_wide.get("too_many_columns") or too_wide["field_too_large"]
    return best


def _csv_hint(schema: Schema, mapping):
    def hint(cells, line):
        text = cells[0] if len(cells) == 1 else None
        if not text:
            return
        for separator in _WRONG_DELIMITERS:
            parts = [p for p in text.split(separator) if p.strip()]
            if len(parts) > 1 and _recognised(schema, parts, mapping) >= 2:
                raise EdiError("bad_delimiter", line=line, separator=separator)

    return hint


def decode_csv(data: bytes, schema: Schema, mapping, limits: Limits) -> Message:
    text = decode_text(data, "csv")
    delimiter = _sniff(text, schema, mapping, limits)
    try:
        return rows_to_message(
            _csv_rows(text, delimiter, limits),
            schema,
            mapping,
            limits,
            "csv",
            first_row_hint=_csv_hint(schema, mapping),
        )
    except csv.Error as exc:
        raise EdiError("unreadable", format="CSV", reason=str(exc))


def _columns(schema: Schema, lang: str):
    return [(field, schema.column_title(field, lang)) for field in schema.fields]


def _flat_rows(message: Message, schema: Schema):
    header = [message.header.get(f.name) for f in schema.header]
    lines = message.lines
    if not lines and any(not is_empty(value) for value in header):
        lines = [Line(0, {})]
    for line in lines:
        yield header + [line.values.get(f.name) for f in schema.lines]


def encode_csv(
    message: Message, schema: Schema, lang="en", encoding="utf-8-sig", delimiter=","
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    columns = _columns(schema, lang)
    writer.writerow([title for _field, title in columns])
    fields = [field for field, _title in columns]
    for row in _flat_rows(message, schema):
        writer.writerow([_csv_cell(field, value) for field, value in zip(fields, row, strict=True)])
    try:
        return out.getvalue().encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise EdiError("unwritable", format="CSV", reason=str(exc)[:200])


def _csv_cell(field, value) -> str:
    """A value as CSV text that no spreadsheet runs as a formula: text starting with
    ``= + - @``, a tab or a carriage return gets a leading single quote (OWASP CSV
    injection); numbers of numeric fields stay numbers (``-2`` is a loss of two)."""
    text = format_value(value)
    if field.type in ("int", "decimal") and _NUMBER.fullmatch(text):
        return text
    return escape_formula(text)


# -- JSON --------------------------------------------------------------------------------


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text"}.get(type(value), type(value).__name__)


def decode_json(data: bytes, schema: Schema, mapping, limits: Limits) -> Message:
    text = decode_text(data, "json", fallbacks=())
    try:
        document = json.loads(text, parse_float=_json_decimal, parse_int=_json_int)
    except EdiError:
        raise
    except json.JSONDecodeError as exc:
        raise EdiError("bad_json", line=exc.lineno, reason=exc.msg)
    except RecursionError:
        raise EdiError("json_too_deep", value="$", maximum=limits.max_json_depth) from None
    except ValueError as exc:
        raise EdiError("bad_json", line=1, reason=str(exc)[:200])
    check_json(document, limits)
    if not isinstance(document, dict):
        raise EdiError("json_not_object", kind=_kind(document))
    found = document.get("message_type")
    if found not in (None, "") and found != schema.name:
        raise EdiError("type_mismatch", found=str(found)[:50], expected=schema.name)
    if isinstance(document.get("header"), dict):
        raw_header = document["header"]
    else:
        raw_header = {k: v for k, v in document.items() if k not in ("lines", "message_type")}
    raw_lines = document.get("lines", [])
    if raw_lines is None:
        raw_lines = []
    if not isinstance(raw_lines, list):
        raise EdiError("json_lines_not_list", kind=_kind(raw_lines))
    if len(raw_lines) > limits.max_lines:
        raise EdiError("too_many_lines", maximum=limits.max_lines)
    problems = []
    warned = set()

    def fields(raw: dict, allowed, line):
        values = {}
        for key, value in raw.items():
            name = schema.resolve_column(key, mapping)
            if name not in allowed:
                if key not in warned:
                    warned.add(key)
                    problems.append(
                        problem(
                            "unknown_column",
                            line=line,
                            value=str(key),
                            severity=WARNING,
                            message_type=schema.name,
                        )
                    )
                continue
            if isinstance(value, str):
                value = value.strip()
            if not is_empty(value):
                values[name] = value
        return values

    header = fields(raw_header, schema.header_names, None)
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            problems.append(
                problem("bad_kind", line=number, field="lines", value=_kind(raw), kind=_kind(raw))
            )
            continue
        lines.append(Line(number, fields(raw, schema.line_names, number)))
    return Message(schema.name, header, lines, format="json", problems=problems)


#: the most digits a JSON number may have (quantities and prices need far fewer)
_JSON_DIGITS = 30


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > _JSON_DIGITS:
        raise EdiError("number_too_large", value=text[:40] + "...", maximum=_JSON_DIGITS)
    return int(text)


def _json_decimal(text: str) -> Decimal:
    value = Decimal(text)
    if (
        value.is_finite()
        and value
        and abs(value.adjusted()) > _JSON_DIGITS
        or len(text) > 2 * _JSON_DIGITS
    ):
        raise EdiError("number_too_large", value=text[:40], maximum=_JSON_DIGITS)
    return value


def _printable(text: str) -> str:
    """``text`` shown safely in a message: surrogates and NUL as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def check_json(document, limits: Limits) -> None:
    """Refuse a decoded JSON document nested deeper than allowed, or holding a string that
    is not text (an unpaired surrogate such as ``"\\ud800"``, a NUL character), in a key
    or a value; walks the document without recursion."""
    stack = [(document, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > limits.max_json_depth:
            raise EdiError("json_too_deep", value=path, maximum=limits.max_json_depth)
        if isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{_printable(str(key))}"
                _check_json_text(str(key), key_path)
                stack.append((item, key_path, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_json_text(value, path)


def _check_json_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise EdiError("nul_character", value=path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EdiError(
            "lone_surrogate", value=path, char=f"\\u{ord(text[exc.start]):04x}"
        ) from None


def _json_value(value):
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    if isinstance(value, datetime.date | datetime.datetime):
        return format_value(value)
    return value


def encode_json(message: Message, schema: Schema) -> bytes:
    document = {"message_type": schema.name}
    document.update({f.name: _json_value(message.header.get(f.name)) for f in schema.header})
    document["lines"] = [
        {f.name: _json_value(line.values.get(f.name)) for f in schema.lines}
        for line in message.lines
    ]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- entry points ------------------------------------------------------------------------


def _check_format(fmt) -> str:
    if fmt not in FORMATS:
        raise EdiError("unknown_format", value=fmt, expected=", ".join(FORMATS))
    return fmt


def decode(
    data: bytes,
    message_type: str,
    format: str | None = None,
    mapping: dict | None = None,
    limits: Limits | None = None,
    profile=None,
) -> Message:
    """Read a message of ``message_type`` from a file's bytes.

    ``format`` is one of :data:`FORMATS`, or None to detect it from the content.
    ``mapping`` maps a partner's own column names (or JSON keys) to field names, e.g.
    ``{"货品ID": "product_code"}``; aliases of the schema apply otherwise.
    ``profile`` (a dict or a JSON file's path, see :mod:`medtrace.edi.profiles`) is a
    consignor's EANCOM dialect; it only applies to EDIFACT.
    Raises :class:`EdiError` (and only that) when the file cannot be read.
    """
    schema = get_schema(message_type)
    limits = limits or DEFAULT_LIMITS
    if format is not None:
        _check_format(format)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        data = bytes(data)
    except (TypeError, ValueError):
        raise EdiError("unreadable", format=format or "?", reason="not bytes")
    if len(data) > limits.max_bytes:
        raise EdiError("too_large", size=len(data), maximum=limits.max_bytes)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise EdiError("empty")
    if mapping is not None and not isinstance(mapping, dict):
        raise EdiError("unreadable", format=format or "?", reason="mapping must be a dict")
    fmt = format or detect_format(data)
    try:
        if fmt == "csv":
            message = decode_csv(data, schema, mapping, limits)
        elif fmt == "json":
            message = decode_json(data, schema, mapping, limits)
        elif fmt == "xlsx":
            from .xlsx import decode_xlsx

            message = decode_xlsx(data, schema, mapping, limits)
        else:
            from .edifact import decode_edifact

            message = decode_edifact(data, schema, mapping, limits, profile=profile)
    except EdiError:
        raise
    except Exception as exc:  # the promise: nothing but EdiError escapes decode
        raise EdiError(
            "unreadable", format=fmt.upper(), reason=f"{type(exc).__name__}: {exc}"[:300]
        ) from exc
    message.fingerprint = fingerprint(data)
    return message


def encode(
    message: Message,
    format: str,
    *,
    lang: str = "en",
    encoding: str | None = None,
    delimiter: str = ",",
) -> bytes:
    """Write ``message`` (typed or raw values) as ``format``; returns the file's bytes.

    ``lang="zh_CN"`` titles CSV/XLSX columns with their Chinese names. ``encoding`` and
    ``delimiter`` apply to CSV (default UTF-8 with BOM, which Excel opens correctly;
    "gb18030" for older Chinese tools).
    """
    schema = get_schema(message.message_type)
    fmt = _check_format(format)
    if fmt == "csv":
        if delimiter not in DELIMITERS:
            raise EdiError("unwritable", format="CSV", reason=f"delimiter {delimiter!r}")
        return encode_csv(
            message, schema, lang=lang, encoding=encoding or "utf-8-sig", delimiter=delimiter
        )
    if fmt == "json":
        return encode_json(message, schema)
    if fmt == "xlsx":
        from .xlsx import encode_xlsx

        return encode_xlsx(message, schema, lang=lang)
    from .edifact import encode_edifact

    return encode_edifact(message, schema)
