"""MA (IDcode) medical-device UDIs: the ISO/IEC 15459 issuing agency code "MA" (China, ZIIOT).

Structure, from the public summaries of the *医疗器械唯一标识 MA(IDcode)编码手册*
(the MA coding manual for medical-device UDIs; ZIIOT does not publish it openly):

* DI ``MA.<country>.<industry>.<registrant>.<product>``: country code 3 digits
  (156 = China), industry code ``M0`` (medical devices), registrant code 6
  digits, product code (packaging digit, item code, check character: letters
  and digits; real codes vary in length, e.g. ``21234561``, ``0YE660A15``,
  ``01004YA10017``);
* then PI data units, each ``.`` + a letter + data: ``S`` serial, ``L`` lot,
  ``D`` sterilisation lot (letters and digits, variable length); ``M``
  production date, ``V`` 有效期 (use-until date), ``E`` 失效期 (expiry date),
  each ``YYMMDD`` or ``YYYYMMDD``; ``C`` closes the code with a check character.

Not verified: the product code's check character and the ``.C`` check character
(ZIIOT assigns codes through its own service; its algorithm is not public).
Unit letters other than the six above (older codes carry ``P``) are kept in
``elements`` uninterpreted.  Codes with ``/`` (general IDcode category segments)
and industry codes other than ``M0`` are not medical-device UDIs and are refused.
"""

from __future__ import annotations

import datetime

from .errors import UdiError
from .gs1 import yymmdd
from .result import FrozenDict, UdiResult

_DIGITS = frozenset("0123456789")
_ALNUM = _DIGITS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_UNITS = {
    "S": "serial",
    "L": "lot",
    "D": "sterilisation lot",
    "M": "production date",
    "V": "use-until date",
    "E": "expiry date",
    "C": "check character",
}
_DATE_UNITS = frozenset("MVE")


def _error(raw: str, part: str, data: str, reason: str) -> UdiError:
    return UdiError("ma_structure", value=raw, part=part, data=data, reason=reason)


def _date(raw: str, unit: str, data: str, years: tuple[int, ...]) -> datetime.date:
    field = _UNITS[unit]
    if len(data) not in (6, 8) or not set(data) <= _DIGITS:
        raise UdiError(
            "ma_date", value=raw, field=field, data=data, reason="6 or 8 digits expected"
        )
    if len(data) == 8:
        try:
            return datetime.date(int(data[:4]), int(data[4:6]), int(data[6:]))
        except ValueError as exc:
            raise UdiError("ma_date", value=raw, field=field, data=data, reason=str(exc)) from None
    if data[4:] == "00":
        raise UdiError("ma_date", value=raw, field=field, data=data, reason="day 00")
    found, reason = yymmdd(data, years)
    if found is None:
        raise UdiError("ma_date", value=raw, field=field, data=data, reason=reason)
    return found


def parse_ma(raw: str, text: str, years: tuple[int, ...], symbology: str | None) -> UdiResult:
    """Parse an MA medical-device UDI (``text`` starts with ``MA.``)."""
    if "/" in text:
        raise UdiError(
            "unsupported",
            value=raw,
            issuer="MA (IDcode)",
            reason="'/' category segments belong to general IDcodes, not to "
            "medical-device UDIs (MA.156.M0...)",
        )
    parts = text.split(".")
    if len(parts) < 5:
        raise _error(
            raw,
            "device identifier",
            text,
            "must be MA.<country>.M0.<registrant code>.<product code>",
        )
    _ma, country, industry, registrant, product = parts[:5]
    if len(country) != 3 or not set(country) <= _DIGITS:
        raise _error(raw, "country code", country, "must be 3 digits (156 for China)")
    if industry != "M0":
        raise UdiError(
            "unsupported",
            value=raw,
            issuer="MA (IDcode)",
            reason=f"industry code {industry!r} is not M0 (medical devices)",
        )
    if len(registrant) != 6 or not set(registrant) <= _DIGITS:
        raise _error(raw, "registrant code", registrant, "must be 6 digits")
    if not product or not set(product) <= _ALNUM:
        raise _error(raw, "product code", product, "must be letters and digits")
    elements = {
        "COUNTRY": country,
        "INDUSTRY": industry,
        "REGISTRANT": registrant,
        "PRODUCT": product,
    }
    dates: dict[str, datetime.date] = {}
    for unit_text in parts[5:]:
        unit, data = unit_text[:1], unit_text[1:]
        if not unit.isascii() or not unit.isupper() or not data or not set(data) <= _ALNUM:
            raise _error(
                raw,
                "data unit",
                unit_text,
                "must be a capital letter (S, L, D, M, V, E, C) followed by letters or digits",
            )
        if unit in elements:
            raise UdiError("ma_duplicate", value=raw, unit=unit, first=elements[unit], second=data)
        if unit in _DATE_UNITS:
            dates[unit] = _date(raw, unit, data, years)
        elements[unit] = data
    return UdiResult(
        raw=raw,
        issuer="MA",
        di=".".join(parts[:5]),
        gtin=None,
        lot=elements.get("L"),
        serial=elements.get("S"),
        expiry=dates.get("E") or dates.get("V"),
        manufactured=dates.get("M"),
        quantity=None,
        elements=FrozenDict(elements),
        symbology=symbology,
    )
