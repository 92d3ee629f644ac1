import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from medtrace.edi.schemas import SCHEMAS

from ..models.med_edi_backend import INBOUND_TYPES


class MedEdiUploadWizard(models.TransientModel):
    """Upload a consignor's file (or a corrected file for a message in error)."""

    _name = "med.edi.upload.wizard"
    _description = "Upload a Consignor EDI File"

    backend_id = fields.Many2one("med.edi.backend", required=True)
    exchange_id = fields.Many2one(
        "med.edi.exchange",
        string="Correct Message",
        domain="[('backend_id', '=', backend_id), ('direction', '=', 'in'), "
        "('state', '=', 'error')]",
    )
    message_type = fields.Selection(
        [(name, SCHEMAS[name].title) for name in INBOUND_TYPES],
        required=True,
        default="purchase_order",
    )
    file = fields.Binary(required=True)
    file_name = fields.Char()

    @api.onchange("exchange_id")
    def _onchange_exchange_id(self):
        if self.exchange_id.message_type:
            self.message_type = self.exchange_id.message_type

    def action_upload(self):
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        name = self.file_name or _("uploaded file")
        if self.exchange_id:
            if self.exchange_id.backend_id != self.backend_id:
                raise UserError(
                    _(
                        "%(exchange)s belongs to another consignor.",
                        exchange=self.exchange_id.display_name,
                    )
                )
            self.exchange_id.action_upload_correction(data, name)
            exchange = self.exchange_id
        else:
            exchange = self.backend_id._edi_receive(
                data, self.message_type, filename=name, channel="upload"
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "med.edi.exchange",
            "res_id": exchange.id,
            "view_mode": "form",
        }
