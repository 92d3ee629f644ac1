# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class ReportMedImplantCard(models.AbstractModel):
    """The patient implant card (患者植入卡) of a closed surgery case: each implant with
    its UDI, as text and as the GS1 DataMatrix of its label."""

    _name = "report.med_device_stock.med_implant_card"
    _description = "Patient Implant Card"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["med.surgery.case"].browse(docids)
        labels = self.env["report.med_device_stock.stock_lot_label_template"]
        symbols = {}
        for implant in cases.implant_ids:
            try:
                symbols[implant.id] = labels._med_label(implant.lot_id)["image"]
            except UserError:
                symbols[implant.id] = False  # no GS1 GTIN (HIBCC, MA): the UDI text only
        return {
            "doc_ids": cases.ids,
            "doc_model": "med.surgery.case",
            "docs": cases,
            "symbols": symbols,
        }
