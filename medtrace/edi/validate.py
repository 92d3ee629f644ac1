"""Check a message against its schema and business rules, reporting every problem."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from .errors import ERROR, WARNING, EdiError, Problem, has_errors, problem
from .message import Line, Message
from .schemas import PRODUCT_FIELDS, Schema, get_schema
from .values import ValueProblem, format_value, is_empty, parse_value

#: (message type, field) where a negative value is a return, reported as a warning
NEGATIVE_RETURNS = {("usage_report", "quantity")}
#: amounts that may differ by rounding: line amount and totals, within one cent
AMOUNT_TOLERANCE = Decimal("0.01")
#: invoice_type values whose quantities and amounts are credited (sent positive)
CREDIT_TYPES = ("credit_note",)


def _typed(schema_fields, values: dict, line_no, problems: list, message_type=None) -> dict:
    typed = {}
    for field in schema_fields:
        raw = values.get(field.name)
        try:
            value = parse_value(field, raw)
        except ValueProblem as exc:
            if exc.code == "not_positive" and (message_type, field.name) in NEGATIVE_RETURNS:
                value = parse_value(dataclasses.replace(field, minimum=None), raw)
                if value < 0:
                    problems.append(
                        problem(
                            "negative_usage",
                            line=line_no,
                            field=field.name,
                            value=format_value(value),
                            severity=WARNING,
                        )
                    )
                    typed[field.name] = value
                    continue
            problems.append(
                problem(exc.code, line=line_no, field=field.name, value=_shown(raw), **exc.params)
            )
            typed[field.name] = None
            continue
        if value is None and field.required:
            problems.append(problem("required", line=line_no, field=field.name, value=_shown(raw)))
        typed[field.name] = value
    return typed


def _shown(raw):
    """The raw value as a problem shows it: text stays text, numbers and dates as text."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list | dict | tuple):
        return type(raw).__name__
    return format_value(raw)


def _line_rules(
    schema: Schema, raw: dict, typed: dict, header: dict, number, problems: list
) -> None:
    names = schema.line_names
    # a product given but invalid is reported on its field, not as missing
    if schema.product_required and all(is_empty(raw.get(name)) for name in PRODUCT_FIELDS):
        given = " or ".join(name for name in PRODUCT_FIELDS if name in names)
        problems.append(problem("no_product", line=number, fields=given))
    serial, quantity = typed.get("serial"), typed.get("quantity")
    if serial and quantity is not None and quantity != 1:
        problems.append(
            problem(
                "serial_quantity",
                line=number,
                field="quantity",
                value=format_value(quantity),
                serial=serial,
            )
        )
    expiry, date = typed.get("expiry_date"), header.get("date")
    if expiry and date and expiry < date:
        problems.append(
            problem(
                "expired",
                line=number,
                field="expiry_date",
                value=expiry.isoformat(),
                date=date.isoformat(),
                severity=schema.expired_severity,
            )
        )
    produced = typed.get("production_date")
    if produced and expiry and produced > expiry:
        problems.append(
            problem(
                "production_after_expiry",
                line=number,
                field="production_date",
                value=produced.isoformat(),
                expiry=expiry.isoformat(),
            )
        )
    parts = [
        typed.get(name)
        for name in (
            "opening_quantity",
            "received_quantity",
            "used_quantity",
            "returned_quantity",
            "closing_quantity",
        )
    ]
    if "closing_quantity" in names and None not in parts:
        opening, received, used, returned, closing = parts
        # shipped, gained and lost quantities are optional: absent means none
        shipped, gain, loss = (
            typed.get(name) or 0 for name in ("shipped_quantity", "gain_quantity", "loss_quantity")
        )
        expected = opening + received + gain - used - returned - shipped - loss
        if closing != expected:
            problems.append(
                problem(
                    "balance_mismatch",
                    line=number,
                    field="closing_quantity",
                    value=format_value(closing),
                    opening=format_value(opening),
                    received=format_value(received),
                    used=format_value(used),
                    returned=format_value(returned),
                    shipped=format_value(shipped),
                    gain=format_value(gain),
                    loss=format_value(loss),
                    expected=format_value(expected),
                )
            )
    amount, price = typed.get("amount"), typed.get("unit_price")
    if schema.line_amounts and None not in (amount, quantity, price):
        expected = quantity * price
        if abs(amount - expected) > AMOUNT_TOLERANCE:
            problems.append(
                problem(
                    "line_amount_mismatch",
                    line=number,
                    field="amount",
                    value=format_value(amount),
                    quantity=format_value(quantity),
                    price=format_value(price),
                    expected=format_value(expected),
                    severity=WARNING,
                )
            )
    ours, theirs, difference = (
        typed.get(n) for n in ("our_quantity", "their_quantity", "difference")
    )
    if "difference" in names and None not in (ours, theirs, difference):
        if difference != ours - theirs:
            problems.append(
                problem(
                    "difference_mismatch",
                    line=number,
                    field="difference",
                    value=format_value(difference),
                    ours=format_value(ours),
                    theirs=format_value(theirs),
                    expected=format_value(ours - theirs),
                )
            )


