"""EANCOM as trading partners send it: envelopes, segments, profiles, acknowledgements."""

import datetime
import json
import warnings
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydifact.segmentcollection import Interchange as PydifactInterchange

from medtrace import edi
from medtrace.cli import main
from medtrace.edi import eancom

ORDERS = (
    "UNB+UNOC:3+4012345000009:14+5412345000013:14+250601:0830+REF42'"
    "UNH+M1+ORDERS:D:01B:UN:EAN010'BGM+220+PO-77+9'DTM+137:20250601:102'"
    "RFF+DQ:DN-1'NAD+BY+5412345000013::9'NAD+SU+4012345000009::9'NAD+IV+5412345000099::9'"
    "LIN+1++ART-9:SA'PIA+5+B-100:IN'IMD+F++:::Stent 3.0?:18 mm'IMD+F++:::drug eluting'"
    "QTY+21:4'GIN+BX+L2406'DTM+361:20270430:102'PRI+AAB:30'PRI+AAA:24.1:::100'"
    "LIN+2++04012345000016:EN'QTY+21:2'UNS+S'CNT+2:2'UNT+21+M1'UNZ+1+REF42'"
)


def _pydifact(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interchange = PydifactInterchange.from_str(data.decode("utf-8"))
        return interchange, list(interchange.get_messages())


# -- envelope ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dress",
    [
        lambda t: "\ufeffUNA:+.? '\r\n" + t.replace("'", "'\r\n"),  # BOM, CR/LF
        lambda t: "UNA:+.? ' \n" + t,  # space, newline after UNA
        lambda t: t.replace("'", "\n"),  # newline terminators
    ],
)
def test_the_envelope_as_it_occurs(dress):
    data = dress(ORDERS).encode("utf-8")
    message = edi.decode(data, "purchase_order")
    assert message.message_id == "PO-77"
    assert edi.validate(message) == []
    interchange = edi.decode_interchange(data)
    assert (
        interchange.sender,
        interchange.recipient,
        interchange.control_reference,
        interchange.syntax,
        interchange.date,
    ) == ("4012345000009", "5412345000013", "REF42", "UNOC", "2025-06-01")


def test_several_messages_and_groups_are_split():
    body = ORDERS[ORDERS.index("UNH") : ORDERS.index("UNZ")]
    second = body.replace("M1", "M2").replace("PO-77", "PO-78")
    data = (
        ORDERS[: ORDERS.index("UNH")]
        + "UNG+ORDERS+A+B+250601:0830+G1+UN+D:01B'"
        + body
        + second
        + "UNE+2+G1'UNZ+1+REF42'"
    ).encode()
    interchange = edi.decode_interchange(data)
    assert [(m.reference, m.position, m.group, m.type) for m in interchange.messages] == [
        ("M1", 1, "G1", "ORDERS"),
        ("M2", 2, "G1", "ORDERS"),
    ]
    assert [m.decode("purchase_order").message_id for m in interchange.messages] == [
        "PO-77",
        "PO-78",
    ]
    assert interchange.problems == []
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "purchase_order")
    assert caught.value.code == "edifact_multiple"


def _control_totals(text: str):
    """The control-total problems of the ORDERS ``text`` decoded and validated."""
    message = edi.decode(text.encode(), "purchase_order")
    return [p for p in edi.validate(message) if p.code == "edifact_control_total"]


