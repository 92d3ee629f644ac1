"""The in-memory form of an EDI message, whatever file format it came from or goes to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def fingerprint(data: bytes) -> str:
    """SHA-256 (hex) of a file's bytes: the same file received twice has the same one."""
    return hashlib.sha256(bytes(data)).hexdigest()


@dataclass
class Line:
    """One line of a message: its values by field name and where it was in the file.

    ``number`` is the line's position in the source: the row number in a CSV or XLSX
    file (1 = first row), the position in the JSON ``lines`` list (1 = first), the number
    of the LIN segment in an EDIFACT interchange (1 = first segment).
    """

    number: int
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name, default=None):
        return self.values.get(name, default)


@dataclass
class Message:
    """A decoded or to-be-encoded message.

    Values are raw as read (text, or numbers/dates from XLSX and JSON) after
    :func:`~medtrace.edi.decode`, typed (``date``, ``Decimal``, ``int``, ``str``, None)
    after :func:`~medtrace.edi.clean`. :func:`~medtrace.edi.encode` accepts both.
    ``problems`` holds what decoding noticed without failing (unknown columns...);
    :func:`~medtrace.edi.validate` returns them together with its own findings.
    """

    message_type: str
    header: dict[str, Any] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    format: str | None = None
    fingerprint: str | None = None
    #: line of the file the header values were read from (None: JSON/EDIFACT header)
    header_line: int | None = None
    problems: list = field(default_factory=list)

    @property
    def message_id(self):
        value = self.header.get("message_id")
        return str(value).strip() if value not in (None, "") else None

    @property
    def identity(self) -> tuple:
        """``(message_type, consignor_code, message_id)``: what a consignor means as one
        message. The addon stores it (and :attr:`fingerprint`) to process a message once."""
        consignor = self.header.get("consignor_code")
        consignor = str(consignor).strip() if consignor not in (None, "") else None
        return (self.message_type, consignor, self.message_id)

    def as_dict(self) -> dict:
        """Nested JSON-like form: header fields, then ``lines``."""
        return {
            "message_type": self.message_type,
            **self.header,
            "lines": [dict(line.values) for line in self.lines],
        }