def _message_rules(schema: Schema, header: dict, lines: list, problems: list, where=None) -> None:
    """Rules across the header and the lines: invoice totals, order response codes.

    ``where`` is the line of the header values (the first CSV/XLSX row, else None)."""
    if schema.line_amounts and "lines_total" in schema.header_names:
        total = header.get("lines_total")
        amounts = [line.values.get("amount") for line in lines]
        if total is not None and amounts and None not in amounts:
            expected = sum(amounts, Decimal(0))
            if abs(total - expected) > AMOUNT_TOLERANCE:
                problems.append(
                    problem(
                        "total_mismatch",
                        line=where,
                        field="lines_total",
                        value=format_value(total),
                        count=len(amounts),
                        expected=format_value(expected),
                        severity=WARNING,
                    )
                )
    parts = [header.get(n) for n in ("invoice_total", "taxable_amount", "tax_amount")]
    if "invoice_total" in schema.header_names and None not in parts:
        total, taxable, tax = parts
        if abs(total - (taxable + tax)) > AMOUNT_TOLERANCE:
            problems.append(
                problem(
                    "invoice_total_mismatch",
                    line=where,
                    field="invoice_total",
                    value=format_value(total),
                    taxable=format_value(taxable),
                    tax=format_value(tax),
                    expected=format_value(taxable + tax),
                    severity=WARNING,
                )
            )
    due, date = header.get("due_date"), header.get("date")
    if due and date and due < date:
        problems.append(
            problem(
                "due_before_date",
                line=where,
                field="due_date",
                value=due.isoformat(),
                date=date.isoformat(),
                severity=WARNING,
            )
        )
    response = header.get("response_code")
    if response == "changed" and not lines:
        problems.append(
            problem("response_without_lines", line=where, field="response_code", value=response)
        )
    if response in ("accepted", "not_accepted"):
        for line in lines:
            action = line.values.get("line_action")
            if (
                action
                and action != response
                and not (response == "not_accepted" and action == "deleted")
            ):
                problems.append(
                    problem(
                        "response_line_conflict",
                        line=line.number,
                        field="line_action",
                        value=action,
                        response=response,
                        severity=WARNING,
                    )
                )


def _credit_note_signs(header: dict, problems: list) -> list:
    """A credit note's negative values: said as such, not as a bare ``negative``."""
    if header.get("invoice_type") not in CREDIT_TYPES:
        return problems
    result = []
    for item in problems:
        if item.code in ("negative", "not_positive") and str(
            item.params.get("value", "")
        ).strip().startswith("-"):
            item = problem(
                "credit_note_negative",
                line=item.line,
                field=item.field,
                value=item.params.get("value"),
            )
        result.append(item)
    return result


def _check(message: Message) -> tuple[list[Problem], Message | None]:
    try:
        schema = get_schema(message.message_type)
    except EdiError as exc:
        return [exc.as_problem()], None
    problems: list[Problem] = list(message.problems)
    header = _typed(schema.header, message.header, message.header_line, problems)
    if isinstance(message.header.get("extra"), dict):
        header["extra"] = dict(message.header["extra"])
    if schema.lines_required and not message.lines:
        problems.append(problem("no_lines", message_type=schema.name))
    lines = []
    seen = {}
    for line in message.lines:
        typed = _typed(schema.lines, line.values, line.number, problems, schema.name)
        _line_rules(schema, line.values, typed, header, line.number, problems)
        if schema.product_required:
            product = next((typed[n] for n in PRODUCT_FIELDS if typed.get(n)), None)
            extra = line.values.get("extra") if isinstance(line.values.get("extra"), dict) else {}
            # the same product in two stock locations or shops is two lines
            places = tuple(sorted((k, str(v)) for k, v in extra.items() if k.startswith("LOC+")))
            key = (
                tuple(typed.get(n) for n in PRODUCT_FIELDS),
                typed.get("lot"),
                typed.get("serial"),
                typed.get("location"),
                places,
            )
            if product and key in seen:
                problems.append(
                    problem(
                        "duplicate_line",
                        line=line.number,
                        product=product,
                        lot=typed.get("lot") or "",
                        serial=typed.get("serial") or "",
                        first_line=seen[key],
                    )
                )
            seen.setdefault(key, line.number)
        if isinstance(line.values.get("extra"), dict):
            typed["extra"] = dict(line.values["extra"])
        lines.append(Line(line.number, typed))
    _message_rules(schema, header, lines, problems, message.header_line)
    if schema.name == "invoice":
        problems = _credit_note_signs(header, problems)
    typed_message = Message(
        message.message_type,
        header,
        lines,
        format=message.format,
        fingerprint=message.fingerprint,
        header_line=message.header_line,
    )
    return problems, typed_message


def validate(message: Message) -> list[Problem]:
    """Every problem of ``message``: decoding findings, field values, business rules.

    Errors make the message invalid; warnings (unknown columns, expired stock in a
    stock statement...) do not. Never raises on bad values.
    """
    return sorted(_check(message)[0], key=lambda item: item.line or 0)


def clean(message: Message) -> Message:
    """``message`` with typed values (dates, Decimals...), or EdiError ``invalid_message``.

    The Odoo addon calls this after :func:`validate` reported no error, to create its
    documents from typed values.
    """
    problems, typed = _check(message)
    errors = [p for p in problems if p.is_error]
    if typed is None or has_errors(problems):
        raise EdiError(
            "invalid_message",
            message_type=message.message_type,
            count=len(errors),
            first=errors[0].message,
        )
    typed.problems = [p for p in problems if p.severity == WARNING]
    return typed


__all__ = ["ERROR", "WARNING", "clean", "validate"]
