"""The HIS's answer to a message: an HL7 v2 acknowledgment (``ACK``, ``MSA`` segment).

``read_ack(data)`` gives the acknowledgment code (``MSA-1``), the control id it answers
(``MSA-2``) and the HIS's text (``MSA-3``, else the ``ERR`` segments' diagnostics), or
``None`` when ``data`` is no HL7 message with an ``MSA``.  ``AA`` and ``CA`` accept the
message; ``AE``/``CE`` (error) and ``AR``/``CR`` (rejected) do not.
"""

from dataclasses import dataclass

from . import er7
from .errors import HisError

ACCEPTED = ("AA", "CA")
REFUSED = ("AE", "AR", "CE", "CR")


@dataclass(frozen=True)
class Ack:
    code: str
    control_id: str = ""
    text: str = ""

    @property
    def accepted(self):
        return self.code in ACCEPTED


def read_ack(data):
    """The acknowledgment ``data`` (bytes or text) carries, or None."""
    if not data:
        return None
    try:
        message = er7.parse_message(data)
    except HisError:
        return None
    msa = message.first("MSA")
    if msa is None or not msa.get(1):
        return None
    texts = [msa.get(3)] if msa.get(3) else []
    for err in message.all("ERR"):
        # ERR-8 user message, ERR-7 diagnostic, ERR-3.2 the error code's text (v2.5);
        # ERR-1.4.2 in v2.3/2.4
        texts.extend(t for t in (err.get(8), err.get(7), err.get(3, 2), err.get(1, 4, 2)) if t)
    return Ack(code=msa.get(1).upper(), control_id=msa.get(2), text="; ".join(texts))
