"""GS1 element strings, their human-readable text and GS1 Digital Link URIs.

Rules (GS1 General Specifications, section 7.8):

* an element is an application identifier (AI) followed by its data;
* AIs of predefined length (01, 17, 11, 3103...) need no separator; every
  other element runs to the next FNC1 (sent by scanners as GS, ASCII 29) or
  to the end of the data, so a lot ``1014J1021SN1`` with no GS is one lot
  ``14J1021SN1``: what looks like another AI inside a variable field is data;
* a variable field longer than its maximum means a missing separator, and a
  fixed-length field that needs a separator (7003, 4321...) of the wrong length
  likewise: both are errors, never a guess.
"""

from __future__ import annotations

import calendar
import datetime
import re
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from .ai_table import AI_LENGTH, SPECS, AISpec
from .errors import UdiError

GS = "\x1d"
_X_CHARS = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_DIGITS = frozenset("0123456789")


# -- check digits and dates ---------------------------------------------------


def mod10_check_digit(digits: str) -> int:
    """GS1 Mod 10 check digit of ``digits`` (the payload, without its check digit)."""
    total = 0
    weight = 3
    for char in reversed(digits):
        total += (ord(char) - 48) * weight
        weight = 4 - weight
    return -total % 10


@lru_cache(maxsize=4)
def _century_table(year: int) -> tuple[int, ...]:
    """YY -> full year by GS1's sliding window (General Specifications 7.12)."""
    current = year % 100
    base = year - current
    table = []
    for yy in range(100):
        diff = yy - current
        if diff >= 51:
            table.append(base - 100 + yy)
        elif diff <= -50:
            table.append(base + 100 + yy)
        else:
            table.append(base + yy)
    return tuple(table)


def full_year(yy: int, today: datetime.date | None = None) -> int:
    """Four-digit year of a two-digit ``yy`` seen on ``today`` (default: now)."""
    return _century_table((today or datetime.date.today()).year)[yy]


def yymmdd(text: str, years: tuple[int, ...]) -> tuple[datetime.date | None, str]:
    """Date of ``YYMMDD`` text (day ``00``: last day of the month) or (None, reason)."""
    year = years[int(text[0:2])]
    month = int(text[2:4])
    day = int(text[4:6])
    if not 1 <= month <= 12:
        return None, f"month {month:02d}"
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last
    elif day > last:
        return None, f"day {day:02d} of {year}-{month:02d}"
    return datetime.date(year, month, day), ""


def _yyyymmdd(text: str) -> tuple[datetime.date | None, str]:
    try:
        return datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8])), ""
    except ValueError as exc:
        return None, str(exc)


# -- one element --------------------------------------------------------------


def _fail(code: str, spec: AISpec, data: str, **params) -> UdiError:
    return UdiError(code, ai=spec.ai, title=spec.title, data=data, **params)


def _diagnose(spec: AISpec, data: str, years: tuple[int, ...]) -> UdiError:
    """Explain why ``data`` does not match ``spec`` (only called on failure)."""
    if not data:
        return _fail("gs1_empty", spec, data)
    allowed = _DIGITS if spec.numeric else _X_CHARS
    extra = "-" if spec.numeric else ""  # the sign of AIs 4330..4333
    bad = sorted({c for c in data if c not in allowed and c not in extra})
    if len(data) > spec.maximum:
        return _fail("gs1_too_long", spec, data, maximum=spec.maximum)
    if spec.exact and len(data) != spec.exact:
        if spec.fixed:
            return _fail("gs1_truncated", spec, data, expected=spec.exact)
        return _fail("gs1_bad_length", spec, data, length=len(data), expected=spec.exact)
    if bad:
        return _fail(
            "gs1_bad_chars", spec, data, chars=", ".join(map(repr, bad)), format=spec.format
        )
    if spec.date == 6 and _ascii_digits(data[:6], 6):
        _date, reason = yymmdd(data, years)
        if reason:
            return _fail("gs1_bad_date", spec, data, reason=reason)
    if spec.date == 8 and _ascii_digits(data[:8], 8):
        _date, reason = _yyyymmdd(data)
        if reason:
            return _fail("gs1_bad_date", spec, data, reason=reason)
    return _fail("gs1_bad_format", spec, data, format=spec.format)


def _ascii_digits(text: str, length: int) -> bool:
    """``text`` is ``length`` ASCII digits (``str.isdigit`` also accepts "²" or "٣")."""
    return len(text) == length and text.isascii() and text.isdigit()


def check_element(spec: AISpec, data: str, years: tuple[int, ...]) -> datetime.date | None:
    """Validate one element; return its date for date AIs, else None."""
    if spec.regex.fullmatch(data) is None:
        raise _diagnose(spec, data, years)
    check = spec.check
    if check is not None:
        start, end = check
        digits = data[start:end]
        expected = mod10_check_digit(digits[:-1])
        if ord(digits[-1]) - 48 != expected:
            raise _fail("gs1_check_digit", spec, data, found=digits[-1], expected=expected)
    if spec.date:
        if spec.date == 6:
            found, reason = yymmdd(data, years)
            if reason == "" and spec.ai == "7007" and len(data) == 12:
                _end, reason = yymmdd(data[6:], years)
        else:
            found, reason = _yyyymmdd(data)
        if reason:
            raise _fail("gs1_bad_date", spec, data, reason=reason)
        return found
    return None


