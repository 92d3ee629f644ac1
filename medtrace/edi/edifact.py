"""EANCOM (UN/EDIFACT D96A, D01B) read and written: the entry points of the codec.

Reading: :func:`medtrace.edi.envelope.decode_interchange` splits the interchange,
:mod:`medtrace.edi.eancom` maps each message's segments to our fields (the rest kept in
``extra``). Writing uses pydifact, one message per interchange. The segments, their
qualifiers and the fields they carry are listed in docs/edi/eancom.md. Fields without a
dedicated segment travel in ``FTX+ZZZ++<field name>+<value>`` (a mutually defined free
text whose coded reference names the field), so a message survives a round trip whole.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import re
import warnings

from .codecs import Limits
from .eancom import (
    _SPECIFIC,
    ADDRESS_FIELDS,
    CURRENCY_QUALIFIER,
    FALLBACK_QUALIFIER,
    HEADER_AMOUNTS,
    HEADER_DATES,
    INVOICE_TYPES,
    ITEM_IDS,
    LINE_ACTIONS,
    LINE_AMOUNT_QUALIFIER,
    LINE_DATES,
    LINE_QUANTITIES,
    NOTE_QUALIFIER,
    PACKAGE_KEY,
    PARTIES,
    PARTY_ADDRESS,
    PARTY_NAMES,
    PRICE_QUALIFIER,
    REFERENCES,
    REJECTED_QUALIFIERS,
    RESPONSE_CODES,
    STREET_JOIN,
    address_text,
    package_extra,
    tax_segment,
)
from .envelope import DEFAULT_REPETITION, decode_interchange
from .errors import EdiError
from .message import Message
from .schemas import Schema
from .values import ValueProblem, format_value, parse_value

REJECTED_QUALIFIER = REJECTED_QUALIFIERS[0]
__all__ = [
    "HEADER_DATES",
    "ITEM_IDS",
    "LINE_DATES",
    "PARTIES",
    "PARTY_NAMES",
    "REFERENCES",
    "decode_edifact",
    "encode_edifact",
]


def decode_edifact(data: bytes, schema: Schema, mapping, limits: Limits, profile=None) -> Message:
    """The one message of an interchange as ``schema``'s Message (EdiError otherwise)."""
    if schema.edifact is None:
        raise EdiError("format_unsupported", message_type=schema.name, format="EDIFACT")
    interchange = decode_interchange(data)
    if len(interchange.messages) > 1:
        raise EdiError("edifact_multiple", count=len(interchange.messages))
    return interchange.messages[0].decode(schema.name, profile=profile, limits=limits)


# -- writing -----------------------------------------------------------------------------


def _price(row) -> list[str]:
    """The PRI composite of a line: the price as the partner sent it (``price``: amount
    per basis quantity and unit, ``PRI+AAA:24.1:::100:PCE``) while it still gives the
    line's unit price, else the unit price alone."""
    sent = row.get("price")
    price = [sent.get("qualifier") or PRICE_QUALIFIER] if isinstance(sent, dict) else []
    if price and sent.get("amount") and (sent.get("basis") or sent.get("unit")):
        try:
            amount = decimal.Decimal(str(sent["amount"]))
            basis = decimal.Decimal(str(sent.get("basis") or 1))
            same = amount / basis == decimal.Decimal(str(row["unit_price"]))
        except (decimal.InvalidOperation, ArithmeticError):
            same = False
        if same:
            parts = [
                *price,
                str(sent["amount"]),
                "",
                "",
                str(sent.get("basis") or ""),
                str(sent.get("unit") or ""),
            ]
            while parts[-1] == "":
                parts.pop()
            return parts
    return [PRICE_QUALIFIER, row["unit_price"]]


