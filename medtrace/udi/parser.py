"""``parse()``: one entry point for every UDI form a scanner or a person sends."""

from __future__ import annotations

import datetime

from .errors import UdiError
from .gs1 import (
    GS,
    _century_table,
    mod10_check_digit,
    read_digital_link,
    read_element_string,
    read_hri,
)
from .hibcc import parse_hibcc
from .iccbba import parse_iccbba
from .ma import parse_ma
from .result import FrozenDict, UdiResult

#: Symbology identifiers whose data is a GS1 element string (FNC1 in first position).
GS1_SYMBOLOGIES = frozenset(("]d2", "]C1", "]Q3", "]e0", "]J1", "]d3"))
#: Symbology identifiers of GS1 keys read from linear retail symbols (GTIN only).
GTIN_SYMBOLOGIES = frozenset(("]E0", "]E4", "]I1", "]X0"))
_X_CHARS = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_TRAILING = "\r\n\t"


def _gs1_result(raw, elements, dates, symbology) -> UdiResult:
    """Lift the UDI fields out of GS1 elements."""
    get = elements.get
    gtin = get("01")
    expiry = dates.get("17") or dates.get("7003")
    quantity = get("30") or get("37")
    return UdiResult(
        raw=raw,
        issuer="GS1",
        di=gtin,
        gtin=gtin,
        lot=get("10"),
        serial=get("21"),
        expiry=expiry,
        manufactured=dates.get("11"),
        quantity=int(quantity) if quantity else None,
        elements=FrozenDict(elements),
        symbology=symbology,
    )


def _gtin_only(raw: str, text: str, symbology: str) -> UdiResult:
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise UdiError("gs1_bad_gtin", what=f"{symbology} data", data=text)
    if mod10_check_digit(text[:-1]) != int(text[-1]):
        raise UdiError("gs1_bad_gtin", what=f"{symbology} data", data=text)
    gtin = text.zfill(14)
    return _gs1_result(raw, {"01": gtin}, {}, symbology)


def _check_separator(separator: str | None) -> None:
    if separator is not None and (len(separator) != 1 or separator in _X_CHARS):
        raise UdiError("bad_separator", separator=separator)


def parse(
    raw: str,
    separator: str | None = None,
    today: datetime.date | None = None,
) -> UdiResult:
    """Read one UDI and return its fields, or raise :class:`UdiError`.

    ``raw`` may be a GS1 element string (FNC1 sent as GS, ASCII 29, or as
    ``separator``; leading FNC1 and a symbology identifier such as ``]d2``
    allowed), GS1 human-readable text ``(01)...(10)...``, a GS1 Digital Link
    URI, an HIBCC code (``+...``, with or without Code 39 ``*``), ICCBBA ISBT 128
    data structures (``=...``/``&...``: one, a scanner's concatenation or a
    compound message) or an MA (IDcode) medical-device code (``MA.156.M0...``).
    ``today`` fixes the century of two-digit years (GS1 sliding window).
    """
    if not isinstance(raw, str):
        raise UdiError("not_text", kind=type(raw).__name__)
    text = raw.rstrip(_TRAILING)
    if separator is not None:
        _check_separator(separator)
        text = text.replace(separator, GS)
    symbology = None
    if text.startswith("]") and len(text) >= 3:
        symbology, text = text[:3], text[3:]
    if not text:
        raise UdiError("empty")
    years = _century_table((today or datetime.date.today()).year)
    first = text[0]
    if first == GS and "(" in text[:2]:  # "|(01)...|(10)..." with a substitute separator
        text = text.replace(GS, "")
        first = text[0]
    if symbology in GTIN_SYMBOLOGIES:
        return _gtin_only(raw, text, symbology)
    if symbology in GS1_SYMBOLOGIES or first == GS or first.isdigit():
        if symbology is not None and symbology not in GS1_SYMBOLOGIES:
            raise UdiError(
                "bad_symbology", value=raw, symbology=symbology, what="a GS1 element string"
            )
        elements, dates = read_element_string(text, raw, years)
        return _gs1_result(raw, elements, dates, symbology)
    if first == "+" or (first == "*" and text[1:2] == "+" and text.endswith("*")):
        if first == "*":
            text = text[1:-1]
        return parse_hibcc(raw, text, years, symbology)
    if first == "(":
        elements, dates = read_hri(text.replace(GS, "").strip(" "), raw, years)
        return _gs1_result(raw, elements, dates, symbology)
    lowered = text[:8].lower()
    if lowered.startswith(("https://", "http://")):
        elements, dates = read_digital_link(text.strip(" "), raw, years)
        return _gs1_result(raw, elements, dates, symbology)
    if first in "=&":
        return parse_iccbba(raw, text, symbology)
    if text.startswith("MA."):
        return parse_ma(raw, text, years, symbology)
    raise UdiError("unknown_format", value=raw, start=text[:6])
