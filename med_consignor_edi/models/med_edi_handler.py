from odoo import api, models


class EdiRefused(Exception):
    """A message that cannot be turned into documents; carries problem values."""

    def __init__(self, problems):
        super().__init__(len(problems))
        self.problems = problems


class MedEdiHandler(models.AbstractModel):
    """What one message type does in one direction (OCA edi_core_oca's components, one
    per exchange type and usage, without the component framework): an abstract model
    ``med.edi.handler.<message type>.<in|out>`` per message type and direction, found
    by :meth:`_edi_handler` from an exchange's message type and direction.

    Inbound handlers implement :meth:`_edi_check` (the lookups and the problems that
    refuse the message) and :meth:`_edi_process` (the documents); outbound handlers
    implement :meth:`_edi_build` (the header and lines of the message).  Adding a
    message type: its schema in ``medtrace.edi.schemas`` and one handler file."""

    _name = "med.edi.handler"
    _inherit = ["med.edi.lookup.mixin"]
    _description = "Consignor EDI Message Handler"

    #: set by each concrete handler
    _edi_message_type = None
    _edi_direction = None

    @api.model
    def _edi_handler_name(self, message_type, direction):
        return f"med.edi.handler.{message_type}.{direction}"

    @api.model
    def _edi_handler(self, message_type, direction):
        """The handler of ``message_type`` in ``direction`` ("in" or "out"), in this
        environment; None when there is none."""
        name = self._edi_handler_name(message_type, direction)
        return self.env[name] if name in self.env else None

    # -- inbound ------------------------------------------------------------------------

    def _edi_import(self, exchange, message):
        """Turn ``message`` (a clean message of ``exchange``) into its document: raise
        EdiRefused with every problem :meth:`_edi_check` finds, else process it."""
        found, problems = self._edi_check(exchange, message)
        if problems:
            raise EdiRefused(problems)
        return self._edi_process(exchange, message, found)

    def _edi_check(self, exchange, message):
        """(what was looked up, as a dict handed to :meth:`_edi_process`; the list of
        problem values refusing the message)."""
        return {}, []

    def _edi_process(self, exchange, message, found):
        """Create the document of ``message``; returns it (a record or None)."""
        raise NotImplementedError(self._name)

    def _edi_document_vals(self, exchange, message):
        """Values every document created from a message carries (its backend, order)."""
        return {
            "med_edi_backend_id": exchange.backend_id.id,
            "med_edi_order_ref": message.header.get("order_ref"),
        }

    # -- outbound -----------------------------------------------------------------------

    def _edi_build(self, backend, **options):
        """(header dict, list of line dicts) of the message to send to ``backend``."""
        raise NotImplementedError(self._name)

    def _edi_move_line_values(self, move_line, product_values):
        """The product, lot and quantity fields of a line about a done move line."""
        lot, product = move_line.lot_id, move_line.product_id
        values = dict(product_values[product])
        values.update(
            {
                "lot": lot.name if lot and product.tracking == "lot" else None,
                "serial": lot.name if lot and product.tracking == "serial" else None,
                "expiry_date": lot.expiration_date.date() if lot.expiration_date else None,
                "quantity": move_line.quantity_product_uom,
            }
        )
        return values

    def _edi_generate(self, backend, record=None, send=True, period=None, **options):
        """Build the message and create its outbound exchange (see
        ``med.edi.backend._edi_generate``); returns the exchange."""
        header, lines = self._edi_build(backend, **options)
        return backend._edi_generate(
            self._edi_message_type, header, lines, record=record, send=send, period=period
        )
