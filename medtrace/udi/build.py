"""Build the data a UDI label encodes: GS1 element string, HRI, Digital Link, HIBCC."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from .errors import UdiError
from .gs1 import GS, mod10_check_digit
from .hibcc import check_character
from .parser import parse

_DL_SAFE = "-._~!$'()*+,;:@"


def _date(field: str, value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise UdiError(
            "build_bad", field=field, data=str(value), reason="is not a date YYYY-MM-DD"
        ) from None


def _gtin14(gtin) -> str:
    text = str(gtin or "").strip()
    if not text:
        raise UdiError("build_missing", field="gtin")
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise UdiError(
            "build_bad", field="gtin", data=text, reason="must be 8, 12, 13 or 14 digits"
        )
    expected = mod10_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise UdiError(
            "build_bad",
            field="gtin",
            data=text,
            reason=f"has a wrong check digit ({expected} expected)",
        )
    return text.zfill(14)


def gs1_elements(gtin, lot=None, serial=None, expiry=None, manufactured=None) -> list:
    """``[(ai, value), ...]`` of a unit: fixed-length elements first, then lot and serial."""
    elements = [("01", _gtin14(gtin))]
    made = _date("manufactured", manufactured)
    if made is not None:
        elements.append(("11", made.strftime("%y%m%d")))
    expires = _date("expiry", expiry)
    if expires is not None:
        elements.append(("17", expires.strftime("%y%m%d")))
    if lot:
        elements.append(("10", str(lot)))
    if serial:
        elements.append(("21", str(serial)))
    return elements


def _join(elements: list) -> str:
    """Concatenate elements, with GS only after variable-length ones that are not last."""
    parts = []
    last = len(elements) - 1
    for index, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if ai in ("10", "21") and index != last:
            parts.append(GS)
    return "".join(parts)


def gs1_element_string(gtin, lot=None, serial=None, expiry=None, manufactured=None) -> str:
    """GS1 element string of a unit, FNC1 separators as GS (no leading FNC1).

    The result is parsed back before it is returned, so a lot or serial GS1
    cannot carry (bad character, over 20 characters) raises :class:`UdiError`.
    """
    text = _join(gs1_elements(gtin, lot, serial, expiry, manufactured))
    parse(text)
    return text


def gs1_hri(gtin, lot=None, serial=None, expiry=None, manufactured=None) -> str:
    """Human-readable text printed under a GS1 symbol: ``(01)...(17)...(10)...``."""
    elements = gs1_elements(gtin, lot, serial, expiry, manufactured)
    parse(_join(elements))
    return "".join(f"({ai}){value}" for ai, value in elements)


def gs1_digital_link(
    gtin, lot=None, serial=None, expiry=None, manufactured=None, domain: str = "https://id.gs1.org"
) -> str:
    """GS1 Digital Link URI: GTIN, lot and serial in the path, dates in the query."""
    elements = dict(gs1_elements(gtin, lot, serial, expiry, manufactured))
    parse(_join(list(elements.items())))
    path = [domain.rstrip("/"), "01", elements["01"]]
    for ai in ("10", "21"):
        if ai in elements:
            path += [ai, quote(elements[ai], safe=_DL_SAFE)]
    query = "&".join(f"{ai}={elements[ai]}" for ai in ("17", "11") if ai in elements)
    return "/".join(path) + ("?" + query if query else "")


def hibcc_string(
    lic: str,
    pcn: str,
    uom="0",
    lot=None,
    serial=None,
    expiry=None,
    manufactured=None,
    quantity=None,
) -> str:
    """Concatenated HIBCC code ``+LIC PCN U/secondary C`` with its Mod 43 check.

    Expiry is written ``$$3YYMMDD`` before the lot (or serial), a serial next
    to a lot as ``/S``, the manufacture date as ``/16D`` and a quantity as ``/Q``.
    """
    primary = f"+{lic}{pcn}{uom}"
    expires = _date("expiry", expiry)
    made = _date("manufactured", manufactured)
    date = "3" + expires.strftime("%y%m%d") if expires else ""
    secondary = []
    if lot:
        secondary.append(f"$${date}{lot}" if date else f"${lot}")
        if serial:
            secondary.append(f"S{serial}")
    elif serial:
        secondary.append(f"$$+{date}{serial}" if date else f"$+{serial}")
    elif date:
        secondary.append(f"$${date}")
    if made:
        if not secondary:
            secondary.append("$")
        secondary.append("16D" + made.strftime("%Y%m%d"))
    if quantity is not None:
        if not secondary:
            secondary.append("$")
        secondary.append(f"Q{int(quantity)}")
    body = primary + "".join("/" + part for part in secondary)
    try:
        text = body + check_character(body)
    except KeyError:
        raise UdiError(
            "build_bad",
            field="HIBCC data",
            data=body,
            reason="has characters outside the HIBC set (A-Z 0-9 - . space $ / + %)",
        ) from None
    parse(text)
    return text
