"""FDA GUDID (AccessGUDID) delimited releases, read as a stream.

A full release is a zip of pipe-delimited text files with a header line, one row per
device in ``device.txt`` and rows keyed by the same ``PrimaryDI`` in the others:
``identifiers.txt`` (every DI of the device: Primary, Package, Unit of Use, with
``pkgQuantity`` and ``containsDINumber`` for packages), ``gmdnTerms.txt``,
``productCodes.txt``, ``premarketSubmissions.txt`` and the storage and handling file
(``environmentalConditions.txt``; ``storage.txt`` is accepted too).  Columns are found
by their header name (case-insensitive), not by position.  See
``tests/unit/data/udid/README.md`` for the sources.

The side files are first copied into a temporary SQLite index on disk, then
``device.txt`` is read row by row and each device joined with its rows: memory does
not grow with the release, whatever the order of its files.
"""

import codecs
import csv
import json
import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from .errors import UdidError
from .record import Package, Storage, UdidDevice, agency, day, flag, normalize_di

DEVICE_FILE = "device.txt"
SIDE_FILES = {
    "identifiers.txt": "identifiers",
    "gmdnterms.txt": "gmdn",
    "productcodes.txt": "product_codes",
    "premarketsubmissions.txt": "submissions",
    "environmentalconditions.txt": "storage",
    "storage.txt": "storage",
}
_KEY = "primarydi"


class _Release:
    """The files of a release: a folder, a zip, or a ``device.txt`` beside its siblings."""

    def __init__(self, source, name=None):
        path = Path(source)
        self.name = name or path.name
        self.zip = None
        if not path.exists():
            raise UdidError("not_found", file=self.name)
        if path.is_file() and zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.members = {
                os.path.basename(member).lower(): member
                for member in self.zip.namelist()
                if member.lower().endswith(".txt")
            }
        else:
            folder = path if path.is_dir() else path.parent
            self.members = {
                child.name.lower(): child for child in folder.iterdir() if child.is_file()
            }
            if path.is_file():
                self.members[DEVICE_FILE] = path
        if DEVICE_FILE not in self.members:
            raise UdidError("gudid_no_device_file", file=self.name)

    def open(self, name):
        member = self.members[name]
        return self.zip.open(member) if self.zip else open(member, "rb")

    def close(self):
        if self.zip:
            self.zip.close()


