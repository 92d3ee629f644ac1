"""ICCBBA ISBT 128 data structures, as carried by the UDI of medical products of human origin.

Sources (public): ICCBBA ST-001 *ISBT 128 Standard Technical Specification*
(v6.2.2, section 2.3 table 2 "Index of Data Structures", 2.4.x, appendix A);
ICCBBA ST-017 *Coding and Labeling of Medical Devices Containing MPHO* (v1.0.0:
section 2.1 DI, 3 PIs, 4 compound messages, 5 parsing); IMDRF/UDI WG/N48 FINAL:2019
appendix A (ICCBBA HRI formats, blood containers).

Every data structure starts with its data identifier: ``=`` or ``&`` and a
second character (``&,1``... have a third one).  The Donation Identification
Number is the exception: ``=`` followed directly by its 15 characters, the first
of which (``A``-``N``, ``P``-``Z``, ``1``-``9``) doubles as the second identifier
character.  Structures have a fixed length (three carry their own length), so a
scanner's concatenation, a compound message ``=+aabbb...`` and the
human-readable text are read the same way, one structure after the other.

UDI mapping (ST-017): DI = Processor Product Identification Code ``=/`` (FIN(P),
facility-defined product code, product description code), or for blood
containers the container manufacturer and catalogue number ``=)`` (IMDRF N48);
serial = the DIN (13 characters, flags dropped) followed by the Product
Divisions code ``=,`` when both are present (ST-017 3.2: the division code only
identifies a unit together with the DIN); lot = MPHO lot ``&,1``, container lot
``&)`` or supply lot ``&-``; expiry ``=>``/``&>`` (``=]`` month and year, read as
the month's last day); manufactured ``=}``/``&}``.
"""

from __future__ import annotations

import calendar
import datetime

from .errors import UdiError
from .result import FrozenDict, UdiResult

_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_ALNUM = _UPPER | _DIGITS
_ANY_ALNUM = _ALNUM | frozenset("abcdefghijklmnopqrstuvwxyz")
_NO_O = _ALNUM - {"O"}  # {A-N, P-Z, 0-9}
_DIN_FIRST = frozenset("ABCDEFGHIJKLMNPQRSTUVWXYZ123456789")  # {A-N, P-Z, 1-9}
_FLAGS = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXY")  # {0-9, A-H, J-N, P, R-Y}
_PRINTABLE = frozenset(chr(code) for code in range(33, 127))
_MOD37 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
_MOD37_VALUE = {char: index for index, char in enumerate(_MOD37)}