def test_message_control_totals_are_checked_against_the_lines_read():
    """CNT+2 (line items) that disagrees with the LIN segments is an error naming the
    count, what it says and what was found; CNT+1 (quantity total) only a warning."""
    assert _control_totals(ORDERS) == []
    problems = _control_totals(ORDERS.replace("CNT+2:2", "CNT+2:3"))
    assert [
        (p.is_error, p.params["value"], p.params["expected"], p.params["found"]) for p in problems
    ] == [(True, "CNT+2", "3", "2")]
    assert problems[0].text == (
        "EDIFACT: CNT+2 says 3, but the message holds 2: lines were lost or added on the "
        "way, or the sender counts otherwise"
    )
    assert problems[0].line == 21  # the CNT segment, counted from UNB
    problems = _control_totals(ORDERS.replace("CNT+2:2", "CNT+1:7"))  # 4 + 2 ordered
    assert [(p.is_error, p.params["expected"], p.params["found"]) for p in problems] == [
        (False, "7", "6")
    ]
    right = ORDERS.replace("CNT+2:2", "CNT+1:6'CNT+2:2").replace("UNT+21", "UNT+22")
    assert _control_totals(right) == []
    problems = _control_totals(ORDERS.replace("CNT+2:2", "CNT+2:two"))
    assert [(p.is_error, p.params["expected"]) for p in problems] == [(True, "two")]


@pytest.mark.parametrize(
    ("data", "code", "params"),
    [
        # two interchanges one after the other in one file (seen in a retailer's SLSRPT file)
        (ORDERS + "\n" + ORDERS, "edifact_second_interchange", {"value": "UNB", "position": 24}),
        (ORDERS + "FTX+AAI+++late'", "edifact_after_end", {"segment": "FTX", "position": 24}),
        (
            ORDERS.replace("UNZ+1", "FTX+AAI+++lost'UNZ+1"),
            "edifact_outside_message",
            {"segment": "FTX", "position": 23},
        ),
    ],
)
def test_segments_out_of_place_say_where_and_what(data, code, params):
    with pytest.raises(edi.EdiError) as caught:
        edi.decode_interchange(data.encode())
    assert caught.value.code == code
    assert {k: caught.value.params[k] for k in params} == params
    text = caught.value.as_problem().text
    assert "after UNZ" not in text and "outside a message" not in text  # all translatable
    if code == "edifact_second_interchange":
        assert text == (
            f"EDIFACT: the file holds a second interchange ({params['value']} at position 24, "
            "after the first one's UNZ): send each interchange as a file of its own"
        )


def test_wrong_control_counts_say_which_and_what():
    data = ORDERS.replace("UNT+21+M1", "UNT+19+M1").replace("UNZ+1+", "UNZ+3+").encode()
    message = edi.decode(data, "purchase_order")
    texts = {p.code: p.text for p in edi.validate(message) if p.is_error}
    assert texts["edifact_control_count"] in (
        "EDIFACT: UNT counts 19 segments, but 21 were found: the interchange was cut short "
        "or altered",
        "EDIFACT: UNZ counts 3 messages, but 1 were found: the interchange was cut short "
        "or altered",
    )
    found = [
        (p.params["segment"], p.params["expected"], p.params["found"])
        for p in edi.validate(message)
        if p.code == "edifact_control_count"
    ]
    assert found == [("UNT", "21", "19"), ("UNZ", "1", "3")]
    with pytest.raises(edi.EdiError) as caught:
        edi.decode_interchange(data, strict=True)
    assert caught.value.params["segment"] == "UNT"
    bad_ref = ORDERS.replace("UNZ+1+REF42", "UNZ+1+REF43").encode()
    problems = edi.validate(edi.decode(bad_ref, "purchase_order"))
    assert [p.text for p in problems] == [
        "EDIFACT: UNZ closes reference 'REF43', but UNB opened 'REF42'"
    ]


def test_release_characters_and_latin1():
    text = ORDERS.replace("Stent 3.0?:18 mm", "Stent?: 3?+ Ø?'s ??")
    message = edi.decode(text.encode("latin-1"), "purchase_order")
    assert message.lines[0].values["product_name"] == "Stent: 3+ Ø's ? drug eluting"


# -- segments ----------------------------------------------------------------------------


