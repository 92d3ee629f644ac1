from collections import namedtuple

from odoo import fields, models

from medtrace.edi.acks import aperak, contrl, ordrsp

#: outbound acknowledgements, message types of their own (no medtrace schema: their
#: bytes are written by ``medtrace.edi.acks`` from the interchange received)
ACK_TYPES = [
    ("contrl", "Syntax Acknowledgement (CONTRL)"),
    ("aperak", "Application Error (APERAK)"),
    ("ordrsp", "Order Response (ORDRSP)"),
]
#: a ``med.edi.problem`` as ``medtrace.edi.aperak`` reads a problem
AckProblem = namedtuple("AckProblem", "code line text is_error")


class MedEdiHandlerAck(models.AbstractModel):
    """An acknowledgement of an EDIFACT interchange received (``med.edi.handler.<contrl|
    aperak|ordrsp>.out``): an outbound exchange linked to the exchange it acknowledges
    (``acknowledged_id``), written as EDIFACT with sender and recipient swapped, and sent
    on the consignor's channel as any outbound file (the folder's outbox, or pulled
    over the API)."""

    _name = "med.edi.handler.ack"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Acknowledgement"
    _edi_direction = "out"

    def _edi_ack_data(self, interchange, acknowledged, reference, document_number, when, **options):
        """The acknowledgement's bytes."""
        raise NotImplementedError(self._name)

    def _edi_generate(
        self,
        backend,
        record=None,
        send=True,
        period=None,
        interchange=None,
        acknowledged=None,
        **options,
    ):
        """The outbound exchange acknowledging ``acknowledged`` (an inbound exchange) of
        ``interchange`` (the Interchange it was read from), generated and, on a folder
        channel, sent."""
        Exchange = self.env["med.edi.exchange"]
        with Exchange._edi_system():
            exchange = (
                Exchange.sudo()
                .create(
                    {
                        "backend_id": backend.id,
                        "direction": "out",
                        "message_type": self._edi_message_type,
                        "channel": backend.channel,
                        "state": "draft",
                        "file_format": "edifact",
                        "acknowledged_id": acknowledged.id,
                        "res_model": record._name if record else False,
                        "res_id": record.id if record else False,
                    }
                )
                .sudo(self.env.su)
            )
        ident = f"{self._edi_message_type.upper()}-{backend.id}-{exchange.id:08d}"
        data = self._edi_ack_data(
            interchange,
            acknowledged,
            reference=str(exchange.id),
            document_number=ident,
            when=fields.Datetime.now(),
            **options,
        )
        exchange._edi_write(
            {
                "message_ident": ident,
                "state": "generated",
                "interchange_reference": str(exchange.id),
            }
        )
        exchange._edi_attach(data, f"{ident}.edi")
        if send and backend.channel == "folder" and self.env.context.get("med_edi_send", True):
            exchange._edi_send()
        return exchange


class MedEdiHandlerContrlOut(models.AbstractModel):
    """CONTRL: the interchange accepted, or rejected with the segment and the 0085
    syntax error code of each envelope problem."""

    _name = "med.edi.handler.contrl.out"
    _inherit = ["med.edi.handler.ack"]
    _description = "Consignor EDI: CONTRL Sent"
    _edi_message_type = "contrl"

    def _edi_ack_data(
        self, interchange, acknowledged, reference, document_number, when, rejected=None, **options
    ):
        return contrl(interchange, rejected, reference=reference, when=when)


class MedEdiHandlerAperakOut(models.AbstractModel):
    """APERAK: a message refused for application errors, each problem with its line."""

    _name = "med.edi.handler.aperak.out"
    _inherit = ["med.edi.handler.ack"]
    _description = "Consignor EDI: APERAK Sent"
    _edi_message_type = "aperak"

    def _edi_ack_data(
        self,
        interchange,
        acknowledged,
        reference,
        document_number,
        when,
        edi_message=None,
        **options,
    ):
        problems = [
            AckProblem(p.code or "error", p.line or None, p.message, True)
            for p in acknowledged.problem_ids
            if p.severity == "error"
        ]
        return aperak(
            interchange,
            problems,
            message=edi_message,
            reference=reference,
            document_number=document_number,
            when=when,
        )


class MedEdiHandlerOrdrspOut(models.AbstractModel):
    """ORDRSP: an order accepted as ordered, or with the lines whose quantities changed."""

    _name = "med.edi.handler.ordrsp.out"
    _inherit = ["med.edi.handler.ack"]
    _description = "Consignor EDI: ORDRSP Sent"
    _edi_message_type = "ordrsp"

    def _edi_ack_data(
        self,
        interchange,
        acknowledged,
        reference,
        document_number,
        when,
        edi_message=None,
        order=None,
        responses=None,
        **options,
    ):
        return ordrsp(
            interchange,
            order,
            responses,
            message=edi_message,
            reference=reference,
            document_number=document_number,
            when=when,
        )
