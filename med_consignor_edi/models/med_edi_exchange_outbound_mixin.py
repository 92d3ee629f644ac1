from odoo import models

from medtrace.edi.codecs import encode
from medtrace.edi.errors import EdiError
from medtrace.edi.validate import validate

from .edi_messages import codec_problem

EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "edifact": "edi"}


class MedEdiExchangeOutboundMixin(models.AbstractModel):
    """An outbound exchange's file: validated and written from the message its handler
    built, then sent by the backend's channel.  Inherited by ``med.edi.exchange``."""

    _name = "med.edi.exchange.outbound.mixin"
    _description = "Consignor EDI Outbound File"

    def _edi_outbound_message_id(self):
        self.ensure_one()
        prefix = "".join(part[0] for part in self.message_type.split("_")).upper()
        return f"{prefix}-{self.backend_id.id}-{self.id:08d}"

    def _edi_encode(self, message, send=True):
        """Validate and write ``message`` as this outbound exchange's file; send it at
        once when its channel is a folder and ``send`` is set."""
        self.ensure_one()
        problems = validate(message)
        vals = {"message_ident": message.message_id, "line_count": len(message.lines)}
        if any(p.is_error for p in problems):
            self._edi_set_error([codec_problem(self.env, p) for p in problems], vals)
            return False
        try:
            data = encode(message, self.file_format, lang=self.backend_id.outbound_lang)
        except EdiError as exc:
            self._edi_set_error([codec_problem(self.env, exc.as_problem())], vals)
            return False
        self._edi_write({**vals, "state": "generated"})
        self._edi_attach(data, f"{message.message_id}.{EXTENSIONS[self.file_format]}")
        if (
            send
            and self.backend_id.channel == "folder"
            and self.env.context.get("med_edi_send", True)
        ):
            self._edi_send()
        return True

    def _edi_send(self):
        """Write generated outbound files to their backend's outbox (the folder channel,
        ``med.edi.folder.mixin``)."""
        for backend in self.backend_id:
            backend._edi_folder_send(self.filtered(lambda e, b=backend: e.backend_id == b))
        return True
