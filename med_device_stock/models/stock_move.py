from odoo import fields, models

from .med_device_operation_mixin import MedEventInfo


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._med_record_events()
        return moves

    def _med_record_events(self):
        """Append a timeline event for every device unit these done moves carried.

        The document that made the move describes it in the context key ``med_event``
        (a ``MedEventInfo``, which a client's context cannot hold)
        (event_type, res_model, res_id, department_id, holder_id, partner_id, note);
        a move made elsewhere in Odoo is recorded as a plain ``move``.  When one transfer
        carries the units of several documents, ``res_id_by_lot`` and ``note_by_lot``
        (``{lot id: value}``) give each unit's own document and note.
        """
        lines = self.move_line_ids.filtered(
            lambda ml: ml.state == "done" and ml.lot_id and ml.product_id.med_is_device
        )
        if not lines:
            return
        info = self.env.context.get("med_event")
        # a description only the suite's own documents make (never a client's context)
        info = dict(info) if isinstance(info, MedEventInfo) else {}
        res_id_by_lot = info.get("res_id_by_lot") or {}
        note_by_lot = info.get("note_by_lot") or {}
        Department = self.env["hr.department"]
        department_of = Department._med_from_locations(lines.location_dest_id)
        now = fields.Datetime.now()
        vals_list = []
        for line in lines:
            picking = line.picking_id
            if "department_id" in info:
                department_id = info["department_id"]
            else:
                department_id = department_of.get(line.location_dest_id, Department).id
            vals_list.append(
                {
                    "lot_id": line.lot_id.id,
                    "event_type": info.get("event_type", "move"),
                    "user_id": self.env.uid,
                    "date": now,
                    "quantity": line.quantity,
                    "location_src_id": line.location_id.id,
                    "location_id": line.location_dest_id.id,
                    "department_id": department_id or False,
                    "holder_id": info.get("holder_id") or False,
                    "partner_id": info.get("partner_id") or picking.partner_id.id or False,
                    "move_line_id": line.id,
                    "res_model": info.get("res_model") or (picking and "stock.picking") or False,
                    "res_id": res_id_by_lot.get(line.lot_id.id)
                    or info.get("res_id")
                    or picking.id
                    or False,
                    "note": note_by_lot.get(line.lot_id.id) or info.get("note") or False,
                    "company_id": line.company_id.id,
                }
            )
            if line.location_id.usage == "supplier" and not line.lot_id.med_supplier_id:
                line.lot_id.sudo().med_supplier_id = picking.partner_id
        self.env["med.unit.event"].sudo().create(vals_list)
        # the timelines read again in their order (date, id), not with the new events
        # appended to what was in the cache
        lines.lot_id.invalidate_recordset(["med_event_ids"])
