from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: expired units moved by one run of the quarantine job (a transaction each)
EXPIRY_MOVE_BATCH = 500


class MedDeviceQuarantine(models.Model):
    """A unit put aside in the quarantine location, with the reason."""

    _name = "med.device.quarantine"
    _inherit = ["med.device.reversal.mixin", "mail.thread"]
    _description = "Device Quarantine"
    _order = "id desc"
    _med_sequence_code = "med.device.quarantine"
    _med_system_fields = (
        "user_id",
        "date_done",
        "expiry_move",
        "move_error",
        "released",
        "reversal_reason",
        "reversal_of_id",
    )
    #: storekeepers quarantine units: they correct a quarantine made by mistake too
    _med_correction_group = "med_device_stock.group_med_storekeeper"

    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        check_company=True,
        index=True,
        domain="[('product_id.med_is_device', '=', True)]",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    quantity = fields.Float(default=1.0, required=True)
    reason = fields.Text(required=True)
    released = fields.Boolean(readonly=True, copy=False)
    expiry_move = fields.Boolean(
        string="Expired Unit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Prepared by the stock alert job for a unit found expired; the quarantine "
        "job moves it unless a storekeeper does first.",
    )
    move_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the quarantine job could not move the unit; the document was cancelled "
        "and the unit waits for a storekeeper.",
    )

    reversal_of_id = fields.Many2one(
        "med.device.quarantine",
        string="Reverses",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The done quarantine this one corrects.",
    )
    reversal_ids = fields.One2many("med.device.quarantine", "reversal_of_id", string="Reversed By")
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)

    def _med_reversal_event_types(self):
        return ("quarantine",)

    def _med_reversal_values(self):
        self.ensure_one()
        return {"lot_id": self.lot_id.id, "quantity": self.quantity, "reason": self.reason}

    def _med_check_reversible(self):
        if self.released:
            raise UserError(
                _(
                    "%(document)s: the unit was released already; it is not reversed.",
                    document=self.display_name,
                )
            )
        return True

    def _med_scan_context(self):
        self.ensure_one()
        return {"document_id": self.id, "reason": self.reason}

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_draft()
        return self.env["med.scan.wizard"]._open_for(self, "quarantine")

    def _med_check(self, operation):
        Scan = self.env["med.device.scan"]
        scan = Scan._med_scan_dict(
            operation, self.product_id, self.lot_id, self.quantity, document=self
        )
        scan["validating"] = True
        problems = Scan._check_scan(scan)
        if problems:
            raise UserError("\n".join(problems))

    def action_done(self):
        self._med_check_draft()
        for record in self:
            if not record.lot_id:
                raise UserError(
                    _("Scan or select the unit of %(document)s.", document=record.display_name)
                )
            record._med_check("quarantine")
            record._med_move_units(
                [(record.lot_id, record.quantity)],
                record.company_id._med_quarantine_location(),
                record._med_event_info("quarantine", department_id=False, note=record.reason),
            )
            record._med_mark_done()
        return True

    def action_release(self):
        """Back to the store: the unit was found fit for use."""
        for record in self:
            if (
                record.state != "done"
                or record.released
                or record.reversal_of_id
                or record.reversal_ids
                or record.lot_id.med_state != "quarantined"
            ):
                raise UserError(
                    _("%(document)s: the unit is not in quarantine.", document=record.display_name)
                )
            record._med_move_units(
                [(record.lot_id, record.quantity)],
                record.company_id._med_warehouse().lot_stock_id,
                record._med_event_info("release", department_id=False),
            )
            record._med_system_write({"released": True})
        return True

    # ------------------------------------------------------------------ quarantine job
    @api.model
    def _cron_med_move_expired(self, batch=EXPIRY_MOVE_BATCH):
        """Move the expired units the stock alert job prepared documents for: up to
        ``batch`` units per run, in one Odoo transfer per company and source location;
        the cron runs again at once while some are left.  Returns the documents done."""
        documents = self.sudo().search(
            [("expiry_move", "=", True), ("state", "=", "draft"), ("lot_id", "!=", False)],
            order="id",
            limit=batch,
        )
        moved = documents._med_move_expired()
        remaining = self.sudo().search_count(
            [("expiry_move", "=", True), ("state", "=", "draft"), ("lot_id", "!=", False)]
        )
        self.env["ir.cron"]._notify_progress(done=len(documents), remaining=remaining)
        return moved

    def _med_move_expired(self):
        """Move the units of these documents to their company's quarantine in a fixed
        number of transfers: the units of a company and source location by one Odoo
        transfer, each unit's timeline event pointing to its own document, the documents
        marked done in one write.  A group that cannot move is cancelled with the reason
        in ``move_error``; the others move."""
        Alert = self.env["med.alert"]
        sources = Alert._med_quarantine_sources(self.lot_id)
        error_text = _("The quarantine job could not move the unit: %(error)s")
        groups = defaultdict(lambda: self.browse())
        failed = {}
        for document in self:
            source, available = sources.get(document.lot_id.id, (None, 0.0))
            if not source or source.usage != "internal" or not available:
                failed[document] = _("it is not in a stock location any more.")
                continue
            groups[document.company_id, source] |= document
        done = self.browse()
        for (company, source), group in groups.items():
            names = group.mapped("name")
            try:
                with self.env.cr.savepoint():
                    group[:1].with_company(company)._med_move_units(
                        [(doc.lot_id, doc.quantity) for doc in group],
                        company._med_quarantine_location(),
                        {
                            "event_type": "quarantine",
                            "res_model": self._name,
                            "res_id": group[:1].id,
                            "department_id": False,
                            "res_id_by_lot": {doc.lot_id.id: doc.id for doc in group},
                            "note_by_lot": {doc.lot_id.id: doc.reason for doc in group},
                        },
                        source=source,
                        origin=", ".join(names)
                        if len(names) <= 3
                        else f"{names[0]} - {names[-1]} ({len(names)})",
                    )
            except UserError as error:
                failed.update(dict.fromkeys(group, str(error)))
                continue
            done |= group
        done._med_mark_done()
        for error, documents in _group_by_value(failed).items():
            documents._med_system_write(
                {"state": "cancel", "move_error": error_text % {"error": error}}
            )
        return done


def _group_by_value(mapping):
    """``{value: recordset of the keys with that value}`` of ``{record: value}``."""
    grouped = {}
    for record, value in mapping.items():
        grouped[value] = grouped.get(value, record.browse()) | record
    return grouped
