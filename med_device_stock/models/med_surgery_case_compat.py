from odoo import _, api, fields, models

from .med_surgery_case import MedSurgeryCase

#: the outcomes whose units are (or may still be) implanted together
COMPAT_OUTCOMES = ("pending", "implanted")


class MedSurgeryCaseCompat(models.Model):
    """The compatibility warning of a case's implants: a component that is implanted only
    with its own system's components (``med_implant_system_only`` on its product) listed
    with components of another system.  A warning, not a refusal: the case closes once the
    nurse has ticked *Compatibility Checked*, and the chatter keeps the warning and who
    confirmed it."""

    # one feature of the case a file (the case itself is 330 lines)
    _inherit = "med.surgery.case"  # pylint: disable=consider-merging-classes-inherited
    _med_system_fields = (
        *MedSurgeryCase._med_system_fields,
        "med_compat_confirmed_key",
        "med_compat_confirmed_by_id",
    )

    med_compat_warning = fields.Text(
        string="Compatibility Warning", compute="_compute_med_compat_warning"
    )
    med_compat_key = fields.Char(compute="_compute_med_compat_warning")
    med_compat_checked = fields.Boolean(
        string="Compatibility Checked",
        compute="_compute_med_compat_checked",
        inverse="_inverse_med_compat_checked",
        help="Tick it once the surgeon or you have checked that the implants of different "
        "systems may be implanted together: the case then closes with the warning logged.",
    )
    med_compat_confirmed_key = fields.Char(readonly=True, copy=False)
    med_compat_confirmed_by_id = fields.Many2one(
        "res.users", string="Compatibility Checked By", readonly=True, copy=False
    )

    @api.depends(
        "line_ids.outcome",
        "line_ids.lot_id",
        "line_ids.product_id.med_implant_system_id",
        "line_ids.product_id.med_implant_system_only",
    )
    def _compute_med_compat_warning(self):
        for case in self:
            warnings, lots = case._med_compat_conflicts()
            case.med_compat_warning = "\n".join(warnings) or False
            case.med_compat_key = ",".join(str(i) for i in sorted(lots.ids)) or False

    def _med_compat_conflicts(self):
        """The warnings (one per component kept to its own system that is listed with
        another system's components) and the units concerned."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda ln: ln.outcome in COMPAT_OUTCOMES and ln.product_id.med_implant_system_id
        )
        warnings = []
        lots = self.env["stock.lot"]
        for line in lines.filtered("product_id.med_implant_system_only"):
            system = line.product_id.med_implant_system_id
            others = lines.filtered(lambda ln, s=system: ln.product_id.med_implant_system_id != s)
            if not others:
                continue
            # a loop, not a generator: _() finds the language in this frame only
            described = []
            for other in others:
                described.append(
                    _(
                        "%(unit)s of %(system)s",
                        unit=other.lot_id.display_name,
                        system=other.product_id.med_implant_system_id.display_name,
                    )
                )
            warnings.append(
                _(
                    "%(unit)s (%(product)s) is implanted only with components of its own "
                    "system %(system)s, not with %(others)s.",
                    unit=line.lot_id.display_name,
                    product=line.product_id.display_name,
                    system=system.display_name,
                    others=", ".join(described),
                )
            )
            lots |= line.lot_id | others.lot_id
        return warnings, lots

    @api.depends("med_compat_key", "med_compat_confirmed_key")
    def _compute_med_compat_checked(self):
        # a confirmation holds for the units it was given for: another unit of another
        # system listed since asks again
        for case in self:
            case.med_compat_checked = bool(
                case.med_compat_key and case.med_compat_key == case.med_compat_confirmed_key
            )

    def _inverse_med_compat_checked(self):
        for case in self:
            checked = case.med_compat_checked and case.med_compat_key
            case._med_system_write(
                {
                    "med_compat_confirmed_key": checked or False,
                    "med_compat_confirmed_by_id": self.env.uid if checked else False,
                }
            )

    def _med_close_problems(self):
        problems = super()._med_close_problems()
        if self.med_compat_warning and not self.med_compat_checked:
            problems.append(
                _(
                    "%(warning)s\nCheck that they may be implanted together, then tick "
                    "Compatibility Checked to close the case.",
                    warning=self.med_compat_warning,
                )
            )
        return problems

    def _med_close(self):
        warning = self.med_compat_warning
        result = super()._med_close()
        if warning:
            self._message_log(
                body=_(
                    "Closed with a compatibility warning, checked by %(user)s: %(warning)s",
                    user=self.med_compat_confirmed_by_id.name,
                    warning=warning,
                )
            )
        return result
