import pytz
from odoo import api, fields, models
from odoo.osv import expression

from .med_edi_backend import ORDER_STATUS_BY_STATE


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "med.edi.consumer.mixin"]

    med_edi_confirmation_pending = fields.Boolean(
        string="EDI Confirmation Pending",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Done, its receipt or shipment confirmation waits for the scheduled job.",
    )

    med_edi_status_sent = fields.Selection(
        [
            ("accepted", "Accepted"),
            ("picking", "Picking"),
            ("shipped", "Shipped"),
            ("delivered", "Delivered"),
            ("cancelled", "Cancelled"),
        ],
        string="Logistics Status Sent",
        readonly=True,
        copy=False,
        help="The order's status in the last logistics status message sent to its consignor.",
    )

    def _med_edi_backend(self):
        self.ensure_one()
        backend = self.med_edi_backend_id
        if not backend and self.picking_type_code == "incoming":
            backend = self.purchase_id.med_edi_backend_id
        return backend

    def _med_edi_confirmation_type(self):
        self.ensure_one()
        return (
            "receipt_confirmation"
            if self.picking_type_code == "incoming"
            else "shipment_confirmation"
        )

    def _action_done(self):
        res = super()._action_done()
        # storekeepers validate transfers without any EDI right: the system reports them
        immediate = self.sudo().browse()
        # internal transfers (quarantine, issue to departments) are never confirmed
        for picking in self.sudo().filtered(
            lambda p: p.state == "done" and p.picking_type_code in ("incoming", "outgoing")
        ):
            backend = picking._med_edi_backend()
            if not backend:
                continue
            mode = backend[f"send_{picking._med_edi_confirmation_type()}"]
            if mode == "immediate":
                immediate |= picking
            elif mode == "scheduled":
                picking.med_edi_confirmation_pending = True
        immediate._edi_send_confirmation()
        return res

    @api.model
    def _edi_send_pending_confirmations(self):
        self.sudo().search([("med_edi_confirmation_pending", "=", True)])._edi_send_confirmation()

    def _edi_send_confirmation(self):
        """The receipt or shipment confirmation of each done transfer."""
        exchanges = self.env["med.edi.exchange"]
        for picking in self:
            backend = picking._med_edi_backend()
            message_type = picking._med_edi_confirmation_type()
            handler = self.env["med.edi.handler"]._edi_handler(message_type, "out")
            exchanges |= handler._edi_generate(backend, record=picking, picking=picking)
            picking.med_edi_confirmation_pending = False
        return exchanges

    # -- logistics status (物流状态) ---------------------------------------------------

    def _edi_logistics_status(self):
        """accepted, picking, shipped (an outgoing order done), delivered (an incoming
        one done) or cancelled."""
        self.ensure_one()
        if self.state == "done":
            return "delivered" if self.picking_type_code == "incoming" else "shipped"
        return ORDER_STATUS_BY_STATE[self.state]

    @api.model
    def _edi_status_changed_domain(self):
        """Orders whose status differs from the one last sent (set-based)."""
        done = {"incoming": "delivered", "outgoing": "shipped"}
        parts = [
            [
                ("state", "=", "done"),
                ("picking_type_code", "=", code),
                ("med_edi_status_sent", "!=", status),
            ]
            for code, status in done.items()
        ]
        by_status = {}
        for state, status in ORDER_STATUS_BY_STATE.items():
            by_status.setdefault(status, []).append(state)
        parts += [
            [("state", "in", states), ("med_edi_status_sent", "!=", status)]
            for status, states in by_status.items()
        ]
        return expression.OR(parts)

    def _edi_logistics_events(self):
        """{picking: [(status, local date, local time HH:MM, place), ...]}: the dated
        steps each order went through (one query for the start of the picking)."""
        starts = dict(
            self.env["stock.move.line"]
            .sudo()
            ._read_group([("picking_id", "in", self.ids)], ["picking_id"], ["create_date:min"])
        )
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

        def local(moment):
            moment = pytz.utc.localize(moment).astimezone(tz)
            return moment.date(), moment.strftime("%H:%M")

        events = {}
        for picking in self:
            place = picking.picking_type_id.warehouse_id.name or picking.company_id.name
            steps = [("accepted", picking.create_date)]
            if picking.state in ("assigned", "done") and starts.get(picking):
                steps.append(("picking", starts[picking]))
            if picking.state == "done" and picking.date_done:
                steps.append((picking._edi_logistics_status(), picking.date_done))
            elif picking.state == "cancel":
                steps.append(("cancelled", picking.write_date))
            events[picking] = [(status, *local(moment), place) for status, moment in steps]
        return events

    def action_edi_send_logistics_status(self):
        """Send the logistics status of these orders to their consignors now."""
        self.env["med.edi.backend"].check_access("read")
        by_backend = {}
        for picking in self.sudo():
            if picking._med_edi_backend():
                by_backend.setdefault(picking._med_edi_backend(), []).append(picking.id)
        exchanges = self.env["med.edi.exchange"]
        for backend, ids in by_backend.items():
            exchanges |= backend._edi_send_logistics_status(
                self.sudo().browse(ids), changed_only=False
            )
        return exchanges._edi_action_open()
