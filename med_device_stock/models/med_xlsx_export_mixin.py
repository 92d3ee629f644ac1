import base64
import io

from odoo import models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MedXlsxExportMixin(models.AbstractModel):
    """Builds plain XLSX tables and hands a workbook built by a record to the user's
    browser."""

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

    def _med_xlsx_table(self, sheet_name, header, rows, title=None):
        """An XLSX workbook (bytes) of one sheet: a bold ``title`` row and a blank one
        when given, the bold ``header``, then ``rows`` (lists of values)."""
        import xlsxwriter  # pylint: disable=import-outside-toplevel

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        start = 0
        if title:
            sheet.write_row(0, 0, title, bold)
            start = 2
        sheet.write_row(start, 0, header, bold)
        for index, row in enumerate(rows, start=start + 1):
            sheet.write_row(index, 0, row)
        sheet.set_column(0, max(len(header) - 1, 0), 18)
        workbook.close()
        return output.getvalue()
