from odoo import fields, models


class MedScanRequest(models.Model):
    """One scan sent by the scan station, under the idempotency key the station gave it
    when it was scanned: a scan sent again (the answer was lost, the station was
    offline and retries) is answered from here and recorded once.

    Written by the system only (``med.device.scan.station_scan``, as superuser, in the
    transaction of the scan itself): users read their own requests, nobody writes or
    deletes them; the scan's own records (events, moves, documents) are the record of
    what happened, this is the record of what was asked and answered."""

    _name = "med.scan.request"
    _description = "Scan Station Request"
    _order = "id desc"
    _rec_name = "key"

    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    key = fields.Char("Idempotency key", required=True, readonly=True)
    operation = fields.Char(required=True, readonly=True)
    raw = fields.Char("Scanned code", required=True, readonly=True)
    scanned_at = fields.Datetime(
        readonly=True,
        help="When the station scanned it (the device's clock); the scan's "
        "records carry the time the server recorded them.",
    )
    state = fields.Selection(
        [("received", "Received"), ("done", "Recorded"), ("refused", "Refused")],
        required=True,
        readonly=True,
        default="received",
    )
    message = fields.Text(readonly=True)
    result = fields.Json(readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True, ondelete="restrict")
    res_model = fields.Char("Document model", readonly=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", readonly=True)
    undone_by = fields.Char(
        "Undone by", readonly=True, help="The correcting document that undid this scan."
    )

    _sql_constraints = [
        (
            "user_key_unique",
            "UNIQUE(user_id, key)",
            "A scan station request is recorded once per user and key.",
        ),
    ]
