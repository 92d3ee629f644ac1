from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

#: the context value allowing the workflow's own writes of system fields: an object
#: identity, which no client (JSON-RPC context) can forge
SYSTEM_WRITE = object()

DOCUMENT_STATES = [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")]

#: unit events whose transfers move expired units on purpose
SKIP_EXPIRED_CHECK = ("quarantine", "scrap", "recall")


class MedDeviceOperationMixin(models.AbstractModel):
    """What every device operation document shares: a reference from a sequence, a
    draft -> done / cancel workflow, the operator and time set by the system (never
    writable), and the stock moves made with Odoo's own pickings."""

    _name = "med.device.operation.mixin"
    _description = "Medical Device Operation"
    _check_company_auto = True
    _med_sequence_code = False
    #: fields only the system sets (at creation or through _med_system_write)
    _med_system_fields = ("user_id", "date_done")

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    state = fields.Selection(
        DOCUMENT_STATES, default="draft", required=True, readonly=True, copy=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Operator", readonly=True, copy=False,
        default=lambda self: self.env.user,
    )
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for fname in self._med_system_fields:
                vals.pop(fname, None)
            vals["user_id"] = self.env.uid
            if vals.get("name", "/") == "/" and self._med_sequence_code:
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code(self._med_sequence_code) or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        forbidden = set(vals) & set(self._med_system_fields)
        if forbidden and self.env.context.get("med_system_write") is not SYSTEM_WRITE:
            raise UserError(_(
                "%(fields)s of %(document)s are set by the system and cannot be changed.",
                fields=", ".join(self._fields[f].string for f in sorted(forbidden)),
                document=", ".join(self.mapped("display_name")),
            ))
        return super().write(vals)

    def _med_system_write(self, vals):
        """Write the system fields (operator, time): only the code of the workflow does it."""
        return self.with_context(med_system_write=SYSTEM_WRITE).write(vals)

    def _med_check_draft(self):
        for record in self:
            if record.state != "draft":
                raise UserError(_(
                    "%(document)s is %(state)s: only a draft can be changed.",
                    document=record.display_name,
                    state=dict(record._fields["state"]._description_selection(self.env))[
                        record.state
                    ],
                ))

    def action_cancel(self):
        self._med_check_draft()
        self.write({"state": "cancel"})
        return True

    def _med_mark_done(self):
        self._med_system_write({"state": "done", "date_done": fields.Datetime.now()})

    def _med_event_info(self, event_type, **values):
        self.ensure_one()
        info = {"event_type": event_type, "res_model": self._name, "res_id": self.id}
        info.update(values)
        return info

    def _med_move_units(self, units, location_dest, event_info, picking_type=None):
        """Move ``units`` (a list of ``(lot, quantity)``) to ``location_dest`` with Odoo's own
        pickings: one picking per source location, a move per unit with a move line for
        its lot, validated.  ``event_info`` describes the move in the unit's timeline.

        Runs as superuser: the caller has checked the user may run the operation; the
        operator recorded is still the user.
        """
        self.ensure_one()
        by_source = {}
        Scan = self.env["med.device.scan"]
        department = self._fields.get("department_id") and self.department_id
        operation = event_info.get("event_type")
        for lot, quantity in units:
            source = Scan._med_source_location(lot, operation, department)
            by_source.setdefault(source, []).append((lot, quantity))
        warehouse = self.company_id._med_warehouse()
        picking_type = picking_type or warehouse.int_type_id
        pickings = self.env["stock.picking"].sudo()
        for source, source_units in by_source.items():
            if not source or source.usage != "internal":
                raise UserError(_(
                    "Unit %(unit)s is not in an internal stock location.",
                    unit=source_units[0][0].display_name,
                ))
            picking = pickings.create({
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": location_dest.id,
                "origin": self.name,
                "company_id": self.company_id.id,
                "partner_id": event_info.get("partner_id") or False,
                "move_ids": [
                    Command.create({
                        "name": self.name,
                        "product_id": lot.product_id.id,
                        "product_uom_qty": quantity,
                        "product_uom": lot.product_id.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": location_dest.id,
                        "company_id": self.company_id.id,
                    })
                    for lot, quantity in source_units
                ],
            })
            picking.action_confirm()  # merges the moves of a same product
            picking.move_ids.move_line_ids.unlink()
            for lot, quantity in source_units:
                move = picking.move_ids.filtered(lambda m, p=lot.product_id: m.product_id == p)
                self.env["stock.move.line"].sudo().create({
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": lot.product_id.id,
                    "product_uom_id": lot.product_id.uom_id.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "picked": True,
                    "location_id": source.id,
                    "location_dest_id": location_dest.id,
                    "company_id": self.company_id.id,
                })
            picking.move_ids.picked = True
            picking.with_context(
                skip_backorder=True,
                picking_ids_not_to_backorder=picking.ids,
                # taking expired units out of use is what quarantine, scrap and recall
                # are for: product_expiry's "expired lots" confirmation is not asked
                skip_expired=operation in SKIP_EXPIRED_CHECK,
                med_event=event_info,
            ).button_validate()
            if picking.state != "done":
                raise UserError(_(
                    "The stock transfer %(picking)s could not be validated.",
                    picking=picking.name,
                ))
            pickings |= picking
        return pickings
