"""Round trips of EDIFACT as partners send it: read(write(read(x))) == read(x).

What a message carries beyond our fields (a DESADV's package hierarchy, segments kept
whole, names with released characters) must come back where it was: a package group
before its line's LIN, released characters unescaped in what is kept and escaped again
when written.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace import edi

REAL = Path(__file__).resolve().parent.parent / "data" / "edifact" / "real"
CORPUS = json.loads((REAL / "corpus.json").read_text("utf-8"))
SUITE_TYPES = {
    ("ORDERS", "220"): "purchase_order",
    ("INVRPT", "35"): "stock_statement",
    ("RECADV", "632"): "receipt_confirmation",
    ("RECADV", "352"): "receipt_confirmation",
    ("DESADV", "351"): "shipment_confirmation",
    ("SLSRPT", "73E"): "usage_report",
    ("SLSRPT", "73"): "usage_report",
    ("INVOIC", "380"): "invoice",
    ("INVOIC", "381"): "invoice",
    ("ORDRSP", "231"): "order_response",
}
#: what the writer does not give back as it was read, by file: a line number the LIN
#: did not have (the writer numbers every line)
NOT_WRITTEN = {
    "pydifact_fixture_invoice1.edi": ("line_no",),
}
#: the GS1 EANCOM 2002 DESADV example (Effektor's copy): its typographic apostrophes
#: (U+2019) put back as the segment terminators they stand for, UNT counted again
GS1_DESADV = "effektor_gs1_desadv_d01b_typographic_quote.edi"


def _read(data: bytes, message_type: str):
    message = edi.decode(data, message_type)
    return message.header, [line.values for line in message.lines]


def _round_trip(message, message_type: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = edi.encode(message, "edifact")
    return data, _read(data, message_type)


def _without(values: dict, names) -> dict:
    return {k: v for k, v in values.items() if k not in names}


def _readable_messages():
    for entry in CORPUS:
        try:
            interchange = edi.decode_interchange((REAL / entry["file"]).read_bytes())
        except edi.EdiError:
            continue  # refused files: test_edi_real_corpus says why
        for found in interchange.messages[:3]:
            suite = SUITE_TYPES.get((found.type, found.document_code))
            if suite:
                yield pytest.param(entry["file"], found.position, suite, id=entry["file"])
                break


@pytest.mark.parametrize(("name", "position", "message_type"), list(_readable_messages()))
def test_a_real_message_read_written_and_read_again_is_the_same(name, position, message_type):
    interchange = edi.decode_interchange((REAL / name).read_bytes())
    first = interchange.messages[position - 1].decode(message_type)
    _data, (header, lines) = _round_trip(first, message_type)
    skip = NOT_WRITTEN.get(name, ())
    assert _without(header, skip) == _without(first.header, skip)
    assert [_without(v, skip) for v in lines] == [_without(x.values, skip) for x in first.lines]


def _gs1_desadv() -> bytes:
    text = (REAL / GS1_DESADV).read_bytes().decode("utf-8").replace("\u2019", "'")
    return text.replace("UNT+40+ME000001", "UNT+42+ME000001").encode("utf-8")


def _tags(data: bytes) -> list[str]:
    message = edi.decode_interchange(data).messages[0]
    return [
        "+".join([s.tag, *(":".join(e).rstrip(":") for e in s.elements[:2])]).rstrip("+")
        for s in message.segments
        if s.tag in ("CPS", "PAC", "PCI", "GIN", "LIN")
    ]


def test_the_gs1_desadv_keeps_its_package_hierarchy_on_a_round_trip():
    first = edi.decode(_gs1_desadv(), "shipment_confirmation")
    # the consignment (CPS+1, no line of its own) in the header; each pallet's group in
    # the lines packed on it, whole
    assert first.header["extra"]["CPS group"] == ["CPS+1", "PAC+2++201::9"]
    pallet_1 = first.lines[0].values["extra"]
    assert pallet_1["CPS group"][0] == "CPS+2+1"
    assert pallet_1["GIN+BJ"] == "354107380000001051"
    assert [line.values["extra"]["GIN+BJ"] for line in first.lines[1:]] == [
        "354107380000001068"
    ] * 3
    data, (header, lines) = _round_trip(first, "shipment_confirmation")
    assert header == first.header
    assert lines == [line.values for line in first.lines]
    # written as the GS1 example has it: each group once, before the LIN of its lines
    assert _tags(data) == [
        "CPS+1",
        "PAC+2",
        "CPS+2+1",
        "PAC+1",
        "PCI+33E",
        "GIN+BJ+354107380000001051",
        "PAC+20",
        "LIN+1",
        "CPS+3+1",
        "PAC+1",
        "PCI+33E",
        "GIN+BJ+354107380000001068",
        "PAC+20",
        "LIN+2",
        "LIN+3",
        "LIN+4",
    ]


def test_a_line_without_a_package_group_after_header_groups():
    # a group without lines at the end: written after the lines, kept in the header
    data = (
        b"UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+D1+9'DTM+137:20250601:102'"
        b"NAD+SU+4012345000009::9'LIN+1++4012345000016:EN'QTY+12:2'CPS+9'PAC+1++PK'"
        b"UNT+9+1'"
    )
    header, lines = _read(data, "shipment_confirmation")
    assert header["extra"]["CPS group"] == ["CPS+9", "PAC+1++PK"]
    written, again = _round_trip(edi.decode(data, "shipment_confirmation"), "shipment_confirmation")
    assert again == (header, lines)
    assert _tags(written) == ["LIN+1", "CPS+9", "PAC+1"]


# -- any package hierarchy -----------------------------------------------------------------

_SSCC = st.from_regex(r"3\d{17}", fullmatch=True)
_GTIN = st.sampled_from(["4012345000016", "4012345000023", "5410738000152", "05410738000169"])
_LINE = st.fixed_dictionaries(
    {"gtin": _GTIN, "quantity": st.integers(1, 999)},
    optional={"serial": st.from_regex(r"[A-Z0-9]{4,10}", fullmatch=True), "sscc": _SSCC},
)
_GROUP = st.fixed_dictionaries(
    {
        "packages": st.integers(1, 40),
        "package_type": st.sampled_from(["201", "CT", "PK", "PX"]),
        "lines": st.lists(_LINE, max_size=3),
    },
    optional={
        "sscc": _SSCC,
        "weight": st.decimals(1, 999, places=1).map(str),
        "inner": st.tuples(st.integers(1, 50), st.sampled_from(["CT", "BX"])),
    },
)


def _desadv(groups: list, parents: list) -> bytes:
    body = [
        "UNH+1+DESADV:D:01B:UN:EAN007",
        "BGM+351+DES1+9",
        "DTM+137:20250601:102",
        "NAD+SU+4012345000009::9",
        "NAD+BY+4012345000092::9",
    ]
    number = 0
    for index, (group, parent) in enumerate(zip(groups, parents, strict=True), start=1):
        body.append(f"CPS+{index}+{parent}" if parent else f"CPS+{index}")
        body.append(f"PAC+{group['packages']}++{group['package_type']}")
        if "weight" in group:
            body.append(f"MEA+PD+AAB+KGM:{group['weight']}")
        if "sscc" in group:
            body += ["PCI+33E", f"GIN+BJ+{group['sscc']}"]
        if "inner" in group:
            body.append("PAC+{}++{}".format(*group["inner"]))
        for line in group["lines"]:
            number += 1
            body += [f"LIN+{number}++{line['gtin']}:SRV", f"QTY+12:{line['quantity']}"]
            if "serial" in line:
                body.append(f"GIN+BN+{line['serial']}")
            if "sscc" in line:
                body += ["PCI+33E", f"GIN+BJ+{line['sscc']}"]
    body.append(f"CNT+2:{number}")
    body.append(f"UNT+{len(body) + 1}+1")
    return ("UNB+UNOC:3+A:14+B:14+250601:0830+R'" + "'".join(body) + "'UNZ+1+R'").encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), groups=st.lists(_GROUP, min_size=1, max_size=5))
def test_any_package_hierarchy_survives_a_round_trip(data, groups):
    parents = [data.draw(st.sampled_from(["", *map(str, range(1, i))])) for i in range(1, 6)]
    original = _desadv(groups, parents[: len(groups)])
    first = _read(original, "shipment_confirmation")
    written, again = _round_trip(
        edi.decode(original, "shipment_confirmation"), "shipment_confirmation"
    )
    assert again == first
    # each line is written after its own group's CPS (with its parent), never another's
    cps = None
    expected = [
        (f"CPS+{i}+{p}" if p else f"CPS+{i}")
        for i, (g, p) in enumerate(zip(groups, parents, strict=False), start=1)
        for _ in g["lines"]
    ]
    found = []
    for tag in _tags(written):
        if tag.startswith("CPS"):
            cps = tag
        elif tag.startswith("LIN"):
            found.append(cps)
    assert found == expected


# -- released characters in what is kept -------------------------------------------------


def test_a_real_name_with_a_released_apostrophe_is_kept_unescaped():
    # smooks' pharma RECADV: NAD+SU+FR21::91++CSP test d?'This is also a test section+...
    data = (REAL / "smooks_edg_recadv_d01b.edi").read_bytes()
    first = edi.decode(data, "receipt_confirmation")
    name = first.header["extra"]["NAD+SU name"]
    assert name == "CSP test d'This is also a test section"
    written, again = _round_trip(first, "receipt_confirmation")
    assert "CSP test d?'This is also a test section" in written.decode("utf-8")
    assert again == (first.header, [line.values for line in first.lines])


def test_a_real_name_with_a_released_plus_is_kept_unescaped():
    # php-edifact's German ORDERS: NAD+BY+4250159300001::9++A?+A K<U+FFFD>lte GmbH+...
    data = (REAL / "php_edifact_orders_d01b_latin1.edi").read_bytes()
    first = edi.decode(data, "purchase_order")
    assert first.header["extra"]["NAD+BY name"].startswith("A+A K")
    written, again = _round_trip(first, "purchase_order")
    assert "++A?+A K" in written.decode("utf-8")
    assert again == (first.header, [line.values for line in first.lines])


def _with(segments: list[str], version: str = "3") -> bytes:
    body = [
        "UNH+1+DESADV:D:01B:UN:EAN007",
        "BGM+351+D1+9",
        "DTM+137:20250601:102",
        "NAD+SU+4012345000009::9",
        *segments,
        "LIN+1++4012345000016:EN",
        "QTY+12:2",
    ]
    body.append(f"UNT+{len(body) + 1}+1")
    una = "UNA:+.?*'" if version == "4" else ""
    unb = f"UNB+UNOC:{version}+A:14+B:14+250601:0830+R'"
    return (una + unb + "'".join(body) + "'UNZ+1+R'").encode()


def test_released_characters_in_kept_segments_syntax_4():
    data = _with(
        [
            "FTX+PUR+++x?+y?:z?'w??v?*u",  # a text kept by name
            "TDT+20+A?+B:C?'D",  # segments kept whole
            "COM+a?*b:TE*c?+d:EM",  # a repeated element, "*" released in its first value
        ],
        version="4",
    )
    first = edi.decode(data, "shipment_confirmation")
    extra = first.header["extra"]
    assert extra["FTX+PUR"] == "x+y:z'w?v*u"  # unescaped
    assert extra["TDT+20"] == "TDT+20+A?+B:C?'D"  # whole, released as written
    assert extra["COM+a*b"] == "COM+a?*b:TE*c?+d:EM"  # "?*" a star, "*" a repetition
    written, again = _round_trip(first, "shipment_confirmation")
    text = written.decode("utf-8")
    assert text.startswith("UNA:+,?*'")  # a repetition separator for the COM
    assert "FTX+PUR+++x?+y?:z?'w??v?*u'" in text
    assert "COM+a?*b:TE*c?+d:EM'" in text
    com = next(s for s in edi.decode_interchange(written).messages[0].segments if s.tag == "COM")
    assert com.repetitions(0) == [["a*b", "TE"], ["c+d", "EM"]]
    assert again == (first.header, [line.values for line in first.lines])


def test_a_released_star_in_syntax_3_is_a_star():
    first = edi.decode(_with(["FTX+PUR+++5?*10 boxes"]), "shipment_confirmation")
    assert first.header["extra"]["FTX+PUR"] == "5*10 boxes"
    _written, again = _round_trip(first, "shipment_confirmation")
    assert again[0]["extra"]["FTX+PUR"] == "5*10 boxes"


_RELEASED = st.text(alphabet=st.sampled_from(list("Ab1 .-?:+'*")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s
)


def _release(text: str, specials: str) -> str:
    return "".join("?" + c if c in specials else c for c in text)


@pytest.mark.parametrize("version", ["3", "4"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(_RELEASED, min_size=3, max_size=3))
def test_any_released_text_in_kept_segments_survives(version, values):
    specials = "?:+'*"
    ali, tdt, ftx = (_release(v, specials) for v in values)
    data = _with([f"ALI+{ali}", f"TDT+20+{tdt}:X", f"FTX+PUR+++{ftx}"], version)
    first = edi.decode(data, "shipment_confirmation")
    extra = first.header["extra"]
    assert extra["FTX+PUR"] == values[2]
    tdt_kept = next(v for k, v in extra.items() if k.startswith("TDT"))
    tdt_segment = edi.decode_interchange(_with([tdt_kept], "4")).messages[0].segments[4]
    assert tdt_segment.get(1) == values[1]  # kept whole, released so it reads back
    _written, again = _round_trip(first, "shipment_confirmation")
    assert again == (first.header, [line.values for line in first.lines])


# -- a sales order's delivery address (NAD+DP) ---------------------------------------------


def _sales_order(nad_dp: str, *more: str) -> bytes:
    body = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        "BGM+227+SO-1+9",
        "DTM+137:20250601:102",
        "RFF+ON:PO-1",
        "NAD+SU+4012345000009::9",
        nad_dp,
        *more,
        "LIN+1++4012345000016:EN",
        "QTY+21:2",
    ]
    body.append(f"UNT+{len(body) + 1}+1")
    return ("UNB+UNOC:3+A:14+B:14+250601:0830+R'" + "'".join(body) + "'UNZ+1+R'").encode()


def test_the_delivery_party_s_address_is_the_sales_order_s_delivery_address():
    data = _sales_order(
        "NAD+DP+4012345000122::9+Ward 3 store+Cardiology Dept.+Main Road 1:Building B"
        "+Hohhot+NM+010010+CN"
    )
    header, _lines = _read(data, "sales_order")
    assert header["customer_code"] == "4012345000122"
    assert header["customer_name"] == "Cardiology Dept."  # C080, else C058
    assert header["delivery_address"] == "Main Road 1, Building B, 010010 Hohhot, NM, CN"
    # the parts stay, for a partner record: street lines, city, region, postcode, country
    assert {k: v for k, v in header["extra"].items() if k.startswith("NAD+DP ")} == {
        "NAD+DP street": "Main Road 1, Building B",
        "NAD+DP city": "Hohhot",
        "NAD+DP region": "NM",
        "NAD+DP postcode": "010010",
        "NAD+DP country": "CN",
    }
    written, again = _round_trip(edi.decode(data, "sales_order"), "sales_order")
    assert again[0] == header
    # written back in the NAD, not as a free text besides it
    assert (
        "NAD+DP+4012345000122::9++Cardiology Dept.+Main Road 1:Building B+Hohhot+NM+010010+CN'"
        in (written.decode("latin-1"))
    )
    assert "delivery_address" not in written.decode("latin-1")


def test_a_delivery_address_given_as_text_wins_and_is_written_as_text():
    data = _sales_order(
        "NAD+DP+K0001::92++Hospital+Main Road 1+Hohhot++010010+CN",
        "FTX+ZZZ++delivery_address+Gate 4, Main Road 1",
    )
    header, _lines = _read(data, "sales_order")
    assert header["delivery_address"] == "Gate 4, Main Road 1"
    written, again = _round_trip(edi.decode(data, "sales_order"), "sales_order")
    assert again[0] == header
    assert "FTX+ZZZ++delivery_address+Gate 4, Main Road 1'" in written.decode("latin-1")


def test_a_real_order_s_delivery_address():
    # php-edifact's German ORDERS, read as a sales order (BGM 227)
    data = (
        (REAL / "php_edifact_orders_d01b_latin1.edi").read_bytes().replace(b"BGM+220+", b"BGM+227+")
    )
    header, _lines = _read(data, "sales_order")
    assert header["customer_code"] == "4250159399005"
    assert header["delivery_address"] == "Teststra\ufffde 7, 46149 TestCity, DE"
