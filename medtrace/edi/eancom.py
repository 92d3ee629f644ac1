"""EANCOM segments -> our Message: ORDERS, ORDRSP, DESADV, RECADV, INVRPT, SLSRPT, INVOIC.

D96A and D01B (and the other directories: the segments read here did not change).

What a segment carries and is not one of our fields is kept, by name, in
``header["extra"]`` / ``line.values["extra"]``: ``"RFF+DQ"``, ``"DTM+361"``, ``"NAD+IV"``
(and ``"NAD+IV name"``), ``"QTY+46"``, ``"PRI+AAB"``, ``"PIA+IN"``, ``"LOC+162"``,
``"FTX+ZZZ"``..., a party's address as ``"NAD+DP street"``, ``"NAD+DP city"``,
``"NAD+DP region"``, ``"NAD+DP postcode"``, ``"NAD+DP country"``; any other segment is
kept whole (``"TAX+7": "TAX+7+VAT+++:::17"``, released as :func:`raw_segment` writes it);
a DESADV line's package group (CPS, PAC, PCI, GIN... before its LIN) is copied into the
line's extra and kept whole, in order, as ``"CPS group"`` (:data:`PACKAGE_KEY`).
Nothing is dropped. docs/edi/eancom.md is this module in prose.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .errors import ERROR, WARNING, EdiError, problem
from .message import Line, Message

# header field -> DTM 2005 qualifier
HEADER_DATES = {
    "date": "137",
    "expected_date": "2",
    "shipment_date": "11",
    "receipt_date": "50",
    "due_date": "13",
}
#: DTM 2005 qualifiers also read as a header date: 140 payment due date
HEADER_DATES_READ = {"140": "due_date"}
# line field -> DTM 2005 qualifier (written; read: the profile's lists for expiry and
# production, LINE_DATES_READ for the others)
LINE_DATES = {"expiry_date": "36", "production_date": "94", "delivery_date": "2"}
LINE_DATES_READ = {"2": "delivery_date", "69": "delivery_date"}
# header field -> RFF 1153 qualifier
REFERENCES = {
    "order_ref": "ON",
    "origin_ref": "ACW",
    "tracking_no": "CN",
    "delivery_note_ref": "DQ",
}
# header field -> NAD 3035 party qualifier
PARTIES = {
    "consignor_code": "SU",
    "partner_code": "BY",
    "customer_code": "DP",
    "warehouse_code": "WH",
    "invoicee_code": "IV",
}
PARTY_NAMES = {"customer_name": "DP"}
#: a party's address, kept as ``extra["NAD+<q> <part>"]``: part -> NAD element index
#: (C059 street lines 3042 joined by ", ", 3164 city, 3229 country sub-entity,
#: 3251 postcode, 3207 country code)
PARTY_ADDRESS = {"street": 4, "city": 5, "region": 6, "postcode": 7, "country": 8}
STREET_JOIN = ", "
#: header field holding, as one text, the address of a party (NAD 3035) when the NAD
#: has one and no FTX+ZZZ gave the field: street lines, "postcode city", region,
#: country, joined by ", " (the parts stay in extra["NAD+<q> street"]...)
ADDRESS_FIELDS = {"delivery_address": "DP"}
# line field -> PIA 7143 item type code (in PIA+1)
ITEM_IDS = {"product_code": "SA", "lot": "NB", "serial": "SN", "di": "ZZZ"}
NOTE_QUALIFIER = "AAI"
FALLBACK_QUALIFIER = "ZZZ"
REJECTED_QUALIFIERS = ("195", "196")
PRICE_QUALIFIER = "AAA"
#: CNT 6069: 2 number of line items in the message, 1 algebraic total of line quantities
COUNT_LINES, COUNT_QUANTITY = "2", "1"
LINE_AMOUNT_QUALIFIER = "203"
TAX_QUALIFIER = "7"
CURRENCY_QUALIFIER = "2"
#: header field -> MOA 5025 qualifiers of the summary section (after UNS), by preference:
#: 77 invoice amount (86 message total), 79 total line items amount, 125 taxable amount,
#: 176 message total duty/tax/fee amount (else 124 tax amount: one per tax rate, added
#: up when there are several); the first one is written
HEADER_AMOUNTS = {
    "invoice_total": ("77", "86"),
    "lines_total": ("79",),
    "taxable_amount": ("125",),
    "tax_amount": ("176", "124"),
}
#: summary MOA qualifiers given once per tax rate (after each TAX): their sum is the field
PER_RATE_AMOUNTS = {"124"}
#: line field -> QTY 6063 qualifier, besides the main quantity
LINE_QUANTITIES = {"ordered_quantity": "21"}
#: BGM 1001 -> invoice_type (invoice), and back
INVOICE_TYPES = {
    "380": "invoice",
    "381": "credit_note",
    "383": "debit_note",
    "384": "corrected_invoice",
}
#: BGM 1225 message function -> response_code (order_response), and back
RESPONSE_CODES = {"29": "accepted", "4": "changed", "27": "not_accepted"}
#: LIN 1229 action -> line_action (order_response), and back
LINE_ACTIONS = {"5": "accepted", "3": "changed", "7": "not_accepted", "1": "added", "2": "deleted"}
#: main line quantity (QTY 6063) by message type, in order of preference
MAIN_QUANTITIES = {
    "purchase_order": ("21",),
    "sales_order": ("21",),
    "purchase_return": ("61", "21"),
    "sales_return": ("61", "21"),
    "stock_statement": ("145", "17", "156"),
    "stock_status": ("145", "17", "156"),
    "receipt_confirmation": ("48", "194", "46", "12"),
    "shipment_confirmation": ("12",),
    "usage_report": ("153",),
    "invoice": ("47", "12", "46"),
    "order_response": ("113",),
}
#: BGM 1001 codes accepted besides the one we write
OTHER_DOCUMENT_CODES = {
    "receipt_confirmation": ("352",),
    "usage_report": ("73",),
    "invoice": tuple(c for c in INVOICE_TYPES if c != "380"),
}
#: segments the EANCOM guides list for these messages: kept in extra without a warning
KNOWN = {
    "ALI",
    "ALC",
    "CPS",
    "CTA",
    "COM",
    "CUX",
    "DOC",
    "FTX",
    "GIR",
    "GIN",
    "HAN",
    "IMD",
    "INV",
    "LIN",
    "LOC",
    "MEA",
    "MOA",
    "NAD",
    "PAC",
    "PAI",
    "PAT",
    "PCD",
    "PCI",
    "PIA",
    "PRI",
    "QTY",
    "QVR",
    "RCS",
    "RFF",
    "RNG",
    "RTE",
    "SCC",
    "SEL",
    "SEQ",
    "STS",
    "TAX",
    "TDT",
    "TOD",
    "DTM",
    "BGM",
    "CNT",
    "UNS",
    "EQD",
    "SGP",
    "DGS",
    "ERC",
    "APR",
    "IDE",
    "FII",
}
_GROUP_START = {"SLSRPT": ("LOC",), "DESADV": ("CPS",)}
#: extra key of a DESADV line (or, for package groups without lines, of the header):
#: the segments of its package group (CPS, PAC, MEA, PCI, GIN...), whole and in order,
#: so that the writer puts the group back before the line's LIN
PACKAGE_KEY = "CPS group"
_SPECIFIC = (
    set(HEADER_DATES)
    | set(LINE_DATES)
    | set(REFERENCES)
    | set(PARTIES)
    | set(PARTY_NAMES)
    | set(ITEM_IDS)
    | set(HEADER_AMOUNTS)
    | set(LINE_QUANTITIES)
    | {
        "message_id",
        "note",
        "line_no",
        "gtin",
        "product_name",
        "quantity",
        "uom",
        "quantity_rejected",
        "unit_price",
        "amount",
        "tax_rate",
        "currency",
        "invoice_type",
        "response_code",
        "line_action",
    }
)


def number(text: str) -> str:
    """An EDIFACT number with a decimal comma as one with a point (``12,5`` -> ``12.5``)."""
    if "," in text and "." not in text and text.count(",") == 1:
        return text.replace(",", ".")
    return text


def plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def edi_date(value: str, form: str) -> str:
    """A DTM date as kept in extra: ISO for 102 and 203, else ``value:format``."""
    if form in ("102", "") and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if form == "203" and len(value) == 12 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:8]} {value[8:10]}:{value[10:]}"
    return f"{value}:{form}"


def tax_segment(rate: str, category: str = "") -> str:
    """The TAX segment of a line's VAT rate, as :func:`raw_segment` writes it."""
    text = f"TAX+{TAX_QUALIFIER}+VAT+++:::{rate}"
    return f"{text}+{category}" if category else text


