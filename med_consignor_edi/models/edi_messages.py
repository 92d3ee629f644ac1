"""Translatable texts of the EDI codec (medtrace.edi) and of this addon's own checks.

Odoo's translation export only finds literal strings: every template of
``medtrace.edi.errors.MESSAGES`` is repeated here as an ``_lt`` literal so that it lands
in the .pot; ``translate_problem`` then translates a codec problem with
``_(template, **params)``.  A test checks the two lists stay the same.  Also the
inbound message types, which the backend and its folder channel both need.
"""

# ruff: noqa: E501
from odoo import _lt
from odoo.exceptions import UserError

from medtrace.edi.schemas import INBOUND, SCHEMAS

INBOUND_TYPES = [name for name, schema in SCHEMAS.items() if schema.direction == INBOUND]

CODEC_MESSAGES = {
    "unknown_type": _lt("Unknown EDI message type %(value)r: expected one of %(expected)s"),
    "unknown_format": _lt("Unknown EDI file format %(value)r: expected one of %(expected)s"),
    "format_unsupported": _lt(
        "Message type %(message_type)s cannot be exchanged as %(format)s: no EANCOM message is mapped for it (use csv, xlsx or json)"
    ),
    "empty": _lt("The file is empty"),
    "not_stored": _lt(
        "The file (%(size)s bytes) could not be stored: the server's file store refused to write it. Nothing was received; send it again later"
    ),
    "too_large": _lt(
        "The file has %(size)s bytes, more than the %(maximum)s allowed: split it into smaller files"
    ),
    "too_many_lines": _lt(
        "The file has more than %(maximum)s lines, the most allowed: split it into smaller files"
    ),
    "too_many_rows": _lt(
        "The file has more than %(maximum)s rows (blank rows included), the most allowed: split it into smaller files"
    ),
    "too_many_columns": _lt(
        "Line %(line)s has %(count)s columns, more than the %(maximum)s allowed"
    ),
    "field_too_large": _lt(
        "Line %(line)s: a value of %(size)s characters is longer than the %(maximum)s allowed"
    ),
    "unzipped_too_large": _lt(
        "The workbook's part %(member)s unzips to %(size)s bytes, more than the %(maximum)s allowed"
    ),
    "compression_ratio": _lt(
        "The workbook's part %(member)s inflates %(ratio)s times (%(size)s bytes from %(compressed)s), more than the %(maximum)s times allowed: it is not an ordinary Excel file"
    ),
    "json_too_deep": _lt("JSON: %(value)s is nested more than %(maximum)s levels deep"),
    "number_too_large": _lt("JSON: the number %(value)s has more than %(maximum)s digits"),
    "lone_surrogate": _lt(
        "JSON: %(value)s holds an unpaired surrogate (%(char)s), which is not a character: send UTF-8 text"
    ),
    "nul_character": _lt("JSON: %(value)s holds a NUL character, which is not text"),
    "encoding": _lt(
        'The file is neither UTF-8 nor GB18030/GBK text (undecodable byte %(value)r at position %(position)s): save it as "CSV UTF-8"'
    ),
    "binary": _lt(
        "The file holds binary data (a NUL byte at position %(position)s), not %(format)s text"
    ),
    "xls_unsupported": _lt(
        "The file is an Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV UTF-8"
    ),
    "no_header": _lt(
        "No header row found: none of the first %(rows)s rows names the columns of a %(message_type)s file (first row: %(value)r)"
    ),
    "bad_delimiter": _lt(
        "Line %(line)s: the columns seem to be separated by %(separator)r; separate them with a comma, semicolon, tab or |"
    ),
    "missing_columns": _lt(
        "Line %(line)s: required column(s) missing: %(columns)s (columns found: %(found)s)"
    ),
    "duplicate_column": _lt(
        "Line %(line)s: columns %(first)r and %(value)r both mean the field %(field)s"
    ),
    "bad_json": _lt("Line %(line)s: not valid JSON: %(reason)s"),
    "json_not_object": _lt(
        'JSON: the top level must be an object holding the header fields and a "lines" list, not %(kind)s'
    ),
    "json_lines_not_list": _lt('JSON: "lines" must be a list, not %(kind)s'),
    "type_mismatch": _lt("The file is a %(found)s message, not %(expected)s"),
    "bad_xlsx": _lt("The file is not a readable Excel workbook (.xlsx): %(reason)s"),
    "edifact_syntax": _lt("EDIFACT syntax error: %(reason)s"),
    "edifact_no_message": _lt("EDIFACT: the interchange holds no message (no UNH segment)"),
    "edifact_multiple": _lt(
        "EDIFACT: the interchange holds %(count)s messages; read it with decode_interchange, which splits it, or send one message per file"
    ),
    "edifact_bad_tag": _lt(
        "EDIFACT: segment %(position)s starts with %(value)r, not a segment tag of three capital letters (wrong separators or a damaged file)"
    ),
    "edifact_typographic_quote": _lt(
        "EDIFACT: segment %(position)s holds %(value)r: a typographic apostrophe (’) stands where the segment terminator (') belongs, so two segments run together (the file was retyped or edited in a word processor): send the file as the sending system wrote it"
    ),
    "edifact_misplaced": _lt(
        "EDIFACT: segment %(segment)s at position %(position)s is out of place (%(value)s)"
    ),
    "edifact_second_interchange": _lt(
        "EDIFACT: the file holds a second interchange (%(value)s at position %(position)s, after the first one's UNZ): send each interchange as a file of its own"
    ),
    "edifact_after_end": _lt(
        "EDIFACT: segment %(segment)s at position %(position)s comes after the end of the interchange (UNZ)"
    ),
    "edifact_outside_message": _lt(
        "EDIFACT: segment %(segment)s at position %(position)s is outside any message (between UNH and UNT)"
    ),
    "edifact_too_many_messages": _lt(
        "EDIFACT: the interchange holds more than %(maximum)s messages, the most allowed"
    ),
    "edifact_control_count": _lt(
        "EDIFACT: %(segment)s counts %(found)s %(what)s, but %(expected)s were found: the interchange was cut short or altered"
    ),
    "edifact_control_total": _lt(
        "EDIFACT: %(value)s says %(expected)s, but the message holds %(found)s: lines were lost or added on the way, or the sender counts otherwise"
    ),
    "edifact_control_reference": _lt(
        "EDIFACT: %(segment)s closes reference %(found)r, but %(opening)s opened %(expected)r"
    ),
    "edifact_syntax_identifier": _lt(
        "EDIFACT: syntax identifier %(value)r is not one of %(expected)s"
    ),
    "edifact_price_basis": _lt(
        "EDIFACT: price %(price)s has unit price basis %(value)r, which is not a number"
    ),
    "profile_unknown_key": _lt("EDIFACT profile: unknown key %(key)r (known keys: %(expected)s)"),
    "profile_bad_value": _lt("EDIFACT profile: %(key)s is %(value)s, expected %(expected)s"),
    "profile_unreadable": _lt("EDIFACT profile %(value)s cannot be read: %(reason)s"),
    "edifact_incomplete": _lt(
        "EDIFACT: the interchange is incomplete (%(value)s missing or wrong): the file was cut short or altered"
    ),
    "edifact_wrong_message": _lt(
        "EDIFACT: a %(found)s message cannot be read as %(message_type)s (%(expected)s expected)"
    ),
    "edifact_wrong_document": _lt(
        "EDIFACT: BGM document code %(found)r does not match %(message_type)s (%(expected)r expected)"
    ),
    "unreadable": _lt("The %(format)s file cannot be read: %(reason)s"),
    "unwritable": _lt("The message cannot be written as %(format)s: %(reason)s"),
    "invalid_message": _lt("The %(message_type)s message has %(count)s error(s); first: %(first)s"),
    "unknown_column": _lt("Column %(value)r is not a field of %(message_type)s and is ignored"),
    "extra_cells": _lt(
        "%(count)s cells, but the header row has %(columns)s columns (a separator inside an unquoted value?)"
    ),
    "header_mismatch": _lt(
        "%(field)s: %(value)r differs from %(first)r on line %(first_line)s; header fields repeat the same value on every line"
    ),
    "edifact_ignored_segment": _lt(
        "EDIFACT segment %(value)s is not one the EANCOM messages read here use: it is kept unread in the extra data as %(key)s"
    ),
    "negative_usage": _lt(
        "%(field)s: %(value)s is negative: units returned after being reported used"
    ),
    "edifact_date_format": _lt(
        "%(field)s: EDIFACT date format %(value)r is not supported (102 CCYYMMDD or 203 CCYYMMDDHHMM expected)"
    ),
    "required": _lt("%(field)s is required"),
    "too_long": _lt("%(field)s: %(value)r is longer than %(maximum)s characters"),
    "bad_kind": _lt("%(field)s: a %(kind)s is not allowed here, give a single value"),
    "bad_int": _lt("%(field)s: %(value)r is not a whole number"),
    "bad_decimal": _lt(
        "%(field)s: %(value)r is not a number (digits and a decimal point, without thousands separators)"
    ),
    "bad_date": _lt("%(field)s: %(value)r is not a date (YYYY-MM-DD expected)"),
    "bad_month": _lt("%(field)s: %(value)r is not a month (YYYY-MM expected)"),
    "bad_gtin": _lt("%(field)s: %(value)r is not a GTIN (8, 12, 13 or 14 digits expected)"),
    "gtin_scientific": _lt(
        "%(field)s: %(value)r was turned into a number in scientific notation by a spreadsheet; format the column as text and export again"
    ),
    "gtin_check_digit": _lt(
        "%(field)s: GTIN %(value)r has check digit %(found)s, %(expected)s expected"
    ),
    "bad_di": _lt("%(field)s: %(value)r is not a UDI-DI (letters, digits and - . / + $ %% * only)"),
    "bad_choice": _lt("%(field)s: %(value)r is not one of %(expected)s"),
    "not_positive": _lt("%(field)s: %(value)s must be greater than zero"),
    "negative": _lt("%(field)s: %(value)s must not be negative"),
    "no_product": _lt("The product is not identified: give %(fields)s"),
    "no_lines": _lt("The %(message_type)s message has no lines"),
    "duplicate_line": _lt(
        "Same product %(product)s, lot %(lot)r and serial %(serial)r as line %(first_line)s"
    ),
    "expired": _lt("%(field)s: %(value)s is before the document date %(date)s"),
    "production_after_expiry": _lt(
        "%(field)s: production date %(value)s is after the expiry date %(expiry)s"
    ),
    "serial_quantity": _lt(
        "%(field)s: serial number %(serial)r identifies one unit, but the quantity is %(value)s"
    ),
    "balance_mismatch": _lt(
        "%(field)s: %(value)s, but opening %(opening)s + received %(received)s + gain %(gain)s - used %(used)s - returned %(returned)s - shipped %(shipped)s - loss %(loss)s = %(expected)s"
    ),
    "difference_mismatch": _lt(
        "%(field)s: %(value)s, but our quantity %(ours)s - their quantity %(theirs)s = %(expected)s"
    ),
    "line_amount_mismatch": _lt(
        "%(field)s: %(value)s, but quantity %(quantity)s × unit price %(price)s = %(expected)s"
    ),
    "total_mismatch": _lt(
        "%(field)s: %(value)s, but the amounts of the %(count)s lines add up to %(expected)s"
    ),
    "invoice_total_mismatch": _lt(
        "%(field)s: %(value)s, but taxable amount %(taxable)s + tax amount %(tax)s = %(expected)s"
    ),
    "credit_note_negative": _lt(
        "%(field)s: %(value)s is negative; a credit note states its quantities and amounts as positive numbers (its type makes them a credit)"
    ),
    "due_before_date": _lt("%(field)s: %(value)s is before the invoice date %(date)s"),
    "response_without_lines": _lt(
        "The order response says the order is %(value)s but has no lines saying how"
    ),
    "response_line_conflict": _lt(
        "%(field)s: the line is %(value)s, but the response code of the header is %(response)s"
    ),
}

