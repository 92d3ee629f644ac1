from odoo import _, models


class MedDeviceScanCaseOutcomeMixin(models.AbstractModel):
    """Close-out by scanner: at the end of the operation the circulating nurse scans each
    unit used on the patient; an implantable device is recorded as implanted, any other
    device as used.  What is not scanned is then marked unused on the case in one step
    (``med.surgery.case.action_mark_rest_unused``) and the case is closed there.

    An operation added through the scan service's extension point: one description and
    its ``_check_scan_case_outcome`` / ``_scan_do_case_outcome`` (mixed into
    ``med.device.scan`` before the operations it extends)."""

    _name = "med.device.scan.case.outcome.mixin"
    _inherit = "med.device.scan.operation.mixin"
    _description = "Medical Device Scan: Surgery Close-out"

    def _med_scan_operations(self):
        operations = super()._med_scan_operations()
        case = next(op for op in operations if op["name"] == "case")
        position = operations.index(case) + 1
        operations.insert(
            position,
            dict(
                case,
                name="case_outcome",
                label=_("close-out scan"),
                title=_("Close-out: used on the patient"),
                access=("med.surgery.case.line", "write"),
                help=_(
                    "At the end of the operation, scan each unit used on the patient: an "
                    "implant is recorded as implanted, any other device as used."
                ),
            ),
        )
        return operations

    def _check_scan_case_outcome(self, scan):
        """The unit must be listed on the case (scanned in *Surgery case* mode), and it is
        checked as at its listing: expired, recalled or locked units are refused now."""
        case, lot = scan.get("document"), scan["lot"]
        if not lot:
            return [self._unknown_unit_message(scan)]
        if not case:
            return [_("Choose the surgery case the units are for.")]
        if lot not in case.line_ids.lot_id:
            return [
                _(
                    "%(unit)s is not listed on %(case)s: scan it in Surgery case mode first.",
                    unit=self._unit_label(scan),
                    case=case.display_name,
                )
            ]
        # listed already: the check of a listed unit, not the refusal of a second listing
        return self._check_scan_unit(dict(scan, validating=True))

    def _scan_do_case_outcome(self, scan):
        case, lot = scan["document"], scan["lot"]
        case._med_check_open()
        line = case.line_ids.filtered(lambda ln: ln.lot_id == lot)
        outcome = "implanted" if lot.product_id.med_implantable else "used"
        labels = dict(line._fields["outcome"]._description_selection(self.env))
        if line.outcome == outcome:
            message = _(
                "%(unit)s is already recorded as %(outcome)s on %(case)s.",
                unit=self._unit_label(scan),
                outcome=labels[outcome].lower(),
                case=case.name,
            )
        else:
            line.write({"outcome": outcome, "waste_reason": False})
            message = _(
                "%(unit)s: %(outcome)s (%(case)s).",
                unit=self._unit_label(scan),
                outcome=labels[outcome].lower(),
                case=case.name,
            )
        return self._scan_result(scan, True, message, res_model=case._name, res_id=case.id)
