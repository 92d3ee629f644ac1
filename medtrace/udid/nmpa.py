"""NMPA UDI database (医疗器械唯一标识数据库, udi.nmpa.gov.cn) downloads, read as a stream.

The full and incremental downloads are XML files (often zipped) of the shape
``<udid><devices><device>...</device>...</devices></udid>``; each ``<device>`` holds
one element per data item of YY/T 1752-2020 (医疗器械唯一标识数据库基本数据集), named
by the pinyin initials of its Chinese name, plus ``packingList/packing`` (packaging
levels) and ``storageList/storage`` (storage or handling conditions).  See
``tests/unit/data/udid/README.md`` for the field list and its sources.

The file is fed to the parser in 64 KiB pieces and every ``<device>`` is dropped as
soon as it is read: memory does not grow with the file.  A DTD is refused before the
parser sees it (no entity expansion, no external entity), as are absurd nesting and
devices of more than ``MAX_ELEMENTS`` elements.
"""

import codecs
import functools
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from .errors import UdidError
from .record import (
    Package,
    Storage,
    UdidDevice,
    agency,
    day,
    flag,
    nmpa_class,
    nmpa_implantable,
    normalize_di,
)

CHUNK = 1 << 16
MAX_DEPTH = 16
MAX_ELEMENTS = 5000
_PROLOG_LIMIT = 1 << 16
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def read_nmpa(source, *, name=None, on_error=None):
    """Yield a :class:`UdidDevice` per ``<device>`` of an NMPA download.

    ``source``: the path of a ``.xml`` or ``.zip`` file (every ``.xml`` member is read in
    name order) or a binary file object.  A device that cannot be used (no DI, a bad
    package quantity) raises :class:`UdidError`, or is passed to ``on_error(error)`` and
    skipped when that is given; a damaged file always raises.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise UdidError("not_found", file=name)
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = sorted(m for m in archive.namelist() if m.lower().endswith(".xml"))
                if not members:
                    raise UdidError("unknown_format", file=name)
                for member in members:
                    with archive.open(member) as stream:
                        yield from _read(stream, f"{name}:{member}", on_error)
            return
        with path.open("rb") as stream:
            yield from _read(stream, name, on_error)
        return
    yield from _read(source, name or getattr(source, "name", "") or "upload", on_error)


def _decoder_for(head, file):
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", codecs.getincrementaldecoder("utf-8-sig")("strict")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", codecs.getincrementaldecoder("utf-16")("strict")
    declared = _DECLARED.match(head)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UdidError(
            "xml_bad", file=file, line=1, column=1, reason=f"unknown encoding {encoding}"
        ) from None
    return encoding, info.incrementaldecoder("strict")


def _check_prolog(text, file):
    """``None`` while more text is needed, else the position of the root element."""
    position = 0
    while True:
        match = _SKIP.match(text, position)
        if not match:
            break
        position = match.end()
    rest = text[position:]
    if rest[:9].upper() == "<!DOCTYPE" or rest.startswith("<!ENTITY"):
        raise UdidError("xml_dtd", file=file)
    if len(rest) < 9 and len(text) < _PROLOG_LIMIT:
        return None
    return position


class _Reader:
    def __init__(self, file, on_error):
        self.file = file
        self.on_error = on_error
        self.index = 0

    def fail(self, error):
        if self.on_error is None:
            raise error
        self.on_error(error)

    def device(self, element):
        self.index += 1
        values = {}
        for child in element:
            tag = _local(child.tag)
            if len(child):
                values[tag] = [
                    {_local(leaf.tag): (leaf.text or "").strip() for leaf in item} for item in child
                ]
            else:
                values[tag] = (child.text or "").strip()
        try:
            return self.build(values)
        except UdidError as error:
            self.fail(error)
            return None

    def build(self, v):
        get = v.get
        di = normalize_di(get("zxxsdycpbs"))
        if not di or not isinstance(di, str):
            raise UdidError(
                "no_di",
                file=self.file,
                index=self.index,
                key=get("deviceRecordKey") or "",
                field="zxxsdycpbs",
            )
        packages = []
        for packing in _items(get("packingList")):
            package_di = normalize_di(packing.get("bzcpbs"))
            if not package_di:
                continue
            raw = packing.get("bznhxyjcpbssl", "")
            quantity = int(raw) if raw.isdigit() else 0
            if quantity <= 0:
                raise UdidError(
                    "bad_quantity", file=self.file, di=di, package=package_di, value=raw
                )
            packages.append(
                Package(
                    di=package_di,
                    quantity=quantity,
                    contains_di=normalize_di(packing.get("bznhxyjbzcpbs")) or di,
                    level=packing.get("cpbzjb", ""),
                )
            )
        storage = [
            Storage(
                condition=item.get("cchcztj", ""),
                low=item.get("zdz", ""),
                high=item.get("zgz", ""),
                unit=item.get("jldw", ""),
            )
            for item in _items(get("storageList"))
            if any(item.values())
        ]
        certificate = _text(get("zczbhhzbapzbh"))
        classification = _text(get("flbm"))
        units = _text(get("zxxsdyzsydydsl"))
        return UdidDevice(
            source="nmpa",
            primary_di=di,
            issuing_agency=agency(_text(get("cpbsbmtxmc"))),
            name=_text(get("cpmctymc")),
            trade_name=_text(get("spmc")),
            model=_text(get("ggxh")),
            catalog_number=_text(get("cphhhbh")),
            description=_text(get("cpms")),
            registrant=_text(get("ylqxzcrbarmc")),
            registrant_code=_text(get("tyshxydm")),
            certificate=certificate,
            classification_code=classification,
            device_class=nmpa_class(certificate),
            kind=_text(get("qxlb")),
            implantable=nmpa_implantable(classification),
            single_use=flag(_text(get("sfbjwycxsy"))),
            sterile=flag(_text(get("sfwwjbz"))),
            kit=flag(_text(get("sfwblztlcp"))),
            unit_of_use_di=normalize_di(_text(get("sydycpbs"))),
            units_in_base_package=int(units) if units.isdigit() else None,
            packages=packages,
            storage=storage,
            storage_note=_text(get("tscchcztj")),
            version_number=_text(get("versionNumber")),
            # the download spells it versionStauts; accept the correct spelling too
            version_status=_text(get("versionStauts") or get("versionStatus")),
            version_date=day(_text(get("versionTime"))),
            publish_date=day(_text(get("cpbsfbrq"))),
            end_date=day(_text(get("tsrq"))),
            record_key=_text(get("deviceRecordKey")),
        )


def _local(tag):
    return tag.rsplit("}", 1)[-1] if tag[:1] == "{" else tag


def _text(value):
    return value if isinstance(value, str) else ""


def _items(value):
    return value if isinstance(value, list) else []


def _read(stream, file, on_error):
    head = stream.read(CHUNK)
    if not head.strip():
        raise UdidError("empty", file=file)
    encoding, decoder = _decoder_for(head, file)
    parser = ET.XMLPullParser(events=("start", "end"))
    reader = _Reader(file, on_error)
    pending = ""  # decoded text held back until the prolog is known to have no DTD
    checked = False
    line = 1
    depth = 0
    container = None
    in_device = 0
    data = head
    while True:
        final = not data
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            raise UdidError(
                "encoding",
                file=file,
                line=line + error.object[: error.start].count(b"\n"),
                encoding=encoding,
                byte=f"0x{error.object[error.start]:02x}"
                if error.start < len(error.object)
                else "EOF",
            ) from None
        line += data.count(b"\n")
        if not checked:
            pending += text
            start = _check_prolog(pending, file)
            if start is None and not final:
                data = stream.read(CHUNK)
                continue
            checked = True
            text, pending = pending, ""
        steps = [functools.partial(parser.feed, text)] if text else []
        if final:
            steps.append(parser.close)
        for step in steps:
            try:
                step()
                # read_events raises the errors the parser queued, after the events
                # before them: the devices read so far are yielded first
                for event, element in parser.read_events():
                    if event == "start":
                        depth += 1
                        if depth > 3:
                            in_device += 1
                            if in_device > MAX_ELEMENTS or depth > MAX_DEPTH:
                                raise _limit_error(file, depth, reader.index + 1)
                        elif depth == 3:
                            in_device = 0
                        elif depth == 2:
                            container = element
                        elif _local(element.tag) != "udid":
                            raise UdidError("xml_root", file=file, tag=_local(element.tag))
                        continue
                    if depth == 3:
                        if _local(element.tag) == "device":
                            device = reader.device(element)
                            container.clear()
                            if device is not None:
                                yield device
                    elif depth == 2:
                        container.clear()
                    depth -= 1
            except ET.ParseError as error:
                raise _xml_error(error, file, final) from None
        if final:
            return
        data = stream.read(CHUNK)


def _limit_error(file, depth, index):
    if depth > MAX_DEPTH:
        return UdidError("xml_too_deep", file=file, maximum=MAX_DEPTH)
    return UdidError("xml_too_big", file=file, index=index, maximum=MAX_ELEMENTS)


def _xml_error(error, file, final):
    line, column = error.position
    if final and error.code in (3, 5):  # no element found, unclosed token
        return UdidError("xml_truncated", file=file, line=line)
    return UdidError(
        "xml_bad", file=file, line=line, column=column, reason=str(error).split(":")[0]
    )