def test_orders_as_partners_write_them():
    message = edi.decode(ORDERS.encode(), "purchase_order")
    header = message.header
    assert header["order_ref"] == "PO-77"  # from BGM: no RFF+ON
    assert header["extra"] == {"RFF+DQ": "DN-1", "NAD+IV": "5412345000099"}
    first, second = (line.values for line in message.lines)
    assert first["product_code"] == "ART-9" and "gtin" not in first
    assert first["extra"]["PIA+IN"] == "B-100"
    assert first["lot"] == "L2406" and first["expiry_date"] == "20270430"
    assert first["unit_price"] == "0.241"  # 24.1 per 100 units
    assert first["extra"]["PRI+AAB"] == "30"  # gross price kept, not taken as net
    assert first["price"] == {"qualifier": "AAA", "amount": "24.1", "basis": "100"}
    assert first["product_name"] == "Stent 3.0:18 mm drug eluting"
    assert second["gtin"] == "04012345000016"
    typed = edi.clean(message)
    assert typed.lines[0].values["expiry_date"] == datetime.date(2027, 4, 30)


def _pri(data: bytes) -> list[str]:
    return [s for s in data.decode().split("'") if s.lstrip("\r\n").startswith("PRI+AAA")]


def test_a_price_per_basis_quantity_is_written_back_as_the_partner_sent_it():
    """24.1 per 100 units is read as 0.241 a unit, and written as 24.1 per 100 again (a
    partner's system reads its own basis back, not a rounded unit price)."""
    message = edi.decode(ORDERS.encode(), "purchase_order")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        written = edi.encode(message, "edifact")
    assert [s.strip() for s in _pri(written)][0] == "PRI+AAA:24.1:::100"
    again = edi.decode(written, "purchase_order")
    assert again.lines[0].values["unit_price"] == "0.241"
    # a unit price changed since (the hospital's price): written as a unit price
    message.lines[0].values["unit_price"] = "0.25"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = edi.encode(message, "edifact")
    assert [s.strip() for s in _pri(changed)][0] == "PRI+AAA:0.25"


def test_receiving_advice_quantities_and_date():
    text = (
        "UNH+1+RECADV:D:96A:UN:EAN003'BGM+352+REC1+9'DTM+137:20250603:102'"
        "RFF+ON:PO-1'NAD+SU+C1::92'LIN+1++06901234567892:SRV'QTY+194:8'QTY+195:2'"
        "QTY+46:10'UNS+S'UNT+11+1'"
    )
    message = edi.decode(text.encode(), "receipt_confirmation")
    assert message.header["receipt_date"] == "20250603"  # DTM+137 when no DTM+50
    line = message.lines[0].values
    assert (line["quantity"], line["quantity_rejected"]) == ("8", "2")
    assert line["extra"] == {"QTY+46": "10"}
    assert not edi.has_errors(edi.validate(message))


def test_inventory_report_groups_and_locations():
    text = (
        "UNH+1+INVRPT:D:96A:UN:EAN008'BGM+35+INV1+9'DTM+137:20250601:102'"
        "NAD+SU+C1::92'LIN+1++06901234567892:SRV'"
        "INV+2'QTY+145:5'LOC+14+A-01'GIN+BX+L1'QTY+17:6'"
        "INV+2'QTY+145:3'LOC+14+B-02'GIN+BX+L1'UNS+S'UNT+16+1'"
    )
    message = edi.decode(text.encode(), "stock_status")
    rows = [
        (v["gtin"], v["quantity"], v.get("location"), v["lot"], v["extra"])
        for v in (line.values for line in message.lines)
    ]
    assert rows == [
        ("06901234567892", "5", "A-01", "L1", {"INV": "2", "QTY+17": "6"}),
        ("06901234567892", "3", "B-02", "L1", {"INV": "2"}),
    ]
    assert not edi.has_errors(edi.validate(message))


