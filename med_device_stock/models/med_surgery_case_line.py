from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write

OUTCOMES = [
    ("pending", "To Decide"),
    ("implanted", "Implanted"),
    ("used", "Used (Not Implanted)"),
    ("wasted", "Opened and Wasted"),
    ("unused", "Unused"),
]


class MedSurgeryCaseLine(models.Model):
    """A unit brought for a surgery case and, at close-out, what became of it."""

    _name = "med.surgery.case.line"
    _description = "Surgery Case Device"
    _order = "case_id, id"
    _check_company_auto = True
    #: what only the close-out writes
    _med_system_fields = ("use_id", "quarantine_id")

    case_id = fields.Many2one("med.surgery.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Unit",
        required=True,
        check_company=True,
        index=True,
        domain="[('product_id.med_is_device', '=', True), ('med_state', 'in', "
        "('issued', 'borrowed'))]",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    med_implantable = fields.Boolean(related="lot_id.product_id.med_implantable")
    med_mfr_lot = fields.Char(related="lot_id.med_mfr_lot")
    med_serial = fields.Char(related="lot_id.med_serial")
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    owner_id = fields.Many2one(
        "res.partner",
        string="Owner (Supplier)",
        compute="_compute_owner",
        help="The supplier owning the unit (a loaner or consignment unit), if any.",
    )
    quantity = fields.Float(default=1.0, required=True)
    outcome = fields.Selection(OUTCOMES, required=True, default="pending")
    waste_reason = fields.Char()
    use_id = fields.Many2one("med.device.use", string="Use on Patient", readonly=True)
    quarantine_id = fields.Many2one("med.device.quarantine", readonly=True)

    _sql_constraints = [
        ("unit_once", "unique(case_id, lot_id)", "A unit is listed once in a surgery case."),
        ("quantity_positive", "check(quantity > 0)", "The quantity must be positive."),
    ]

    def _compute_owner(self):
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("lot_id", "in", self.lot_id.ids),
                    ("owner_id", "!=", False),
                    ("quantity", ">", 0),
                ],
                ["lot_id", "owner_id"],
            )
        )
        owners = {lot.id: owner for lot, owner in quants}
        for line in self:
            line.owner_id = owners.get(line.lot_id.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        if not is_system_write(self.env):
            for vals in vals_list:
                given = [f for f in self._med_system_fields if vals.get(f)]
                if given:
                    raise UserError(
                        _(
                            "%(fields)s of a surgery case's device are set by the close-out.",
                            fields=", ".join(self._fields[f].string for f in given),
                        )
                    )
        lines = super().create(vals_list)
        lines.case_id._med_check_open()
        if not self.env.context.get("med_case_scanned"):
            lines._med_check_units()
        return lines

    def write(self, vals):
        if not is_system_write(self.env):
            forbidden = set(vals) & set(self._med_system_fields)
            if forbidden:
                raise UserError(
                    _(
                        "%(fields)s of a surgery case's device are set by the close-out.",
                        fields=", ".join(self._fields[f].string for f in sorted(forbidden)),
                    )
                )
            self.case_id._med_check_open()
        result = super().write(vals)
        if "lot_id" in vals or "quantity" in vals:
            self._med_check_units()
        return result

    def _med_system_write(self, vals):
        return self.with_context(med_system_write=SYSTEM_WRITE).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self.case_id._med_check_open()

    def _med_check_units(self):
        """A unit entered by hand is checked as a scanned one (``_check_scan``)."""
        Scan = self.env["med.device.scan"]
        problems = []
        for line in self:
            scan = Scan._med_scan_dict(
                "case",
                line.product_id,
                line.lot_id,
                line.quantity,
                department=line.case_id.department_id,
                document=line.case_id,
            )
            # the line exists already: checked as listed, not refused as listed twice
            # (the unique constraint refuses a second line of the unit)
            scan["validating"] = True
            problems += Scan._check_scan(scan)
        if problems:
            raise UserError("\n".join(problems))
