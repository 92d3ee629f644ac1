# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Medical Devices Consignor EDI",
    "summary": "Consignors exchange orders, stock and reconciliations as files or over an API",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "external_dependencies": {"python": ["medtrace"]},
    "depends": ["med_gsp_quality"],
    "data": [
        "security/med_consignor_edi_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
    ],
    "demo": [],
}