def test_sales_report_per_shop_with_returns():
    text = (
        "UNH+1+SLSRPT:D:96A:UN:EAN004'BGM+73E+S1+9'DTM+137:20250601:102'"
        "NAD+BY+H1::92'NAD+SU+C1::92'LOC+162+SHOP1'DTM+356:2025050120250531:718'"
        "LIN+1++06901234567892:SRV'QTY+153:3'FTX+ZZZ++lot+L1'FTX+ZZZ++usage_date+2025-05-20'"
        "LOC+162+SHOP2'LIN+2++06901234567892:SRV'QTY+153:-1'FTX+ZZZ++lot+L1'"
        "FTX+ZZZ++usage_date+2025-05-21'UNS+S'UNT+18+1'"
    )
    message = edi.decode(text.encode(), "usage_report")
    assert [line.values["extra"] for line in message.lines] == [
        {"LOC+162": "SHOP1", "DTM+356": "2025050120250531:718"},
        {"LOC+162": "SHOP2"},
    ]
    problems = edi.validate(message)
    assert [(p.code, p.severity) for p in problems] == [("negative_usage", "warning")]
    assert edi.clean(message).lines[1].values["quantity"] == Decimal(-1)


def test_unknown_segments_are_kept_whole_with_a_warning():
    text = ORDERS.replace("LIN+2", "XYZ+1+a?:b'LIN+2").replace("UNT+21", "UNT+22")
    message = edi.decode(text.encode(), "purchase_order")
    assert message.lines[0].values["extra"]["XYZ+1"] == "XYZ+1+a?:b"
    assert [(p.code, p.params["key"]) for p in message.problems] == [
        ("edifact_ignored_segment", "XYZ+1")
    ]


# -- profiles ----------------------------------------------------------------------------


def test_a_profile_changes_what_is_read():
    text = ORDERS.replace("GIN+BX+L2406'", "GIN+BX+L2406'PIA+1+P-LOT:NB'")
    text = text.replace("UNT+21", "UNT+22")
    default = edi.decode(text.encode(), "purchase_order").lines[0].values
    assert default["lot"] == "L2406"  # the first batch number read
    assert default["extra"]["PIA+NB"] == "P-LOT"  # the other one kept
    profile = {"lot_segments": ["PIA"], "expiry_qualifiers": ["36"], "lin_item_id": "product_code"}
    line = edi.decode(text.encode(), "purchase_order", profile=profile).lines[0].values
    assert line["lot"] == "P-LOT"
    assert "expiry_date" not in line and line["extra"]["DTM+361"] == "2027-04-30"
    assert line["extra"]["GIN+BX"] == "L2406"
    second = edi.decode(text.encode(), "purchase_order", profile=profile).lines[1].values
    assert second["product_code"] == "04012345000016" and "gtin" not in second


@pytest.mark.parametrize(
    ("profile", "code", "params"),
    [
        ({"lot_segment": ["GIN"]}, "profile_unknown_key", {"key": "lot_segment"}),
        ({"lot_segments": ["LOT"]}, "profile_bad_value", {"key": "lot_segments", "value": "LOT"}),
        ({"lin_item_id": "ean"}, "profile_bad_value", {"key": "lin_item_id", "value": "ean"}),
        (
            {"quantity_qualifiers": {"orders": ["21"]}},
            "profile_bad_value",
            {"key": "quantity_qualifiers", "value": "orders"},
        ),
    ],
)
def test_a_wrong_profile_is_refused_by_name(profile, code, params):
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(ORDERS.encode(), "purchase_order", profile=profile)
    assert caught.value.code == code
    assert params.items() <= caught.value.params.items()


