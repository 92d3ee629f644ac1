"""One device of a UDI database, the same shape whatever database it came from."""

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from ..gsp import GspCodeError, validate_device_number

#: issuing agencies as ``med.product.di``/``product.template`` name them
AGENCIES = {
    "gs1": "gs1",
    "hibcc": "hibcc",
    "hibc": "hibcc",
    "iccbba": "iccbba",
    "isbt 128": "iccbba",
    "ma": "maidcode",
    "ma码": "maidcode",
    "ma码（idcode）": "maidcode",
    "ma码(idcode)": "maidcode",
    "idcode": "maidcode",
}

_TRUE = {"是", "1", "true", "y", "yes", "t"}
_FALSE = {"否", "0", "false", "n", "no", "f"}


@dataclass(slots=True)
class Package:
    """A packaging level above the primary DI: ``quantity`` items of ``contains_di``."""

    di: str
    quantity: int
    contains_di: str
    level: str = ""

    def as_dict(self):
        return {
            "di": self.di,
            "quantity": self.quantity,
            "contains_di": self.contains_di,
            "level": self.level,
        }

    def key(self):
        return (self.di, self.quantity, self.contains_di, self.level)


@dataclass(slots=True)
class Storage:
    """A storage or handling condition, ``low``..``high`` in ``unit``."""

    condition: str
    low: str = ""
    high: str = ""
    unit: str = ""

    def text(self):
        unit = f" {self.unit}" if len(self.unit) > 2 else self.unit
        if self.low and self.high:
            span = f"{self.low}~{self.high}{unit}"
        elif self.low:
            span = f"≥{self.low}{unit}"
        elif self.high:
            span = f"≤{self.high}{unit}"
        else:
            span = ""
        return f"{self.condition} {span}".strip()

    def as_dict(self):
        return {"condition": self.condition, "low": self.low, "high": self.high, "unit": self.unit}

    def key(self):
        return (self.condition, self.low, self.high, self.unit)


@dataclass(slots=True)
class UdidDevice:
    """One primary DI of a UDI database release (NMPA UDID or FDA GUDID)."""

    source: str  # "nmpa" or "gudid"
    primary_di: str
    issuing_agency: str | None = None
    name: str = ""
    trade_name: str = ""
    model: str = ""
    catalog_number: str = ""
    description: str = ""
    registrant: str = ""
    registrant_code: str = ""  # NMPA unified social credit code, GUDID DUNS number
    certificate: str = ""
    classification_code: str = ""
    device_class: str | None = None  # "I", "II", "III" where the record tells
    kind: str = ""  # NMPA 器械类别: 器械 / 体外诊断试剂
    implantable: bool | None = None
    single_use: bool | None = None
    sterile: bool | None = None
    kit: bool | None = None
    unit_of_use_di: str = ""
    units_in_base_package: int | None = None
    packages: list = field(default_factory=list)
    storage: list = field(default_factory=list)
    storage_note: str = ""
    version_number: str = ""
    version_status: str = ""
    version_date: date | None = None
    publish_date: date | None = None
    end_date: date | None = None
    record_key: str = ""
    line: int | None = None  # where the device starts in its file (not part of the checksum)

    def as_dict(self):
        values = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if item.name in ("packages", "storage"):
                value = [entry.as_dict() for entry in value]
            elif isinstance(value, date):
                value = value.isoformat()
            values[item.name] = value
        return values

    @property
    def checksum(self):
        """SHA-1 of the record's content: equal for an unchanged record in a later release.

        Over the ``repr`` of its field values in declaration order (``line`` left out):
        strings, numbers, booleans, ``None`` and dates have a stable ``repr``.
        """
        values = []
        for name in _CONTENT_FIELDS:
            value = getattr(self, name)
            if name in ("packages", "storage"):
                value = tuple(entry.key() for entry in value)
            values.append(value)
        return hashlib.sha1(repr(tuple(values)).encode("utf-8")).hexdigest()

    def storage_text(self):
        parts = [entry.text() for entry in self.storage]
        if self.storage_note:
            parts.append(self.storage_note)
        return "; ".join(part for part in parts if part)

    def unit_counts(self):
        """``{di: units of the primary DI one scan of it counts}`` for every level.

        A package holding 10 boxes of 5 counts 50; a package whose content is not known
        (a broken chain) is left out.
        """
        counts = {self.primary_di: 1}
        pending = list(self.packages)
        while pending:
            progressed = False
            for package in list(pending):
                inner = counts.get(package.contains_di)
                if inner is not None:
                    counts[package.di] = inner * package.quantity
                    pending.remove(package)
                    progressed = True
            if not progressed:
                break
        return counts


_CONTENT_FIELDS = tuple(item.name for item in dataclasses.fields(UdidDevice) if item.name != "line")


def normalize_di(value):
    """A DI as ``med.product.di`` stores it: GS1 GTIN-8/12/13 padded to 14 digits.

    GUDID stores GS1 DIs the same way (GUDID Data Elements Reference Table, Primary DI
    Number: "System will append zeros to the left ... to save 14 digit value").
    """
    value = (value or "").strip()
    if value.isdigit() and len(value) in (8, 12, 13):
        value = value.zfill(14)
    return value


def flag(value):
    """是/否, Y/N, true/false, 1/0 as a boolean; anything else (or nothing) as ``None``."""
    value = (value or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def day(value):
    """The date at the start of ``value`` (2026-02-15, 2026-02-15T..., 2026/2/15, 20260215)."""
    value = (value or "").strip()
    match = re.match(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})", value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def agency(value):
    return AGENCIES.get((value or "").strip().lower().replace(" ", " "))


def nmpa_class(certificate):
    """The device class an NMPA registration or filing number tells, or ``None``.

    Read by :func:`medtrace.gsp.validate_device_number` (《医疗器械注册与备案管理办法》,
    2021, art. 120: ×1械注×2××××3×4××5××××6 with ×4 the class; a 械备 filing is class I).
    """
    if not certificate:
        return None
    try:
        return validate_device_number(certificate).device_class
    except GspCodeError:
        return None


def nmpa_implantable(classification_code):
    """``True`` for the 2017 catalogue's subjects 12 (有源植入器械) and 13 (无源植入器械).

    Implants in other subjects (dental implants, intraocular lenses...) are not told
    apart by their code: for them the answer is ``None`` (unknown), never ``False``.
    """
    digits = re.sub(r"\D", "", classification_code or "")
    if len(digits) in (2, 4, 6) and digits[:2] in ("12", "13"):
        return True
    return None
