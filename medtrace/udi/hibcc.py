"""HIBCC (HIBC LIC) primary, secondary and concatenated codes.

Structure (ANSI/HIBC 2.6, "The Health Industry Supplier Labeling Standard"):

* primary ``+ LIC(4) PCN(1-18) U(1) C``: labeler code (letter first), product
  or catalogue number, unit of measure digit, Mod 43 check character;
* secondary ``+ data L C`` where L, the link character, repeats the primary's
  check character; ``data`` is ``YYJJJ lot``, ``$lot``, ``$+serial``,
  ``$$[8QQ|9QQQQQ][date format] lot`` or ``$$+[...] serial``; the date
  format is given by the first digit: 0/1 ``MMYY`` (the digit is the month's),
  2 ``MMDDYY``, 3 ``YYMMDD``, 4 ``YYMMDDHH``, 5 ``YYJJJ``, 6 ``YYJJJHH``,
  7 no date;
* supplemental fields follow, each after ``/``: ``S`` serial, ``14D`` expiry
  ``YYYYMMDD``, ``16D`` manufacture date ``YYYYMMDD``, ``Q`` quantity,
  ``$+``/``$$+`` serial;
* concatenated ``+ primary / secondary C`` (one check character, no link).

``MMYY`` expiry dates are read as the last day of the month, as GS1 reads
day ``00``; the format stays in ``elements["EXPIRY_FORMAT"]``.

A check character can be a space (Mod 43 value 38). Keyboard wedges, form
fields and OCA stock_barcodes trim it away, so a code whose check fails is
read again with that space restored: one code in 43 would otherwise be
refused as soon as it passes through such software.
"""

from __future__ import annotations

import calendar
import datetime

from .errors import UdiError
from .gs1 import yymmdd
from .result import FrozenDict, UdiResult

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_VALUE = {char: index for index, char in enumerate(CHARSET)}
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DATA = _ALNUM | frozenset("-.")
_FORMATS = {
    "2": ("MMDDYY", 6),
    "3": ("YYMMDD", 6),
    "4": ("YYMMDDHH", 8),
    "5": ("YYJJJ", 5),
    "6": ("YYJJJHH", 7),
}


def check_character(text: str) -> str:
    """Mod 43 check character of ``text`` (every character, the leading ``+`` included)."""
    return CHARSET[sum(_VALUE[c] for c in text) % 43]