#: problems this addon finds when it turns a valid message into documents
ADDON_MESSAGES = {
    "unknown_product": _lt(
        "%(field)s: no product is known for %(value)r (looked up by UDI-DI, GTIN and the "
        "consignor's product code)"
    ),
    "unknown_lot": _lt("%(field)s: lot %(value)r of %(product)s is not in stock"),
    "lot_expiry_mismatch": _lt(
        "%(field)s: lot %(lot)r of %(product)s expires on %(expected)s here, not %(value)s"
    ),
    "unknown_customer": _lt(
        "%(field)s: no customer has the reference %(value)r; create it (with its "
        "qualifications) first"
    ),
    "gsp_refused": _lt("GSP: %(reason)s"),
    "duplicate_message": _lt(
        "Message %(value)r of %(consignor)s was already processed in exchange %(exchange)s"
    ),
    "duplicate_content": _lt("The same file was already received in exchange %(exchange)s"),
    "duplicate_concurrent": _lt(
        "Message %(value)r of %(consignor)s was processed at the same moment by another "
        "delivery; this one is ignored"
    ),
    "wrong_consignor": _lt(
        "%(field)s: %(value)r is not the code of this backend's consignor (%(expected)s)"
    ),
    "wrong_direction": _lt("%(value)s is not an inbound message type"),
    "unknown_order": _lt(
        "%(field)s: no purchase order %(value)r to %(consignor)s is known (its reference "
        "or the consignor's own)"
    ),
    "product_not_on_order": _lt("%(field)s: %(value)s is not on purchase order %(order)s"),
    "processing_failed": _lt("The message could not be processed: %(reason)s"),
}
ADDON_MESSAGES["format_not_accepted"] = _lt(
    "The file is %(value)s, a format this consignor does not exchange (accepted: %(expected)s)"
)


