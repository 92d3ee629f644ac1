"""Typed values of EDI fields: reading what people and spreadsheets write, and writing back.

``parse_value(field, raw)`` turns a raw cell (text from CSV/EDIFACT, a number or date
from XLSX/JSON) into the field's Python type or raises :class:`ValueProblem` naming the
problem code. ``format_value`` writes the canonical text form (ISO dates, plain decimals).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_INT = re.compile(r"[+-]?\d+(\.0*)?")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_DI = re.compile(r"[A-Za-z0-9\-./+$%* ]+")


class ValueProblem(Exception):
    """A raw value does not fit its field; ``code`` and ``params`` feed a Problem."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def mod10_check_digit(digits: str) -> int:
    """GS1 mod-10 check digit of ``digits`` (the GTIN without its last digit).

    From the right, digits are weighted 3, 1, 3, 1...; the check digit brings the
    weighted sum up to a multiple of ten.
    """
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def gtin_is_valid(text: str) -> bool:
    return (
        text.isascii()
        and text.isdigit()
        and len(text) in (8, 12, 13, 14)
        and mod10_check_digit(text[:-1]) == int(text[-1])
    )


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw) -> str:
    """Raw value as stripped text, full-width digits and punctuation made half-width."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    elif isinstance(raw, float):
        raw = format(raw, ".15g")
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _to_decimal(raw) -> Decimal:
    if isinstance(raw, bool):
        raise ValueProblem("bad_decimal")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem("bad_decimal")
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    text = _text(raw)
    if not _DECIMAL.fullmatch(text):
        raise ValueProblem("bad_decimal")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueProblem("bad_decimal")


def _to_int(raw) -> int:
    if isinstance(raw, bool):
        raise ValueProblem("bad_int")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, Decimal):
        if raw.is_finite() and raw == raw.to_integral_value():
            return int(raw)
        raise ValueProblem("bad_int")
    text = _text(raw)
    if not _INT.fullmatch(text) or len(text) > 30:
        raise ValueProblem("bad_int")
    return int(text.split(".")[0])


def _to_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _DATE_TIME_TAIL.sub("", _text(raw), count=1) if isinstance(raw, str) else _text(raw)
    match = _DATE.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if not match:
        raise ValueProblem("bad_date")
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueProblem("bad_date")


def _to_month(raw) -> str:
    if isinstance(raw, datetime.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    match = _MONTH.fullmatch(_text(raw))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueProblem("bad_month")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def _to_gtin(raw) -> str:
    text = _text(raw)
    if _SCIENTIFIC.fullmatch(text):
        raise ValueProblem("gtin_scientific")
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise ValueProblem("bad_gtin")
    expected = mod10_check_digit(text[:-1])
    if expected != int(text[-1]):
        raise ValueProblem("gtin_check_digit", found=text[-1], expected=expected)
    return text.zfill(14)


def _to_di(raw) -> str:
    """A UDI-DI: a GS1 GTIN (checked, 14 digits) or another agency's code (MA, HIBCC)."""
    text = _text(raw)
    if text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14):
        return _to_gtin(text)
    if _SCIENTIFIC.fullmatch(text):
        raise ValueProblem("gtin_scientific")
    if not _DI.fullmatch(text):
        raise ValueProblem("bad_di")
    return text


def _to_str(raw) -> str:
    if isinstance(raw, float | int | Decimal) and not isinstance(raw, bool):
        return _text(raw)
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def parse_value(field, raw):
    """The typed value of ``raw`` for ``field`` (a :class:`~.schemas.Field`); None if empty.

    Raises :class:`ValueProblem` when the value does not fit.
    """
    if isinstance(raw, list | dict | tuple):
        raise ValueProblem("bad_kind", kind=type(raw).__name__)
    if is_empty(raw):
        return None
    kind = field.type
    if kind == "str":
        value = _to_str(raw)
    elif kind == "int":
        value = _to_int(raw)
    elif kind == "decimal":
        value = _to_decimal(raw)
    elif kind == "date":
        value = _to_date(raw)
    elif kind == "month":
        value = _to_month(raw)
    elif kind == "gtin":
        value = _to_gtin(raw)
    elif kind == "di":
        value = _to_di(raw)
    elif kind == "choice":
        value = field.choice_value(_to_str(raw))
        if value is None:
            raise ValueProblem("bad_choice", expected=", ".join(field.choice_codes))
    else:  # pragma: no cover - schemas only use the types above
        raise AssertionError(kind)
    if field.max_length and isinstance(value, str) and len(value) > field.max_length:
        raise ValueProblem("too_long", maximum=field.max_length)
    if field.minimum is not None and isinstance(value, int | Decimal):
        if field.minimum_exclusive and value <= field.minimum:
            raise ValueProblem("not_positive")
        if not field.minimum_exclusive and value < field.minimum:
            raise ValueProblem("negative")
    return value


def format_value(value) -> str:
    """Canonical text of a typed (or raw) value: ISO dates, plain decimals, '' for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    if isinstance(value, float):
        return _text(value)
    return str(value)


#: what a spreadsheet takes for the start of a formula (OWASP "CSV injection")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading single quote when it starts like a
    formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+1``, ``-1+2``, a tab or CR)."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` escaped, as it was (read back as text, never run)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