def _store(elements: dict, dates: dict, spec: AISpec, data: str, years) -> None:
    """Validate and record one element, refusing a conflicting repeat."""
    found = check_element(spec, data, years)
    ai = spec.ai
    first = elements.get(ai)
    if first is not None and first != data:
        raise _fail("gs1_duplicate", spec, data, first=first)
    elements[ai] = data
    if found is not None:
        dates[ai] = found


# -- the three textual forms --------------------------------------------------


def read_element_string(text: str, raw: str, years: tuple[int, ...]) -> tuple[dict, dict]:
    """Parse an element string whose FNC1s are GS; return (elements, dates)."""
    elements: dict = {}
    dates: dict = {}
    n = len(text)
    i = 0
    while i < n:
        if text[i] == GS:
            i += 1
            continue
        size = AI_LENGTH.get(text[i : i + 2])
        spec = SPECS.get(text[i : i + size]) if size else None
        if spec is None:
            raise UdiError("gs1_unknown_ai", value=raw, rest=text[i : i + 12], position=i)
        i += size
        if spec.fixed:
            end = i + spec.fixed
            if end > n:
                raise _fail("gs1_truncated", spec, text[i:], expected=spec.fixed)
        else:
            end = text.find(GS, i)
            if end < 0:
                end = n
        _store(elements, dates, spec, text[i:end], years)
        i = end
    if not elements:
        raise UdiError("gs1_no_element", value=raw)
    return elements, dates


_HRI_AI = re.compile(r"\((\d{2,4})\)")


def read_hri(text: str, raw: str, years: tuple[int, ...]) -> tuple[dict, dict]:
    """Parse ``(01)09506000134352(17)260101(10)ABC``: the parentheses delimit.

    A value containing ``(NN)`` where NN is a known AI would be split there:
    such values cannot be written in this form unambiguously.
    """
    marks = [m for m in _HRI_AI.finditer(text) if m.group(1) in SPECS]
    if not marks or marks[0].start() != 0:
        raise UdiError("hri_bad", value=raw, reason="it must start with an (AI) known to GS1")
    elements: dict = {}
    dates: dict = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        data = text[mark.end() : end].strip(" ")
        _store(elements, dates, SPECS[mark.group(1)], data, years)
    return elements, dates


#: Digital Link primary keys and the short names GS1 allows in URIs.
DL_KEYS = frozenset(
    (
        "01",
        "00",
        "253",
        "255",
        "401",
        "402",
        "414",
        "417",
        "8003",
        "8004",
        "8006",
        "8010",
        "8013",
        "8017",
        "8018",
    )
)
DL_NAMES = {
    "gtin": "01",
    "sscc": "00",
    "gdti": "253",
    "gcn": "255",
    "ginc": "401",
    "gsin": "402",
    "gln": "414",
    "party": "417",
    "grai": "8003",
    "giai": "8004",
    "itip": "8006",
    "cpid": "8010",
    "gmn": "8013",
    "gsrnp": "8017",
    "gsrn": "8018",
    "lot": "10",
    "ser": "21",
    "cpv": "22",
    "exp": "17",
    "glnx": "254",
    "cpsn": "8011",
    "srin": "8019",
    "tpx": "235",
}


def _dl_ai(name: str) -> str | None:
    ai = DL_NAMES.get(name, name)
    return ai if ai in SPECS else None


def _dl_value(ai: str, value: str) -> str:
    """GTINs may be written with 8, 12 or 13 digits in a Digital Link: pad to 14."""
    if ai in ("01", "02") and value.isascii() and value.isdigit() and len(value) in (8, 12, 13):
        return value.zfill(14)
    return value


def read_digital_link(text: str, raw: str, years: tuple[int, ...]) -> tuple[dict, dict]:
    """Parse an uncompressed GS1 Digital Link URI on any domain and path prefix."""
    parts = urlsplit(text)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    start = None
    for index, segment in enumerate(segments):
        if _dl_ai(segment) in DL_KEYS and (len(segments) - index) % 2 == 0:
            pairs = segments[index::2]
            if all(_dl_ai(name) for name in pairs):
                start = index
                break
    if start is None:
        raise UdiError("dl_no_key", value=raw)
    elements: dict = {}
    dates: dict = {}
    for index in range(start, len(segments), 2):
        ai = _dl_ai(segments[index])
        _store(elements, dates, SPECS[ai], _dl_value(ai, segments[index + 1]), years)
    seen = set()
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        ai = _dl_ai(name)
        if ai is None:
            if name.isdigit():
                raise UdiError("dl_bad_path", value=raw, segment=name)
            continue  # linkType and other non-GS1 parameters
        if not value or name in seen:
            raise UdiError("dl_bad_query", value=raw, name=name)
        seen.add(name)
        _store(elements, dates, SPECS[ai], _dl_value(ai, value), years)
    return elements, dates
