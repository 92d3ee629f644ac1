from odoo import _, fields, models
from odoo.exceptions import UserError


class MedDeviceScrap(models.Model):
    """Scrap of a unit (报废) with its reason, then the record of its destruction."""

    _name = "med.device.scrap"
    _inherit = ["med.device.reversal.mixin", "mail.thread"]
    _description = "Device Scrap and Destruction"
    _order = "id desc"
    _med_sequence_code = "med.device.scrap"
    _med_system_fields = (
        "user_id",
        "date_done",
        "destroyed",
        "destruction_user_id",
        "destruction_date",
        "reversal_reason",
        "reversal_of_id",
    )
    #: a scrapped unit put back into stock is a manager's decision
    _med_correction_group = "med_device_stock.group_med_manager"

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
    scrap_id = fields.Many2one("stock.scrap", string="Stock Scrap", readonly=True, copy=False)
    destroyed = fields.Boolean(readonly=True, copy=False)
    destruction_method = fields.Selection(
        [
            ("incineration", "Incineration"),
            ("shredding", "Shredding"),
            ("sterilization", "Sterilization and Disposal"),
            ("return_manufacturer", "Returned to Manufacturer for Destruction"),
            ("other", "Other"),
        ],
    )
    destruction_witness_id = fields.Many2one("hr.employee", string="Witness")
    destruction_user_id = fields.Many2one(
        "res.users", string="Destroyed By", readonly=True, copy=False
    )
    destruction_date = fields.Datetime(string="Destroyed On", readonly=True, copy=False)

    reversal_of_id = fields.Many2one(
        "med.device.scrap",
        string="Reverses",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The done scrap this one corrects.",
    )
    reversal_ids = fields.One2many("med.device.scrap", "reversal_of_id", string="Reversed By")
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)

    def _med_final_writable(self):
        """The destruction is recorded after the scrap: its method and witness are
        given until it is."""
        if self.state == "done" and not self.destroyed and not self.reversal_of_id:
            return {"destruction_method", "destruction_witness_id"}
        return set()

    def _med_reversal_event_types(self):
        return ("scrap",)

    def _med_reversal_values(self):
        self.ensure_one()
        return {"lot_id": self.lot_id.id, "quantity": self.quantity, "reason": self.reason}

    def _med_check_reversible(self):
        if self.destroyed:
            raise UserError(
                _(
                    "%(document)s: the unit was destroyed; the scrap is not reversed.",
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
        return self.env["med.scan.wizard"]._open_for(self, "scrap")

    def action_done(self):
        """Scrap through Odoo's own stock.scrap (the unit goes to the scrap location)."""
        self._med_check_draft()
        Scan = self.env["med.device.scan"]
        for record in self:
            if not record.lot_id:
                raise UserError(
                    _("Scan or select the unit of %(document)s.", document=record.display_name)
                )
            scan = Scan._med_scan_dict(
                "scrap", record.product_id, record.lot_id, record.quantity, document=record
            )
            scan["validating"] = True
            problems = Scan._check_scan(scan)
            if problems:
                raise UserError("\n".join(problems))
            scrap = (
                self.env["stock.scrap"]
                .sudo()
                .create(
                    {
                        "product_id": record.product_id.id,
                        "product_uom_id": record.product_id.uom_id.id,
                        "lot_id": record.lot_id.id,
                        "scrap_qty": record.quantity,
                        "location_id": record.lot_id.med_location_id.id,
                        "company_id": record.company_id.id,
                        "origin": record.name,
                    }
                )
            )
            scrap.with_context(
                med_event=record._med_event_info("scrap", department_id=False, note=record.reason)
            ).do_scrap()
            record.scrap_id = scrap
            record._med_mark_done()
        return True

    def action_destroy(self):
        """Record the destruction: method and witness given, who and when set here."""
        for record in self:
            if (
                record.state != "done"
                or record.destroyed
                or record.reversal_of_id
                or record.reversal_ids
            ):
                raise UserError(
                    _(
                        "%(document)s: only a scrapped unit not yet destroyed can be destroyed.",
                        document=record.display_name,
                    )
                )
            if not record.destruction_method or not record.destruction_witness_id:
                raise UserError(
                    _(
                        "%(document)s: give the destruction method and the witness.",
                        document=record.display_name,
                    )
                )
            record._med_system_write(
                {
                    "destroyed": True,
                    "destruction_user_id": self.env.uid,
                    "destruction_date": fields.Datetime.now(),
                }
            )
            method = dict(record._fields["destruction_method"]._description_selection(self.env))[
                record.destruction_method
            ]
            self.env["med.unit.event"]._record(
                record.lot_id,
                "destruction",
                res_model=record._name,
                res_id=record.id,
                quantity=record.quantity,
                location_id=record.lot_id.med_location_id.id,
                note=_(
                    "%(method)s, witness %(witness)s",
                    method=method,
                    witness=record.destruction_witness_id.name,
                ),
            )
        return True
