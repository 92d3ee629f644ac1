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
        unnamed = []
        for vals in vals_list:
            for fname in self._med_system_fields:
                vals.pop(fname, None)
            vals["user_id"] = self.env.uid
            if vals.get("name", "/") == "/" and self._med_sequence_code:
                unnamed.append(vals)
        for vals, name in zip(unnamed, self._med_next_names(len(unnamed)), strict=True):
            vals["name"] = name
        return super().create(vals_list)

    @api.model
    def _med_next_names(self, count):
        """``count`` references of the document's sequence (the current company's, as
        ``next_by_code`` picks it), drawn in one query when the sequence is a plain
        PostgreSQL sequence: creating many documents at once costs no query per
        document."""
        if not count:
            return []
        Sequence = self.env["ir.sequence"]
        sequence = Sequence.sudo().search([
            ("code", "=", self._med_sequence_code),
            ("company_id", "in", [self.env.company.id, False]),
        ], order="company_id", limit=1)
        if count == 1 or not sequence or sequence.implementation != "standard" \
                or sequence.use_date_range:
            return [Sequence.next_by_code(self._med_sequence_code) or "/"
                    for _index in range(count)]
        Sequence.browse().check_access("read")
        self.env.cr.execute("SELECT nextval(%s) FROM generate_series(1, %s)",
                            [f"ir_sequence_{sequence.id:03d}", count])
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

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

    def _med_move_units(self, units, location_dest, event_info, picking_type=None,
                        source=None, origin=None):
        """Move ``units`` (a list of ``(lot, quantity)``) to ``location_dest`` with Odoo's own
        pickings: one picking per source location, a move per product with a move line
        for each lot, validated.  ``event_info`` describes the move in the unit's timeline
        (``res_id_by_lot`` / ``note_by_lot``: the document and note of each unit when
        one call moves the units of several documents).  ``source``: the location all
        ``units`` are taken from, when the caller knows it; ``origin``: the pickings'
        source document (default: this document's reference).

        Runs as superuser: the caller has checked the user may run the operation; the
        operator recorded is still the user.
        """
        self.ensure_one()
        by_source = {}
        Scan = self.env["med.device.scan"]
        department = self._fields.get("department_id") and self.department_id
        operation = event_info.get("event_type")
        for lot, quantity in units:
            lot_source = source or Scan._med_source_location(lot, operation, department)
            by_source.setdefault(lot_source, []).append((lot, quantity))
        warehouse = self.company_id._med_warehouse()
        picking_type = picking_type or warehouse.int_type_id
        pickings = self.env["stock.picking"].sudo()
        origin = origin or self.name
        for location, source_units in by_source.items():
            if not location or location.usage != "internal":
                raise UserError(_(
                    "Unit %(unit)s is not in an internal stock location.",
                    unit=source_units[0][0].display_name,
                ))
            by_product = {}
            for lot, quantity in source_units:
                by_product.setdefault(lot.product_id, []).append((lot, quantity))
            picking = pickings.create({
                "picking_type_id": picking_type.id,
                "location_id": location.id,
                "location_dest_id": location_dest.id,
                "origin": origin,
                "company_id": self.company_id.id,
                "partner_id": event_info.get("partner_id") or False,
                # a move per product carrying its units' move lines from the start:
                # confirming reserves nothing more (no search of the quants of the
                # whole source location, no reservation undone)
                "move_ids": [
                    Command.create({
                        "name": origin,
                        "product_id": product.id,
                        "product_uom_qty": sum(quantity for _lot, quantity in product_units),
                        "product_uom": product.uom_id.id,
                        "location_id": location.id,
                        "location_dest_id": location_dest.id,
                        "company_id": self.company_id.id,
                        "move_line_ids": [Command.create({
                            "product_id": product.id,
                            "product_uom_id": product.uom_id.id,
                            "lot_id": lot.id,
                            "quantity": quantity,
                            "picked": True,
                            "location_id": location.id,
                            "location_dest_id": location_dest.id,
                            "company_id": self.company_id.id,
                        }) for lot, quantity in product_units],
                    })
                    for product, product_units in by_product.items()
                ],
            })
            picking.move_ids.move_line_ids.picking_id = picking
            picking.action_confirm()
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
