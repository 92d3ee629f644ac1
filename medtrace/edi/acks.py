"""Acknowledgements of a received interchange: CONTRL, APERAK, ORDRSP (bytes, no Odoo).

* :func:`contrl` - UN/EDIFACT syntax and service report (CONTRL D:3): the interchange
  accepted (UCI action 7) or rejected (4), per message a UCM, per envelope problem a UCS
  with the segment position and the 0085 syntax error code, per wrong data element a UCS
  and a UCD naming the element and component (:func:`element_errors`).
* :func:`aperak` - EANCOM application error and acknowledgement (APERAK D:96A EAN001):
  the message acknowledged (RFF), and per problem an ERC and an FTX+AAO holding the line
  and the problem's English text.
* :func:`ordrsp` - EANCOM order response (ORDRSP D:96A EAN005) to an order accepted
  (BGM 1225 = 29) or changed (4): each line accepted (LIN 1229 = 5), changed (3) or not
  accepted (7) with its quantity (QTY+21 ordered, QTY+113 to be delivered).
"""

from __future__ import annotations

import datetime

from .envelope import ERR_UNSPECIFIED, EdifactMessage, Interchange

#: reader problems found in one data element: problem code -> (0085 syntax error code,
#: element position, component position), both counted from 1 after the tag as S011
#: counts them: 12 invalid value (DTM C507 2379 format, PRI C509 5284 unit price basis)
ELEMENT_ERRORS = {"edifact_date_format": ("12", 1, 3), "edifact_price_basis": ("12", 1, 5)}

_ESCAPE = str.maketrans({"?": "??", ":": "?:", "+": "?+", "'": "?'"})


def _esc(value) -> str:
    return str(value if value is not None else "").translate(_ESCAPE)


def _segment(tag: str, *elements) -> str:
    parts = [tag]
    for element in elements:
        if isinstance(element, list | tuple):
            parts.append(":".join(_esc(c) for c in element).rstrip(":"))
        else:
            parts.append(_esc(element))
    return "+".join(parts).rstrip("+") + "'"


def _interchange(
    body: list[list[str]],
    received: Interchange,
    reference: str,
    when,
    message_type: str,
    identifier: list,
) -> bytes:
    """UNA..UNZ around one message per ``body`` item, sender and recipient swapped."""
    when = when or datetime.datetime(2000, 1, 1)
    syntax = (
        received.syntax if received.syntax in ("UNOA", "UNOB", "UNOC", "UNOW", "UNOY") else "UNOC"
    )
    version = "4" if syntax in ("UNOW", "UNOY") else "3"
    date = f"{when:%Y%m%d}" if version == "4" else f"{when:%y%m%d}"
    lines = [
        "UNA:+.? '",
        _segment(
            "UNB",
            [syntax, version],
            [received.recipient or "UNKNOWN", received.recipient_qualifier],
            [received.sender or "UNKNOWN", received.sender_qualifier],
            [date, f"{when:%H%M}"],
            reference,
        ),
    ]
    for number, segments in enumerate(body, start=1):
        ref = f"{reference[:10]}{number}"[-14:]
        message = [_segment("UNH", ref, identifier), *segments]
        lines += message
        lines.append(_segment("UNT", str(len(message) + 1), ref))
    lines.append(_segment("UNZ", str(len(body)), reference))
    text = "\n".join(lines) + "\n"
    return text.encode("utf-8" if syntax in ("UNOW", "UNOY") else "latin-1", errors="replace")


def contrl(
    received: Interchange,
    rejected=None,
    *,
    reference: str = "1",
    when: datetime.datetime | None = None,
) -> bytes:
    """A CONTRL for ``received`` (from :func:`~medtrace.edi.decode_interchange`).

    Envelope problems found while splitting (wrong counts, references, missing UNZ) reject
    the message or the interchange they belong to. ``rejected`` maps more message
    references (UNH 0062) to a list of ``(segment position, 0085 code)`` pairs, for
    syntax errors found by the caller (position None: the message as a whole), or of
    ``(segment position, 0085 code, element, component)`` for an error in one data
    element (a UCS then a UCD), as :func:`element_errors` gives them.
    """
    rejected = dict(rejected or {})
    interchange_errors = [
        (item.params.get("segment", ""), code) for item, code in received.problems
    ]
    action = "4" if interchange_errors else "7"
    uci = [
        "UCI",
        received.control_reference,
        [received.sender, received.sender_qualifier],
        [received.recipient, received.recipient_qualifier],
        action,
    ]
    if interchange_errors:
        tag, code = interchange_errors[0]
        uci += [code, tag if tag in ("UNB", "UNZ", "UNA") else ""]
    segments = [_segment(*uci)]
    for message in received.messages:
        errors = [(item.line, code) for item, code in message.problems]
        errors += [tuple(error) for error in rejected.get(message.reference, [])]
        ucm = [
            message.reference,
            [message.type, message.version, message.release, message.agency, message.association],
        ]
        if errors or action == "4":
            ucm += ["4", errors[0][1] if errors else ERR_UNSPECIFIED]
        else:
            ucm += ["7"]
        segments.append(_segment("UCM", *ucm))
        start = message.segments[0].number
        for position, code, *where in errors:
            if position is None:
                continue
            if where:  # an element: the UCS locates the segment, the UCD the element
                segments.append(_segment("UCS", str(position - start + 1)))
                segments.append(_segment("UCD", code, [str(n) for n in where]))
            else:
                segments.append(_segment("UCS", str(position - start + 1), code))
    return _interchange([segments], received, reference, when, "CONTRL", ["CONTRL", "D", "3", "UN"])


