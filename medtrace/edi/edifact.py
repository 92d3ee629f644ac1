"""An EANCOM (UN/EDIFACT D96A) subset, read and written with pydifact.

One message per interchange. The segments used, their qualifiers and the fields they
carry are listed in docs/edi/eancom.md; the tables below are that page in code.
Fields without a dedicated segment travel in ``FTX+ZZZ++<field name>+<value>``
(a mutually defined free text whose coded reference names the field), so a message
survives a round trip whole.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import warnings

from .codecs import Limits
from .errors import WARNING, EdiError, problem
from .message import Line, Message
from .schemas import Schema
from .values import ValueProblem, format_value, is_empty, parse_value

# header field -> DTM 2005 qualifier
HEADER_DATES = {"date": "137", "expected_date": "2", "shipment_date": "11",
                "receipt_date": "50"}
# line field -> DTM 2005 qualifier
LINE_DATES = {"expiry_date": "36", "production_date": "94"}
# header field -> RFF 1153 qualifier
REFERENCES = {"order_ref": "ON", "origin_ref": "ACW", "tracking_no": "CN"}
# header field -> NAD 3035 party qualifier
PARTIES = {"consignor_code": "SU", "partner_code": "BY", "customer_code": "DP",
           "warehouse_code": "WH"}
PARTY_NAMES = {"customer_name": "DP"}
# line field -> PIA 7143 item type code (in PIA+1)
ITEM_IDS = {"product_code": "SA", "lot": "NB", "serial": "SN", "di": "ZZZ"}
NOTE_QUALIFIER = "AAI"
FALLBACK_QUALIFIER = "ZZZ"
REJECTED_QUALIFIER = "195"
PRICE_QUALIFIER = "AAA"

_SPECIFIC = (set(HEADER_DATES) | set(LINE_DATES) | set(REFERENCES) | set(PARTIES)
             | set(PARTY_NAMES) | set(ITEM_IDS)
             | {"message_id", "note", "line_no", "gtin", "product_name", "quantity", "uom",
                "quantity_rejected", "unit_price"})
_ENVELOPE = {"UNA", "UNB", "UNG", "UNE", "UNZ", "UNS", "CNT", "UNT"}
_LATIN = {"UNOA", "UNOB", "UNOC"}
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")


def _component(element, index=0) -> str:
    """Component ``index`` of an element that pydifact gives as a string or a list."""
    if isinstance(element, list):
        value = element[index] if index < len(element) else ""
    else:
        value = element if index == 0 else ""
    return value if isinstance(value, str) else ""


def _element(segment, index):
    return segment.elements[index] if index < len(segment.elements) else ""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = re.search(rb"UNB\+(UNO[A-Z])", data[:200])
    if match and match.group(1).decode() in _LATIN:
        return data.decode("latin-1")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise EdiError("encoding", position=exc.start, value=data[exc.start:exc.start + 1])


def _number(text: str) -> str:
    return text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text


def _segments(text: str):
    from pydifact.parser import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return list(Parser().parse(text))
        except Exception as exc:  # pydifact raises EDISyntaxError, sometimes others
            raise EdiError("edifact_syntax", reason=str(exc)[:200])


def _check_envelope(segments) -> None:
    """A message closed by UNT with the right segment count, an interchange by UNZ."""
    tags = [segment.tag for segment in segments]
    start = tags.index("UNH")
    if "UNT" not in tags[start:]:
        raise EdiError("edifact_incomplete", value="UNT")
    end = tags.index("UNT", start)
    count = _component(_element(segments[end], 0))
    if count != str(end - start + 1):
        raise EdiError("edifact_incomplete", value=f"UNT+{count[:10]}")
    if "UNB" in tags and "UNZ" not in tags[end:]:
        raise EdiError("edifact_incomplete", value="UNZ")


def decode_edifact(data: bytes, schema: Schema, mapping, limits: Limits) -> Message:
    if schema.edifact is None:
        raise EdiError("format_unsupported", message_type=schema.name, format="EDIFACT")
    if b"\x00" in data:
        raise EdiError("binary", position=data.index(b"\x00"), format="EDIFACT")
    segments = _segments(_text(data))
    messages = sum(1 for s in segments if s.tag == "UNH")
    if messages == 0:
        raise EdiError("edifact_no_message")
    if messages > 1:
        raise EdiError("edifact_multiple", count=messages)
    _check_envelope(segments)
    header_names, line_names = set(schema.header_names), set(schema.line_names)
    header: dict = {}
    lines: list[Line] = []
    problems = []
    current: Line | None = None

    def put(name, value, number):
        if is_empty(value):
            return
        if current is None and name in header_names:
            header[name] = value
        elif current is not None and name in line_names:
            current.values[name] = value
        else:
            problems.append(problem("unknown_column", line=number, value=name,
                                    severity=WARNING, message_type=schema.name))

    for number, segment in enumerate(segments, start=1):
        tag = segment.tag
        if tag in _ENVELOPE:
            continue
        if tag == "UNH":
            found = _component(_element(segment, 1))
            if found != schema.edifact.message:
                raise EdiError("edifact_wrong_message", found=found[:20], message_type=schema.name,
                               expected=schema.edifact.message)
        elif tag == "BGM":
            code = _component(_element(segment, 0))
            if code != schema.edifact.document_code:
                raise EdiError("edifact_wrong_document", found=code[:20],
                               message_type=schema.name, expected=schema.edifact.document_code)
            put("message_id", _component(_element(segment, 1)), number)
        elif tag == "DTM":
            qualifier = _component(_element(segment, 0))
            value = _component(_element(segment, 0), 1)
            form = _component(_element(segment, 0), 2) or "102"
            table = LINE_DATES if current is not None else HEADER_DATES
            name = next((n for n, q in table.items() if q == qualifier), None)
            if name is None:
                problems.append(problem("edifact_ignored_segment", line=number,
                                        value=f"DTM+{qualifier}", severity=WARNING))
            elif form not in ("102", "203"):
                problems.append(problem("edifact_date_format", line=number, field=name,
                                        value=form))
            else:
                put(name, value[:8] if form == "203" else value, number)
        elif tag == "RFF":
            qualifier = _component(_element(segment, 0))
            name = next((n for n, q in REFERENCES.items() if q == qualifier), None)
            if name:
                put(name, _component(_element(segment, 0), 1), number)
            else:
                problems.append(problem("edifact_ignored_segment", line=number,
                                        value=f"RFF+{qualifier}", severity=WARNING))
        elif tag == "NAD":
            qualifier = _component(_element(segment, 0))
            names = [n for n, q in PARTIES.items() if q == qualifier and n in header_names]
            if not names:
                problems.append(problem("edifact_ignored_segment", line=number,
                                        value=f"NAD+{qualifier}", severity=WARNING))
                continue
            put(names[0], _component(_element(segment, 1)), number)
            party_name = _component(_element(segment, 3))
            for name, q in PARTY_NAMES.items():
                if q == qualifier and name in header_names:
                    put(name, party_name, number)
        elif tag == "FTX":
            qualifier = _component(_element(segment, 0))
            text = "".join(_component(_element(segment, 3), i) for i in range(5))
            if qualifier == NOTE_QUALIFIER:
                put("note", text, number)
            elif qualifier == FALLBACK_QUALIFIER:
                put(_component(_element(segment, 2)), text, number)
            else:
                problems.append(problem("edifact_ignored_segment", line=number,
                                        value=f"FTX+{qualifier}", severity=WARNING))
        elif tag == "LIN":
            if len(lines) >= limits.max_lines:
                raise EdiError("too_many_lines", maximum=limits.max_lines)
            current = Line(number, {})
            lines.append(current)
            put("line_no", _component(_element(segment, 0)), number)
            put("gtin", _component(_element(segment, 2)), number)
        elif tag == "PIA" and current is not None:
            for element in segment.elements[1:]:
                code = _component(element, 1)
                name = next((n for n, c in ITEM_IDS.items() if c == code), None)
                if name:
                    put(name, _component(element), number)
        elif tag == "IMD" and current is not None:
            put("product_name", _component(_element(segment, 2), 3), number)
        elif tag == "QTY" and current is not None:
            qualifier = _component(_element(segment, 0))
            value = _number(_component(_element(segment, 0), 1))
            if qualifier == schema.edifact.quantity_qualifier:
                put("quantity", value, number)
                put("uom", _component(_element(segment, 0), 2), number)
            elif qualifier == REJECTED_QUALIFIER:
                put("quantity_rejected", value, number)
            else:
                problems.append(problem("edifact_ignored_segment", line=number,
                                        value=f"QTY+{qualifier}", severity=WARNING))
        elif tag == "PRI" and current is not None:
            put("unit_price", _number(_component(_element(segment, 0), 1)), number)
        else:
            problems.append(problem("edifact_ignored_segment", line=number, value=tag[:10],
                                    severity=WARNING))
    return Message(schema.name, header, lines, format="edifact", problems=problems)


# -- writing -----------------------------------------------------------------------------

def _date(value) -> str:
    text = format_value(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    return "".join(match.groups()) if match else text


def _party(code: str) -> list[str]:
    return [code, "", "9" if code.isdigit() and len(code) == 13 else "92"]


def _interchange_class():
    from pydifact.segmentcollection import Interchange
    from pydifact.segments import Segment

    class _Interchange(Interchange):
        """pydifact's Interchange, writing CCYYMMDD in UNB when syntax version 4."""

        def get_header_segment(self):
            if self.syntax_identifier[1] < 4:
                return super().get_header_segment()
            return Segment(self.HEADER_TAG, [self.syntax_identifier[0], "4"], self.sender,
                           self.recipient, [f"{self.timestamp:%Y%m%d}", f"{self.timestamp:%H%M}"],
                           self.control_reference)

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
    segments = [Segment("BGM", mapping.document_code, head["message_id"], "9")]
    for name, qualifier in HEADER_DATES.items():
        if head.get(name):
            segments.append(Segment("DTM", [qualifier, _date(head[name]), "102"]))
    if head.get("note"):
        segments.append(Segment("FTX", NOTE_QUALIFIER, "", "", head["note"]))
    for field in schema.header:
        if field.name not in _SPECIFIC and head.get(field.name):
            segments.append(Segment("FTX", FALLBACK_QUALIFIER, "", field.name,
                                    head[field.name]))
    for name, qualifier in REFERENCES.items():
        if head.get(name):
            segments.append(Segment("RFF", [qualifier, head[name]]))
    for name, qualifier in PARTIES.items():
        if head.get(name):
            party = ["NAD", qualifier, _party(head[name])]
            names = [n for n, q in PARTY_NAMES.items() if q == qualifier and head.get(n)]
            if names:
                party += ["", head[names[0]]]
            segments.append(Segment(*party))
    for index, line in enumerate(message.lines, start=1):
        row = {f.name: format_value(line.values.get(f.name)) for f in schema.lines}
        lin = ["LIN", row.get("line_no") or str(index)]
        if row.get("gtin"):
            lin += ["", [row["gtin"], "SRV"]]
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
        for name, qualifier in LINE_DATES.items():
            if row.get(name):
                segments.append(Segment("DTM", [qualifier, _date(row[name]), "102"]))
        for field in schema.lines:
            if field.name not in _SPECIFIC and row.get(field.name):
                segments.append(Segment("FTX", FALLBACK_QUALIFIER, "", field.name,
                                        row[field.name]))
        if row.get("unit_price"):
            segments.append(Segment("PRI", [PRICE_QUALIFIER, row["unit_price"]]))
    segments.append(Segment("UNS", "S"))
    segments.append(Segment("CNT", ["2", str(len(message.lines))]))

    texts = [str(v) for v in list(head.values()) + [
        format_value(v) for line in message.lines for v in line.values.values()]]
    latin = all(_encodable(t, "latin-1") for t in texts)
    syntax = ("UNOC", 3) if latin else ("UNOW", 4)
    if schema.direction == "inbound":
        sender, recipient = head.get("consignor_code"), head.get("partner_code")
    else:
        sender, recipient = head.get("partner_code"), head.get("consignor_code")
    try:
        date = parse_value(schema.field("date"), message.header.get("date"))
    except ValueProblem:
        date = None
    timestamp = datetime.datetime.combine(date or datetime.date(2000, 1, 1), datetime.time())
    reference = str(int(hashlib.sha256(head["message_id"].encode()).hexdigest(), 16)
                    % 10**14)
    interchange = _interchange_class()(
        [sender or "UNKNOWN", "ZZZ"], [recipient or "UNKNOWN", "ZZZ"], reference, syntax,
        timestamp=timestamp)
    interchange.has_una_segment = True
    edi_message = EdiMessage("1", [mapping.message, "D", "96A", "UN", mapping.association])
    edi_message.add_segments(segments)
    interchange.add_message(edi_message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = interchange.serialize(break_lines=True)
    return text.encode("latin-1" if latin else "utf-8")


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