def test_cli_validates_with_a_profile(tmp_path, capsys):
    (tmp_path / "orders.edi").write_text(ORDERS)
    (tmp_path / "p.json").write_text(json.dumps({"expiry_qualifiers": ["36"]}))
    (tmp_path / "bad.json").write_text(json.dumps({"expiry": ["36"]}))
    assert (
        main(
            [
                "edi",
                "validate",
                str(tmp_path / "orders.edi"),
                "--type",
                "purchase_order",
                "--profile",
                str(tmp_path / "p.json"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "edi",
                "validate",
                str(tmp_path / "orders.edi"),
                "--type",
                "purchase_order",
                "--profile",
                str(tmp_path / "bad.json"),
                "--json",
            ]
        )
        == 2
    )
    out = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert out["problems"][0]["code"] == "profile_unknown_key"


# -- acknowledgements ----------------------------------------------------------------------


def test_contrl_accepts_or_rejects_with_segment_and_code():
    received = edi.decode_interchange(ORDERS.encode())
    _interchange, messages = _pydifact(edi.contrl(received))
    uci = messages[0].get_segment("UCI")
    assert uci.elements[0] == "REF42" and uci.elements[3] == "7"
    assert messages[0].get_segment("UCM").elements[2] == "7"
    broken = edi.decode_interchange(ORDERS.replace("UNT+21", "UNT+19").encode())
    interchange, messages = _pydifact(edi.contrl(broken))
    assert interchange.sender[0] == "5412345000013"  # swapped: we answer
    ucm = messages[0].get_segment("UCM")
    assert ucm.elements[0] == "M1" and ucm.elements[2:] == ["4", "29"]
    assert messages[0].get_segment("UCS").elements == ["21", "29"]


def test_contrl_names_the_element_of_a_syntax_error():
    """A DTM format and a PRI basis the reader refuses: per segment a UCS (position in
    the message) and a UCD with code 12 and the element:component (S011)."""
    data = (
        ORDERS.replace("DTM+361:20270430:102", "DTM+361:2027W17:999")
        .replace("PRI+AAA:24.1:::100", "PRI+AAA:24.1:::C")
        .encode()
    )
    received = edi.decode_interchange(data)
    message = received.messages[0].decode("purchase_order")
    errors = edi.element_errors(edi.validate(message))
    assert errors == [(15, "12", 1, 3), (17, "12", 1, 5)]
    _interchange, messages = _pydifact(edi.contrl(received, {"M1": errors}))
    segments = [(s.tag, s.elements) for s in messages[0].segments]
    assert [e for tag, e in segments if tag == "UCM"][0][2:] == ["4", "12"]
    assert [(tag, e) for tag, e in segments if tag in ("UCS", "UCD")] == [
        ("UCS", ["14"]),
        ("UCD", ["12", ["1", "3"]]),
        ("UCS", ["16"]),
        ("UCD", ["12", ["1", "5"]]),
    ]


def test_aperak_lists_each_problem_with_its_line():
    received = edi.decode_interchange(ORDERS.replace("QTY+21:2", "QTY+21:0").encode())
    problems = edi.validate(received.messages[0].decode("purchase_order"))
    _interchange, messages = _pydifact(edi.aperak(received, problems))
    segments = list(messages[0].segments)
    assert [s.elements[0] for s in segments if s.tag == "RFF"][0] == ["ACW", "M1"]
    assert [s.elements[0][0] for s in segments if s.tag == "ERC"] == ["not_posi"]
    texts = [s.elements[3] for s in segments if s.tag == "FTX"]
    assert texts == ["line 18: quantity: 0 must be greater than zero"]


def test_ordrsp_for_a_changed_order():
    received = edi.decode_interchange(ORDERS.encode())
    order = received.messages[0].decode("purchase_order")
    data = edi.ordrsp(received, order, {1: ("changed", "3"), 2: ("refused", None)})
    _interchange, messages = _pydifact(data)
    segments = list(messages[0].segments)
    assert messages[0].get_segment("BGM").elements == ["231", "ORDRSP-PO-77", "4"]
    assert [s.elements[:2] for s in segments if s.tag == "LIN"] == [["1", "3"], ["2", "7"]]
    assert [s.elements[0] for s in segments if s.tag == "QTY"] == [
        ["21", "4"],
        ["113", "3"],
        ["21", "2"],
        ["113", "0"],
    ]
    accepted = edi.ordrsp(received, order)
    assert _pydifact(accepted)[1][0].get_segment("BGM").elements[2] == "29"


# -- round trips ---------------------------------------------------------------------------

EDIFACT_TYPES = [t for t in edi.MESSAGE_TYPES if edi.get_schema(t).edifact]
_TEXT = (
    st.text(alphabet=st.sampled_from(list("AZaz09-./ :+?'Øé")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
_NUMBER = st.decimals(min_value=1, max_value=10**6, places=2).map(str)
_DATE = st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)).map(
    lambda d: d.isoformat()
)
_LINE_EXTRA = st.fixed_dictionaries(
    {},
    optional={
        "QTY+46": _NUMBER,
        "PRI+AAB": _NUMBER,
        "PIA+IN": _TEXT,
        "PIA+BP": _TEXT,
        "DTM+361": _DATE,
        "RFF+ON": _TEXT,
        "LOC+7": _TEXT,
        "FTX+AAA": _TEXT,
        "MOA+203": _NUMBER,
        "GIN+BJ": st.from_regex(r"\d{18}", fullmatch=True),
    },
)
_HEADER_EXTRA = st.fixed_dictionaries(
    {},
    optional={
        "RFF+DQ": _TEXT,
        "NAD+IV": _TEXT,
        "NAD+IV name": _TEXT,
        "NAD+IV street": _TEXT,
        "NAD+IV city": _TEXT,
        "NAD+IV postcode": _TEXT,
        "NAD+IV country": st.sampled_from(["CN", "DE", "FR"]),
        "NAD+SU street": _TEXT,
        "NAD+SU city": _TEXT,
        "NAD+DP region": _TEXT,
        "NAD+DP country": st.sampled_from(["CN", "NL"]),
        "NAD+MS": _TEXT,
        "DTM+35": _DATE,
        "CUX+2": st.sampled_from(["CNY", "EUR"]),
        "FTX+PUR": _TEXT,
    },
)


def _mapped_keys(message_type) -> set:
    from medtrace.edi import eancom

    schema = edi.get_schema(message_type)
    header, lines = set(schema.header_names), set(schema.line_names)
    keys = {f"RFF+{q}" for n, q in eancom.REFERENCES.items() if n in header}
    keys |= {
        f"NAD+{q}{name}" for n, q in eancom.PARTIES.items() if n in header for name in ("", " name")
    }
    keys |= {"CUX+2"} if "currency" in header else set()
    keys |= {"MOA+203"} if "amount" in lines else set()
    keys |= {f"QTY+{q}" for n, q in eancom.LINE_QUANTITIES.items() if n in lines}
    return keys


@pytest.mark.parametrize("message_type", EDIFACT_TYPES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header_extra=_HEADER_EXTRA, line_extras=st.lists(_LINE_EXTRA, min_size=2, max_size=2))
def test_round_trip_with_extra_data(message_type, header_extra, line_extras):
    # a segment that carries one of the type's fields is no extra data for it
    header_extra = {k: v for k, v in header_extra.items() if k not in _mapped_keys(message_type)}
    line_extras = [
        {k: v for k, v in extra.items() if k not in _mapped_keys(message_type)}
        for extra in line_extras
    ]
    original = edi.example_message(message_type)
    if header_extra:
        original.header["extra"] = header_extra
    for line, extra in zip(original.lines, line_extras, strict=True):
        if extra:
            line.values["extra"] = extra
    data = edi.encode(original, "edifact")
    # a party's address is written in its NAD (C059 street, 3164 city, 3229 region,
    # 3251 postcode, 3207 country), never as a NAD of its own
    nads = [s for s in edi.decode_interchange(data).messages[0].segments if s.tag == "NAD"]
    assert all(s.get(0).isalnum() for s in nads)
    for key, value in header_extra.items():
        role, _, part = key[4:].partition(" ")
        if key.startswith("NAD+") and part in eancom.PARTY_ADDRESS:
            position = eancom.PARTY_ADDRESS[part]
            assert any(s.get(0) == role and s.get(position) == value for s in nads), key
    decoded = edi.decode(data, message_type)
    assert decoded.header.get("extra", {}) == header_extra
    assert [line.values.get("extra", {}) for line in decoded.lines] == line_extras
    typed, expected = edi.clean(decoded), edi.clean(original)
    assert typed.header == expected.header
    assert [line.values for line in typed.lines] == [line.values for line in expected.lines]
