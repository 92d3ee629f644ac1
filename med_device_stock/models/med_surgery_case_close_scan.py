from odoo import _, models


class MedSurgeryCaseCloseScanMixin(models.AbstractModel):
    """The close-out with the scanner and the keyboard: scan what was used on the
    patient (``case_outcome`` scan operation), mark the rest unused in one step, close."""

    _name = "med.surgery.case.close.scan.mixin"
    _description = "Surgery Case Close-out by Scanner"

    def action_open_outcome_scan(self):
        self.ensure_one()
        self._med_check_open()
        return self.env["med.scan.wizard"]._open_for(self, "case_outcome")

    def action_mark_rest_unused(self):
        """Every unit still to decide is unused (it goes back where it came from)."""
        self.check_access("write")
        self._med_check_open()
        pending = self.line_ids.filtered(lambda ln: ln.outcome == "pending")
        if pending:
            pending.write({"outcome": "unused"})
            for case in self:
                count = len(pending.filtered(lambda ln, c=case: ln.case_id == c))
                if count:
                    case._message_log(
                        body=_(
                            "%(count)s units marked unused by %(user)s.",
                            count=count,
                            user=self.env.user.name,
                        )
                    )
        return True