def _rows(release, name, required, on_error):
    """``(line, {column: value})`` per row of ``name``; the header names the columns."""
    label = f"{release.name}:{name}" if release.zip else name
    with release.open(name) as binary:
        reader = csv.reader(_lines(binary, label), delimiter="|", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header:
            raise UdidError("empty", file=label)
        header = [column.strip().lower() for column in header]
        for column in required:
            if column.lower() not in header:
                raise UdidError(
                    "gudid_column", file=label, column=column, header="|".join(header)[:200]
                )
        width = len(header)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise UdidError(
                    "gudid_csv", file=label, line=reader.line_num, reason=str(error)
                ) from None
            if not row:
                continue
            if len(row) != width:
                problem = UdidError(
                    "gudid_row",
                    file=label,
                    line=reader.line_num,
                    found=len(row),
                    expected=width,
                )
                if on_error is None:
                    raise problem
                on_error(problem)
                continue
            yield reader.line_num, dict(zip(header, row, strict=True))


def _lines(binary, label):
    """The lines of a UTF-8 file, each decoded on its own so an error names its line."""
    for number, raw in enumerate(binary, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UdidError(
                "encoding",
                file=label,
                line=number,
                encoding="UTF-8",
                byte=f"0x{error.object[error.start]:02x}",
            ) from None


def read_gudid(source, *, name=None, on_error=None):
    """Yield a :class:`UdidDevice` per row of a GUDID delimited release's ``device.txt``.

    ``source``: the release zip, its unzipped folder, or its ``device.txt``; ``name``
    the release's name in messages.  A row that
    cannot be used (no DI, the wrong number of fields) raises :class:`UdidError`, or is
    passed to ``on_error(error)`` and skipped when that is given.
    """
    release = _Release(source, name)
    try:
        with tempfile.TemporaryDirectory(prefix="medtrace-gudid-") as folder:
            index = sqlite3.connect(os.path.join(folder, "side.db"))
            try:
                _index_side_files(release, index, on_error)
                yield from _devices(release, index, on_error)
            finally:
                index.close()
    finally:
        release.close()


def _index_side_files(release, index, on_error):
    index.execute("CREATE TABLE side (di TEXT, kind TEXT, row TEXT)")
    for name, kind in SIDE_FILES.items():
        if name not in release.members:
            continue
        rows = _rows(release, name, ["PrimaryDI"], on_error)
        index.executemany(
            "INSERT INTO side VALUES (?, ?, ?)",
            (
                (normalize_di(row[_KEY]), kind, json.dumps(row, ensure_ascii=False))
                for _line, row in rows
            ),
        )
    index.execute("CREATE INDEX side_di ON side (di)")
    index.commit()


def _devices(release, index, on_error):
    label = f"{release.name}:{DEVICE_FILE}" if release.zip else DEVICE_FILE
    count = 0
    for line, row in _rows(release, DEVICE_FILE, ["PrimaryDI"], on_error):
        count += 1
        di = normalize_di(row[_KEY])
        if not di:
            problem = UdidError(
                "no_di",
                file=label,
                index=count,
                key=row.get("publicdevicerecordkey", ""),
                field="PrimaryDI",
            )
            if on_error is None:
                raise problem
            on_error(problem)
            continue
        side = {}
        for kind, blob in index.execute("SELECT kind, row FROM side WHERE di = ?", (di,)):
            side.setdefault(kind, []).append(json.loads(blob))
        try:
            yield _device(di, row, side, line, label)
        except UdidError as problem:
            if on_error is None:
                raise
            on_error(problem)


def _device(di, row, side, line, label):
    get = row.get
    packages = []
    issuing = None
    unit_of_use = ""
    for identifier in side.get("identifiers", []):
        kind = (identifier.get("deviceidtype") or "").strip().lower()
        identifier_di = normalize_di(identifier.get("deviceid"))
        if kind == "primary":
            issuing = agency(identifier.get("deviceidissuingagency"))
        elif kind == "unit of use":
            unit_of_use = identifier_di
        elif kind == "package" and identifier_di:
            raw = (identifier.get("pkgquantity") or "").strip()
            quantity = int(raw) if raw.isdigit() else 0
            if quantity <= 0:
                raise UdidError("bad_quantity", file=label, di=di, package=identifier_di, value=raw)
            packages.append(
                Package(
                    di=identifier_di,
                    quantity=quantity,
                    contains_di=normalize_di(identifier.get("containsdinumber")) or di,
                    level=(identifier.get("pkgtype") or "").strip(),
                )
            )
    storage = []
    notes = []
    for item in side.get("storage", []):
        condition = _first(item, "storagehandlingtype")
        if condition:
            storage.append(
                Storage(
                    condition=condition,
                    low=_first(item, "storagehandlinglow", "storagehandlinglowvalue"),
                    high=_first(item, "storagehandlinghigh", "storagehandlinghighvalue"),
                    unit=_first(
                        item,
                        "storagehandlingunit",
                        "storagehandlinghighunit",
                        "storagehandlinglowunit",
                    ),
                )
            )
        note = _first(item, "storagehandlingspecialconditiontext", "specialstorageconditions")
        if note and note not in notes:
            notes.append(note)
    gmdn = side.get("gmdn", [])
    implantable = None
    for term in gmdn:
        value = flag(term.get("implantable"))
        if value is not None:
            implantable = bool(implantable) or value
    codes = [_first(code, "productcode") for code in side.get("product_codes", [])]
    submissions = [_first(sub, "submissionnumber") for sub in side.get("submissions", [])]
    count = (get("devicecount") or "").strip()
    return UdidDevice(
        source="gudid",
        primary_di=di,
        issuing_agency=issuing,
        name=(get("brandname") or "").strip()
        or (gmdn[0].get("gmdnptname", "").strip() if gmdn else ""),
        trade_name=(get("brandname") or "").strip(),
        model=(get("versionmodelnumber") or "").strip(),
        catalog_number=(get("catalognumber") or "").strip(),
        description=(get("devicedescription") or "").strip(),
        registrant=(get("companyname") or "").strip(),
        registrant_code=(get("dunsnumber") or "").strip(),
        certificate=", ".join(sorted({number for number in submissions if number})),
        classification_code=", ".join(sorted({code for code in codes if code})),
        implantable=implantable,
        single_use=flag(get("singleuse")),
        sterile=flag(get("devicesterile")),
        kit=flag(get("devicekit")),
        unit_of_use_di=unit_of_use,
        units_in_base_package=int(count) if count.isdigit() else None,
        packages=sorted(packages, key=lambda package: package.di),
        storage=storage,
        storage_note="; ".join(notes),
        version_number=(get("publicversionnumber") or "").strip(),
        version_status=(get("publicversionstatus") or "").strip(),
        version_date=day(get("publicversiondate")),
        publish_date=day(get("devicepublishdate")),
        end_date=day(get("devicecommdistributionenddate")),
        record_key=(get("publicdevicerecordkey") or "").strip(),
        line=line,
    )


def _first(row, *names):
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return ""


def sniff(path):
    """``"nmpa"``, ``"gudid"`` or ``None``: which reader a file or folder is for."""
    path = Path(path)
    if path.is_dir():
        return "gudid" if (path / DEVICE_FILE).is_file() else None
    if not path.is_file():
        return None
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [os.path.basename(name).lower() for name in archive.namelist()]
        if DEVICE_FILE in names:
            return "gudid"
        if any(name.endswith(".xml") for name in names):
            return "nmpa"
        return None
    with path.open("rb") as stream:
        head = stream.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    if head.lstrip().startswith(b"<"):
        return "nmpa"
    first = head.split(b"\n", 1)[0].lower()
    if b"primarydi" in first and b"|" in first:
        return "gudid"
    return None
