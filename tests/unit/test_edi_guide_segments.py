"""Every segment the EANCOM 2002 guides list for a message is read: a field or extra.

docs/edi/eancom.md ("EANCOM 2002 segments per message") lists, per message, the
segments of the GS1 guide's structure chart. Each one is put in the header and in a line
of a message of that type; its content must reach the Message (a field or extra) with no
``edifact_ignored_segment`` warning. A segment the docs list and the reader loses, or a
message type without its row, fails here.
"""

import json
import re
from pathlib import Path

import pytest

from medtrace import edi

DOCS = Path(__file__).resolve().parents[2] / "docs" / "edi" / "eancom.md"
STRUCTURE = {"UNH", "BGM", "UNS", "CNT", "UNT", "LIN"}
#: message -> (suite type, BGM code, a line's main quantity)
TYPES = {
    "ORDERS": ("purchase_order", "220", "QTY+21:2"),
    "ORDRSP": ("order_response", "231", "QTY+113:2"),
    "DESADV": ("shipment_confirmation", "351", "QTY+12:2"),
    "RECADV": ("receipt_confirmation", "632", "QTY+48:2"),
    "INVRPT": ("stock_statement", "35", "QTY+145:2"),
    "SLSRPT": ("usage_report", "73E", "QTY+153:2"),
    "INVOIC": ("invoice", "380", "QTY+47:2"),
}
#: a segment of each tag with an unusual qualifier and a marker its content must keep
SAMPLES = {
    "DTM": ("DTM+ZZQ:20241231:102", "2024-12-31"),
    "QTY": ("QTY+ZZQ:4242", "4242"),
    "MOA": ("MOA+ZZQ:4242", "4242"),
    "PRI": ("PRI+ZZQ:4242", "4242"),
    "PIA": ("PIA+1+MARK77:ZZQ", "MARK77"),
    "IMD": ("IMD+ZZQ++:::MARK77", "MARK77"),
    "FTX": ("FTX+ZZQ+++MARK77", "MARK77"),
    "RFF": ("RFF+ZZQ:MARK77", "MARK77"),
    "CUX": ("CUX+ZZQ:MARK77", "MARK77"),
    "INV": ("INV+MARK77", "MARK77"),
    "CPS": ("CPS+MARK77", "MARK77"),
}


def _guide() -> dict:
    text = DOCS.read_text("utf-8")
    section = text.split("## EANCOM 2002 segments per message", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| ([A-Z]{6}) \| ([A-Z ]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).split()
    return rows


GUIDE = _guide()
CASES = [
    (message, tag, where)
    for message, tags in sorted(GUIDE.items())
    for tag in tags
    if tag not in STRUCTURE
    for where in ("header", "line")
]


def test_every_eancom_message_has_its_row():
    assert set(GUIDE) == set(TYPES)
    assert all({"UNH", "BGM", "LIN", "UNT"} <= set(tags) for tags in GUIDE.values())


def _interchange(message: str, segment: str, where: str) -> bytes:
    _suite, code, quantity = TYPES[message]
    head = [f"BGM+{code}+D1+9", "DTM+137:20250601:102", "NAD+SU+4012345000009::9"]
    line = ["LIN+1++4012345000016:EN", quantity]
    (head if where == "header" else line).append(segment)
    body = [f"UNH+1+{message}:D:01B:UN:EAN010", *head, *line]
    body.append(f"UNT+{len(body) + 1}+1")
    return ("UNB+UNOC:3+A:14+B:14+250601:0830+R'" + "'".join(body) + "'UNZ+1+R'").encode()


@pytest.mark.parametrize(("message", "tag", "where"), CASES)
def test_a_guide_segment_is_not_dropped(message, tag, where):
    segment, marker = SAMPLES.get(tag, (f"{tag}+ZZQ+MARK77", "MARK77"))
    decoded = edi.decode(_interchange(message, segment, where), TYPES[message][0])
    found = json.dumps(
        [decoded.header, [line.values for line in decoded.lines]], default=str, ensure_ascii=False
    )
    assert marker in found, f"{segment} ({where}) is lost: {found}"
    assert not [p for p in decoded.problems if p.code == "edifact_ignored_segment"], segment


def test_a_package_group_without_lines_is_kept_in_the_header():
    # the GS1 DESADV example's hierarchy: CPS+1 the consignment (2 pallets), CPS+2+1 a
    # pallet in it with the line; a last CPS+3+1 without lines
    data = (
        b"UNH+ME000001+DESADV:D:01B:UN:EAN007'BGM+351+DES587441+9'DTM+137:20020401:102'"
        b"NAD+SU+5411234512309::9'CPS+1'PAC+2++201::9'CPS+2+1'PAC+1++201::9'"
        b"MEA+PD+AAB+KGM:263.2'LIN+1++5410738000152:SRV'QTY+12:20'CPS+3+1'PAC+1++202::9'"
        b"UNT+15+ME000001'"
    )
    message = edi.decode(data, "shipment_confirmation")
    assert message.header["extra"] == {
        "CPS+1": "CPS+1",
        "PAC+2": "PAC+2++201::9",
        "CPS+3": "CPS+3+1",
        "PAC+1": "PAC+1++202::9",
        # the groups themselves, whole and in order, for the writer
        "CPS group": ["CPS+1", "PAC+2++201::9", "CPS+3+1", "PAC+1++202::9"],
    }
    assert message.lines[0].values["extra"] == {
        "CPS+2": "CPS+2+1",
        "PAC+1": "PAC+1++201::9",
        "MEA+PD": "MEA+PD+AAB+KGM:263.2",
        "CPS group": ["CPS+2+1", "PAC+1++201::9", "MEA+PD+AAB+KGM:263.2"],
    }
