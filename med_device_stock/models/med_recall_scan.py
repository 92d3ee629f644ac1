from odoo import _, models


class MedDeviceScan(models.AbstractModel):
    """Recall and cycle count extensions of the scan service: units of an open recall
    are refused by the operations that put them to use (their description's
    ``puts_to_use``); the ``count`` operation records the scan on the count session given as
    ``count_id`` in the context.  Where a recall takes a unit from is an argument of
    ``_med_move_units`` (``source``), never a context value a client could send."""

    _inherit = "med.device.scan"

    def _check_scan(self, scan):
        problems = super()._check_scan(scan)
        lot = scan.get("lot")
        operation = self._med_scan_operation(scan["operation"]) or {}
        if lot and operation.get("puts_to_use"):
            recalls = (
                self.env["med.recall.line"]
                .sudo()
                .search(
                    [
                        ("lot_id", "=", lot.id),
                        ("recall_id.state", "=", "open"),
                        ("disposition", "not in", ("released",)),
                    ],
                )
                .recall_id
            )
            if recalls:
                problems.append(
                    _(
                        "%(unit)s is under recall %(recall)s: it may not be issued, lent or "
                        "used until the case closes.",
                        unit=lot.display_name,
                        recall=", ".join(recalls.mapped("name")),
                    )
                )
        return problems

    def _scan_do_count(self, scan):
        values = scan["values"]
        # the scan's own checked values only (``_med_scan_values``), never the
        # environment's context as such: a client sends it over JSON-RPC unchecked
        count_id = values.get("count_id") or values.get("med_count_id")
        if not count_id:
            return super()._scan_do_count(scan)
        count = self.env["med.count"].browse(count_id)
        lot = scan["lot"]
        location = scan["location"] or count.location_id
        count._med_record_scans(
            [
                {
                    "lot_id": lot.id,
                    "raw": scan.get("raw"),
                    "quantity": scan["quantity"],
                    "location_id": location.id,
                }
            ]
        )
        return self._scan_result(
            scan,
            True,
            _(
                "%(unit)s counted on %(count)s.",
                unit=self._unit_label(scan),
                count=count.name,
            ),
            res_model=count._name,
            res_id=count.id,
        )
