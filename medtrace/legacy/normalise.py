"""Cell values of a legacy list made comparable: text, codes, dates, quantities, DIs.

Hospital exports mix full-width and half-width characters (``ＳＮ０１``), pad cells
with spaces (the ideographic one too), write dates in half a dozen ways and let
Excel turn codes into numbers.  Each function returns the normalised value or
raises :class:`ValueError` subclasses that the checker turns into problems.
"""

import datetime
import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


class DateAmbiguous(ValueError):
    """``03/04/2026``: day/month or month/day."""


def text(value) -> str:
    """NFKC (full-width to half-width, ideographic space to space), invisible
    characters dropped, runs of white space made one space, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel turned a code into a number: 6901234567892.0
    value = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return _SPACES.sub(" ", value).strip()


def code(value) -> str:
    """A code (product code, lot, serial, DI): text without any space and without the
    apostrophe Excel users type to keep a number as text."""
    return text(value).replace(" ", "").lstrip("'")


def udi(value):
    """A pasted UDI: invisible characters and surrounding spaces dropped, nothing else
    (its GS separators and its case are data).  ``None`` for an empty cell."""
    if value is None:
        return None
    value = str(value).translate(_INVISIBLE).strip(" \t\r\n\u3000")
    return value or None


def key(value) -> str:
    """What two names must share to be the same name: text, case-folded."""
    return text(value).casefold()


def _date(year, month, day, raw):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(raw) from None


def _last_day(year, month, raw):
    try:
        first_next = datetime.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
    except ValueError:
        raise ValueError(raw) from None
    if not 1 <= int(month) <= 12:
        raise ValueError(raw)
    return first_next - datetime.timedelta(days=1)


_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_COMPACT_YM = re.compile(r"(\d{4})(\d{2})")


def date(value):
    """A date from ``2026-03-01``, ``2026/3/1``, ``2026.3.1``, ``2026年3月1日``,
    ``20260301``, an Excel serial number (``46082``), a ``datetime`` from an XLSX
    cell; a month alone (``2026-03``, ``202603``, ``2026年3月``) is its last day, as
    expiry dates printed by month are read.  ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
        if float(number).is_integer() and 19000101 <= number <= 21001231:
            return date(str(int(number)))
        if 1 <= number < 100000:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(number))
        raise ValueError(value)
    raw = text(value)
    if not raw:
        return None
    if match := _YMD.fullmatch(raw):
        return _date(*match.groups(), raw)
    if match := _COMPACT.fullmatch(raw):
        return _date(*match.groups(), raw)
    if match := _DMY.fullmatch(raw):
        first, second, year = (int(part) for part in match.groups())
        if first > 12 >= second:
            return _date(year, second, first, raw)
        if second > 12 >= first:
            return _date(year, first, second, raw)
        if first == second:
            return _date(year, first, second, raw)
        raise DateAmbiguous(raw)
    if match := _YM.fullmatch(raw):
        return _last_day(*match.groups(), raw)
    if match := _COMPACT_YM.fullmatch(raw):
        return _last_day(*match.groups(), raw)
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return _EXCEL_EPOCH + datetime.timedelta(days=int(float(raw)))
    raise ValueError(raw)


def quantity(value):
    """A positive quantity from ``3``, ``3.0``, ``1,200``, ``３``, ``5 盒`` (a unit after
    the number is dropped).  ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        raw = text(value).replace(",", "")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[^\d\s.]{0,4}", raw)
        if not match:
            raise ValueError(raw)
        number = float(match.group(1))
    if number <= 0:
        raise ValueError(value)
    return number


def gtin_check_digit(body: str) -> str:
    """GS1 check digit of ``body`` (all digits but the last)."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)
