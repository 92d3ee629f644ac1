from markupsafe import Markup, escape
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

#: the documents units are scanned into, besides those of the scan operations
#: (``med.device.scan._med_document_models``); each gives the scan its
#: ``_med_scan_context``
OTHER_SCAN_DOCUMENTS = ("med.count",)


class MedScanWizard(models.TransientModel):
    """Scan units one after the other into a document (or straight, without one)."""

    _name = "med.scan.wizard"
    _description = "Scan Device Units"

    operation = fields.Selection(
        selection="_selection_operation",
        required=True,
        default="trace",
    )
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    barcode = fields.Char(string="UDI")
    certificate_number = fields.Char(string="Certificate of Conformity No.")
    reject_reason = fields.Char(
        string="Rejection Reason", help="Why the scanned unit is refused at receipt."
    )
    location_id = fields.Many2one("stock.location", string="Counted Location")
    log_html = fields.Html(string="Scanned", readonly=True, sanitize=True)
    last_lot_id = fields.Many2one("stock.lot", string="Last Unit", readonly=True)
    udi_record_id = fields.Many2one(
        "med.udi.record",
        string="UDI Database Record",
        readonly=True,
        help="The UDI database's record of the device identifier just refused: no product "
        "has it yet.",
    )

    @api.model
    def _selection_operation(self):
        """Every scan operation of ``med.device.scan`` (those of other addons too), except
        the rejection at receipt, which its own button records with its reason."""
        return [
            (op["name"], op["title"])
            for op in self.env["med.device.scan"]._med_scan_operations()
            if op["name"] != "receipt_reject"
        ]

    @api.model
    def _open_for(self, document, operation):
        wizard = self.create(
            {
                "operation": operation,
                "res_model": document._name,
                "res_id": document.id,
            }
        )
        return wizard._action_reopen()

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Scan Units"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _scan_context(self):
        self.ensure_one()
        values = {}
        document = self._med_document()
        if document:
            values.update(document._med_scan_context())
        if self.certificate_number:
            values["certificate_number"] = self.certificate_number
        if self.location_id:
            values["location_id"] = self.location_id.id
        return values

    def _med_document(self):
        """The document the units are scanned into (None: scanned straight), checked:
        a document of the scan the user may read (res_model and res_id come from a
        client: over RPC, anything)."""
        if not self.res_model and not self.res_id:
            return None
        models = sorted(
            {*self.env["med.device.scan"]._med_document_models().values(), *OTHER_SCAN_DOCUMENTS}
        )
        if self.res_model not in models:
            raise UserError(
                _(
                    "Units cannot be scanned into %(res_model)s: res_model must be one of "
                    "%(models)s.",
                    res_model=self.res_model or "-",
                    models=", ".join(models),
                )
            )
        try:
            document = self.env[self.res_model].search([("id", "=", self.res_id)])
        except AccessError:
            document = None
        if not document:
            raise UserError(
                _(
                    "The document to scan into is unknown: no %(model)s with res_id %(res_id)s "
                    "that you may read.",
                    model=self.env[self.res_model]._description,
                    res_id=self.res_id,
                )
            )
        return document

    def action_scan(self):
        self.ensure_one()
        return self._scan_barcode(self.operation, self._scan_context())

    def action_reject(self):
        """Record the scanned unit as rejected at receipt, for the reason given."""
        self.ensure_one()
        return self._scan_barcode(
            "receipt_reject", dict(self._scan_context(), reason=self.reject_reason or "")
        )

    def _scan_barcode(self, operation, values):
        if self.barcode:
            result = self.env["med.device.scan"].scan(self.barcode, operation, values)
            css = "text-success" if result["ok"] else "text-danger"
            entry = Markup('<p class="%s">%s</p>') % (css, escape(result["message"]))
            record = self._med_udi_record_offer(self.barcode) if not result["ok"] else None
            self.write(
                {
                    "barcode": False,
                    "log_html": entry + (self.log_html or Markup()),
                    "last_lot_id": result["lot_id"] or False,
                    "udi_record_id": record.id if record else False,
                }
            )
        return self._action_reopen()

    def _med_udi_record_offer(self, raw):
        return self.env["med.udi.record"]._med_offer_for_scan(raw)

    def action_create_product_from_udi(self):
        """Create the product of the refused DI from its UDI database record, then go on
        scanning (the unit is scanned again)."""
        self.ensure_one()
        record = self.udi_record_id
        if not record:
            raise UserError(_("No UDI database record to create a product from."))
        action = record.action_med_create_product()
        template = self.env["product.template"].browse(action["res_id"])
        entry = Markup('<p class="text-info">%s</p>') % _(
            "Product %(product)s created from the UDI database record %(di)s: scan the unit again.",
            product=template.display_name,
            di=record.di,
        )
        self.write({"udi_record_id": False, "log_html": entry + (self.log_html or Markup())})
        return self._action_reopen()

    def action_close(self):
        return {"type": "ir.actions.act_window_close"}
