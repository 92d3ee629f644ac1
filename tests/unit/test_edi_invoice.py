"""Invoices (INVOIC) and order responses (ORDRSP) from a consignor: read, checked, written."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace import edi
from medtrace.edi import Line, Message
from medtrace.edi.schemas import invoice_sign

FORMATS = ("csv", "json", "xlsx", "edifact")

# a credit note as an EANCOM 2002 partner writes it: price per 100 units, VAT category,
# batch in GIN, best-before date, due date in the payment terms, a tax amount per rate
CREDIT_NOTE = (
    "UNA:+.? 'UNB+UNOC:3+4012345000009:14+5412345000013:14+250701:0900+R7'"
    "UNH+1+INVOIC:D:01B:UN:EAN010'BGM+381+CN-2025-07+9'DTM+137:20250701:102'"
    "RFF+ON:PO-2025-0001'RFF+DQ:DN-88'NAD+SU+4012345000009::9'NAD+BY+5412345000013::9'"
    "NAD+IV+5412345000099::9'NAD+DP+5412345000020::9'CUX+2:CNY:4'"
    "PAT+1++5:3:D:30'DTM+140:20250731:102'"
    "LIN+1++04012345000016:SRV'QTY+47:54:PCE'MOA+203:1960.29'"
    "PRI+AAA:3630.1724::NTP:100:PCE'TAX+7+VAT+++:::13+S'MOA+124:254.84'"
    "GIN+BX+L2406'DTM+361:20270430:102'"
    "LIN+2++04012345000023:SRV'QTY+47:2'MOA+203:25,5'PRI+AAA:12.75'TAX+7+VAT+++:::6'"
    "UNS+S'CNT+2:2'MOA+79:1985.79'MOA+125:1985.79'"
    "TAX+7+VAT+++:::13+S'MOA+124:254.84'TAX+7+VAT+++:::6'MOA+124:1.53'"
    "MOA+77:2242.16'UNT+35+1'UNZ+1+R7'"
)

ORDRSP = (
    "UNB+UNOC:3+4012345000009:14+5412345000013:14+250602:0800+R9'"
    "UNH+7+ORDRSP:D:96A:UN:EAN005'BGM+231+RSP-1+4'DTM+137:20250602:102'"
    "RFF+ON:PO-2025-0001'NAD+SU+4012345000009::9'NAD+BY+5412345000013::9'"
    "LIN+1+5+04012345000016:SRV'QTY+21:10'QTY+113:10'DTM+2:20250605:102'"
    "LIN+2+3+04012345000023:SRV'QTY+21:10'QTY+113:6'DTM+69:20250612:102'PRI+AAA:12.75'"
    "LIN+3+7+04012345000030:SRV'QTY+21:4'QTY+113:0'FTX+AAO+++out of stock'"
    "UNS+S'CNT+2:3'UNT+22+7'UNZ+1+R9'"
)


def _found(problems):
    return {(p.code, p.line, p.field, p.severity) for p in problems}


# -- reading what partners send -------------------------------------------------------------


def test_a_credit_note_from_a_partner():
    message = edi.decode(CREDIT_NOTE.encode(), "invoice")
    assert edi.validate(message) == []
    typed = edi.clean(message)
    head = typed.header
    assert (head["message_id"], head["invoice_type"], head["date"], head["due_date"]) == (
        "CN-2025-07",
        "credit_note",
        datetime.date(2025, 7, 1),
        datetime.date(2025, 7, 31),
    )
    assert (
        head["consignor_code"],
        head["partner_code"],
        head["invoicee_code"],
        head["customer_code"],
        head["currency"],
        head["order_ref"],
        head["delivery_note_ref"],
    ) == (
        "4012345000009",
        "5412345000013",
        "5412345000099",
        "5412345000020",
        "CNY",
        "PO-2025-0001",
        "DN-88",
    )
    assert (
        head["lines_total"],
        head["taxable_amount"],
        head["tax_amount"],
        head["invoice_total"],
    ) == (Decimal("1985.79"), Decimal("1985.79"), Decimal("256.37"), Decimal("2242.16"))
    # the tax amount of each rate is added up, and kept; so are the payment terms
    assert head["extra"]["MOA+124"] == ["254.84", "1.53"]
    assert head["extra"]["TAX+7"] == ["TAX+7+VAT+++:::13+S", "TAX+7+VAT+++:::6"]
    assert head["extra"]["PAT+1"] == "PAT+1++5:3:D:30"
    # EANCOM's message total tax amount wins
    total = CREDIT_NOTE.replace("MOA+77:", "MOA+176:256.37'MOA+77:").replace("UNT+35", "UNT+36")
    assert edi.decode(total.encode(), "invoice").header["tax_amount"] == "256.37"
    first, second = (line.values for line in typed.lines)
    assert (
        first["gtin"],
        first["quantity"],
        first["uom"],
        first["amount"],
        first["tax_rate"],
        first["lot"],
        first["expiry_date"],
    ) == (
        "04012345000016",
        Decimal(54),
        "PCE",
        Decimal("1960.29"),
        Decimal(13),
        "L2406",
        datetime.date(2027, 4, 30),
    )
    assert first["unit_price"] == Decimal("36.301724")  # 3630.1724 per 100
    assert first["extra"] == {"TAX+7 category": "S", "MOA+124": "254.84"}
    assert (second["amount"], second["unit_price"], second["tax_rate"]) == (
        Decimal("25.5"),
        Decimal("12.75"),
        Decimal(6),
    )
    # EANCOM sends a credit note positive: its type gives the sign
    assert invoice_sign(head["invoice_type"]) == -1
    assert invoice_sign("invoice") == invoice_sign(None) == 1


@pytest.mark.parametrize(
    ("code", "invoice_type"),
    [
        ("380", "invoice"),
        ("381", "credit_note"),
        ("383", "debit_note"),
        ("384", "corrected_invoice"),
    ],
)
def test_every_invoice_document_code_is_read_and_written_back(code, invoice_type):
    data = CREDIT_NOTE.replace("BGM+381", f"BGM+{code}").encode()
    message = edi.decode(data, "invoice")
    assert message.header["invoice_type"] == invoice_type
    assert f"BGM+{code}+CN-2025-07+9'".encode() in edi.encode(message, "edifact")


def test_an_invoice_code_a_profile_adds_is_kept():
    data = CREDIT_NOTE.replace("BGM+381", "BGM+389").encode()
    with pytest.raises(edi.EdiError) as caught:
        edi.decode(data, "invoice")
    assert caught.value.code == "edifact_wrong_document"
    message = edi.decode(data, "invoice", profile={"document_codes": {"invoice": ["389"]}})
    assert message.header.get("invoice_type") is None
    assert message.header["extra"]["BGM+1001"] == "389"
    assert b"BGM+389+CN-2025-07+9'" in edi.encode(message, "edifact")


def test_an_order_response_from_a_partner():
    message = edi.decode(ORDRSP.encode(), "order_response")
    assert edi.validate(message) == []
    typed = edi.clean(message)
    assert (
        typed.header["message_id"],
        typed.header["order_ref"],
        typed.header["response_code"],
    ) == ("RSP-1", "PO-2025-0001", "changed")
    rows = [
        (v["line_action"], v["ordered_quantity"], v["quantity"], v.get("delivery_date"))
        for v in (line.values for line in typed.lines)
    ]
    assert rows == [
        ("accepted", Decimal(10), Decimal(10), datetime.date(2025, 6, 5)),
        ("changed", Decimal(10), Decimal(6), datetime.date(2025, 6, 12)),
        ("not_accepted", Decimal(4), Decimal(0), None),
    ]
    assert typed.lines[2].values["extra"] == {"FTX+AAO": "out of stock"}
    written = edi.encode(message, "edifact")
    assert b"BGM+231+RSP-1+4'" in written
    assert b"LIN+2+3+04012345000023:SRV'" in written and b"QTY+113:6'" in written


@pytest.mark.parametrize(
    ("code", "response"), [("29", "accepted"), ("4", "changed"), ("27", "not_accepted")]
)
def test_every_response_code_is_read(code, response):
    data = ORDRSP.replace("BGM+231+RSP-1+4", f"BGM+231+RSP-1+{code}").encode()
    assert edi.decode(data, "order_response").header["response_code"] == response


def test_an_unknown_line_action_is_kept_in_extra():
    data = ORDRSP.replace("LIN+1+5+", "LIN+1+10+").encode()
    line = edi.decode(data, "order_response").lines[0]
    assert line.values.get("line_action") is None
    assert line.values["extra"] == {"LIN+1229": "10"}
    assert b"LIN+1+10+04012345000016:SRV'" in edi.encode(
        edi.decode(data, "order_response"), "edifact"
    )


# -- validation -------------------------------------------------------------------------------


def _invoice(**changes):
    message = edi.example_message("invoice")
    for key, value in changes.items():
        if key.startswith("line_"):
            message.lines[0].values[key[5:]] = value
        else:
            message.header[key] = value
    return message


def test_a_line_amount_that_is_not_quantity_times_price_is_a_warning():
    problems = edi.validate(
        _invoice(
            line_amount=Decimal("12800.02"),
            lines_total=Decimal("25600.02"),
            taxable_amount=Decimal("25600.02"),
            invoice_total=Decimal("28928.02"),
        )
    )
    assert [(p.code, p.line, p.field, p.severity, p.params["expected"]) for p in problems] == [
        ("line_amount_mismatch", 1, "amount", "warning", "12800.00")
    ]
    assert problems[0].message == (
        "Line 1: amount: 12800.02, but quantity 10 × unit price 1280.00 = 12800.00"
    )
    # within a cent is rounding
    assert (
        edi.validate(_invoice(line_amount=Decimal("12800.01"), lines_total=Decimal("25600.01")))
        == []
    )


def test_totals_that_are_not_the_sum_of_the_lines_are_warnings():
    problems = edi.validate(_invoice(lines_total="25000", invoice_total="30000"))
    assert _found(problems) == {
        ("total_mismatch", None, "lines_total", "warning"),
        ("invoice_total_mismatch", None, "invoice_total", "warning"),
    }
    texts = sorted(p.text for p in problems)
    assert texts == [
        "invoice_total: 30000, but taxable amount 25600.00 + tax amount 3328.00 = 28928.00",
        "lines_total: 25000, but the amounts of the 2 lines add up to 25600.00",
    ]
    assert not edi.has_errors(problems)


def test_totals_are_not_checked_when_a_line_has_no_amount():
    assert edi.validate(_invoice(line_amount=None, lines_total="1")) == []


def test_a_credit_note_is_positive():
    problems = edi.validate(_invoice(invoice_type="红字发票", line_quantity="-10"))
    assert _found(problems) == {("credit_note_negative", 1, "quantity", "error")}
    assert problems[0].text == (
        "quantity: -10 is negative; a credit note states its quantities and amounts as "
        "positive numbers (its type makes them a credit)"
    )
    assert _found(edi.validate(_invoice(line_quantity="-10"))) == {
        ("not_positive", 1, "quantity", "error")
    }
    assert edi.validate(_invoice(invoice_type="credit_note")) == []


def test_a_due_date_before_the_invoice_date_is_a_warning():
    problems = edi.validate(_invoice(due_date="2025-05-31"))
    assert _found(problems) == {("due_before_date", None, "due_date", "warning")}


def test_invoice_rules_in_a_csv_point_at_the_first_row():
    message = _invoice(lines_total="1")
    decoded = edi.decode(edi.encode(message, "csv"), "invoice")
    assert _found(edi.validate(decoded)) == {("total_mismatch", 2, "lines_total", "warning")}


def _response(response_code, actions):
    message = edi.example_message("order_response")
    message.header["response_code"] = response_code
    message.lines = [
        Line(n, {**message.lines[0].values, "line_no": n, "line_action": a, "gtin": g})
        for n, (a, g) in enumerate(
            zip(actions, ("06901234567892", "06901234567908"), strict=False), start=1
        )
    ]
    return message


def test_order_response_codes_agree_with_the_lines():
    assert edi.validate(_response("accepted", ["accepted", "accepted"])) == []
    assert edi.validate(_response("not_accepted", ["not_accepted"])) == []
    problems = edi.validate(_response("accepted", ["accepted", "not_accepted"]))
    assert _found(problems) == {("response_line_conflict", 2, "line_action", "warning")}
    assert problems[0].text == (
        "line_action: the line is not_accepted, but the response code of the header is accepted"
    )
    changed = _response("changed", [])
    assert _found(edi.validate(changed)) == {
        ("response_without_lines", None, "response_code", "error")
    }
    assert edi.validate(_response("accepted", [])) == []  # accepted as ordered: no lines
    missing = _response("accepted", ["accepted"])
    missing.header["response_code"] = None
    assert ("required", None, "response_code", "error") in _found(edi.validate(missing))


def test_every_new_template_is_registered():
    for code in (
        "line_amount_mismatch",
        "total_mismatch",
        "invoice_total_mismatch",
        "credit_note_negative",
        "due_before_date",
        "response_without_lines",
        "response_line_conflict",
    ):
        assert code in edi.MESSAGES


# -- round trips ------------------------------------------------------------------------------

_TEXT = (
    st.text(alphabet=st.sampled_from(list("AZaz09-./ :+?'Øé冠脉")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
    .filter(lambda t: not t.startswith("'"))
)  # a CSV cell's leading ' is Excel's text marker
_QUANTITY = st.decimals(min_value=1, max_value=10**4, places=0)
_PRICE = st.decimals(min_value=0, max_value=10**5, places=2)
_DATE = st.dates(datetime.date(2000, 1, 1), datetime.date(2090, 12, 31))
_GTINS = ("06901234567892", "06901234567908", "04012345000016", "04012345000023")


@st.composite
def invoices(draw):
    date = draw(_DATE)
    lines = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        quantity, price = draw(_QUANTITY), draw(_PRICE)
        lines.append(
            Line(
                number,
                {
                    "line_no": number,
                    "gtin": _GTINS[number - 1],
                    "product_name": draw(_TEXT),
                    "lot": draw(_TEXT),
                    "quantity": quantity,
                    "unit_price": price,
                    "amount": (quantity * price).quantize(Decimal("0.01")),
                    "tax_rate": draw(st.sampled_from([Decimal(0), Decimal(6), Decimal(13)])),
                    "expiry_date": date + datetime.timedelta(days=draw(st.integers(0, 3000))),
                },
            )
        )
    lines_total = sum((line.values["amount"] for line in lines), Decimal(0))
    tax = draw(st.decimals(min_value=0, max_value=10**4, places=2))
    header = {
        "message_id": draw(_TEXT),
        "consignor_code": draw(_TEXT),
        "date": date,
        "invoice_type": draw(
            st.sampled_from(["invoice", "credit_note", "debit_note", "corrected_invoice", None])
        ),
        "partner_code": draw(_TEXT),
        "invoicee_code": draw(st.none() | _TEXT),
        "due_date": date + datetime.timedelta(days=draw(st.integers(0, 90))),
        "currency": draw(st.sampled_from(["CNY", "EUR"])),
        "order_ref": draw(_TEXT),
        "delivery_note_ref": draw(st.none() | _TEXT),
        "lines_total": lines_total,
        "taxable_amount": lines_total,
        "tax_amount": tax,
        "invoice_total": lines_total + tax,
    }
    return Message("invoice", header, lines)


@st.composite
def order_responses(draw):
    response = draw(st.sampled_from(["accepted", "changed", "not_accepted"]))
    actions = {
        "accepted": ["accepted"],
        "not_accepted": ["not_accepted", "deleted"],
        "changed": ["accepted", "changed", "not_accepted", "added"],
    }[response]
    date = draw(_DATE)
    lines = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        lines.append(
            Line(
                number,
                {
                    "line_no": number,
                    "gtin": _GTINS[number - 1],
                    "line_action": draw(st.sampled_from(actions)),
                    "ordered_quantity": draw(_QUANTITY),
                    "quantity": draw(st.none() | _QUANTITY),
                    "delivery_date": draw(st.none() | _DATE),
                    "unit_price": draw(st.none() | _PRICE),
                    "product_name": draw(st.none() | _TEXT),
                },
            )
        )
    header = {
        "message_id": draw(_TEXT),
        "consignor_code": draw(_TEXT),
        "date": date,
        "order_ref": draw(_TEXT),
        "response_code": response,
        "note": draw(st.none() | _TEXT),
    }
    return Message("order_response", header, lines)


def _round_trip(message, fmt):
    assert edi.validate(message) == []
    decoded = edi.decode(edi.encode(message, fmt), message.message_type)
    assert edi.validate(decoded) == []
    typed, expected = edi.clean(decoded), edi.clean(message)
    if fmt == "edifact" and "invoice_type" in expected.header:
        # no invoice type is an invoice: EDIFACT writes BGM 380, read back as "invoice"
        expected.header["invoice_type"] = expected.header["invoice_type"] or "invoice"
    assert {k: v for k, v in typed.header.items() if k != "extra"} == expected.header
    assert [line.values for line in typed.lines] == [line.values for line in expected.lines]


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=invoices())
def test_invoice_round_trip(fmt, message):
    _round_trip(message, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=order_responses())
def test_order_response_round_trip(fmt, message):
    _round_trip(message, fmt)


def test_a_header_segment_met_again_with_another_value_is_kept_not_dropped():
    data = CREDIT_NOTE.replace("RFF+DQ:DN-88'", "RFF+DQ:DN-88'RFF+ON:PO-2025-0002'CUX+2:EUR:4'")
    data = data.replace("UNT+35+1", "UNT+37+1")
    message = edi.decode(data.encode(), "invoice")
    assert (message.header["order_ref"], message.header["currency"]) == ("PO-2025-0001", "EUR")
    assert message.header["extra"]["RFF+ON"] == "PO-2025-0002"
    assert message.header["extra"]["CUX+2"] == "CNY"
    again = edi.decode(edi.encode(message, "edifact"), "invoice")
    assert again.header["extra"]["RFF+ON"] == "PO-2025-0002"


def test_the_order_response_we_write_reads_as_an_order_response():
    received = edi.decode_interchange(edi.encode(edi.example_message("purchase_order"), "edifact"))
    order = received.messages[0].decode("purchase_order")
    data = edi.ordrsp(received, order, {1: ("changed", "3"), 2: ("refused", None)})
    response = edi.decode(data, "order_response")
    assert response.header["response_code"] == "changed"
    assert [
        (v["line_action"], v["ordered_quantity"], v["quantity"])
        for v in (line.values for line in response.lines)
    ] == [("changed", "10", "3"), ("not_accepted", "10", "0")]