#: data identifier -> (data structure number, title, content length).
#: Length None: computed from the content (025, 029, 030) or, for structures not
#: defined by ICCBBA, the rest of the data.
STRUCTURES: dict[str, tuple[str, str, int | None]] = {
    "=": ("001", "Donation Identification Number", 15),
    "=%": ("002", "Blood Groups", 4),
    "=<": ("003", "Product Code", 8),
    "=>": ("004", "Expiration Date", 6),
    "&>": ("005", "Expiration Date and Time", 10),
    "=*": ("006", "Collection Date", 6),
    "&*": ("007", "Collection Date and Time", 10),
    "=}": ("008", "Production Date", 6),
    "&}": ("009", "Production Date and Time", 10),
    "&(": ("010", "Special Testing: General", 5),
    "={": ("011", "Special Testing: Red Blood Cell Antigens (retired)", 18),
    "=\\": ("012", "Special Testing: Red Blood Cell Antigens - General", 18),
    "&\\": ("013", "Special Testing: Red Blood Cell Antigens - Finnish", 18),
    "&{": ("014", "Special Testing: Platelet HLA and Platelet Specific Antigens", 18),
    "=[": ("015", "Special Testing: HLA-A and -B Alleles (retired)", 18),
    '="': ("016", "Special Testing: HLA-DRB1 Alleles (retired)", 18),
    "=)": ("017", "Container Manufacturer and Catalog Number", 10),
    "&)": ("018", "Container Lot Number", 10),
    "=;": ("019", "Donor Identification Number", 21),
    "='": ("020", "Staff Member Identification Number", 11),
    "=-": ("021", "Manufacturer and Catalog Number: Items Other Than Containers", 10),
    "&-": ("022", "Lot Number: Items Other Than Containers", 10),
    "=+": ("023", "Compound Message", 5),
    "=#": ("024", "Patient Date of Birth", 10),
    "&#": ("025", "Patient Identification Number", None),
    "=]": ("026", "Expiration Month and Year", 6),
    '&"': ("027", "Transfusion Transmitted Infection Marker", 18),
    "=$": ("028", "Product Consignment", 16),
    "&$": ("029", "Dimensions", None),
    "&%": ("030", "Red Cell Antigens with Test History", None),
    "=(": ("031", "Flexible Date and Time", 16),
    "=,": ("032", "Product Divisions", 6),
    "&+": ("033", "Processing Facility Information Code", 11),
    "=/": ("034", "Processor Product Identification Code", 16),
    "&,1": ("035", "MPHO Lot Number", 18),
    "&,2": ("036", "MPHO Supplemental Identification Number", 18),
    "&,3": ("037", "Global Registration Identifier for Donors (retired)", 19),
    "&,4": ("038", "Single European Code", 40),
    "&:": ("039", "Global Registration Identifier for Donors", 19),
    "&/": ("040", "Chain of Identity Identifier", 15),
}
_NATIONAL = frozenset("abcdefghijklmnopqrstuvwxyz;!")  # "&" + one of these: not ICCBBA-defined
_DATES = {"=>": "expiry", "=*": "collection", "=}": "production"}
_DATE_TIMES = {"&>": "expiry", "&*": "collection", "&}": "production"}


def mod37_2(text: str) -> int:
    """ISO/IEC 7064 mod 37-2 check value (0-36) of ``text`` (0-9, A-Z, ``*``)."""
    total = 0
    for char in text:
        total = (total + _MOD37_VALUE[char]) * 2 % 37
    return (38 - total) % 37