def _date(value) -> str:
    text = format_value(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    return "".join(match.groups()) if match else text


def _party(code: str) -> list[str]:
    return [code, "", "9" if code.isdigit() and len(code) == 13 else "92"]


def _nad(qualifier: str, code: str, name: str = "", address: dict | None = None) -> list:
    """The elements of a NAD segment: party id, name (C080) and address (C059 street
    lines, 3164 city, 3229 region, 3251 postcode, 3207 country)."""
    elements = ["NAD", qualifier, _party(code) if code else ""]
    address = address or {}
    tail = ["", name]
    for part, position in PARTY_ADDRESS.items():
        value = address.get(part, "")
        if part == "street" and value:
            lines = value.split(STREET_JOIN)
            value = [*lines[:3], STREET_JOIN.join(lines[3:])] if len(lines) > 4 else lines
        tail += [""] * (position - 2 - len(tail)) + [value]
    while tail and tail[-1] in ("", []):
        tail.pop()
    return elements + tail


def _party_part(extra: dict, key: str, index: int, take: bool = False) -> str:
    """Party ``index``'s value of a NAD key of ``extra`` (a list when several parties of
    the role were read); ``take`` removes it, so the next party of the role is first."""
    value = extra.get(key)
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    found = format_value(values[index]) if index < len(values) else ""
    if take:
        rest = values[1:]
        if any(format_value(v) != "" for v in rest):
            extra[key] = rest if len(rest) > 1 else rest[0]
        else:
            extra.pop(key)
    return found


def _address(extra: dict, qualifier: str, index: int = 0, take: bool = False) -> dict:
    return {
        part: _party_part(extra, f"NAD+{qualifier} {part}", index, take) for part in PARTY_ADDRESS
    }


def _interchange_class():
    from pydifact.segmentcollection import Interchange
    from pydifact.segments import Segment

    class _Interchange(Interchange):
        """pydifact's Interchange, writing CCYYMMDD in UNB when syntax version 4 and, when
        a segment holds a repeated element (:class:`Repeated`), ``*`` as the repetition
        separator (UNA position 4; released in values)."""

        repetition = ""

        def serialize(self, break_lines: bool = False) -> str:
            if not self.repetition:
                return super().serialize(break_lines)
            chars = self.characters
            specials = (
                chars.escape_character,
                chars.component_separator,
                chars.data_separator,
                chars.segment_terminator,
                self.repetition,
            )

            def escape(text) -> str:
                text = "" if text is None else str(text)
                return "".join(chars.escape_character + c if c in specials else c for c in text)

            def components(element) -> str:
                if not isinstance(element, list):
                    return escape(element)
                parts = [escape(c) for c in element]
                while parts and parts[-1] == "":
                    parts.pop()
                return chars.component_separator.join(parts)

            out = [f"UNA{chars.component_separator}{chars.data_separator}"]
            out.append(f"{chars.decimal_point}{chars.escape_character}{self.repetition}")
            out.append(chars.segment_terminator + ("\n" if break_lines else ""))
            for segment in [self.get_header_segment(), *self.segments, self.get_footer_segment()]:
                elements = [
                    self.repetition.join(components(o) for o in element)
                    if isinstance(element, Repeated)
                    else components(element)
                    for element in segment.elements
                ]
                text = chars.data_separator.join([segment.tag, *elements])
                out.append(text + chars.segment_terminator + ("\n" if break_lines else ""))
            return "".join(out)

        def get_header_segment(self):
            if self.syntax_identifier[1] < 4:
                return super().get_header_segment()
            return Segment(
                self.HEADER_TAG,
                [self.syntax_identifier[0], "4"],
                self.sender,
                self.recipient,
                [f"{self.timestamp:%Y%m%d}", f"{self.timestamp:%H%M}"],
                self.control_reference,
            )

    return _Interchange


def encode_edifact(message: Message, schema: Schema) -> bytes:
    from pydifact.segmentcollection import Message as EdiMessage
    from pydifact.segments import Segment

    mapping = schema.edifact
    if mapping is None:
        raise EdiError("format_unsupported", message_type=schema.name, format="EDIFACT")
    head = {f.name: format_value(message.header.get(f.name)) for f in schema.header}
    if not head.get("message_id"):
        raise EdiError("unwritable", format="EDIFACT", reason="message_id is empty")
    header_extra = message.header.get("extra")
    header_extra = dict(header_extra) if isinstance(header_extra, dict) else {}
    # package groups without lines (DESADV): written whole before the first line's group
    header_packages = _packages(header_extra, schema)
    document = (
        _code(INVOICE_TYPES, head.get("invoice_type"))
        or _first(header_extra.pop("BGM+1001", None))
        or mapping.document_code
    )
    function = (
        _code(RESPONSE_CODES, head.get("response_code"))
        or _first(header_extra.pop("BGM+1225", None))
        or "9"
    )
    segments = [Segment("BGM", document, head["message_id"], function)]
    for name, qualifier in HEADER_DATES.items():
        if head.get(name):
            segments.append(Segment("DTM", [qualifier, _date(head[name]), "102"]))
    if head.get("note"):
        segments.append(Segment("FTX", NOTE_QUALIFIER, "", "", head["note"]))
    for field in schema.header:
        if field.name not in _SPECIFIC and head.get(field.name):
            qualifier = ADDRESS_FIELDS.get(field.name)
            if qualifier and head[field.name] == address_text(header_extra, qualifier):
                continue  # the party's NAD carries it
            segments.append(Segment("FTX", FALLBACK_QUALIFIER, "", field.name, head[field.name]))
    for name, qualifier in REFERENCES.items():
        if head.get(name):
            segments.append(Segment("RFF", [qualifier, head[name]]))
    for name, qualifier in PARTIES.items():
        if head.get(name):
            names = [head[n] for n, q in PARTY_NAMES.items() if q == qualifier and head.get(n)]
            # the first party of the role; names and addresses of further parties of
            # the role (extra["NAD+<q>"]) stay for extra_segments
            label = names[0] if names else ""
            extra_name = _party_part(header_extra, f"NAD+{qualifier} name", 0, take=not label)
            address = _address(header_extra, qualifier, take=True)
            segments.append(Segment(*_nad(qualifier, head[name], label or extra_name, address)))
    if head.get("currency"):
        segments.append(Segment("CUX", [CURRENCY_QUALIFIER, head["currency"], "4"]))
    segments += extra_segments(header_extra, Segment)
    group = None
    package = None  # the package group (DESADV CPS...) of the line written last
    for index, line in enumerate(message.lines, start=1):
        row = {f.name: format_value(line.values.get(f.name)) for f in schema.lines}
        row["price"] = line.values.get("price")  # the PRI as the partner sent it, if read
        extra = line.values.get("extra") if isinstance(line.values.get("extra"), dict) else {}
        extra = dict(extra)
        own = _packages(extra, schema)
        if own:
            if header_packages:
                segments += _parsed("'".join(header_packages), Segment)
                header_packages = []
            if own != package:
                segments += _parsed("'".join(own), Segment)
            package = own
        if mapping.message == "SLSRPT" and extra.get("LOC+162") != group:
            group = extra.get("LOC+162")
            if group is not None:
                segments.append(Segment("LOC", "162", str(group)))
        extra = {
            k: v for k, v in extra.items() if not (k == "LOC+162" and mapping.message == "SLSRPT")
        }
        action = (
            _code(LINE_ACTIONS, row.get("line_action")) or _first(extra.pop("LIN+1229", None)) or ""
        )
        lin = ["LIN", row.get("line_no") or str(index)]
        if action or row.get("gtin"):
            lin.append(action)
        if row.get("gtin"):
            lin.append([row["gtin"], "SRV"])
        segments.append(Segment(*lin))
        ids = [[row[n], code] for n, code in ITEM_IDS.items() if row.get(n)]
        if ids:
            segments.append(Segment("PIA", "1", *ids))
        if row.get("product_name"):
            segments.append(Segment("IMD", "F", "", ["", "", "", row["product_name"]]))
        if row.get("quantity"):
            quantity = [mapping.quantity_qualifier, row["quantity"]]
            if row.get("uom"):
                quantity.append(row["uom"])
            segments.append(Segment("QTY", quantity))
        if row.get("quantity_rejected"):
            segments.append(Segment("QTY", [REJECTED_QUALIFIER, row["quantity_rejected"]]))
        for name, qualifier in LINE_QUANTITIES.items():
            if row.get(name):
                segments.append(Segment("QTY", [qualifier, row[name]]))
        for name, qualifier in LINE_DATES.items():
            if row.get(name):
                segments.append(Segment("DTM", [qualifier, _date(row[name]), "102"]))
        for field in schema.lines:
            if field.name not in _SPECIFIC and row.get(field.name):
                segments.append(Segment("FTX", FALLBACK_QUALIFIER, "", field.name, row[field.name]))
        if row.get("amount"):
            segments.append(Segment("MOA", [LINE_AMOUNT_QUALIFIER, row["amount"]]))
        if row.get("unit_price"):
            segments.append(Segment("PRI", _price(row)))
        category = _first(extra.pop("TAX+7 category", None)) if row.get("tax_rate") else None
        if row.get("tax_rate"):
            segments += _parsed(tax_segment(row["tax_rate"], category or ""), Segment)
        segments += extra_segments(extra, Segment)
    if header_packages:  # no line is in a package group: the groups after the lines
        segments += _parsed("'".join(header_packages), Segment)
    segments.append(Segment("UNS", "S"))
    segments.append(Segment("CNT", ["2", str(len(message.lines))]))
    for name, qualifiers in HEADER_AMOUNTS.items():
        if head.get(name):
            segments.append(Segment("MOA", [qualifiers[0], head[name]]))

    # kept extra data (a party's name, a segment kept whole) counts as well
    texts = [
        str(v)
        for v in list(head.values())
        + [format_value(message.header.get("extra"))]
        + [format_value(v) for line in message.lines for v in line.values.values()]
    ]
    latin = all(_encodable(t, "latin-1") for t in texts)
    repeated = any(isinstance(e, Repeated) for s in segments for e in s.elements)
    syntax = ("UNOC", 4 if repeated else 3) if latin else ("UNOW", 4)
    if schema.direction == "inbound":
        sender, recipient = head.get("consignor_code"), head.get("partner_code")
    else:
        sender, recipient = head.get("partner_code"), head.get("consignor_code")
    try:
        date = parse_value(schema.field("date"), message.header.get("date"))
    except ValueProblem:
        date = None
    timestamp = datetime.datetime.combine(date or datetime.date(2000, 1, 1), datetime.time())
    reference = str(int(hashlib.sha256(head["message_id"].encode()).hexdigest(), 16) % 10**14)
    interchange = _interchange_class()(
        [sender or "UNKNOWN", "ZZZ"],
        [recipient or "UNKNOWN", "ZZZ"],
        reference,
        syntax,
        timestamp=timestamp,
    )
    interchange.has_una_segment = True
    if repeated:
        interchange.repetition = DEFAULT_REPETITION
    edi_message = EdiMessage("1", [mapping.message, "D", "96A", "UN", mapping.association])
    edi_message.add_segments(segments)
    interchange.add_message(edi_message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = interchange.serialize(break_lines=True)
    return text.encode("latin-1" if latin else "utf-8")


def _code(table: dict, value) -> str | None:
    """The EDIFACT code of ``value`` in a code -> value ``table``."""
    return next((code for code, name in table.items() if name == value), None) if value else None


def _first(value) -> str | None:
    values = _values(value) if value is not None else []
    return values[0] if values else None


def _packages(extra: dict, schema: Schema) -> list:
    """Take the package groups (``extra[PACKAGE_KEY]``, raw segments) off ``extra``, with
    what the reader copied from them into ``extra`` (see :func:`package_extra`), and
    return them: written whole, they are read back into the same keys."""
    raw = extra.pop(PACKAGE_KEY, None)
    if not raw:
        return []
    raw = [str(r) for r in (raw if isinstance(raw, list) else [raw])]
    for key, value in package_extra(raw, schema).items():
        _subtract(extra, key, value)
    return raw


def _subtract(extra: dict, key: str, value) -> None:
    """Remove from ``extra[key]`` the values ``value`` added to it (see eancom.keep)."""
    if key not in extra:
        return
    have = extra[key]
    if key.startswith("FTX+") and isinstance(have, str) and isinstance(value, str):
        for rest in (
            "" if have == value else None,
            have[len(value) + 1 :] if have.startswith(value + " ") else None,
            have[: -len(value) - 1] if have.endswith(" " + value) else None,
        ):
            if rest is not None:
                break
        else:
            return
        if rest:
            extra[key] = rest
        else:
            extra.pop(key)
        return
    left = list(have) if isinstance(have, list) else [have]
    for item in value if isinstance(value, list) else [value]:
        if item in left:
            left.remove(item)
    if not left:
        extra.pop(key)
    else:
        extra[key] = left if len(left) > 1 else left[0]


class Repeated(list):
    """A repeated data element (syntax version 4): its occurrences, each a list of
    components; the writer joins them with the repetition separator."""


def _parsed(text: str, segment_class) -> list:
    """Segments of raw text as :func:`medtrace.edi.eancom.raw_segment` writes it (standard
    separators, ``*`` repeating an element): values unescaped, repetitions kept."""
    from .envelope import DEFAULT_REPETITION, DEFAULT_SEPARATORS, tokenize

    return [
        segment_class(
            s.tag,
            *(
                Repeated(s.repeats[i]) if i in s.repeats else element
                for i, element in enumerate(s.elements)
            ),
        )
        for s in tokenize(text + "'", DEFAULT_SEPARATORS, repetition=DEFAULT_REPETITION)
    ]


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _values(value) -> list:
    return [
        format_value(v)
        for v in (value if isinstance(value, list) else [value])
        if format_value(v) != ""
    ]


def _dtm(qualifier: str, text: str) -> list:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?", text)
    if match and match.group(4):
        return [qualifier, "".join(match.groups()), "203"]
    if match:
        return [qualifier, "".join(match.groups()[:3]), "102"]
    value, _, form = text.rpartition(":")
    return [qualifier, value, form] if value else [qualifier, text]


def extra_segments(extra, segment_class) -> list:
    """Segments writing back what a reader kept in ``extra`` (see medtrace.edi.eancom)."""
    if not isinstance(extra, dict):
        return []
    names = {key[:-5]: value for key, value in extra.items() if key.endswith(" name")}
    parts = tuple(f" {part}" for part in ("name", *PARTY_ADDRESS))
    written: set = set()  # NAD qualifiers written from a part key (no party id kept)
    codes: dict = {}  # NAD qualifier -> parties of the role written
    segments = []
    for key, value in extra.items():
        tag, _, qualifier = key.partition("+")
        if tag == "NAD" and key.endswith(parts):
            role = qualifier.rsplit(" ", 1)[0]
            if f"NAD+{role}" in extra or role in written:
                continue
            written.add(role)
            count = max(
                len(v) if isinstance(v, list) else 1
                for k, v in extra.items()
                if k.startswith(f"NAD+{role} ") and k.endswith(parts)
            )
            for index in range(count):
                name = _party_part(names, f"NAD+{role}", index)
                address = _address(extra, role, index)
                if name or any(address.values()):
                    segments.append(segment_class(*_nad(role, "", name, address)))
            continue
        for text in _values(value):
            if text.startswith(tag + "+") or text == tag:
                segments += _parsed(text, segment_class)
            elif tag == "DTM":
                segments.append(segment_class("DTM", _dtm(qualifier, text)))
            elif tag in ("RFF", "QTY", "PRI", "MOA"):
                segments.append(segment_class(tag, [qualifier, text]))
            elif tag == "CUX":
                segments.append(segment_class("CUX", [qualifier, text, "9"]))
            elif tag == "NAD":
                index = codes.setdefault(qualifier, 0)
                codes[qualifier] += 1
                label = _party_part(names, key, index)
                party = _nad(qualifier, text, label, _address(extra, qualifier, index))
                segments.append(segment_class(*party))
            elif tag == "FTX":
                segments.append(segment_class("FTX", qualifier, "", "", text))
            elif tag in ("LOC", "GIN"):
                segments.append(segment_class(tag, qualifier, text))
            elif tag == "PIA":
                segments.append(segment_class("PIA", "1", [text, qualifier]))
            elif tag == "IMD":
                segments.append(segment_class("IMD", qualifier, "", ["", "", "", text]))
            elif tag in ("INV", "LIN", "BGM"):
                continue  # structure: written by the message itself
            else:
                segments.append(segment_class("FTX", FALLBACK_QUALIFIER, "", key[:17], text))
    return segments
