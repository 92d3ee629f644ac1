"""Syntax version 4 repetitions and NAD addresses, as trading partners send them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtrace import edi
from medtrace.edi.envelope import decode_interchange

ORDERS_V4 = (
    "UNA:+.?*'"
    "UNB+UNOC:4+4012345000009:14+5412345000013:14+20250601:0830+R1'"
    "UNH+1+ORDERS:D:01B:UN:EAN010'BGM+220+PO-1+9'DTM+137:20250601:102'"
    "NAD+BY+5412345000013::9'CTA+PD+:Ann'COM+0032 9 123?*45:TE*ann@example.org:EM'"
    "LIN+1++4012345000016:EN'QTY+21:2'UNT+8+1'UNZ+1+R1'"
)


def _segment(data, tag):
    segments = decode_interchange(data).messages[0].segments
    return next(s for s in segments if s.tag == tag)


def test_a_repeated_element_is_read_as_its_repetitions():
    com = _segment(ORDERS_V4.encode(), "COM")
    # "?*" is a released asterisk, not a repetition separator
    assert com.repetitions(0) == [["0032 9 123*45", "TE"], ["ann@example.org", "EM"]]
    assert com.get(0) == "0032 9 123*45" and com.get(0, 1) == "TE"
    assert decode_interchange(ORDERS_V4.encode()).repetition == "*"


def test_syntax_4_without_una_repeats_with_the_asterisk():
    text = ORDERS_V4.removeprefix("UNA:+.?*'").replace("123?*45", "12345")
    assert _segment(text.encode(), "COM").repetitions(0) == [
        ["0032 9 12345", "TE"],
        ["ann@example.org", "EM"],
    ]
    # COM is no field of ours: kept whole, each repetition after a "*", and written back
    message = edi.decode(text.encode(), "purchase_order")
    assert message.header["extra"]["COM+0032 9 12345"] == "COM+0032 9 12345:TE*ann@example.org:EM"
    assert "COM+0032 9 12345:TE*ann@example.org:EM'" in edi.encode(message, "edifact").decode()


@pytest.mark.parametrize(
    "dress",
    [
        lambda t: t.replace("UNA:+.?*'", "UNA:+.? '"),  # version 4, UNA names no repetition
        lambda t: t.removeprefix("UNA:+.?*'").replace("UNOC:4", "UNOC:3"),  # version 3
    ],
)
def test_without_a_repetition_separator_the_asterisk_is_text(dress):
    com = _segment(dress(ORDERS_V4.replace("123?*45", "12345")).encode(), "COM")
    assert com.repetitions(0) == [["0032 9 12345", "TE*ann@example.org", "EM"]]


_COMPONENT = st.text(alphabet=st.sampled_from(list("AZaz09 .-:+?'*")), max_size=6)
_ELEMENT = st.lists(st.lists(_COMPONENT, min_size=1, max_size=3), min_size=1, max_size=3)


def _escaped(text):
    for char in "?:+'*":
        text = text.replace(char, "?" + char)
    return text


@given(elements=st.lists(_ELEMENT, min_size=1, max_size=4))
def test_repetitions_and_released_separators_read_back(elements):
    # components of an occurrence; occurrences of an element, separated by "*"
    text = "FTX+" + "+".join(
        "*".join(":".join(_escaped(c) for c in occurrence) for occurrence in element)
        for element in elements
    )
    data = (
        "UNA:+.?*'UNB+UNOC:4+A:14+B:14+20250601:0830+R'UNH+1+ORDERS:D:01B:UN'"
        f"{text}'UNT+3+1'UNZ+1+R'"
    ).encode()
    ftx = _segment(data, "FTX")
    assert [ftx.repetitions(i) for i in range(len(elements))] == elements


def test_una_refuses_a_repetition_separator_that_is_another_separator():
    with pytest.raises(edi.EdiError, match="UNA repeats a separator") as caught:
        decode_interchange(ORDERS_V4.replace("UNA:+.?*'", "UNA:+.?+'").encode())
    assert caught.value.code == "edifact_syntax"


def test_a_typographic_apostrophe_as_terminator_is_refused_by_name():
    # the GS1 DESADV example as typed into a file (Effektor/EDIFACT message1.edi)
    data = ORDERS_V4.replace("CTA+PD+:Ann'", "CTA+PD+:Ann\u2019\n").encode()
    with pytest.raises(edi.EdiError, match=r"segment 7 holds 'CTA\+PD\+:Ann\u2019'") as caught:
        decode_interchange(data)
    assert caught.value.code == "edifact_typographic_quote"
    # in a text it is an apostrophe like any other
    name = ORDERS_V4.replace("CTA+PD+:Ann'", "CTA+PD+:Ann O\u2019Brien'").encode()
    assert _segment(name, "CTA").get(1, 1) == "Ann O\u2019Brien"


# -- NAD addresses --------------------------------------------------------------------------

DESADV = (
    "UNA:+.? 'UNB+UNOC:3+4012345000009:14+5412345000013:14+250601:0830+R2'"
    "UNH+1+DESADV:D:96A:UN:EAN008'BGM+351+DN-1+9'DTM+137:20250601:102'"
    "NAD+SU+4012345000009::9++Medi GmbH+Hauptstr. 1:Hof 2+Köln++50667+DE'"
    "NAD+DP+5412345000037::9++Ward 3+Rue Haute 5+Bruxelles+BRU+1000+BE'"
    "NAD+DP+5412345000044::9++Ward 4'"
    "NAD+DP+5412345000051::9++++Gent++9000'"
    "LIN+1++4012345000016:EN'QTY+12:2'UNT+10+1'UNZ+1+R2'"
)


def test_a_party_address_is_read_into_the_party():
    header = edi.decode(DESADV.encode(), "shipment_confirmation").header
    extra = header["extra"]
    assert header["consignor_code"] == "4012345000009"
    assert (
        extra["NAD+SU street"],
        extra["NAD+SU city"],
        extra["NAD+SU postcode"],
        extra["NAD+SU country"],
    ) == ("Hauptstr. 1, Hof 2", "Köln", "50667", "DE")
    assert "NAD+SU region" not in extra
    # three delivery parties: the first in customer_code, the others in extra; each
    # part is a list in party order, "" where a party has none
    assert header["customer_code"] == "5412345000037"
    assert extra["NAD+DP"] == ["5412345000044", "5412345000051"]
    assert extra["NAD+DP name"] == ["Ward 3", "Ward 4", ""]
    assert extra["NAD+DP street"] == ["Rue Haute 5", "", ""]
    assert extra["NAD+DP city"] == ["Bruxelles", "", "Gent"]
    assert extra["NAD+DP region"] == ["BRU", "", ""]
    assert extra["NAD+DP postcode"] == ["1000", "", "9000"]


def test_a_party_address_survives_a_round_trip():
    message = edi.decode(DESADV.encode(), "shipment_confirmation")
    data = edi.encode(message, "edifact")
    nads = [s for s in decode_interchange(data).messages[0].segments if s.tag == "NAD"]
    assert [(s.get(0), s.get(1), s.get(3), s.elements[4:]) for s in nads] == [
        (
            "SU",
            "4012345000009",
            "Medi GmbH",
            [["Hauptstr. 1", "Hof 2"], ["Köln"], [""], ["50667"], ["DE"]],
        ),
        (
            "DP",
            "5412345000037",
            "Ward 3",
            [["Rue Haute 5"], ["Bruxelles"], ["BRU"], ["1000"], ["BE"]],
        ),
        ("DP", "5412345000044", "Ward 4", []),
        ("DP", "5412345000051", "", [[""], ["Gent"], [""], ["9000"]]),
    ]
    again = edi.decode(data, "shipment_confirmation")
    assert again.header == message.header


def test_an_address_given_in_extra_is_written_in_the_party_segment():
    message = edi.example_message("shipment_confirmation")
    message.header["customer_code"] = "5412345000037"
    message.header["extra"] = {"NAD+DP city": "Gent", "NAD+ST street": "Dok Noord 3"}
    data = edi.encode(message, "edifact").decode()
    assert "NAD+DP+5412345000037::9++++Gent'" in data  # 3164 city
    assert "NAD+ST++++Dok Noord 3'" in data  # C059 street
    assert "NAD+DP city" not in data and "NAD+ST street" not in data