class _Reader:
    """One ISBT 128 parse: the raw input and the structures read so far."""

    def __init__(self, raw: str):
        self.raw = raw
        self.elements: dict[str, str] = {}
        self.dates: dict[str, datetime.date] = {}

    def error(self, code: str, **params) -> UdiError:
        return UdiError(code, value=self.raw, **params)

    def bad(self, di: str, data: str, fmt: str, reason: str) -> UdiError:
        return UdiError(
            "isbt_bad_format", di=di, title=STRUCTURES[di][1], data=data, format=fmt, reason=reason
        )

    # -- one structure ---------------------------------------------------------

    def chars(self, di: str, data: str, fmt: str, *groups) -> None:
        """Check ``data`` group by group: each group is (length, allowed set, what)."""
        index = 0
        for size, allowed, what in groups:
            part = data[index : index + size]
            if not set(part) <= allowed:
                raise self.bad(
                    di,
                    data,
                    fmt,
                    f"characters {index + 1}-{index + size} must be {what}, got {part!r}",
                )
            index += size

    def date(self, di: str, data: str, fmt: str) -> datetime.date:
        """``cyyjjj[hhmm]``: 3-digit year after 2000 (ST-017 5: "YYYJJJ"), day of the year."""
        self.chars(di, data, fmt, (len(data), _DIGITS, "digits"))
        year = 2000 + int(data[:3])
        day = int(data[3:6])
        title = STRUCTURES[di][1]
        if not 1 <= day <= (366 if calendar.isleap(year) else 365):
            raise UdiError(
                "isbt_bad_date",
                di=di,
                title=title,
                data=data,
                format=fmt,
                reason=f"day {day} of {year}",
            )
        if len(data) == 10 and (int(data[6:8]) > 23 or int(data[8:10]) > 59):
            raise UdiError(
                "isbt_bad_date",
                di=di,
                title=title,
                data=data,
                format=fmt,
                reason=f"time {data[6:8]}:{data[8:10]}",
            )
        return datetime.date(year, 1, 1) + datetime.timedelta(days=day - 1)

    def set_date(self, kind: str, di: str, found: datetime.date) -> None:
        first = self.dates.get(kind)
        if first is not None and first != found:
            raise self.error(
                "isbt_duplicate",
                field=f"the {kind} date",
                first=first.isoformat(),
                second=found.isoformat(),
            )
        self.dates.setdefault(kind, found)

    def check(self, di: str, data: str, body: str, found: str) -> None:
        """Verify a two-digit mod 37-2 value ``found`` (checksum ``+ 60`` for DIN flags)."""
        expected = mod37_2(body)
        offset = 60 if di == "=" else 0
        if int(found) - offset != expected:
            raise UdiError(
                "isbt_check",
                di=di,
                title=STRUCTURES[di][1],
                data=data,
                found=found,
                expected=f"{expected + offset:02d}",
            )

    def validate(self, di: str, data: str) -> None:
        """Check the content of the structures a UDI uses; the others must be printable."""
        if di == "=":  # αppppyynnnnnnff
            fmt = "αppppyynnnnnnff"
            self.chars(
                di,
                data,
                fmt,
                (1, _DIN_FIRST, "A-N, P-Z or 1-9"),
                (2, _NO_O, "A-N, P-Z or 0-9"),
                (10, _DIGITS, "digits"),
                (2, _FLAGS, "flag characters 0-9, A-H, J-N, P, R-Y"),
            )
            flags = data[13:]
            # type 3: mod 37-2 check
            if flags.isascii() and flags.isdigit() and 60 <= int(flags) <= 96:
                self.check(di, data, data[:13], flags)
        elif di == "=/":
            self.chars(
                di,
                data,
                "nnnnnppppppqqqqq",
                (5, _NO_O, "A-N, P-Z or 0-9"),
                (11, _ALNUM, "A-Z or 0-9"),
            )
        elif di in ("=,", "&,1", "&,2", "=)", "&)", "&-", "=-"):
            self.chars(di, data, "A-Z 0-9", (len(data), _ALNUM, "A-Z or 0-9"))
        elif di in _DATES:
            self.set_date(_DATES[di], di, self.date(di, data, "cyyjjj"))
        elif di in _DATE_TIMES:
            self.set_date(_DATE_TIMES[di], di, self.date(di, data, "cyyjjjhhmm"))
        elif di == "=]":
            self.chars(di, data, "yyyymm", (6, _DIGITS, "digits"))
            month = int(data[4:])
            if not 1 <= month <= 12 or data[:4] == "0000":
                raise UdiError(
                    "isbt_bad_date",
                    di=di,
                    title=STRUCTURES[di][1],
                    data=data,
                    format="yyyymm",
                    reason=f"month {data[4:]}",
                )
            year = int(data[:4])
            self.set_date(
                "expiry month", di, datetime.date(year, month, calendar.monthrange(year, month)[1])
            )
        elif di == "=<":
            self.chars(
                di,
                data,
                "αooootds",
                (1, _UPPER, "A-Z"),
                (4, _ALNUM, "A-Z or 0-9"),
                (1, _ANY_ALNUM, "a letter or digit"),
                (1, _ALNUM, "A-Z or 0-9"),
                (1, _ANY_ALNUM - _UPPER, "a-z or 0-9"),
            )
        elif di == "=+":
            self.chars(di, data, "aabbb", (5, _DIGITS, "digits"))
        elif di == "&:":
            self.chars(
                di,
                data,
                "nnnnaaaaaaaaaaaaabb",
                (4, _DIGITS, "digits"),
                (13, _ALNUM, "A-Z or 0-9"),
                (2, _DIGITS, "digits"),
            )
            self.check(di, data, data[:17], data[17:])
        elif not set(data) <= _PRINTABLE:
            raise self.bad(di, data, "printable ASCII", "contains a space or control character")

    # -- the sequence ----------------------------------------------------------

    def identifier(self, text: str, pos: int) -> tuple[str, int]:
        """Data identifier at ``pos`` and where its content starts."""
        first, second = text[pos], text[pos + 1 : pos + 2]
        if first == "=" and second in _DIN_FIRST and second:
            return "=", pos + 1
        if first == "&" and second == ",":
            di = text[pos : pos + 3]
            if di in STRUCTURES:
                return di, pos + 3
        elif first == "&" and second in _NATIONAL and second:
            return "&" + second, pos + 2
        elif first + second in STRUCTURES:
            return first + second, pos + 2
        raise self.error("isbt_unknown", rest=text[pos : pos + 8], position=pos)

    def length(self, di: str, text: str, start: int) -> int:
        size = STRUCTURES.get(di, (None, None, None))[2]
        if size is not None:
            return size
        if di[1] in _NATIONAL:  # not defined by ICCBBA: its length is unknown here
            return len(text) - start
        count_size, item = {"&#": (2, None), "&$": (2, 14), "&%": (3, 10)}[di]
        head = 2 if di == "&#" else 0  # 025: aa (location) comes before ll
        count = text[start + head : start + head + count_size]
        if len(count) < count_size or not set(count) <= _DIGITS:
            raise UdiError(
                "isbt_bad_format",
                di=di,
                title=STRUCTURES[di][1],
                data=text[start : start + head + count_size],
                format="aall" if di == "&#" else "n" * count_size,
                reason="its length field must be digits",
            )
        if di == "&#":
            return 4 + int(count)
        return count_size + item * int(count)

    def read(self, text: str) -> list[str]:
        """Read every structure of ``text``; return the identifiers in order."""
        order = []
        pos, end = 0, len(text)
        while pos < end:
            if text[pos] == " " and order:  # human-readable text may space structures
                pos += 1
                continue
            if text[pos] not in "=&" or pos + 1 >= end:
                raise self.error("isbt_unknown", rest=text[pos : pos + 8], position=pos)
            di, start = self.identifier(text, pos)
            size = self.length(di, text, start)
            data = text[start : start + size]
            if len(data) < size:
                title = STRUCTURES[di][1] if di in STRUCTURES else "data structure"
                raise UdiError("isbt_truncated", di=di, title=title, data=data, expected=size)
            if di in STRUCTURES:
                self.validate(di, data)
            first = self.elements.get(di)
            if first is not None and first != data:
                raise self.error(
                    "isbt_duplicate", field=f"data structure {di}", first=first, second=data
                )
            self.elements[di] = data
            order.append(di)
            pos = start + size
        return order


