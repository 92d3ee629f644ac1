from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from medtrace.edi.acks import element_errors
from medtrace.edi.errors import EdiError

#: order documents an ORDRSP answers: their line quantity field
ORDER_QUANTITY_FIELDS = {"purchase.order": "product_qty", "sale.order": "product_uom_qty"}
#: inbound message types (EANCOM ORDERS) answered by an ORDRSP
ORDER_TYPES = ("purchase_order", "sales_order")


def _quantity_text(quantity):
    return f"{quantity:.6f}".rstrip("0").rstrip(".")


class MedEdiBackendAckMixin(models.AbstractModel):
    """Which acknowledgements a consignor wants for the EDIFACT interchanges it sends.
    Inherited by ``med.edi.backend``."""

    _name = "med.edi.backend.ack.mixin"
    _description = "Consignor EDI Acknowledgements"

    ack_contrl = fields.Boolean(
        string="Send CONTRL",
        help="For every EDIFACT interchange received, a CONTRL: accepted, or rejected with "
        "the segment and the syntax error code when its envelope is wrong.",
    )
    ack_aperak = fields.Boolean(
        string="Send APERAK",
        help="For every EDIFACT message refused for application errors, an APERAK listing "
        "each problem with its line.",
    )
    ack_ordrsp = fields.Boolean(
        string="Send ORDRSP",
        help="For every EDIFACT order (ORDERS) accepted, an ORDRSP: accepted, or the lines "
        "whose quantities were changed.",
    )


