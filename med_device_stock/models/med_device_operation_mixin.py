from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

#: the context value allowing the workflow's own writes of system fields: an object
#: identity, which no client (JSON-RPC context) can forge
SYSTEM_WRITE = object()


class MedEventInfo(dict):
    """How a document describes the stock moves it makes, for the units' timelines
    (``med_event`` in the context, read by ``stock.move._med_record_events``).  Only the
    suite's own code makes one: a JSON-RPC context holds plain dicts, so a client
    validating a transfer cannot write the timeline events of its choosing."""


DOCUMENT_STATES = [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")]

#: unit events whose transfers move expired units on purpose (a reversal puts a unit
#: back where it was, expired or not)
SKIP_EXPIRED_CHECK = ("quarantine", "scrap", "recall", "reversal")

#: fields a final document still takes from anyone: its discussion (chatter) and its
#: activities, which record nothing of what happened to the units
FINAL_WRITABLE_PREFIXES = ("message_", "activity_")


def is_system_write(env):
    """Whether ``env`` carries the workflow's own token (never a client's context)."""
    return env.context.get("med_system_write") is SYSTEM_WRITE


class MedDeviceOperationMixin(models.AbstractModel):
    """What every device operation document shares: a reference from a sequence, a
    draft -> done / cancel workflow, the operator and time set by the system (never
    writable), and the stock moves made with Odoo's own pickings."""

    _name = "med.device.operation.mixin"
    _description = "Medical Device Operation"
    _check_company_auto = True
    _med_sequence_code = False
    #: fields only the system sets (through _med_system_write); refused on create
    _med_system_fields = ("user_id", "date_done", "reversal_reason")
    #: states in which the document is final: nothing it records changes any more, it
    #: is never deleted; a mistake is corrected by a correcting document
    _med_final_states = ("done", "cancel")
    #: the group whose members may correct a done document (False: it cannot be
    #: corrected by a correcting document, see ``_med_correction_refusal``)
    _med_correction_group = False
    #: the final states in which a document may be corrected
    _med_correctable_states = ("done",)

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    state = fields.Selection(
        DOCUMENT_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
    )
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    note = fields.Text()
    reversal_reason = fields.Text(
        string="Correction Reason",
        readonly=True,
        copy=False,
        help="Why this document corrects another one (given in the correction wizard).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        system = is_system_write(self.env)
        unnamed = []
        for vals in vals_list:
            if not system:
                self._med_check_create_values(vals)
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
        sequence = Sequence.sudo().search(
            [
                ("code", "=", self._med_sequence_code),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if (
            count == 1
            or not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            return [
                Sequence.next_by_code(self._med_sequence_code) or "/" for _index in range(count)
            ]
        Sequence.browse().check_access("read")
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [f"ir_sequence_{sequence.id:03d}", count],
        )
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

    def _med_check_create_values(self, vals):
        """Refuse what only the system sets (operator, time, state, reference...) given
        to a new document: it would be replaced, so it is refused, naming it."""
        given = [fname for fname in self._med_system_fields if vals.get(fname)]
        if vals.get("state") not in (None, False, "draft"):
            given.append("state")
        if self._med_sequence_code and vals.get("name") not in (None, False, "/"):
            given.append("name")
        if given:
            raise UserError(
                _(
                    "%(fields)s of a new %(model)s are set by the system: leave them out "
                    "(given: %(values)s).",
                    fields=", ".join(self._fields[f].string for f in given),
                    model=self._description,
                    values=", ".join(f"{self._fields[f].string} = {vals[f]}" for f in given),
                )
            )

    def write(self, vals):
        if not is_system_write(self.env):
            forbidden = set(vals) & set(self._med_system_fields)
            if forbidden:
                raise UserError(
                    _(
                        "%(fields)s of %(document)s are set by the system and cannot be changed.",
                        fields=", ".join(self._fields[f].string for f in sorted(forbidden)),
                        document=", ".join(self.mapped("display_name")),
                    )
                )
            self._med_check_final_write(vals)
        return super().write(vals)

    def _med_is_final(self):
        self.ensure_one()
        return self.state in self._med_final_states

    def _med_final_writable(self):
        """Fields of this final document its users may still write (besides chatter and
        activities): none by default."""
        return set()

    def _med_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _med_final_error(self, fields_label=None):
        self.ensure_one()
        if fields_label:
            return UserError(
                _(
                    "%(document)s is %(state)s: it is final and %(fields)s cannot be changed. "
                    "A mistake is corrected by a correcting document (Correct).",
                    document=self.display_name,
                    state=self._med_state_label(),
                    fields=fields_label,
                )
            )
        return UserError(
            _(
                "%(document)s is %(state)s: it is final and cannot be deleted. A mistake is "
                "corrected by a correcting document (Correct).",
                document=self.display_name,
                state=self._med_state_label(),
            )
        )

    def _med_check_final_write(self, vals):
        """Nothing a final document records is written, by any user (superuser
        included): only the workflow's own writes (``_med_system_write``) are."""
        names = {fname for fname in vals if not fname.startswith(FINAL_WRITABLE_PREFIXES)}
        if not names:
            return
        # who may not write the document at all is told so first, whatever it holds
        self.check_access("write")
        final_states = self._med_final_states
        for record in self:
            if not record._med_is_final():
                if vals.get("state") in final_states:
                    labels = dict(self._fields["state"]._description_selection(self.env))
                    raise UserError(
                        _(
                            "%(document)s: the state %(state)s is reached through the document's "
                            "workflow (validate, cancel), never written.",
                            document=record.display_name,
                            state=labels[vals["state"]],
                        )
                    )
                continue
            blocked = names - record._med_final_writable()
            if blocked:
                raise record._med_final_error(
                    ", ".join(
                        self._fields[f].string if f in self._fields else f for f in sorted(blocked)
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_final(self):
        for record in self:
            if record._med_is_final():
                raise record._med_final_error()

    def _med_system_write(self, vals):
        """Write the system fields (operator, time): only the code of the workflow does it."""
        return self.with_context(med_system_write=SYSTEM_WRITE).write(vals)

    def _med_check_draft(self):
        for record in self:
            if record.state != "draft":
                raise UserError(
                    _(
                        "%(document)s is %(state)s: only a draft can be changed.",
                        document=record.display_name,
                        state=dict(record._fields["state"]._description_selection(self.env))[
                            record.state
                        ],
                    )
                )

    def action_cancel(self):
        self.check_access("write")
        self._med_check_draft()
        self._med_system_write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------ corrections
    def _med_correction_refusal(self):
        """Why a done document of this kind is not corrected by a correcting document
        (used when ``_med_correction_group`` is False)."""
        return _("no correcting document exists for a %(model)s.", model=self._description)

    def _med_check_correctable(self):
        """The current user may correct these done documents, not corrected yet."""
        for record in self:
            if not record._med_correction_group:
                raise UserError(
                    _(
                        "%(document)s cannot be corrected: %(why)s",
                        document=record.display_name,
                        why=record._med_correction_refusal(),
                    )
                )
            if not self.env.user.has_group(record._med_correction_group):
                group = self.env.ref(record._med_correction_group).sudo()
                raise UserError(
                    _(
                        "Only users of the group %(group)s can correct %(document)s.",
                        group=group.full_name,
                        document=record.display_name,
                    )
                )
            if record.state not in record._med_correctable_states:
                raise UserError(
                    _(
                        "%(document)s is %(state)s: only a done document is corrected.",
                        document=record.display_name,
                        state=record._med_state_label(),
                    )
                )
            if "reversal_of_id" not in record._fields:
                continue
            if record.reversal_of_id:
                raise UserError(
                    _(
                        "%(document)s corrects %(original)s: it is not corrected in turn; record "
                        "the operation again with a new document.",
                        document=record.display_name,
                        original=record.reversal_of_id.display_name,
                    )
                )
            corrections = record.reversal_ids.filtered(lambda doc: doc.state == "done")
            if corrections:
                raise UserError(
                    _(
                        "%(document)s is already corrected by %(corrections)s.",
                        document=record.display_name,
                        corrections=", ".join(corrections.mapped("display_name")),
                    )
                )

    def action_open_correction_wizard(self):
        """Correct this done document: the wizard asks for the reason."""
        self.ensure_one()
        self._med_check_correctable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct %(document)s", document=self.display_name),
            "res_model": "med.device.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def _med_correct(self, reason):
        """Correct this done document for ``reason``: returns the correcting document
        (or an empty recordset when the correction is a note on this one)."""
        self.ensure_one()
        self._med_check_correctable()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _("Give the reason of the correction of %(document)s.", document=self.display_name)
            )
        correction = self._med_make_correction(reason)
        if correction:
            self.sudo().message_post(
                body=_(
                    "Corrected by %(correction)s: %(reason)s",
                    correction=correction.display_name,
                    reason=reason,
                )
            )
        return correction

    def _med_make_correction(self, reason):
        """Hook: make the correcting document of this done one."""
        raise UserError(
            _(
                "%(document)s cannot be corrected: %(why)s",
                document=self.display_name,
                why=self._med_correction_refusal(),
            )
        )

    def _med_mark_done(self):
        self._med_system_write({"state": "done", "date_done": fields.Datetime.now()})

    def _med_event_info(self, event_type, **values):
        self.ensure_one()
        info = MedEventInfo(event_type=event_type, res_model=self._name, res_id=self.id)
        info.update(values)
        return info

    @api.model
    def _med_unit_owners(self, lots, location):
        """{lot id: the supplier owning what ``location`` holds of it} for the loaner and
        consignment units among ``lots``: they move as their owner's, never as the
        hospital's (a lot held there partly by the hospital has no owner).  One query
        whatever the number of units."""
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("location_id", "=", location.id),
                    ("quantity", ">", 0),
                ]
            )
        )
        owners = {}
        for quant in quants:
            owners.setdefault(quant.lot_id.id, set()).add(quant.owner_id.id)
        return {
            lot_id: self.env["res.partner"].browse(ids.pop())
            for lot_id, ids in owners.items()
            if len(ids) == 1 and False not in ids
        }

    def _med_move_units(
        self,
        units,
        location_dest,
        event_info,
        picking_type=None,
        source=None,
        origin=None,
        any_source=False,
    ):
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
            if not location or (location.usage != "internal" and not any_source):
                raise UserError(
                    _(
                        "Unit %(unit)s is not in an internal stock location.",
                        unit=source_units[0][0].display_name,
                    )
                )
            by_product = {}
            for lot, quantity in source_units:
                by_product.setdefault(lot.product_id, []).append((lot, quantity))
            owners = self._med_unit_owners(
                self.env["stock.lot"].union(*(lot for lot, _quantity in source_units)), location
            )
            no_owner = self.env["res.partner"]
            picking = pickings.create(
                {
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
                        Command.create(
                            {
                                "name": origin,
                                "product_id": product.id,
                                "product_uom_qty": sum(
                                    quantity for _lot, quantity in product_units
                                ),
                                "product_uom": product.uom_id.id,
                                "location_id": location.id,
                                "location_dest_id": location_dest.id,
                                "company_id": self.company_id.id,
                                "move_line_ids": [
                                    Command.create(
                                        {
                                            "product_id": product.id,
                                            "product_uom_id": product.uom_id.id,
                                            "lot_id": lot.id,
                                            "owner_id": owners.get(lot.id, no_owner).id,
                                            "quantity": quantity,
                                            "picked": True,
                                            "location_id": location.id,
                                            "location_dest_id": location_dest.id,
                                            "company_id": self.company_id.id,
                                        }
                                    )
                                    for lot, quantity in product_units
                                ],
                            }
                        )
                        for product, product_units in by_product.items()
                    ],
                }
            )
            picking.move_ids.move_line_ids.picking_id = picking
            picking.action_confirm()
            picking.move_ids.picked = True
            picking.with_context(
                skip_backorder=True,
                picking_ids_not_to_backorder=picking.ids,
                # taking expired units out of use is what quarantine, scrap and recall
                # are for: product_expiry's "expired lots" confirmation is not asked
                skip_expired=operation in SKIP_EXPIRED_CHECK,
                med_event=MedEventInfo(event_info),
            ).button_validate()
            if picking.state != "done":
                raise UserError(
                    _(
                        "The stock transfer %(picking)s could not be validated.",
                        picking=picking.name,
                    )
                )
            pickings |= picking
        return pickings