def translate_problem(env, template, params):
    """``template`` (a codec or addon template) translated into the user's language."""
    try:
        return env._(template, **params)
    except (KeyError, TypeError, ValueError):
        # a translation whose placeholders do not match: fall back to English
        return template % params


def addon_problem(env, code, *, line=None, field=None, value=None, **params):
    """Values of a ``med.edi.problem`` for one of this addon's own findings."""
    params.setdefault("field", field)
    params.setdefault("value", value)
    template = ADDON_MESSAGES[code]._source
    return {
        "code": code,
        "line": line or 0,
        "field": field or False,
        "value": "" if value is None else str(value),
        "message": translate_problem(env, template, params),
        "severity": "error",
    }


def codec_problem(env, problem):
    """Values of a ``med.edi.problem`` for a ``medtrace.edi`` Problem."""
    return {
        "code": problem.code,
        "line": problem.line or 0,
        "field": problem.field or False,
        "value": "" if problem.value is None else str(problem.value),
        "message": translate_problem(env, problem.template, problem.params),
        "severity": problem.severity,
    }


class EdiFileNotStored(UserError):
    """The file store refused a file (``_edi_attach``): a received one is kept as refused
    (``_edi_receive``), a user's upload is refused with this message."""

    def __init__(self, message, size):
        super().__init__(message)
        self.size = size