class MedEdiExchangeAckMixin(models.AbstractModel):
    """Acknowledgements (CONTRL, APERAK, ORDRSP) of the EDIFACT files received, as
    outbound exchanges linked to what they acknowledge.  Inherited by
    ``med.edi.exchange``."""

    _name = "med.edi.exchange.ack.mixin"
    _description = "Consignor EDI Acknowledged Exchange"

    acknowledged_id = fields.Many2one(
        "med.edi.exchange",
        string="Acknowledges",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The exchange received that this acknowledgement answers.",
    )
    acknowledgement_ids = fields.One2many(
        "med.edi.exchange", "acknowledged_id", string="Acknowledgements", readonly=True
    )

    def _edi_acknowledge(self, interchange, messages, contrl=True):
        """The acknowledgements the backend asks for: of this exchange (the file of
        ``interchange``) a CONTRL when ``contrl``; of each of ``messages`` (exchanges of
        its messages) an APERAK when refused, an ORDRSP when an order was accepted."""
        self.ensure_one()
        backend = self.backend_id
        if not (backend.ack_contrl or backend.ack_aperak or backend.ack_ordrsp):
            return self.browse()
        Handler = self.env["med.edi.handler"]
        acks = self.browse()
        if contrl and backend.ack_contrl:
            acks |= Handler._edi_handler("contrl", "out")._edi_generate(
                backend,
                interchange=interchange,
                acknowledged=self,
                rejected=self._edi_element_errors(interchange, messages),
            )
        for message in messages:
            edi_message = message._edi_edifact_message(interchange)
            if edi_message is None:
                continue
            if backend.ack_aperak and message.state == "error":
                acks |= Handler._edi_handler("aperak", "out")._edi_generate(
                    backend,
                    interchange=edi_message.interchange,
                    acknowledged=message,
                    edi_message=edi_message,
                )
            elif backend.ack_ordrsp and message._edi_is_order():
                acks |= message._edi_send_order_response(edi_message)
        return acks

    def _edi_element_errors(self, interchange, messages):
        """{UNH reference: CONTRL entries} of the problems of ``messages`` that lie in one
        data element (a date format, a price basis): the CONTRL names the element."""
        rejected = {}
        for message in messages:
            errors = element_errors(message.problem_ids.filtered(lambda p: p.severity == "error"))
            edi_message = errors and message._edi_edifact_message(interchange)
            if edi_message:
                rejected.setdefault(edi_message.reference, []).extend(errors)
        return rejected

    def _edi_edifact_message(self, interchange=None):
        """This inbound exchange's EdifactMessage: in ``interchange`` when it is read
        from its file, else read again (None when it is no EDIFACT)."""
        self.ensure_one()
        if interchange is not None and (
            self._edi_shares_interchange_file() or not self.interchange_id
        ):
            position = self.interchange_position or 1
            if position <= len(interchange.messages):
                return interchange.messages[position - 1]
        return self._edi_read_interchange()[1]

    def _edi_is_order(self):
        self.ensure_one()
        return (
            self.direction == "in"
            and self.state == "processed"
            and self.message_type in ORDER_TYPES
            and self.file_format == "edifact"
            and self.res_model in ORDER_QUANTITY_FIELDS
            and bool(self.res_id)
        )

    def _edi_order_responses(self, order_message):
        """{line position: (status, quantity)} of the order's lines whose quantity is no
        longer the one ordered in ``order_message`` (missing or cancelled: refused)."""
        self.ensure_one()
        order = self.env[self.res_model].sudo().browse(self.res_id)
        field = ORDER_QUANTITY_FIELDS[self.res_model]
        lines = order.order_line.filtered(lambda line: not line.display_type).sorted(
            lambda line: (line.sequence, line.id)
        )
        responses = {}
        for index, line in enumerate(order_message.lines, start=1):
            try:
                ordered = float(str(line.values.get("quantity") or 0).replace(",", "."))
            except ValueError:
                continue
            if order.state == "cancel" or index > len(lines):
                responses[index] = ("refused", "0")
                continue
            ours = lines[index - 1][field]
            rounding = lines[index - 1].product_uom.rounding or 0.001
            if float_compare(ours, ordered, precision_rounding=rounding):
                responses[index] = ("changed" if ours else "refused", _quantity_text(ours))
        return responses

    def _edi_send_order_response(self, edi_message=None):
        """An ORDRSP for this order received (as EDIFACT): accepted, or the lines of its
        order whose quantities changed since."""
        self.ensure_one()
        edi_message = edi_message or self._edi_edifact_message()
        if edi_message is None or not self._edi_is_order():
            raise UserError(
                _(
                    "%(exchange)s is no order received as EDIFACT and processed: "
                    "no order response is sent for it.",
                    exchange=self.display_name,
                )
            )
        try:
            order_message = edi_message.decode(
                self.message_type, limits=self.backend_id._edi_limits()
            )
        except EdiError as exc:
            raise UserError(
                _(
                    "The order of %(exchange)s cannot be read again: %(reason)s",
                    exchange=self.display_name,
                    reason=exc,
                )
            ) from exc
        record = self.env[self.res_model].browse(self.res_id)
        return (
            self.env["med.edi.handler"]
            ._edi_handler("ordrsp", "out")
            ._edi_generate(
                self.backend_id,
                record=record,
                interchange=edi_message.interchange,
                acknowledged=self,
                edi_message=edi_message,
                order=order_message,
                responses=self._edi_order_responses(order_message),
            )
        )

    def action_send_order_response(self):
        """Button (EDI users): answer these orders with their quantities as they are now."""
        if not self.env.user.has_group("med_consignor_edi.group_edi_user"):
            raise AccessError(_("Only EDI users send order responses."))
        for exchange in self:
            exchange.backend_id.check_access("read")
            exchange.sudo()._edi_send_order_response()
        return True

    def _edi_api_links(self):
        """What the HTTP endpoint adds about an exchange: its interchange, its messages
        (an interchange's) and its acknowledgements (to pull from the outbox)."""
        self.ensure_one()
        links = {}
        if self.interchange_id:
            links["interchange"] = self.interchange_id.id
        if self.interchange_message_ids:
            links["messages"] = [
                m._edi_api_result()
                for m in self.interchange_message_ids.sorted("interchange_position")
            ]
        acks = self.acknowledgement_ids | self.interchange_message_ids.acknowledgement_ids
        if acks or self.acknowledged_id:
            links["acknowledgements"] = [a._edi_api_outbox_item() for a in acks]
        if self.acknowledged_id:
            links["acknowledges"] = self.acknowledged_id.id
        return links

    def _edi_api_outbox_item(self):
        """An outbound exchange as the endpoint lists it (its file pulled at ``file``)."""
        self.ensure_one()
        return {
            "exchange_id": self.id,
            "message_type": self.message_type,
            "state": self.state,
            "message_id": self.message_ident or None,
            "file_name": self.file_name or None,
            "acknowledges": self.acknowledged_id.id or None,
            "file": f"/med_edi/{self.backend_id.id}/exchange/{self.id}/file",
        }
