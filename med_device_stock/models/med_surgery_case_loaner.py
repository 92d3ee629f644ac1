from odoo import _, api, fields, models

from .med_surgery_case_line import MedSurgeryCaseLine


class MedSurgeryCaseLoaner(models.Model):
    """A surgery case's loaner sets (跟台): received against the case, their unused units
    returned to each supplier at the close-out."""

    # one feature of the case a file (the case itself is 330 lines)
    _inherit = "med.surgery.case"  # pylint: disable=consider-merging-classes-inherited

    loaner_set_ids = fields.One2many(
        "med.surgery.loaner.set", "case_id", string="Loaner Sets", readonly=True
    )
    loaner_set_count = fields.Integer(compute="_compute_loaner_set_count")
    internal_label_count = fields.Integer(
        compute="_compute_loaner_set_count",
        help="Loaner units that came without UDI and carry the hospital's internal label.",
    )

    @api.depends("loaner_set_ids", "line_ids.loaner_set_id")
    def _compute_loaner_set_count(self):
        for case in self:
            case.loaner_set_count = len(case.loaner_set_ids)
            case.internal_label_count = len(case._med_internal_label_units())

    def action_open_loaner_wizard(self):
        """Receive Loaner Set: the supplier, then its units scanned or typed in."""
        self.ensure_one()
        self.check_access("write")
        self._med_check_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Receive Loaner Set"),
            "res_model": "med.surgery.loaner.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _med_internal_label_units(self):
        """The loaner units that arrived without UDI: they carry the hospital's label."""
        return self.line_ids.filtered(lambda ln: ln.loaner_set_id and not ln.lot_id.med_udi_raw)

    def action_print_internal_labels(self):
        """The internal labels (GS1 DataMatrix of the product's DI, lot or serial and
        expiry) of the loaner units that came without UDI."""
        self.ensure_one()
        lots = self._med_internal_label_units().lot_id
        if not lots:
            return False
        return self.env.ref("med_device_stock.stock_lot_label_report").report_action(lots)

    def action_view_loaner_sets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Loaner Sets"),
            "res_model": "med.surgery.loaner.set",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
            "context": {"create": False},
        }

    def _med_loaner_unused_lines(self):
        """The unused lines of loaner units still owned by their set's supplier."""
        return self.line_ids.filtered(
            lambda ln: (
                ln.outcome == "unused"
                and ln.loaner_set_id
                and ln.owner_id == ln.loaner_set_id.partner_id
            )
        )

    def _med_unused_for_store(self):
        return super()._med_unused_for_store() - self._med_loaner_unused_lines()

    def _med_prepare_store_documents(self):
        """The unused loaner units go back to their supplier at once (one validated
        return per set: the representative confirms the close-out); the hospital's own
        unused units wait for the store as before."""
        result = super()._med_prepare_store_documents()
        unused = self._med_loaner_unused_lines()
        for loaner, lines in unused.grouped("loaner_set_id").items():
            loaner._med_return_unused(lines)
        return result


class MedSurgeryCaseLineLoaner(models.Model):
    _inherit = "med.surgery.case.line"

    #: the loaner set is given by the receipt of the set only
    _med_system_fields = (*MedSurgeryCaseLine._med_system_fields, "loaner_set_id")

    loaner_set_id = fields.Many2one(
        "med.surgery.loaner.set",
        readonly=True,
        index="btree_not_null",
        help="The supplier's loaner set the unit arrived in for this case.",
    )
    loaner_partner_id = fields.Many2one(
        related="loaner_set_id.partner_id", string="Loaner Supplier"
    )
