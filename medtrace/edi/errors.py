"""The error type of ``medtrace.edi``, the problems validation reports, and their templates.

Two kinds of trouble:

* :class:`EdiError` is raised by :func:`medtrace.edi.decode` / :func:`~medtrace.edi.encode`
  when a file cannot be read (or written) at all: wrong encoding, empty, too large,
  missing columns, EDIFACT syntax... It is the *only* exception ``decode`` raises.
* :class:`Problem` is one finding of :func:`medtrace.edi.validate` on a file that
  could be read: a bad number on line 7, a duplicate line, an expired lot...
  Validation reports every problem instead of stopping at the first.

Both use the templates of :data:`MESSAGES` (English, named placeholders) so the
Odoo addon can translate them with ``_(problem.template, **problem.params)``.
Problem templates say *what* is wrong with ``%(field)s`` / ``%(value)r``; the
line number travels in ``Problem.line`` (the addon shows it in its own column,
``Problem.message`` prefixes it as ``"Line 7: "``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import MedtraceError

ERROR = "error"
WARNING = "warning"

MESSAGES = {
    # -- the file as a whole (raised as EdiError) ----------------------------------------
    "unknown_type": "Unknown EDI message type %(value)r: expected one of %(expected)s",
    "unknown_format": "Unknown EDI file format %(value)r: expected one of %(expected)s",
    "format_unsupported": (
        "Message type %(message_type)s cannot be exchanged as %(format)s: no EANCOM message "
        "is mapped for it (use csv, xlsx or json)"
    ),
    "empty": "The file is empty",
    "not_stored": (
        "The file (%(size)s bytes) could not be stored: the server's file store refused to "
        "write it. Nothing was received; send it again later"
    ),
    "too_large": (
        "The file has %(size)s bytes, more than the %(maximum)s allowed: split it into smaller "
        "files"
    ),
    "too_many_lines": (
        "The file has more than %(maximum)s lines, the most allowed: split it into smaller files"
    ),
    "too_many_rows": (
        "The file has more than %(maximum)s rows (blank rows included), the most allowed: "
        "split it into smaller files"
    ),
    "too_many_columns": ("Line %(line)s has %(count)s columns, more than the %(maximum)s allowed"),
    "field_too_large": (
        "Line %(line)s: a value of %(size)s characters is longer than the %(maximum)s allowed"
    ),
    "unzipped_too_large": (
        "The workbook's part %(member)s unzips to %(size)s bytes, more than the %(maximum)s allowed"
    ),
    "compression_ratio": (
        "The workbook's part %(member)s inflates %(ratio)s times (%(size)s bytes from "
        "%(compressed)s), more than the %(maximum)s times allowed: it is not an ordinary "
        "Excel file"
    ),
    "json_too_deep": "JSON: %(value)s is nested more than %(maximum)s levels deep",
    "number_too_large": "JSON: the number %(value)s has more than %(maximum)s digits",
    "lone_surrogate": (
        "JSON: %(value)s holds an unpaired surrogate (%(char)s), which is not a character: "
        "send UTF-8 text"
    ),
    "nul_character": "JSON: %(value)s holds a NUL character, which is not text",
    "encoding": (
        "The file is neither UTF-8 nor GB18030/GBK text (undecodable byte %(value)r at "
        'position %(position)s): save it as "CSV UTF-8"'
    ),
    "binary": (
        "The file holds binary data (a NUL byte at position %(position)s), not %(format)s text"
    ),
    "xls_unsupported": (
        "The file is an Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) "
        "or as CSV UTF-8"
    ),
    "no_header": (
        "No header row found: none of the first %(rows)s rows names the columns of a "
        "%(message_type)s file (first row: %(value)r)"
    ),
    "bad_delimiter": (
        "Line %(line)s: the columns seem to be separated by %(separator)r; separate them with "
        "a comma, semicolon, tab or |"
    ),
    "missing_columns": (
        "Line %(line)s: required column(s) missing: %(columns)s (columns found: %(found)s)"
    ),
    "duplicate_column": (
        "Line %(line)s: columns %(first)r and %(value)r both mean the field %(field)s"
    ),
    "bad_json": "Line %(line)s: not valid JSON: %(reason)s",
    "json_not_object": (
        'JSON: the top level must be an object holding the header fields and a "lines" list, '
        "not %(kind)s"
    ),
    "json_lines_not_list": 'JSON: "lines" must be a list, not %(kind)s',
    "type_mismatch": "The file is a %(found)s message, not %(expected)s",
    "bad_xlsx": "The file is not a readable Excel workbook (.xlsx): %(reason)s",
    "edifact_syntax": "EDIFACT syntax error: %(reason)s",
    "edifact_no_message": "EDIFACT: the interchange holds no message (no UNH segment)",
    "edifact_multiple": (
        "EDIFACT: the interchange holds %(count)s messages; read it with decode_interchange, "
        "which splits it, or send one message per file"
    ),
    "edifact_bad_tag": (
        "EDIFACT: segment %(position)s starts with %(value)r, not a segment tag of three "
        "capital letters (wrong separators or a damaged file)"
    ),
    "edifact_typographic_quote": (
        "EDIFACT: segment %(position)s holds %(value)r: a typographic apostrophe (’) stands "
        "where the segment terminator (') belongs, so two segments run together (the file was "
        "retyped or edited in a word processor): send the file as the sending system wrote it"
    ),
    "edifact_misplaced": (
        "EDIFACT: segment %(segment)s at position %(position)s is out of place (%(value)s)"
    ),
    "edifact_second_interchange": (
        "EDIFACT: the file holds a second interchange (%(value)s at position %(position)s, "
        "after the first one's UNZ): send each interchange as a file of its own"
    ),
    "edifact_after_end": (
        "EDIFACT: segment %(segment)s at position %(position)s comes after the end of the "
        "interchange (UNZ)"
    ),
    "edifact_outside_message": (
        "EDIFACT: segment %(segment)s at position %(position)s is outside any message "
        "(between UNH and UNT)"
    ),
    "edifact_too_many_messages": (
        "EDIFACT: the interchange holds more than %(maximum)s messages, the most allowed"
    ),
    "edifact_control_count": (
        "EDIFACT: %(segment)s counts %(found)s %(what)s, but %(expected)s were found: the "
        "interchange was cut short or altered"
    ),
    "edifact_control_total": (
        "EDIFACT: %(value)s says %(expected)s, but the message holds %(found)s: lines "
        "were lost or added on the way, or the sender counts otherwise"
    ),
    "edifact_control_reference": (
        "EDIFACT: %(segment)s closes reference %(found)r, but %(opening)s opened %(expected)r"
    ),
    "edifact_syntax_identifier": (
        "EDIFACT: syntax identifier %(value)r is not one of %(expected)s"
    ),
    "edifact_price_basis": (
        "EDIFACT: price %(price)s has unit price basis %(value)r, which is not a number"
    ),
    "profile_unknown_key": ("EDIFACT profile: unknown key %(key)r (known keys: %(expected)s)"),
    "profile_bad_value": ("EDIFACT profile: %(key)s is %(value)s, expected %(expected)s"),
    "profile_unreadable": "EDIFACT profile %(value)s cannot be read: %(reason)s",
    "edifact_incomplete": (
        "EDIFACT: the interchange is incomplete (%(value)s missing or wrong): the file was "
        "cut short or altered"
    ),
    "edifact_wrong_message": (
        "EDIFACT: a %(found)s message cannot be read as %(message_type)s (%(expected)s expected)"
    ),
    "edifact_wrong_document": (
        "EDIFACT: BGM document code %(found)r does not match %(message_type)s (%(expected)r "
        "expected)"
    ),
    "unreadable": "The %(format)s file cannot be read: %(reason)s",
    "unwritable": "The message cannot be written as %(format)s: %(reason)s",
    "invalid_message": "The %(message_type)s message has %(count)s error(s); first: %(first)s",
    # -- findings on a readable file (Problem) --------------------------------------------
    "unknown_column": "Column %(value)r is not a field of %(message_type)s and is ignored",
    "extra_cells": (
        "%(count)s cells, but the header row has %(columns)s columns (a separator inside an "
        "unquoted value?)"
    ),
    "header_mismatch": (
        "%(field)s: %(value)r differs from %(first)r on line %(first_line)s; header fields "
        "repeat the same value on every line"
    ),
    "edifact_ignored_segment": (
        "EDIFACT segment %(value)s is not one the EANCOM messages read here use: it is kept "
        "unread in the extra data as %(key)s"
    ),
    "negative_usage": (
        "%(field)s: %(value)s is negative: units returned after being reported used"
    ),
    "edifact_date_format": (
        "%(field)s: EDIFACT date format %(value)r is not supported (102 CCYYMMDD or 203 "
        "CCYYMMDDHHMM expected)"
    ),
    "required": "%(field)s is required",
    "too_long": "%(field)s: %(value)r is longer than %(maximum)s characters",
    "bad_kind": "%(field)s: a %(kind)s is not allowed here, give a single value",
    "bad_int": "%(field)s: %(value)r is not a whole number",
    "bad_decimal": (
        "%(field)s: %(value)r is not a number (digits and a decimal point, without thousands "
        "separators)"
    ),
    "bad_date": "%(field)s: %(value)r is not a date (YYYY-MM-DD expected)",
    "bad_month": "%(field)s: %(value)r is not a month (YYYY-MM expected)",
    "bad_gtin": "%(field)s: %(value)r is not a GTIN (8, 12, 13 or 14 digits expected)",
    "gtin_scientific": (
        "%(field)s: %(value)r was turned into a number in scientific notation by a "
        "spreadsheet; format the column as text and export again"
    ),
    "gtin_check_digit": (
        "%(field)s: GTIN %(value)r has check digit %(found)s, %(expected)s expected"
    ),
    "bad_di": ("%(field)s: %(value)r is not a UDI-DI (letters, digits and - . / + $ %% * only)"),
    "bad_choice": "%(field)s: %(value)r is not one of %(expected)s",
    "not_positive": "%(field)s: %(value)s must be greater than zero",
    "negative": "%(field)s: %(value)s must not be negative",
    "no_product": "The product is not identified: give %(fields)s",
    "no_lines": "The %(message_type)s message has no lines",
    "duplicate_line": (
        "Same product %(product)s, lot %(lot)r and serial %(serial)r as line %(first_line)s"
    ),
    "expired": "%(field)s: %(value)s is before the document date %(date)s",
    "production_after_expiry": (
        "%(field)s: production date %(value)s is after the expiry date %(expiry)s"
    ),
    "serial_quantity": (
        "%(field)s: serial number %(serial)r identifies one unit, but the quantity is %(value)s"
    ),
    "balance_mismatch": (
        "%(field)s: %(value)s, but opening %(opening)s + received %(received)s + gain %(gain)s "
        "- used %(used)s - returned %(returned)s - shipped %(shipped)s - loss %(loss)s = "
        "%(expected)s"
    ),
    "difference_mismatch": (
        "%(field)s: %(value)s, but our quantity %(ours)s - their quantity %(theirs)s = %(expected)s"
    ),
    "line_amount_mismatch": (
        "%(field)s: %(value)s, but quantity %(quantity)s × unit price %(price)s = %(expected)s"
    ),
    "total_mismatch": (
        "%(field)s: %(value)s, but the amounts of the %(count)s lines add up to %(expected)s"
    ),
    "invoice_total_mismatch": (
        "%(field)s: %(value)s, but taxable amount %(taxable)s + tax amount %(tax)s = %(expected)s"
    ),
    "credit_note_negative": (
        "%(field)s: %(value)s is negative; a credit note states its quantities and amounts "
        "as positive numbers (its type makes them a credit)"
    ),
    "due_before_date": "%(field)s: %(value)s is before the invoice date %(date)s",
    "response_without_lines": (
        "The order response says the order is %(value)s but has no lines saying how"
    ),
    "response_line_conflict": (
        "%(field)s: the line is %(value)s, but the response code of the header is %(response)s"
    ),
}


class EdiError(MedtraceError):
    """Raised when an EDI file cannot be read or a message cannot be written.

    ``code`` is a key of :data:`MESSAGES`; ``params`` fill its template. ``line`` and
    ``field`` locate the trouble when known.
    """

    MESSAGES = MESSAGES

    def __init__(self, code, *, line=None, field=None, **params):
        if line is not None:
            params.setdefault("line", line)
        if field is not None:
            params.setdefault("field", field)
        self.line = line
        self.field = field
        super().__init__(code, **params)

    def as_problem(self) -> Problem:
        """The error as a :class:`Problem`, to list it with validation findings."""
        return Problem(
            self.code,
            self.params,
            line=self.line,
            field=self.field,
            value=self.params.get("value"),
            severity=ERROR,
            located=False,
        )


@dataclass(frozen=True)
class Problem:
    """One validation finding: where (line, field), the offending value, and why.

    ``line`` is the number of the line in the source file (CSV/XLSX row, JSON position
    in ``lines``, EDIFACT segment number), ``None`` for the file as a whole or a header
    field of a JSON/EDIFACT message.
    """

    code: str
    params: dict = field(default_factory=dict)
    line: int | None = None
    field: str | None = None
    value: Any = None
    severity: str = ERROR
    #: False when the template itself already names the line (errors of the whole file).
    located: bool = True

    @property
    def template(self) -> str:
        return MESSAGES[self.code]

    @property
    def text(self) -> str:
        """The English message without the line prefix."""
        return self.template % self.params

    @property
    def message(self) -> str:
        """The English message, prefixed with the line when there is one."""
        if self.line is not None and self.located:
            return f"Line {self.line}: {self.text}"
        return self.text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "line": self.line,
            "field": self.field,
            "value": _plain(self.value),
            "message": self.message,
            "template": self.template,
            "params": {key: _plain(value) for key, value in self.params.items()},
        }


def _plain(value):
    """A JSON-friendly form of a parameter value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def has_errors(problems) -> bool:
    """Whether any problem is an error (warnings do not make a message invalid)."""
    return any(problem.is_error for problem in problems)


def problem(code, *, line=None, field=None, value=None, severity=ERROR, **params) -> Problem:
    """Build a :class:`Problem`; ``field`` and ``value`` are also template parameters."""
    if field is not None:
        params.setdefault("field", field)
    params.setdefault("value", value)
    return Problem(code, params, line=line, field=field, value=value, severity=severity)