def raw_segment(segment) -> str:
    """A segment as EDIFACT text with the standard separators and ``*`` as the repetition
    separator (syntax version 4): the occurrences of a repeated element joined by ``*``,
    and ``?``, ``:``, ``+``, ``'`` and ``*`` in a value released with ``?``. Read back
    with ``tokenize(text, DEFAULT_SEPARATORS, repetition="*")``."""

    def esc(text):
        for char in "?:+'*":
            text = text.replace(char, "?" + char)
        return text

    def trimmed(parts):
        # trailing empty components/elements dropped, never a released separator
        parts = list(parts)
        while parts and parts[-1] == "":
            parts.pop()
        return parts

    def element(index, components):
        occurrences = segment.repeats.get(index) if getattr(segment, "repeats", None) else None
        return "*".join(
            ":".join(trimmed(esc(c) for c in occurrence))
            for occurrence in (occurrences or [components])
        )

    elements = trimmed(element(i, e) for i, e in enumerate(segment.elements))
    return "+".join([segment.tag, *elements])


def address_text(extra: dict, qualifier: str) -> str:
    """The first ``qualifier`` party's address kept in ``extra`` as one line of text:
    street lines, "postcode city", region, country joined by ", " ("" when none)."""

    def part(name):
        value = extra.get(f"NAD+{qualifier} {name}", "")
        value = value[0] if isinstance(value, list) and value else value
        return str(value or "").strip()

    place = " ".join(p for p in (part("postcode"), part("city")) if p)
    return STREET_JOIN.join(
        p for p in (part("street"), place, part("region"), part("country")) if p
    )


