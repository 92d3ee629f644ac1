import base64

from odoo import models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MedXlsxExportMixin(models.AbstractModel):
    """Hands an XLSX workbook built by a record to the user's browser."""

    _name = "med.xlsx.export.mixin"
    _description = "XLSX Export"

    def _med_download_xlsx(self, filename, content):
        """Store ``content`` (bytes) as an attachment of this record and return the
        action that downloads it."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create({
            "name": filename,
            "datas": base64.b64encode(content),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": XLSX_MIMETYPE,
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
