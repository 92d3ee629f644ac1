"""Consignor EDI: message schemas and CSV / XLSX / JSON / EANCOM codecs, without Odoo.

Typical use (what the med_consignor_edi addon does with an inbound file)::

    from medtrace import edi

    message = edi.decode(data, "purchase_order")     # EdiError if unreadable
    problems = edi.validate(message)                 # every problem, line by line
    if not edi.has_errors(problems):
        typed = edi.clean(message)                   # dates, Decimals, checked GTINs
    edi.fingerprint(data), message.identity          # process a message once

and for an outbound one: ``edi.encode(Message("stock_status", header, lines), "csv")``.
"""

from .acks import aperak, contrl, element_errors, ordrsp
from .codecs import DEFAULT_LIMITS, FORMATS, Limits, decode, detect_format, encode
from .envelope import EdifactMessage, Interchange, decode_interchange
from .errors import ERROR, MESSAGES, WARNING, EdiError, Problem, has_errors
from .message import Line, Message, fingerprint
from .profiles import load_profile, validate_profile
from .schemas import (
    INBOUND,
    MESSAGE_TYPES,
    OUTBOUND,
    SCHEMAS,
    Field,
    Schema,
    example_message,
    get_schema,
)
from .validate import clean, validate
from .values import gtin_is_valid, mod10_check_digit

__all__ = [
    "DEFAULT_LIMITS",
    "ERROR",
    "EdifactMessage",
    "Interchange",
    "aperak",
    "contrl",
    "element_errors",
    "decode_interchange",
    "load_profile",
    "ordrsp",
    "validate_profile",
    "FORMATS",
    "INBOUND",
    "MESSAGES",
    "MESSAGE_TYPES",
    "OUTBOUND",
    "SCHEMAS",
    "WARNING",
    "EdiError",
    "Field",
    "Limits",
    "Line",
    "Message",
    "Problem",
    "Schema",
    "clean",
    "decode",
    "detect_format",
    "encode",
    "example_message",
    "fingerprint",
    "get_schema",
    "gtin_is_valid",
    "has_errors",
    "mod10_check_digit",
    "validate",
]
