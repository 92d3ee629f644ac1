"""Check a message against its schema and business rules, reporting every problem."""

from __future__ import annotations

from .errors import ERROR, WARNING, EdiError, Problem, has_errors, problem
from .message import Line, Message
from .schemas import PRODUCT_FIELDS, Schema, get_schema
from .values import ValueProblem, format_value, is_empty, parse_value


def _typed(schema_fields, values: dict, line_no, problems: list) -> dict:
    typed = {}
    for field in schema_fields:
        raw = values.get(field.name)
        try:
            value = parse_value(field, raw)
        except ValueProblem as exc:
            problems.append(problem(exc.code, line=line_no, field=field.name,
                                    value=_shown(raw), **exc.params))
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


def _line_rules(schema: Schema, raw: dict, typed: dict, header: dict, number,
                problems: list) -> None:
    names = schema.line_names
    # a product given but invalid is reported on its field, not as missing
    if schema.product_required and all(is_empty(raw.get(name)) for name in PRODUCT_FIELDS):
        given = " or ".join(name for name in PRODUCT_FIELDS if name in names)
        problems.append(problem("no_product", line=number, fields=given))
    serial, quantity = typed.get("serial"), typed.get("quantity")
    if serial and quantity is not None and quantity != 1:
        problems.append(problem("serial_quantity", line=number, field="quantity",
                                value=format_value(quantity), serial=serial))
    expiry, date = typed.get("expiry_date"), header.get("date")
    if expiry and date and expiry < date:
        problems.append(problem("expired", line=number, field="expiry_date",
                                value=expiry.isoformat(), date=date.isoformat(),
                                severity=schema.expired_severity))
    produced = typed.get("production_date")
    if produced and expiry and produced > expiry:
        problems.append(problem("production_after_expiry", line=number, field="production_date",
                                value=produced.isoformat(), expiry=expiry.isoformat()))
    parts = [typed.get(name) for name in ("opening_quantity", "received_quantity",
                                          "used_quantity", "returned_quantity",
                                          "closing_quantity")]
    if "closing_quantity" in names and None not in parts:
        opening, received, used, returned, closing = parts
        # shipped, gained and lost quantities are optional: absent means none
        shipped, gain, loss = (typed.get(name) or 0 for name in (
            "shipped_quantity", "gain_quantity", "loss_quantity"))
        expected = opening + received + gain - used - returned - shipped - loss
        if closing != expected:
            problems.append(problem(
                "balance_mismatch", line=number, field="closing_quantity",
                value=format_value(closing), opening=format_value(opening),
                received=format_value(received), used=format_value(used),
                returned=format_value(returned), shipped=format_value(shipped),
                gain=format_value(gain), loss=format_value(loss),
                expected=format_value(expected)))
    ours, theirs, difference = (typed.get(n) for n in ("our_quantity", "their_quantity",
                                                        "difference"))
    if "difference" in names and None not in (ours, theirs, difference):
        if difference != ours - theirs:
            problems.append(problem(
                "difference_mismatch", line=number, field="difference",
                value=format_value(difference), ours=format_value(ours),
                theirs=format_value(theirs), expected=format_value(ours - theirs)))


def _check(message: Message) -> tuple[list[Problem], Message | None]:
    try:
        schema = get_schema(message.message_type)
    except EdiError as exc:
        return [exc.as_problem()], None
    problems: list[Problem] = list(message.problems)
    header = _typed(schema.header, message.header, message.header_line, problems)
    if schema.lines_required and not message.lines:
        problems.append(problem("no_lines", message_type=schema.name))
    lines = []
    seen = {}
    for line in message.lines:
        typed = _typed(schema.lines, line.values, line.number, problems)
        _line_rules(schema, line.values, typed, header, line.number, problems)
        if schema.product_required:
            product = next((typed[n] for n in PRODUCT_FIELDS if typed.get(n)), None)
            key = (tuple(typed.get(n) for n in PRODUCT_FIELDS), typed.get("lot"),
                   typed.get("serial"))
            if product and key in seen:
                problems.append(problem(
                    "duplicate_line", line=line.number, product=product,
                    lot=typed.get("lot") or "", serial=typed.get("serial") or "",
                    first_line=seen[key]))
            seen.setdefault(key, line.number)
        lines.append(Line(line.number, typed))
    typed_message = Message(message.message_type, header, lines, format=message.format,
                            fingerprint=message.fingerprint, header_line=message.header_line)
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
        raise EdiError("invalid_message", message_type=message.message_type, count=len(errors),
                       first=errors[0].message)
    typed.problems = [p for p in problems if p.severity == WARNING]
    return typed


__all__ = ["ERROR", "WARNING", "clean", "validate"]
