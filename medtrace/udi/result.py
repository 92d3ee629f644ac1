"""The immutable result of :func:`medtrace.udi.parse`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


class FrozenDict(dict):
    """A read-only, hashable ``dict`` (JSON-serialisable as is)."""

    __slots__ = ()

    def _readonly(self, *args, **kwargs):
        raise TypeError("UDI elements are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly
    __ior__ = _readonly

    def __hash__(self):
        return hash(tuple(self.items()))

    def __repr__(self):
        return f"FrozenDict({dict.__repr__(self)})"


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class UdiResult:
    """One UDI read from a barcode.

    ``elements`` keeps every element as read, by its identifier: GS1
    application identifiers (``"01"``, ``"17"``, ``"10"``...) for GS1, field
    names (``"LIC"``, ``"PCN"``, ``"UOM"``, ``"LOT"``, ``"16D"``...) for HIBCC,
    ISBT 128 data identifiers (``"=/"``, ``"="`` for the DIN, ``"=,"``, ``"&,1"``...)
    for ICCBBA, ``COUNTRY``/``INDUSTRY``/``REGISTRANT``/``PRODUCT`` and the data
    unit letters (``"S"``, ``"L"``, ``"E"``...) for MA.
    """

    raw: str
    issuer: str  # "GS1", "HIBCC", "ICCBBA" or "MA"
    di: str | None  # GTIN-14, HIBCC LIC+PCN+U, ISBT 128 =/ (or =)) content, MA.156.M0...
    gtin: str | None
    lot: str | None
    serial: str | None
    expiry: datetime.date | None
    manufactured: datetime.date | None
    quantity: int | None
    elements: FrozenDict
    symbology: str | None = None  # e.g. "]d2" when the scanner sent one

    def as_dict(self) -> dict:
        """JSON-friendly dict: dates as ``YYYY-MM-DD``, absent fields ``None``."""
        return {
            "raw": self.raw,
            "issuer": self.issuer,
            "di": self.di,
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "expiry": _iso(self.expiry),
            "manufactured": _iso(self.manufactured),
            "quantity": self.quantity,
            "symbology": self.symbology,
            "elements": dict(self.elements),
        }
