"""Validation: every problem a consignor's file can have, on the right line, field and value."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from medtrace import edi
from medtrace.edi import Line, Message

DATA = Path(__file__).parent / "data" / "edi"


def _message(message_type, lines, **header):
    base = edi.example_message(message_type)
    base.header.update(header)
    base.lines = [
        Line(number, {**base.lines[0].values, **values})
        for number, values in enumerate(lines, start=2)
    ]
    return base


def _found(problems):
    return {(p.code, p.line, p.field, p.value) for p in problems}


def test_every_problem_of_a_bad_purchase_order_is_reported():
    message = edi.decode((DATA / "purchase_order_problems.csv").read_bytes(), "purchase_order")
    problems = edi.validate(message)
    assert _found(problems) == {
        ("unknown_column", 1, None, "colour"),
        ("gtin_check_digit", 3, "gtin", "06901234567893"),
        ("bad_date", 4, "expiry_date", "2027-02-30"),
        ("bad_decimal", 5, "quantity", "1,000"),
        ("not_positive", 6, "quantity", "0"),
        ("expired", 7, "expiry_date", "2025-05-31"),
        ("duplicate_line", 8, None, None),
        ("no_product", 9, None, None),
        ("required", 10, "quantity", None),
        ("gtin_scientific", 11, "gtin", "6.90123E+12"),
        ("too_long", 12, "product_code", "P-" + "X" * 39),
        ("header_mismatch", 13, "message_id", "PO-OTHER"),
    }
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    by_code = {p.code: p for p in problems}
    assert by_code["unknown_column"].severity == edi.WARNING
    assert by_code["duplicate_line"].params["first_line"] == 2
    assert by_code["gtin_check_digit"].message == (
        "Line 3: gtin: GTIN '06901234567893' has check digit 3, 2 expected"
    )
    assert by_code["header_mismatch"].params["first"] == "PO-BAD"
    assert edi.has_errors(problems)


def test_problem_carries_its_translatable_template():
    message = _message("purchase_order", [{"quantity": "-2"}])
    [problem] = edi.validate(message)
    assert problem.code == "not_positive"
    assert problem.template == edi.MESSAGES["not_positive"]
    assert problem.template % problem.params == problem.text
    assert problem.params == {"field": "quantity", "value": "-2"}
    assert json.loads(json.dumps(problem.as_dict()))["line"] == 2


@pytest.mark.parametrize(
    ("message_type", "values", "expected"),
    [
        ("purchase_order", {"line_no": "one"}, ("bad_int", "line_no", "one")),
        ("purchase_order", {"line_no": "1.5"}, ("bad_int", "line_no", "1.5")),
        ("purchase_order", {"unit_price": "12,50"}, ("bad_decimal", "unit_price", "12,50")),
        ("purchase_order", {"unit_price": "NaN"}, ("bad_decimal", "unit_price", "NaN")),
        ("purchase_order", {"unit_price": "-1"}, ("negative", "unit_price", "-1")),
        ("purchase_order", {"gtin": "690123456789"}, ("gtin_check_digit", "gtin", "690123456789")),
        ("purchase_order", {"gtin": "ABC"}, ("bad_gtin", "gtin", "ABC")),
        ("purchase_order", {"di": "06901234567893"}, ("gtin_check_digit", "di", "06901234567893")),
        ("purchase_order", {"di": "MA.156.M0.100001<"}, ("bad_di", "di", "MA.156.M0.100001<")),
        (
            "purchase_order",
            {"expiry_date": "30/04/2027"},
            ("bad_date", "expiry_date", "30/04/2027"),
        ),
        ("stock_statement", {"quantity": "-1"}, ("negative", "quantity", "-1")),
        ("stock_status", {"stock_status": "坏了"}, ("bad_choice", "stock_status", "坏了")),
        (
            "purchase_return",
            {"serial": "SN1", "quantity": "2"},
            ("serial_quantity", "quantity", "2"),
        ),
        ("purchase_return", {"lot": ""}, ("required", "lot", "")),
        (
            "shipment_confirmation",
            {"production_date": "2028-01-01"},
            ("production_after_expiry", "production_date", "2028-01-01"),
        ),
        (
            "reconciliation",
            {"closing_quantity": "11"},
            ("balance_mismatch", "closing_quantity", "11"),
        ),
        ("stock_comparison", {"difference": "-1"}, ("difference_mismatch", "difference", "-1")),
        ("gain_loss", {"direction": "stolen"}, ("bad_choice", "direction", "stolen")),
    ],
)
def test_each_kind_of_line_problem(message_type, values, expected):
    problems = edi.validate(_message(message_type, [values]))
    assert [(p.code, p.line, p.field, p.value) for p in problems] == [
        (*expected[:1], 2, *expected[1:])
    ]
    assert problems[0].is_error


def test_chinese_and_compact_values_are_understood():
    message = _message(
        "stock_status",
        [
            {
                "stock_status": "冻结",
                "quantity": "１２",
                "expiry_date": "2027年4月30日",
                "production_date": "20240501",
            }
        ],
    )
    assert edi.validate(message) == []
    line = edi.clean(message).lines[0].values
    assert line["stock_status"] == "blocked"
    assert line["quantity"] == Decimal(12)
    assert line["expiry_date"] == datetime.date(2027, 4, 30)


def test_header_problems():
    message = _message("reconciliation", [{}], period="2025-13", date="yesterday", message_id=None)
    found = _found(edi.validate(message))
    assert ("bad_month", None, "period", "2025-13") in found
    assert ("bad_date", None, "date", "yesterday") in found
    assert ("required", None, "message_id", None) in found


def test_no_lines():
    message = Message("sales_order", edi.example_message("sales_order").header, [])
    assert [p.code for p in edi.validate(message)] == ["no_lines"]
    # a logistics status may come without tracking events
    status = edi.example_message("logistics_status")
    status.lines = []
    assert edi.validate(status) == []


def test_expired_stock_is_only_a_warning_in_a_stock_statement():
    message = _message("stock_statement", [{"expiry_date": "2025-01-31"}])
    [problem] = edi.validate(message)
    assert (problem.code, problem.severity) == ("expired", edi.WARNING)
    assert not edi.has_errors([problem])
    assert edi.clean(message).problems == [problem]


def test_the_same_lot_twice_is_a_duplicate_but_another_serial_is_not():
    message = _message(
        "purchase_return",
        [
            {"serial": "SN1", "quantity": "1"},
            {"serial": "SN2", "quantity": "1"},
            {"serial": "SN1", "quantity": "1"},
        ],
    )
    problems = edi.validate(message)
    assert [(p.code, p.line, p.params["first_line"]) for p in problems] == [
        ("duplicate_line", 4, 2)
    ]


def test_unknown_message_type_is_a_problem_not_a_crash():
    [problem] = edi.validate(Message("purchase_orders", {}, []))
    assert problem.code == "unknown_type"


def test_clean_refuses_an_invalid_message():
    message = _message("purchase_order", [{"quantity": "0"}, {"quantity": "x", "lot": "B"}])
    with pytest.raises(edi.EdiError) as caught:
        edi.clean(message)
    assert caught.value.code == "invalid_message"
    assert caught.value.params["count"] == 2
    assert caught.value.params["first"] == "Line 2: quantity: 0 must be greater than zero"


def test_reconciliation_balance_counts_shipped_gained_and_lost_units():
    # example line: opening 10 + received 5 - used 3 - returned 0 = closing 12
    balanced = {
        "shipped_quantity": "2",
        "gain_quantity": "1",
        "loss_quantity": "4",
        "closing_quantity": "7",
    }
    assert edi.validate(_message("reconciliation", [balanced])) == []
    problems = edi.validate(_message("reconciliation", [{**balanced, "closing_quantity": "12"}]))
    assert [(p.code, p.field, p.value) for p in problems] == [
        ("balance_mismatch", "closing_quantity", "12")
    ]
    assert "shipped 2" in problems[0].message and "loss 4" in problems[0].message
    assert "= 7" in problems[0].message
    # the three are optional: files without them balance as before
    line = {"shipped_quantity": None, "gain_quantity": None, "loss_quantity": None}
    assert edi.validate(_message("reconciliation", [line])) == []


def test_logistics_status_may_say_an_order_is_cancelled():
    message = _message("logistics_status", [{"event_status": "已取消"}], status="cancelled")
    assert edi.validate(message) == []
    assert edi.clean(message).lines[0].values["event_status"] == "cancelled"
