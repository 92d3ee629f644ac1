import base64
import datetime
import io
from decimal import Decimal

from odoo import models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: no text the suite writes is ever taken for a formula, a link or a number
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class MedXlsxExportMixin(models.AbstractModel):
    """Builds plain XLSX tables and hands a workbook built by a record to the user's
    browser.  Every XLSX of the suite is written through :meth:`_med_xlsx_write_cell`:
    text is always a text cell (``=HYPERLINK(...)``, ``@SUM(...)`` or ``+1`` scanned as a
    patient identifier or sent as a lot stays the text it is, never a live formula)."""

    _name = "med.xlsx.export.mixin"
    _description = "XLSX Export"

    def _med_download_xlsx(self, filename, content):
        """Store ``content`` (bytes) as an attachment of this record and return the
        action that downloads it."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": XLSX_MIMETYPE,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    @staticmethod
    def _med_xlsx_workbook(output):
        """A new XlsxWriter workbook writing to ``output``, with the safe options."""
        import xlsxwriter  # pylint: disable=import-outside-toplevel

        return xlsxwriter.Workbook(output, dict(WORKBOOK_OPTIONS))

    @staticmethod
    def _med_xlsx_write_cell(
        sheet, row, col, value, cell_format=None, date_format=None, number_format=None
    ):
        """Write ``value`` by its Python type: text as a text cell (never a formula, a
        link or a number), numbers as numbers, dates as dates, booleans as booleans,
        None and empty text as a blank cell."""
        if value is None or value == "":
            return sheet.write_blank(row, col, None, cell_format)
        if isinstance(value, bool):
            return sheet.write_boolean(row, col, value, cell_format)
        if isinstance(value, int | float | Decimal):
            return sheet.write_number(row, col, float(value), number_format or cell_format)
        if isinstance(value, datetime.date):
            if not isinstance(value, datetime.datetime):
                value = datetime.datetime.combine(value, datetime.time())
            return sheet.write_datetime(row, col, value, date_format or cell_format)
        return sheet.write_string(row, col, str(value), cell_format)

    def _med_xlsx_write_row(
        self,
        sheet,
        row,
        values,
        cell_format=None,
        date_format=None,
        number_format=None,
        first_col=0,
    ):
        for col, value in enumerate(values, start=first_col):
            self._med_xlsx_write_cell(
                sheet,
                row,
                col,
                value,
                cell_format=cell_format,
                date_format=date_format,
                number_format=number_format,
            )

    def _med_xlsx_table(
        self, sheet_name, header, rows, title=None, footer=None, number_format=None, widths=None
    ):
        """An XLSX workbook (bytes) of one sheet: a bold ``title`` row and a blank one
        when given, the bold ``header``, then ``rows`` (lists of values: text, numbers,
        dates), then a bold ``footer`` row when given.  ``number_format`` (e.g.
        ``"#,##0.00"``) shows the numbers of the rows; ``widths`` lists column widths
        (default 18)."""
        output = io.BytesIO()
        workbook = self._med_xlsx_workbook(output)
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
        numbers = workbook.add_format({"num_format": number_format}) if number_format else None
        start = 0
        if title:
            self._med_xlsx_write_row(sheet, 0, title, cell_format=bold)
            start = 2
        self._med_xlsx_write_row(sheet, start, header, cell_format=bold)
        index = start
        for index, row in enumerate(rows, start=start + 1):
            self._med_xlsx_write_row(sheet, index, row, date_format=dates, number_format=numbers)
        if footer:
            self._med_xlsx_write_row(sheet, index + 1, footer, cell_format=bold)
        if widths:
            for col, width in enumerate(widths):
                sheet.set_column(col, col, width)
        else:
            sheet.set_column(0, max(len(header) - 1, 0), 18)
        workbook.close()
        return output.getvalue()