def keep(extra: dict, key: str, value) -> None:
    """Add ``value`` under ``key``; a key met again becomes a list (FTX text is joined)."""
    if value in ("", None):
        return
    if key not in extra:
        extra[key] = value
    elif key.startswith("FTX+") and isinstance(extra[key], str):
        extra[key] = f"{extra[key]} {value}"
    elif isinstance(extra[key], list):
        extra[key].append(value)
    elif extra[key] != value:
        extra[key] = [extra[key], value]


class _Reader:
    def __init__(self, edi_message, schema, profile, limits):
        self.schema, self.profile, self.limits = schema, profile, limits
        self.edi = edi_message
        self.header_names, self.line_names = set(schema.header_names), set(schema.line_names)
        self.header: dict = {}
        self.extra: dict = {}
        self.lines: list[Line] = []
        self.problems: list = []
        self.current: Line | None = None
        self.line_extra: dict = {}
        self.context: dict | None = None
        self.quantities: list = []
        self.prices: list = []
        self.names: list = []
        self.base: dict = {}
        self.summary = False
        self.amounts: list = []  # (qualifier, amount) of the summary section
        self.lin_segments = 0  # LIN segments read, for CNT+2
        self.counts: list = []  # (6069 qualifier, value, segment number) of CNT
        self.context_used = False  # a line was read in the current group
        #: the segments of the current DESADV package group (CPS and what follows it up
        #: to its first LIN), whole, in order; None outside a package group
        self.package: list | None = None
        self.nad_seen: dict = {}  # "header"/"context"/"line" -> NAD qualifier -> parties seen
        mains = profile["quantity_qualifiers"].get(schema.name)
        self.mains = (
            tuple(mains)
            if mains
            else MAIN_QUANTITIES.get(schema.name, (schema.edifact.quantity_qualifier,))
        )

    # -- helpers ---------------------------------------------------------------------------
    def put(self, name, value, number_) -> bool:
        """Set a field of the header or the current line; False when it is not one."""
        if value in ("", None):
            return True
        if self.current is None and name in self.header_names:
            if self.header.get(name) not in (None, "", value):
                return False  # a second, different value: kept in extra by the caller
            self.header[name] = value
            return True
        if self.current is not None and name in self.line_names:
            if self.current.values.get(name) not in (None, "", value):
                return False
            self.current.values[name] = value
            return True
        return False

    def keep(self, key, value):
        if self.current is not None:
            keep(self.line_extra, key, value)
        elif self.context is not None:
            keep(self.context, key, value)
        else:
            keep(self.extra, key, value)

    # -- line groups -------------------------------------------------------------------------
    def close_group(self):
        """End a package (DESADV CPS) or sales point (SLSRPT LOC+162) group: one that no
        line followed (a consignment-level CPS+1 with its PAC, a sales point without
        sales) is kept in the header extra, never dropped."""
        self.close_line()
        if self.context and not self.context_used:
            for key, value in self.context.items():
                for item in value if isinstance(value, list) else [value]:
                    keep(self.extra, key, item)
            if self.package:
                self.extra.setdefault(PACKAGE_KEY, []).extend(self.package)
        self.context, self.context_used, self.package = None, False, None
        self.nad_seen.pop("context", None)

    def close_line(self):
        line = self.current
        if line is None:
            return
        if self.context is not None:
            self.context_used = True
        values = line.values
        for qualifier in self.mains:
            found = next((q for q in self.quantities if q[0] == qualifier), None)
            if found:
                values["quantity"] = found[1]
                if found[2]:
                    values.setdefault("uom", found[2])
                self.quantities.remove(found)
                break
        if "quantity_rejected" in self.line_names:
            for qualifier in REJECTED_QUALIFIERS:
                found = next((q for q in self.quantities if q[0] == qualifier), None)
                if found:
                    values["quantity_rejected"] = found[1]
                    self.quantities.remove(found)
                    break
        for name, wanted in LINE_QUANTITIES.items():
            found = next((q for q in self.quantities if q[0] == wanted), None)
            if found and name in self.line_names:
                values[name] = found[1]
                self.quantities.remove(found)
        for qualifier, value, _unit in self.quantities:
            keep(self.line_extra, f"QTY+{qualifier}", value)
        for wanted in self.profile["price_qualifiers"]:
            found = next((p for p in self.prices if p[0] == wanted), None)
            if found and "unit_price" in self.line_names:
                values["unit_price"] = found[1]
                if found[2]:
                    values["price"] = found[2]
                self.prices.remove(found)
                break
        for qualifier, value, _sent in self.prices:
            keep(self.line_extra, f"PRI+{qualifier}", value)
        free = [text for form, text in self.names if form == "F"]
        chosen = free or [text for _form, text in self.names]
        if chosen and "product_name" in self.line_names and not values.get("product_name"):
            values["product_name"] = " ".join(chosen)
        for form, text in self.names:
            if free and form != "F":
                keep(self.line_extra, f"IMD+{form}", text)
        extra = dict(self.context or {})
        for key, value in self.line_extra.items():
            keep(extra, key, value)
        if self.package:
            extra[PACKAGE_KEY] = list(self.package)
        if extra:
            values["extra"] = extra
        self.current, self.line_extra = None, {}
        self.nad_seen.pop("line", None)
        self.quantities, self.prices, self.names = [], [], []

    def open_line(self, number_, values=None):
        if len(self.lines) >= self.limits.max_lines:
            raise EdiError("too_many_lines", maximum=self.limits.max_lines)
        self.current = Line(number_, dict(values or {}))
        self.lines.append(self.current)

    # -- segments ----------------------------------------------------------------------------
    def read(self) -> Message:
        edi, schema = self.edi, self.schema
        envelope = list(edi.problems)
        if edi.interchange is not None:
            envelope += edi.interchange.problems
        self.problems += [item for item, _code in envelope]
        mapping = schema.edifact
        if edi.type != mapping.message:
            raise EdiError(
                "edifact_wrong_message",
                found=edi.type[:20],
                message_type=schema.name,
                expected=mapping.message,
            )
        codes = (
            mapping.document_code,
            *OTHER_DOCUMENT_CODES.get(schema.name, ()),
            *self.profile["document_codes"].get(schema.name, ()),
        )
        group_start = _GROUP_START.get(edi.type, ())
        for segment in edi.segments[1:-1]:
            tag = segment.tag
            if tag in group_start and (tag != "LOC" or segment.get(0) == "162"):
                self.close_group()
                self.context = {}
                self.base = {}
                if tag == "CPS":
                    self.package = []
            self.dispatch(segment, codes)
            if self.package is not None and self.current is None:
                self.package.append(raw_segment(segment))  # not the LIN, UNS ending it
        self.close_group()
        self.finish()
        self.check_counts()
        if self.extra:
            self.header["extra"] = self.extra
        return Message(
            schema.name, self.header, self.lines, format="edifact", problems=self.problems
        )

    def dispatch(self, segment, codes):
        """Read one segment: its handler, else kept whole by name in extra."""
        tag = segment.tag
        handler = getattr(self, f"seg_{tag}", None)
        if handler is not None:
            handler(segment, codes)
            return
        key = f"{tag}+{segment.get(0)}".rstrip("+")
        self.keep(key, raw_segment(segment))
        if tag not in KNOWN:
            self.problems.append(
                problem(
                    "edifact_ignored_segment",
                    line=segment.number,
                    value=tag[:10],
                    key=key[:20],
                    severity=WARNING,
                )
            )

    def finish(self):
        name = self.schema.name
        for field, qualifiers in HEADER_AMOUNTS.items():
            for qualifier in qualifiers:
                found = [a for a in self.amounts if a[0] == qualifier]
                if not found or field not in self.header_names or self.header.get(field):
                    continue
                if len(found) > 1 and qualifier in PER_RATE_AMOUNTS:
                    try:  # one per tax rate: the field is their sum, each one kept
                        self.header[field] = plain(sum((Decimal(a[1]) for a in found), Decimal(0)))
                    except InvalidOperation:
                        continue
                    break
                self.header[field] = found[0][1]
                self.amounts.remove(found[0])
                break
        for qualifier, amount in self.amounts:
            keep(self.extra, f"MOA+{qualifier}", amount)
        for field, qualifier in ADDRESS_FIELDS.items():
            if field in self.header_names and not self.header.get(field):
                text = address_text(self.extra, qualifier)
                if text:
                    self.header[field] = text
        if (
            "order_ref" in self.header_names
            and not self.header.get("order_ref")
            and self.edi.type == "ORDERS"
        ):
            self.header["order_ref"] = self.header.get("message_id")
        if (
            "receipt_date" in self.header_names
            and not self.header.get("receipt_date")
            and name == "receipt_confirmation"
            and self.header.get("date")
        ):
            self.header["receipt_date"] = self.header["date"]

    def seg_BGM(self, segment, codes):
        code = segment.get(0)
        if code not in codes:
            raise EdiError(
                "edifact_wrong_document",
                found=code[:20],
                message_type=self.schema.name,
                expected=self.schema.edifact.document_code,
            )
        self.put("message_id", segment.get(1), segment.number)
        if "invoice_type" in self.header_names:
            if code in INVOICE_TYPES:
                self.put("invoice_type", INVOICE_TYPES[code], segment.number)
            else:
                keep(self.extra, "BGM+1001", code)  # a profile's own code: kept
        function = segment.get(2)
        if "response_code" in self.header_names and function in RESPONSE_CODES:
            self.put("response_code", RESPONSE_CODES[function], segment.number)
        elif function not in ("", "9"):
            keep(self.extra, "BGM+1225", function)

    def seg_DTM(self, segment, _codes):
        qualifier, value, form = segment.get(0), segment.get(0, 1), segment.get(0, 2)
        if self.current is not None:
            if qualifier in self.profile["expiry_qualifiers"]:
                name = "expiry_date"
            elif qualifier in self.profile["production_qualifiers"]:
                name = "production_date"
            else:
                name = LINE_DATES_READ.get(qualifier)
        elif self.context is None:
            name = next(
                (n for n, q in HEADER_DATES.items() if q == qualifier),
                HEADER_DATES_READ.get(qualifier),
            )
        else:
            name = None
        if name and (name in self.line_names or name in self.header_names):
            if form in ("102", "203", ""):
                if self.put(name, value[:8], segment.number):
                    return
            else:
                self.problems.append(
                    problem("edifact_date_format", line=segment.number, field=name, value=form)
                )
                return
        self.keep(f"DTM+{qualifier}", edi_date(value, form))

    def seg_RFF(self, segment, _codes):
        qualifier, value = segment.get(0), segment.get(0, 1)
        name = next((n for n, q in REFERENCES.items() if q == qualifier), None)
        if name and self.context is None and self.put(name, value, segment.number):
            return
        self.keep(f"RFF+{qualifier}", value)

    def seg_NAD(self, segment, _codes):
        qualifier, code = segment.get(0), segment.get(1)
        party_name = " ".join(
            c for c in (segment.elements[3] if len(segment.elements) > 3 else []) if c
        ) or " ".join(c for c in (segment.elements[2] if len(segment.elements) > 2 else []) if c)
        names = [n for n, q in PARTIES.items() if q == qualifier and n in self.header_names]
        if names and self.current is None and self.context is None:
            if not self.put(names[0], code, segment.number):
                self.keep(f"NAD+{qualifier}", code)  # a second party of the role
            labels = [
                n for n, q in PARTY_NAMES.items() if q == qualifier and n in self.header_names
            ]
            if labels and party_name and self.put(labels[0], party_name, segment.number):
                party_name = ""
        else:
            self.keep(f"NAD+{qualifier}", code)
        self.keep_party(segment, qualifier, party_name)

    def keep_party(self, segment, qualifier, party_name):
        """The party's name and address in ``NAD+<q> name/street/city/region/postcode/
        country``; with several parties of one role in a scope, each key is a list in
        party order ("" for a party without that part)."""
        if self.current is not None:
            scope, seen = self.line_extra, self.nad_seen.setdefault("line", {})
        elif self.context is not None:
            scope, seen = self.context, self.nad_seen.setdefault("context", {})
        else:
            scope, seen = self.extra, self.nad_seen.setdefault("header", {})
        index = seen.get(qualifier, 0)
        seen[qualifier] = index + 1
        elements = segment.elements
        for part, position in {"name": None, **PARTY_ADDRESS}.items():
            if position is None:
                value = party_name
            else:
                parts = elements[position] if position < len(elements) else []
                join = STREET_JOIN if part == "street" else ""
                value = join.join(c.strip() for c in parts if c.strip())
            key = f"NAD+{qualifier} {part}"
            if index == 0 or key not in scope and not value:
                if value:
                    scope[key] = value
                continue
            before = scope.get(key, "")
            before = list(before) if isinstance(before, list) else [before]
            scope[key] = (before + [""] * index)[:index] + [value]

    def seg_FTX(self, segment, _codes):
        qualifier = segment.get(0)
        text = "".join(segment.get(3, i) for i in range(5))
        if qualifier == NOTE_QUALIFIER and self.context is None:
            note = self.header.get("note") if self.current is None else None
            if self.current is None and "note" in self.header_names:
                self.header["note"] = f"{note} {text}" if note else text
                return
        elif qualifier == FALLBACK_QUALIFIER and segment.get(2):
            field = segment.get(2)
            if self.put(field, text, segment.number):
                return
            names = self.line_names if self.current is not None else self.header_names
            if field not in names:
                self.problems.append(
                    problem(
                        "unknown_column",
                        line=segment.number,
                        value=field,
                        severity=WARNING,
                        message_type=self.schema.name,
                    )
                )
                return
        self.keep(f"FTX+{qualifier}", text)

    def seg_CUX(self, segment, _codes):
        if not (self.current is None and self.put("currency", segment.get(0, 1), segment.number)):
            self.keep(f"CUX+{segment.get(0)}", segment.get(0, 1))

    def seg_LOC(self, segment, _codes):
        qualifier, place = segment.get(0), segment.get(1)
        if (
            self.current is not None
            and qualifier in ("14", "18", "19", "7")
            and self.put("location", place, segment.number)
        ):
            return
        self.keep(f"LOC+{qualifier}", place)

    def seg_LIN(self, segment, _codes):
        self.lin_segments += 1
        self.close_line()
        self.open_line(segment.number)
        self.put("line_no", segment.get(0), segment.number)
        item, kind = segment.get(2), segment.get(2, 1)
        mode = self.profile["lin_item_id"]
        if item:
            if mode == "gtin" or (
                mode == "typed"
                and (
                    kind in self.profile["gtin_types"]
                    or (not kind and item.isdigit() and len(item) in (8, 12, 13, 14))
                )
            ):
                self.put("gtin", item, segment.number)
            elif mode == "product_code" or kind in self.profile["product_code_types"] or not kind:
                if not self.put("product_code", item, segment.number):
                    self.keep(f"PIA+{kind or 'LIN'}", item)
            else:
                self.keep(f"PIA+{kind}", item)
        action = segment.get(1)
        if action and not (
            "line_action" in self.line_names
            and action in LINE_ACTIONS
            and self.put("line_action", LINE_ACTIONS[action], segment.number)
        ):
            keep(self.line_extra, "LIN+1229", action)
        self.base = dict(self.current.values)

    def seg_PIA(self, segment, _codes):
        if self.current is None:
            self.keep(f"PIA+{segment.get(0)}", raw_segment(segment))
            return
        for index in range(1, len(segment.elements)):
            item, kind = segment.get(index), segment.get(index, 1)
            if not item:
                continue
            if kind in self.profile["product_code_types"]:
                name = "product_code"
            elif kind in self.profile["gtin_types"]:
                name = "gtin"
            elif kind == "NB" and "PIA" in self.profile["lot_segments"]:
                name = "lot"
            else:
                name = {"SN": "serial", "ZZZ": "di"}.get(kind)
            if name and self.put(name, item, segment.number):
                if name in ("product_code", "gtin", "di"):
                    self.base[name] = item
                continue
            self.keep(f"PIA+{kind}", item)

    def seg_IMD(self, segment, _codes):
        form = segment.get(0) or "F"
        text = " ".join(t for t in (segment.get(2, 3), segment.get(2, 4)) if t)
        if self.current is None:
            self.keep(f"IMD+{form}", text or segment.get(2))
        elif text:
            self.names.append((form, text))
        elif segment.get(2):
            keep(self.line_extra, f"IMD+{form}", segment.get(2))

    def seg_QTY(self, segment, _codes):
        qualifier = segment.get(0)
        value, unit = number(segment.get(0, 1)), segment.get(0, 2)
        if self.current is None:
            self.keep(f"QTY+{qualifier}", value)
            return
        if (
            qualifier in self.mains
            and any(q[0] == qualifier for q in self.quantities)
            and self.edi.type == "INVRPT"
        ):
            self.close_line()  # a second stock quantity: a sub-line
            self.open_line(segment.number, self.base)
        self.quantities.append((qualifier, value, unit))

    def seg_INV(self, segment, _codes):
        if self.current is not None and (self.quantities or self.line_extra.get("INV")):
            self.close_line()
            self.open_line(segment.number, self.base)
        self.keep("INV", segment.get(0))

    def seg_PRI(self, segment, _codes):
        qualifier, price = segment.get(0), number(segment.get(0, 1))
        basis = number(segment.get(0, 4))
        if basis and basis not in ("1", "1.0"):
            try:
                price = plain(Decimal(price) / Decimal(basis))
            except (InvalidOperation, ArithmeticError):
                self.problems.append(
                    problem("edifact_price_basis", line=segment.number, value=basis, price=price)
                )
        sent = None
        if basis or segment.get(0, 5):
            sent = {
                "qualifier": qualifier,
                "amount": number(segment.get(0, 1)),
                "basis": basis,
                "unit": segment.get(0, 5),
            }
            sent = {k: v for k, v in sent.items() if v}
        if self.current is None:
            self.keep(f"PRI+{qualifier}", price)
        else:
            self.prices.append((qualifier, price, sent))

    def seg_MOA(self, segment, _codes):
        qualifier, amount = segment.get(0), number(segment.get(0, 1))
        if (
            self.current is None
            and self.summary
            and any(
                qualifier in qualifiers and field in self.header_names
                for field, qualifiers in HEADER_AMOUNTS.items()
            )
        ):
            self.amounts.append((qualifier, amount))  # resolved by finish()
            return
        if not (
            self.current is not None
            and qualifier == LINE_AMOUNT_QUALIFIER
            and self.put("amount", amount, segment.number)
        ):
            self.keep(f"MOA+{qualifier}", amount)

    def seg_TAX(self, segment, _codes):
        """``TAX+7+VAT+++:::<rate>+<category>`` of a line: tax_rate (the category kept as
        ``extra["TAX+7 category"]``); any other TAX is kept whole."""
        rate, category = segment.get(4, 3), segment.get(5)
        plain_rate = raw_segment(segment) == tax_segment(rate, category)
        if (
            self.current is not None
            and plain_rate
            and rate
            and "tax_rate" in self.line_names
            and self.put("tax_rate", number(rate), segment.number)
        ):
            keep(self.line_extra, "TAX+7 category", category)
            return
        self.keep(f"TAX+{segment.get(0)}", raw_segment(segment))

    def seg_GIN(self, segment, _codes):
        qualifier = segment.get(0)
        name = {"BX": "lot" if "GIN" in self.profile["lot_segments"] else None, "BN": "serial"}.get(
            qualifier
        )
        for index in range(1, len(segment.elements)):
            for component in segment.elements[index]:
                if not component:
                    continue
                if name and self.current is not None and self.put(name, component, segment.number):
                    continue
                self.keep(f"GIN+{qualifier}", component)

    def seg_UNS(self, segment, _codes):
        self.close_group()
        self.summary = True

    def seg_CNT(self, segment, _codes):
        """Control totals, checked against what was read (:meth:`check_counts`) and
        recomputed when written."""
        self.counts.append((segment.get(0, 0), number(segment.get(0, 1)), segment.number))

    def check_counts(self):
        """``CNT+2`` (number of line items) against the LIN segments read: an error, the
        message lost or gained lines on its way; ``CNT+1`` (total of the line quantities)
        against the sum of the lines' main quantities: a warning, senders differ in which
        quantities they add up."""
        for qualifier, value, number_ in self.counts:
            if qualifier == COUNT_LINES:
                found, severity = Decimal(self.lin_segments), ERROR
            elif qualifier == COUNT_QUANTITY:
                try:
                    found = sum(
                        (
                            Decimal(number(str(line.values.get("quantity") or 0)))
                            for line in self.lines
                        ),
                        Decimal(0),
                    )
                except InvalidOperation:
                    continue
                severity = WARNING
            else:
                continue
            try:
                expected = Decimal(value)
            except InvalidOperation:
                expected, severity = None, ERROR
            if expected != found:
                self.problems.append(
                    problem(
                        "edifact_control_total",
                        line=number_,
                        value=f"CNT+{qualifier}",
                        expected=value[:20],
                        found=plain(found),
                        severity=severity,
                    )
                )


