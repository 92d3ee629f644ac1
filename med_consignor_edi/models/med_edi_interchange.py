import contextvars

from odoo import Command, api, fields, models

from medtrace.edi.codecs import decode
from medtrace.edi.eancom import OTHER_DOCUMENT_CODES
from medtrace.edi.envelope import decode_interchange
from medtrace.edi.errors import EdiError
from medtrace.edi.message import fingerprint
from medtrace.edi.schemas import SCHEMAS

from .edi_messages import INBOUND_TYPES

#: how an EDIFACT file starts (after a byte-order mark and blanks)
_EDIFACT_STARTS = (b"UNA", b"UNB", b"UNH")
#: (attachment id, Interchange) being processed in this thread: its messages are decoded
#: from it rather than each from the whole file again
_CURRENT = contextvars.ContextVar("med_edi_interchange", default=(None, None))


class MedEdiExchangeInterchangeMixin(models.AbstractModel):
    """An EDIFACT interchange of several messages (or UNG groups): the exchange that
    received it keeps the whole file; each UNH..UNT message becomes an exchange of its
    own (``interchange_id`` pointing to it), of the message type its UNH and BGM name,
    processed once by the usual rule.  An interchange of one message is processed as
    any other file.  Inherited by ``med.edi.exchange``."""

    _name = "med.edi.exchange.interchange.mixin"
    _description = "Consignor EDI Interchange"

    interchange_id = fields.Many2one(
        "med.edi.exchange",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The exchange keeping the whole file this message was received in.",
    )
    interchange_message_ids = fields.One2many(
        "med.edi.exchange", "interchange_id", string="Messages of the Interchange", readonly=True
    )
    interchange_position = fields.Integer(
        string="Position in Interchange",
        readonly=True,
        help="1 = the first message (UNH) of the interchange.",
    )
    interchange_reference = fields.Char(
        string="EDIFACT Reference",
        readonly=True,
        help="The interchange control reference (UNB 0020) of the file, or the message "
        "reference (UNH 0062) of a message of an interchange.",
    )

    # -- reading --------------------------------------------------------------------

    def _edi_shares_interchange_file(self):
        """Whether this message's file is still its interchange's (not a correction)."""
        self.ensure_one()
        return bool(
            self.interchange_id
            and self.attachment_id
            and self.attachment_id == self.interchange_id.attachment_id
        )

    def _edi_read_interchange(self):
        """(Interchange, EdifactMessage of this exchange) of an inbound EDIFACT file,
        else (None, None).  A message of an interchange reads its interchange's file."""
        self.ensure_one()
        data = self.attachment_id.raw or b""
        if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:3] not in _EDIFACT_STARTS:
            return None, None
        try:
            interchange = decode_interchange(
                data, max_messages=max(1, self.backend_id._edi_limits().max_lines)
            )
        except EdiError:
            return None, None
        position = self.interchange_position if self._edi_shares_interchange_file() else 1
        messages = interchange.messages
        return interchange, messages[position - 1] if 0 < position <= len(messages) else None

    def _edi_decode(self, data, backend):
        """The message of this exchange (``decode`` of its file, or of its place in its
        interchange); raises EdiError."""
        if self._edi_shares_interchange_file():
            attachment_id, interchange = _CURRENT.get()
            if attachment_id != self.attachment_id.id:
                interchange = decode_interchange(
                    data, max_messages=max(1, backend._edi_limits().max_lines)
                )
            edi_message = interchange.messages[self.interchange_position - 1]
            return edi_message.decode(self.message_type, limits=backend._edi_limits())
        return decode(
            data, self.message_type, mapping=backend._edi_mapping(), limits=backend._edi_limits()
        )

    @api.model
    def _edi_edifact_type(self, edi_message, declared=None):
        """The inbound message type of an EdifactMessage by its UNH message and BGM code
        (docs/edi/eancom.md); ``declared`` (the type the file was sent as) when it fits."""
        candidates = []
        for name in INBOUND_TYPES:
            mapping = SCHEMAS[name].edifact
            if (
                mapping
                and mapping.message == edi_message.type
                and edi_message.document_code
                in (mapping.document_code, *OTHER_DOCUMENT_CODES.get(name, ()))
            ):
                candidates.append(name)
        if declared in candidates:
            return declared
        return candidates[0] if candidates else False

    # -- processing -----------------------------------------------------------------

    def _edi_process_one(self):
        """Process this exchange: a message, or an interchange split into its messages;
        then acknowledge it when its backend asks for it."""
        self.ensure_one()
        if self.interchange_message_ids:
            return self._edi_process_interchange(
                self.interchange_message_ids.filtered(lambda m: m.state in ("received", "error"))
            )
        interchange, edi_message = self._edi_read_interchange()
        if (
            interchange is not None
            and not self.interchange_id
            and (len(interchange.messages) > 1 or interchange.groups)
        ):
            return self._edi_split_interchange(interchange)
        result = self._edi_process_message()
        if interchange is not None and edi_message is not None:
            if self.interchange_id:
                # a message of an interchange processed again: its own answers only
                self.interchange_id._edi_acknowledge(interchange, self, contrl=False)
            else:
                self._edi_acknowledge(interchange, self)
        return result

    def _edi_split_interchange(self, interchange):
        """One exchange per message of ``interchange`` (the file of this exchange), each
        processed; this exchange ends processed when they all are (or are duplicates)."""
        self.ensure_one()
        self.problem_ids.sudo().unlink()
        original = self._edi_duplicate_of([("checksum", "=", self.checksum)])
        if original:
            self._edi_set_duplicate(
                original,
                {
                    "code": "duplicate_content",
                    "line": 0,
                    "field": False,
                    "value": "",
                    "message": self.env._(
                        "The same file was already received in exchange %(exchange)s",
                        exchange=original.display_name,
                    ),
                },
            )
            # its sender may not have had the first acknowledgement: the envelope's again
            self._edi_acknowledge(interchange, self.browse())
            return False
        declared = self.message_type
        # the file holds messages of their own types: it is of none
        self._edi_write(
            {
                "message_type": False,
                "file_format": "edifact",
                "interchange_reference": interchange.control_reference or False,
                "message_ident": interchange.control_reference or False,
                "line_count": len(interchange.messages),
            }
        )
        backend = self.backend_id
        messages = self.browse()
        for edi_message in interchange.messages:
            message_type = self._edi_edifact_type(edi_message, declared)
            text = "\n".join(repr((s.tag, s.elements)) for s in edi_message.segments)
            messages |= backend._edi_new_inbound(
                message_type,
                self.channel,
                state="received",
                interchange_id=self.id,
                interchange_position=edi_message.position,
                interchange_reference=edi_message.reference or False,
                attachment_id=self.attachment_id.id,
                file_format="edifact",
                file_name=f"{self.file_name}#{edi_message.position}",
                file_size=len(text),
                checksum=fingerprint(text.encode("utf-8")),
                message_ident=edi_message.document_number or False,
            )
        return self._edi_process_interchange(messages, interchange)

    def _edi_process_interchange(self, messages, interchange=None):
        """Process ``messages`` (of this interchange), set this exchange's state from
        theirs, acknowledge them."""
        self.ensure_one()
        if interchange is None:
            interchange = self._edi_read_interchange()[0]
        token = _CURRENT.set((self.attachment_id.id, interchange))
        try:
            for message in messages:
                if not message.message_type and interchange is not None:
                    message._edi_set_error(
                        [
                            self._edi_unknown_message_problem(
                                interchange.messages[message.interchange_position - 1]
                            )
                        ]
                    )
                    continue
                message._edi_process_message()
        finally:
            _CURRENT.reset(token)
        every = self.interchange_message_ids
        failed = every.filtered(lambda m: m.state not in ("processed", "duplicate"))
        self.problem_ids.sudo().unlink()
        self._edi_write(
            {
                "state": "error" if failed else "processed",
                "lines_done": len(every) - len(failed),
                "date_processed": fields.Datetime.now(),
                "problem_ids": [
                    Command.create(
                        {
                            "code": "interchange_message_error",
                            "line": 0,
                            "field": False,
                            "value": message.interchange_reference or "",
                            "message": self.env._(
                                "Message %(position)s (UNH %(reference)s) of the interchange, "
                                "%(exchange)s, is %(state)s",
                                position=message.interchange_position,
                                reference=message.interchange_reference or "?",
                                exchange=message.display_name,
                                state=message._state_label(),
                            ),
                        }
                    )
                    for message in failed
                ],
            }
        )
        if interchange is not None:
            self._edi_acknowledge(interchange, messages)
        return not failed

    def _edi_unknown_message_problem(self, edi_message):
        return {
            "code": "edifact_unknown_message",
            "line": edi_message.segments[0].number,
            "field": False,
            "value": f"{edi_message.type} {edi_message.document_code}".strip(),
            "message": self.env._(
                "EDIFACT: message %(reference)s is a %(message)s with BGM document code "
                "%(code)r, which is no inbound message type of this addon",
                reference=edi_message.reference,
                message=edi_message.type or "?",
                code=edi_message.document_code,
            ),
            "severity": "error",
        }
