from collections import defaultdict

from odoo import Command, _, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE


class MedDeviceReversalMixin(models.AbstractModel):
    """A done operation that moved units (issue, borrow, return, transfer, use on patient,
    quarantine, scrap) is corrected as accounting does: a correcting document of the same
    kind, made done at once, moves each unit back to where the operation took it from,
    with a "reversal" event in its timeline (the reason in the note) that gives the unit
    back the state, department and holder it had before; the original stays done and
    untouched, both are linked (``reversal_of_id`` / ``reversal_ids``, defined by each
    document as a link to its own model).

    A unit is moved back only when nothing happened to it since (its last event is the
    operation's, for a unit with a serial number; the quantity is still where the
    operation put it, for a lot), and never while an open recall holds it."""

    _name = "med.device.reversal.mixin"
    _inherit = "med.device.operation.mixin"
    _description = "Reversible Device Operation"

    # ------------------------------------------------------------------ hooks
    def _med_reversal_event_types(self):
        """The timeline events of this document that a reversal undoes."""
        raise NotImplementedError

    def _med_reversal_values(self):
        """Values of the correcting document (besides the link and the reason)."""
        raise NotImplementedError

    def _med_check_reversible(self):
        """Hook: refuse a reversal for a reason of the document's own."""
        return True

    # ------------------------------------------------------------------ the reversal
    def _med_make_correction(self, reason):
        self.ensure_one()
        self._med_check_reversible()
        plan = self._med_reversal_plan()
        values = dict(
            self._med_reversal_values(),
            reversal_of_id=self.id,
            reversal_reason=reason,
            company_id=self.company_id.id,
        )
        system = self.with_context(med_system_write=SYSTEM_WRITE)
        reversal = system.create(values)
        note = _("Reversal of %(document)s: %(reason)s", document=self.name, reason=reason)
        pickings = reversal._med_reverse_units(plan, note)
        if "picking_ids" in reversal._fields:
            reversal.picking_ids = [Command.set(pickings.ids)]
        reversal._med_mark_done()
        return reversal.with_context(med_system_write=False)

    def _med_reversal_plan(self):
        """For each unit of this document: where it goes back, from where, and the
        department, holder and state it had before the operation (a list of dicts)."""
        self.ensure_one()
        Event = self.env["med.unit.event"].sudo()
        events = Event.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("event_type", "in", list(self._med_reversal_event_types())),
            ],
            order="id",
        )
        if not events:
            raise UserError(
                _(
                    "%(document)s moved no unit: there is nothing to reverse.",
                    document=self.display_name,
                )
            )
        lots = events.lot_id
        recalled = lots.filtered(lambda lot: lot.id in self.env["med.recall"]._med_open_lots())
        if recalled:
            raise UserError(
                _(
                    "%(unit)s is under an open recall: %(document)s is corrected once the case "
                    "is closed.",
                    unit=recalled[0].display_name,
                    document=self.display_name,
                )
            )
        latest = self._med_latest_events(lots)
        Quant = self.env["stock.quant"].sudo()
        plan = []
        for event in events:
            lot = event.lot_id
            if lot.product_id.tracking == "serial" and latest.get(lot.id) != event.id:
                last = Event.browse(latest.get(lot.id))
                raise UserError(
                    _(
                        "%(unit)s: %(event)s of %(date)s happened after %(document)s; correct "
                        "that first.",
                        unit=lot.display_name,
                        event=dict(last._fields["event_type"]._description_selection(self.env))[
                            last.event_type
                        ],
                        date=last.date,
                        document=self.display_name,
                    )
                )
            source, destination = event.location_id, event.location_src_id
            if not source or not destination:
                raise UserError(
                    _("%(unit)s: the place it came from is not recorded.", unit=lot.display_name)
                )
            if source.usage == "internal":
                available = sum(
                    Quant._gather(lot.product_id, source, lot_id=lot, strict=True).mapped(
                        "quantity"
                    )
                )
                if available < event.quantity:
                    raise UserError(
                        _(
                            "%(unit)s: %(quantity)s are no longer in %(location)s, where "
                            "%(document)s put them.",
                            unit=lot.display_name,
                            quantity=event.quantity,
                            location=source.display_name,
                            document=self.display_name,
                        )
                    )
            before = self._med_events_before(event)
            state = False
            for previous in before:
                state = lot._med_state_after(previous, state)
            plan.append(
                {
                    "event": event,
                    "lot": lot,
                    "quantity": event.quantity,
                    "source": source,
                    "destination": destination,
                    "department": before[-1:].department_id,
                    "holder": before[-1:].holder_id,
                    "state": state,
                }
            )
        return plan

    def _med_latest_events(self, lots):
        """``{lot id: id of its last timeline event}`` (one query)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (lot_id) lot_id, id FROM med_unit_event
             WHERE lot_id = ANY(%s) ORDER BY lot_id, date DESC, id DESC
        """,
            [lots.ids],
        )
        return dict(self.env.cr.fetchall())

    def _med_events_before(self, event):
        """The unit's timeline events before ``event``, in their order."""
        return (
            event.lot_id.sudo()
            .med_event_ids.filtered(lambda e: (e.date, e.id) < (event.date, event.id))
            .sorted(lambda e: (e.date, e.id))
        )

    def _med_reverse_units(self, plan, note):
        """Move the units of ``plan`` back with Odoo transfers (one per source,
        destination, department and holder); the events they record give each unit its
        state before the reversed operation."""
        self.ensure_one()
        groups = defaultdict(list)
        for step in plan:
            key = (step["source"], step["destination"], step["department"], step["holder"])
            groups[key].append(step)
        picking_type = self.company_id._med_warehouse().int_type_id
        origin = f"{self.name} ({self.reversal_of_id.name})"
        pickings = self.env["stock.picking"].sudo()
        for (source, destination, department, holder), steps in groups.items():
            pickings |= self._med_move_units(
                [(step["lot"], step["quantity"]) for step in steps],
                destination,
                self._med_event_info(
                    "reversal", department_id=department.id, holder_id=holder.id, note=note
                ),
                picking_type=picking_type,
                source=source,
                origin=origin,
                any_source=True,
            )
        events = (
            self.env["med.unit.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("event_type", "=", "reversal"),
                ]
            )
        )
        by_lot = defaultdict(lambda: self.env["med.unit.event"].sudo())
        for event in events:
            by_lot[event.lot_id] |= event
        for step in plan:
            by_lot[step["lot"]].with_context(med_system_write=SYSTEM_WRITE).write(
                {
                    "reversed_event_id": step["event"].id,
                    "restored_state": step["state"],
                }
            )
        lots = events.lot_id
        lots.invalidate_recordset(["med_event_ids"])
        fnames = ["med_state", "med_location_id", "med_department_id", "med_holder_id"]
        for fname in fnames:
            self.env.add_to_compute(lots._fields[fname], lots)
        lots._recompute_recordset(fnames)
        return pickings