def package_extra(segments: list, schema) -> dict:
    """What the reader copies into ``extra`` from the package groups of ``segments``
    (the raw text of :data:`PACKAGE_KEY`): each CPS starts a group, read as
    :meth:`_Reader.read` reads it, the groups' keys merged in order. The writer takes it
    off a line's (or the header's) extra, the group itself being written whole."""
    from .codecs import DEFAULT_LIMITS
    from .envelope import DEFAULT_REPETITION, DEFAULT_SEPARATORS, tokenize
    from .profiles import load_profile

    reader = _Reader(None, schema, load_profile(None), DEFAULT_LIMITS)
    found: dict = {}
    text = "".join(f"{raw}'" for raw in segments)
    parsed = tokenize(text, DEFAULT_SEPARATORS, repetition=DEFAULT_REPETITION)
    for segment in parsed:
        if segment.tag == "CPS" or reader.context is None:
            for key, value in (reader.context or {}).items():
                for item in value if isinstance(value, list) else [value]:
                    keep(found, key, item)
            reader.context, reader.nad_seen = {}, {}
        reader.dispatch(segment, ())
    for key, value in (reader.context or {}).items():
        for item in value if isinstance(value, list) else [value]:
            keep(found, key, item)
    return found


def read_message(edi_message, schema, profile, limits) -> Message:
    """Map one :class:`~medtrace.edi.envelope.EdifactMessage` to ``schema``'s Message."""
    return _Reader(edi_message, schema, profile, limits).read()