def element_errors(problems) -> list[tuple]:
    """The CONTRL entries (``rejected`` of :func:`contrl`) of the reader's problems that
    lie in one data element (:data:`ELEMENT_ERRORS`): ``(segment position, 0085 code,
    element, component)``. ``problems`` are Problems, or any objects with ``code`` and
    ``line`` (the segment's position in the interchange)."""
    found = []
    for item in problems:
        where = ELEMENT_ERRORS.get(getattr(item, "code", None))
        if where and getattr(item, "line", None):
            found.append((item.line, *where))
    return found


def _message_of(received: Interchange, message: EdifactMessage | int | None):
    if isinstance(message, EdifactMessage):
        return message
    return received.messages[(message or 1) - 1]


def aperak(
    received: Interchange,
    problems,
    *,
    message=None,
    reference: str = "1",
    document_number: str | None = None,
    when: datetime.datetime | None = None,
) -> bytes:
    """An APERAK telling the sender of ``message`` (an EdifactMessage of ``received`` or
    its position, default the first) what is wrong with it: ``problems`` as returned by
    :func:`~medtrace.edi.validate` (warnings left out). No error: an acknowledgement."""
    subject = _message_of(received, message)
    when = when or datetime.datetime(2000, 1, 1)
    errors = [p for p in problems if getattr(p, "is_error", True)]
    segments = [
        _segment(
            "BGM",
            ["305" if not errors else "12E", "", "9"],
            document_number or f"APERAK-{subject.reference}",
            "9",
        ),
        _segment("DTM", ["137", f"{when:%Y%m%d%H%M}", "203"]),
        _segment("RFF", ["ACW", subject.reference]),
    ]
    if subject.document_number:
        segments.append(
            _segment("RFF", ["DQ" if subject.type == "DESADV" else "ON", subject.document_number])
        )
    if received.sender:
        segments.append(_segment("NAD", "MR", [received.sender, "", "9"]))
    if received.recipient:
        segments.append(_segment("NAD", "MS", [received.recipient, "", "9"]))
    for item in errors:
        segments.append(_segment("ERC", [item.code[:8], "", "ZZZ"]))
        where = f"line {item.line}: " if item.line is not None else ""
        text = f"{where}{item.text}"
        chunks = [text[i : i + 70] for i in range(0, min(len(text), 350), 70)]
        segments.append(_segment("FTX", "AAO", "", "", chunks))
        if item.line is not None:
            segments.append(_segment("RFF", ["LI", str(item.line)]))
    return _interchange(
        [segments], received, reference, when, "APERAK", ["APERAK", "D", "96A", "UN", "EAN001"]
    )


ACCEPTED, CHANGED, REFUSED = "accepted", "changed", "refused"
_LINE_ACTIONS = {ACCEPTED: "5", CHANGED: "3", REFUSED: "7"}


def ordrsp(
    received: Interchange,
    order,
    responses=None,
    *,
    message=None,
    reference: str = "1",
    document_number: str | None = None,
    when: datetime.datetime | None = None,
) -> bytes:
    """An ORDRSP answering ``order`` (the decoded Message of ``message`` in ``received``).

    ``responses`` maps a line's position in ``order.lines`` (1 = first) to ``(status,
    quantity)``: status ``"accepted"``, ``"changed"`` (with the quantity to be delivered)
    or ``"refused"``; lines not named are accepted as ordered. The order is accepted
    (BGM 1225 = 29) when every line is, changed (4) otherwise.
    """
    subject = _message_of(received, message)
    when = when or datetime.datetime(2000, 1, 1)
    responses = dict(responses or {})
    statuses = [responses.get(i, (ACCEPTED, None))[0] for i in range(1, len(order.lines) + 1)]
    for status in statuses:
        if status not in _LINE_ACTIONS:
            raise ValueError(f"line status {status!r}: expected one of {', '.join(_LINE_ACTIONS)}")
    function = "29" if all(s == ACCEPTED for s in statuses) else "4"
    head = order.header
    segments = [
        _segment(
            "BGM", "231", document_number or f"ORDRSP-{head.get('message_id') or ''}", function
        ),
        _segment("DTM", ["137", f"{when:%Y%m%d}", "102"]),
        _segment("RFF", ["ON", head.get("order_ref") or head.get("message_id") or ""]),
    ]
    if head.get("partner_code"):
        segments.append(_segment("NAD", "BY", [head["partner_code"], "", "9"]))
    if head.get("consignor_code"):
        segments.append(_segment("NAD", "SU", [head["consignor_code"], "", "9"]))
    for index, line in enumerate(order.lines, start=1):
        values = line.values
        status, quantity = responses.get(index, (ACCEPTED, None))
        lin = [values.get("line_no") or index, _LINE_ACTIONS[status]]
        if values.get("gtin"):
            lin.append([values["gtin"], "SRV"])
        segments.append(_segment("LIN", *[str(x) if not isinstance(x, list) else x for x in lin]))
        if values.get("product_code"):
            segments.append(_segment("PIA", "5", [values["product_code"], "SA"]))
        ordered = values.get("quantity")
        if ordered not in (None, ""):
            segments.append(_segment("QTY", ["21", str(ordered)]))
        delivered = "0" if status == REFUSED else (quantity if quantity is not None else ordered)
        if delivered not in (None, ""):
            segments.append(_segment("QTY", ["113", str(delivered)]))
    segments.append(_segment("UNS", "S"))
    segments.append(_segment("CNT", ["2", str(len(order.lines))]))
    del subject
    return _interchange(
        [segments], received, reference, when, "ORDRSP", ["ORDRSP", "D", "96A", "UN", "EAN005"]
    )