class _Reader:
    """State of one HIBCC parse: the raw input and the fields found so far."""

    def __init__(self, raw: str, years: tuple[int, ...]):
        self.raw = raw
        self.years = years
        self.fields: dict = {}
        self.expiry: datetime.date | None = None
        self.manufactured: datetime.date | None = None

    def error(self, code: str, **params) -> UdiError:
        return UdiError(code, value=self.raw, **params)

    def put(self, name: str, value: str) -> None:
        first = self.fields.get(name)
        if first is not None and first != value:
            raise self.error("hibcc_duplicate", field=name, first=first, second=value)
        self.fields[name] = value

    # -- dates ---------------------------------------------------------------

    def _julian(self, field: str, text: str, fmt: str) -> datetime.date:
        year = self.years[int(text[:2])]
        day = int(text[2:5])
        if not 1 <= day <= (366 if calendar.isleap(year) else 365):
            raise self.error(
                "hibcc_date", field=field, data=text, format=fmt, reason=f"day {day} of {year}"
            )
        return datetime.date(year, 1, 1) + datetime.timedelta(days=day - 1)

    def _hour(self, field: str, text: str, fmt: str) -> None:
        if int(text[-2:]) > 23:
            raise self.error(
                "hibcc_date", field=field, data=text, format=fmt, reason=f"hour {text[-2:]}"
            )

    def date(self, field: str, text: str, fmt: str) -> datetime.date:
        """Read ``text`` in HIBC date format ``fmt``."""
        if not (text.isascii() and text.isdigit()):
            raise self.error(
                "hibcc_date", field=field, data=text, format=fmt, reason="digits expected"
            )
        if fmt in ("YYJJJ", "YYJJJHH"):
            if fmt == "YYJJJHH":
                self._hour(field, text, fmt)
            return self._julian(field, text, fmt)
        if fmt == "YYYYMMDD":
            try:
                return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
            except ValueError as exc:
                raise self.error(
                    "hibcc_date", field=field, data=text, format=fmt, reason=str(exc)
                ) from None
        if fmt == "MMYY":
            ymd = text[2:4] + text[0:2] + "00"
        elif fmt == "MMDDYY":
            ymd = text[4:6] + text[0:4]
        else:  # YYMMDD, YYMMDDHH
            ymd = text[:6]
            if fmt == "YYMMDDHH":
                self._hour(field, text, fmt)
        if fmt != "MMYY" and ymd[4:6] == "00":
            raise self.error("hibcc_date", field=field, data=text, format=fmt, reason="day 00")
        found, reason = yymmdd(ymd, self.years)
        if found is None:
            raise self.error("hibcc_date", field=field, data=text, format=fmt, reason=reason)
        return found

    def set_expiry(self, text: str, fmt: str) -> None:
        found = self.date("expiry", text, fmt)
        if self.expiry is not None:
            if self.expiry != found:
                raise self.error(
                    "hibcc_duplicate",
                    field="expiry",
                    first=self.expiry.isoformat(),
                    second=found.isoformat(),
                )
            return
        self.expiry = found
        self.put("EXPIRY", text)
        self.put("EXPIRY_FORMAT", fmt)

    # -- fields --------------------------------------------------------------

    def data_field(self, name: str, text: str, required: bool = False) -> None:
        """Lot or serial: 1-18 of A-Z 0-9 - . (empty allowed unless required)."""
        if not text and not required:
            return
        if not 1 <= len(text) <= 18 or not set(text) <= _DATA:
            raise self.error(
                "hibcc_field",
                field=name.lower(),
                data=text,
                reason="must be 1 to 18 of A-Z, 0-9, '-' and '.'",
            )
        self.put(name, text)

    def quantity(self, text: str) -> None:
        if not (text.isascii() and text.isdigit()):
            raise self.error("hibcc_field", field="quantity", data=text, reason="must be digits")
        self.put("QUANTITY", str(int(text)))

    def dated(self, text: str, name: str, quantity_allowed: bool = True) -> None:
        """Read ``[8QQ|9QQQQQ][format digit + date] value`` after ``$$`` or ``$$+``."""
        if not text:
            raise self.error(
                "hibcc_field", field=name.lower(), data=text, reason="is missing after the $$ flag"
            )
        flag = text[0]
        if flag in "89" and quantity_allowed:
            size = 2 if flag == "8" else 5
            if len(text) < 1 + size:
                raise self.error("hibcc_short", part=f"a {size}-digit quantity")
            self.quantity(text[1 : 1 + size])
            rest = text[1 + size :]
            if rest:
                self.dated(rest, name, quantity_allowed=False)
            return
        if flag in "01":
            fmt, size, skip = "MMYY", 4, 0
        elif flag in _FORMATS:
            (fmt, size), skip = _FORMATS[flag], 1
        elif flag == "7":
            self.data_field(name, text[1:])
            return
        else:
            raise self.error(
                "hibcc_field",
                field="date format",
                data=flag,
                reason="must be a digit 0-7 (or 8/9 for a quantity)",
            )
        if len(text) < skip + size:
            raise self.error("hibcc_short", part=f"a {fmt} date")
        self.set_expiry(text[skip : skip + size], fmt)
        self.data_field(name, text[skip + size :])

    def secondary(self, data: str) -> None:
        """Read the secondary data (without the leading ``+``, link and check)."""
        main, *extra = data.split("/")
        if main.startswith("$$+"):
            self.dated(main[3:], "SERIAL")
        elif main.startswith("$$"):
            self.dated(main[2:], "LOT")
        elif main.startswith("$+"):
            self.data_field("SERIAL", main[2:], required=True)
        elif main.startswith("$"):
            self.data_field("LOT", main[1:])
        elif len(main) >= 5 and main[:5].isascii() and main[:5].isdigit():
            self.set_expiry(main[:5], "YYJJJ")
            self.data_field("LOT", main[5:])
        else:
            raise self.error(
                "hibcc_field",
                field="secondary data",
                data=main,
                reason="must start with $, $$, $+, $$+ or a YYJJJ date",
            )
        for segment in extra:
            self.supplemental(segment)

    def supplemental(self, segment: str) -> None:
        if segment.startswith("$$+"):
            self.dated(segment[3:], "SERIAL")
        elif segment.startswith("$+"):
            self.data_field("SERIAL", segment[2:], required=True)
        elif segment.startswith("16D"):
            found = self.date("manufacture date", segment[3:], "YYYYMMDD")
            self.manufactured = found
            self.put("16D", segment[3:])
        elif segment.startswith("14D"):
            self.set_expiry(segment[3:], "YYYYMMDD")
            self.put("14D", segment[3:])
        elif segment.startswith("S"):
            self.data_field("SERIAL", segment[1:], required=True)
        elif segment.startswith("Q"):
            self.quantity(segment[1:])
        else:
            raise self.error("hibcc_segment", segment=segment)

    def primary(self, text: str) -> None:
        """Read ``+LIC PCN U`` (no check character)."""
        if len(text) < 7:
            raise self.error(
                "hibcc_short",
                part="a primary code (+, 4-character LIC, product number, unit of measure)",
            )
        lic, pcn, uom = text[1:5], text[5:-1], text[-1]
        if not (lic[0].isalpha() and set(lic) <= _ALNUM):
            raise self.error("hibcc_lic", lic=lic)
        if not (1 <= len(pcn) <= 18 and set(pcn) <= _ALNUM):
            raise self.error("hibcc_pcn", pcn=pcn)
        if not (uom.isascii() and uom.isdigit()):
            raise self.error("hibcc_uom", uom=uom)
        self.put("LIC", lic)
        self.put("PCN", pcn)
        self.put("UOM", uom)


