from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: the messages of a closed case a backend sends, by its ``message_types``
MESSAGE_TYPES = {"dft": ("dft",), "fhir": ("fhir",), "both": ("dft", "fhir")}


class MedHisBackend(models.Model):
    """Where the messages of closed surgery cases go in the hospital information system:
    an HTTP endpoint (POST, one message a request) or a folder the HIS reads, inside the
    HIS folder root the server configuration sets (``med_his_folder_root``).  Every
    message sent is a ``med.his.exchange``, tried again on failure."""

    _name = "med.his.backend"
    _inherit = ["med.his.transport.mixin"]
    _description = "HIS Backend"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    transport = fields.Selection(
        [("http", "HTTP endpoint"), ("folder", "Folder")],
        required=True,
        default="http",
    )
    url = fields.Char(
        string="URL",
        help="The HIS endpoint each message is posted to (http or https).",
    )
    auth_header = fields.Char(
        string="Authorization Header",
        groups="med_device_stock.group_med_manager,base.group_system",
        copy=False,
        help="Sent as the Authorization header of each request, e.g. 'Bearer <token>' or "
        "'Basic <base64>'; empty: none.",
    )
    folder_path = fields.Char(
        string="Folder",
        help="The folder the message files are written to, relative to the HIS folder root "
        "the server configuration sets (med_his_folder_root).",
    )
    message_types = fields.Selection(
        [("dft", "HL7 DFT^P03"), ("fhir", "FHIR bundle"), ("both", "Both")],
        string="Messages",
        required=True,
        default="both",
    )
    max_attempts = fields.Integer(
        default=5,
        required=True,
        help="Attempts at sending a message before it is marked failed (tried again after "
        "1, 5, 15, then every 60 minutes).",
    )
    exchange_ids = fields.One2many("med.his.exchange", "backend_id", string="Exchanges")
    exchange_count = fields.Integer(compute="_compute_exchange_count")
    failed_count = fields.Integer(compute="_compute_exchange_count")

    _sql_constraints = [
        (
            "max_attempts_positive",
            "CHECK (max_attempts >= 1)",
            "A HIS backend makes at least one attempt at sending a message.",
        ),
    ]

    def _compute_exchange_count(self):
        Exchange = self.env["med.his.exchange"]
        counts = dict(
            Exchange._read_group([("backend_id", "in", self.ids)], ["backend_id"], ["__count"])
        )
        failed = dict(
            Exchange._read_group(
                [("backend_id", "in", self.ids), ("state", "=", "failed")],
                ["backend_id"],
                ["__count"],
            )
        )
        for backend in self:
            backend.exchange_count = counts.get(backend, 0)
            backend.failed_count = failed.get(backend, 0)

    @api.constrains("transport", "url", "folder_path")
    def _check_transport(self):
        for backend in self:
            if backend.transport == "http":
                backend._med_his_check_url()
            elif backend.transport == "folder":
                backend._med_his_folder()

    def _med_his_check_url(self):
        self.ensure_one()
        url = (self.url or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(
                _(
                    "URL of HIS backend %(backend)s: %(value)r is not an http or https address.",
                    backend=self.name,
                    value=url,
                )
            )
        return url

    def _med_his_message_types(self):
        self.ensure_one()
        return MESSAGE_TYPES[self.message_types]

    def action_view_exchanges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_his_exchange_action"
        )
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action

    def action_send_due(self):
        """Send now what waits for this backend (pending, or in error and due)."""
        self.env["med.his.exchange"]._med_his_check_manager()
        due = self.env["med.his.exchange"].search(
            [("backend_id", "in", self.ids), ("state", "in", ("pending", "error"))]
        )
        due._med_his_send()
        return True
