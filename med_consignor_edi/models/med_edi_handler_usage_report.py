from odoo import models


class MedEdiHandlerUsageReportOut(models.AbstractModel):
    """Outbound usage report (使用报告): the consignor's units used on patients in a
    period, at the price the consignor invoices."""

    _name = "med.edi.handler.usage_report.out"
    _inherit = ["med.edi.handler"]
    _description = "Consignor EDI: Usage Report Sent"
    _edi_message_type = "usage_report"
    _edi_direction = "out"

    def _edi_build(self, backend, date_from=None, date_to=None, period=None):
        patient = backend.company_id._med_patient_location()
        move_lines = backend._edi_done_move_lines(
            date_from, date_to, [("location_dest_id", "=", patient.id)]
        )
        product_values = backend._edi_product_values(move_lines.product_id)
        lines = []
        for move_line in move_lines:
            values = self._edi_move_line_values(move_line, product_values)
            values.update(
                usage_date=move_line.date.date(),
                unit_price=backend._edi_use_price(move_line.product_id),
            )
            lines.append(values)
        return backend._edi_header(period=period), lines
