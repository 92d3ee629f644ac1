"""The GS1 application identifier table, indexed once at import time.

The table itself is biip's (``biip.gs1_application_identifiers``), which biip
keeps in step with the GS1 General Specifications; this module only turns it
into plain tuples and dicts so the parse loop does no per-call object work.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS

# Check-digit families: which AIs carry a GS1 Mod 10 check digit and where.
# value -> (start, end) slice of the digits that end with the check digit.
_CHECKED = {
    "00": (0, 18),  # SSCC
    "01": (0, 14),  # GTIN
    "02": (0, 14),
    "03": (0, 14),
    "253": (0, 13),  # GDTI
    "255": (0, 13),  # GCN
    "402": (0, 17),  # GSIN
    "414": (0, 13),  # GLN
    "415": (0, 13),
    "416": (0, 13),
    "417": (0, 13),
    "8003": (1, 14),  # GRAI (leading 0 then GTIN-13-like key)
    "8006": (0, 14),  # ITIP
    "8017": (0, 18),  # GSRN provider
    "8018": (0, 18),  # GSRN recipient
    "8026": (0, 14),
}
for _ai in ("410", "411", "412", "413"):
    _CHECKED[_ai] = (0, 13)

_DATE_RE = re.compile(r"\((YYYY|YY)MMDD")
_COMPONENT_RE = re.compile(r"([NXYZ])(\.\.)?(\d+)")


class AISpec(NamedTuple):
    """What the parser needs to know about one application identifier."""

    ai: str
    title: str
    format: str
    fixed: int  # length of a predefined-length value (no FNC1 needed), else 0
    exact: int  # length every valid value has (0 when variable)
    maximum: int  # longest valid value
    regex: re.Pattern
    check: tuple | None  # (start, end) of the Mod 10 checked digits
    date: int  # 0: not a date, 6: YYMMDD..., 8: YYYYMMDD...
    numeric: bool  # every component numeric


def _lengths(fmt: str) -> tuple[int, int, bool]:
    """Return (exact, maximum, numeric) of the data part of a biip format string.

    ``exact`` is the length every value has, 0 when a component is variable
    (``X..20``) or optional (``[+N4]``).
    """
    data = fmt.split("+", 1)[1]
    maximum = 0
    numeric = True
    for match in _COMPONENT_RE.finditer(data):
        numeric = numeric and match.group(1) == "N"
        maximum += int(match.group(3))
    maximum += data.count("-")  # the optional sign of AIs 4330..4333
    exact = 0 if (".." in data or "[" in data) else maximum
    return exact, maximum, numeric


def _spec(entry) -> AISpec:
    ai = entry.ai
    pattern = entry.pattern
    prefix = "^" + ai
    body = "^" + pattern[len(prefix) :] if pattern.startswith(prefix) else pattern
    exact, maximum, numeric = _lengths(entry.format)
    date_match = _DATE_RE.search(entry.description)
    date = 0
    if date_match:
        date = 8 if date_match.group(1) == "YYYY" else 6
    return AISpec(
        ai=ai,
        title=entry.data_title,
        format=entry.format,
        fixed=0 if entry.separator_required else exact,
        exact=exact,
        maximum=maximum,
        regex=re.compile(body),
        check=_CHECKED.get(ai),
        date=date,
        numeric=numeric,
    )


#: AI -> AISpec for every application identifier biip knows.
SPECS: dict[str, AISpec] = {ai: _spec(entry) for ai, entry in _GS1_APPLICATION_IDENTIFIERS.items()}

#: first two digits -> length of every AI starting with them (GS1 keeps it unique).
AI_LENGTH: dict[str, int] = {ai[:2]: len(ai) for ai in SPECS}