def _serial(elements: dict) -> str | None:
    din = elements.get("=")
    divisions = elements.get("=,")
    if din is None:
        return divisions
    return din[:13] + (divisions or "")


def parse_iccbba(raw: str, text: str, symbology: str | None) -> UdiResult:
    """Parse ISBT 128 data (``text`` starts with ``=`` or ``&``)."""
    reader = _Reader(raw)
    order = reader.read(text)
    elements = reader.elements
    if "=+" in elements:
        if order[0] != "=+" or order.count("=+") != 1:
            raise reader.error(
                "isbt_compound", reason="the compound message header =+ must come first, once"
            )
        announced = int(elements["=+"][:2])
        if announced != len(order) - 1:
            raise reader.error(
                "isbt_compound",
                reason=f"it announces {announced} data structures but {len(order) - 1} follow",
            )
    dates = reader.dates
    lot = elements.get("&,1") or elements.get("&)") or elements.get("&-")
    return UdiResult(
        raw=raw,
        issuer="ICCBBA",
        di=elements.get("=/") or elements.get("=)"),
        gtin=None,
        lot=lot,
        serial=_serial(elements),
        expiry=dates.get("expiry") or dates.get("expiry month"),
        manufactured=dates.get("production"),
        quantity=None,
        elements=FrozenDict(elements),
        symbology=symbology,
    )
