from odoo import models


class MedEdiHandlerLogisticsStatusOut(models.AbstractModel):
    """Outbound logistics status (物流状态, DB15/T 961 §5.3.3): the status of one order
    (a transfer made from the consignor's message) with the dated events it went
    through."""

    _name = "med.edi.handler.logistics_status.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Logistics Status Sent"
    _edi_message_type = "logistics_status"
    _edi_direction = "out"

    def _edi_build(self, backend, picking=None, events=()):
        header = backend._edi_header(
            order_ref=(picking.med_edi_order_ref or picking.origin or picking.name)[:35],
            status=picking._edi_logistics_status(),
            note=picking.name[:250],
        )
        lines = [
            {
                "event_date": day,
                "event_time": time,
                "event_status": event,
                "place": (place or "")[:70] or None,
            }
            for event, day, time, place in events
        ]
        return header, lines
