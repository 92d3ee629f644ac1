# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Medical Device Stock (UDI traceability)",
    "summary": "Trace every medical device unit from receipt to patient by scanning its UDI",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "external_dependencies": {"python": ["medtrace"]},
    "depends": [
        "stock",
        "product_expiry",
        "purchase_stock",
        "barcodes_gs1_nomenclature",
        "hr",
        "mail",
    ],
    "data": [
        "security/med_device_stock_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
    ],
    "demo": [],
}