def _split_symbols(text: str) -> list[tuple[str, str]]:
    """Ways to read ``text`` as a primary symbol followed by a linked secondary symbol."""
    found = []
    for index in range(7, len(text) - 2):
        if text[index] != "+":
            continue
        primary, secondary = text[:index], text[index:]
        if (
            check_character(primary[:-1]) == primary[-1]
            and check_character(secondary[:-1]) == secondary[-1]
            and secondary[-2] == primary[-1]
        ):
            found.append((primary, secondary))
    return found


def _read(reader: _Reader, text: str) -> None:
    raw = reader.raw
    if len(text) < 3:
        raise reader.error("hibcc_short", part="a code and its check character")
    for char in text:
        if char not in _VALUE:
            raise reader.error("hibcc_chars", char=char)
    body, check = text[:-1], text[-1]
    if check_character(body) != check and check_character(text) == " ":
        # The check character is a space and was trimmed away by whatever
        # passed the code on (a wedge, a form, stock_barcodes' rstrip).
        body, check = text, " "
    if check_character(body) != check:
        splits = _split_symbols(text) if text[1].isalpha() else []
        if not splits and text[1].isalpha():
            splits = _split_symbols(text + " ")  # the secondary's space check, trimmed
        if len(splits) == 1:
            primary, secondary = splits[0]
            reader.put("CHECK", primary[-1])
            reader.primary(primary[:-1])
            reader.put("LINK", secondary[-2])
            reader.secondary(secondary[1:-2])
            return
        if len(splits) > 1:
            raise UdiError("hibcc_ambiguous", value=raw, count=len(splits))
        raise reader.error("hibcc_check", found=check, expected=check_character(body))
    reader.put("CHECK", check)
    if text[1].isalpha():
        primary, _sep, secondary = body.partition("/")
        reader.primary(primary)
        if _sep:
            reader.secondary(secondary)
    else:
        if len(body) < 3:
            raise reader.error("hibcc_short", part="a secondary code with its link character")
        reader.put("LINK", body[-1])
        reader.secondary(body[1:-1])


def parse_hibcc(raw: str, text: str, years: tuple[int, ...], symbology: str | None) -> UdiResult:
    """Parse a HIBCC code (``text`` starts with ``+``; Code 39 ``*`` stripped)."""
    reader = _Reader(raw, years)
    _read(reader, text)
    fields = reader.fields
    di = None
    if "LIC" in fields:
        di = fields["LIC"] + fields["PCN"] + fields["UOM"]
    quantity = fields.get("QUANTITY")
    return UdiResult(
        raw=raw,
        issuer="HIBCC",
        di=di,
        gtin=None,
        lot=fields.get("LOT"),
        serial=fields.get("SERIAL"),
        expiry=reader.expiry,
        manufactured=reader.manufactured,
        quantity=int(quantity) if quantity is not None else None,
        elements=FrozenDict(fields),
        symbology=symbology,
    )
