# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Medical Devices Consignor EDI",
    "summary": "Consignors exchange orders, stock and reconciliations as files or over an API",
    "version": "18.0.1.1.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "external_dependencies": {"python": ["medtrace", "xlsxwriter"]},
    "depends": ["med_gsp_quality", "sale_stock"],
    "data": [
        "security/med_consignor_edi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/med_edi_exchange_views.xml",
        "views/med_edi_backend_views.xml",
        "views/med_edi_reconciliation_views.xml",
        "views/consumer_views.xml",
        "wizard/med_edi_upload_wizard_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/med_edi_backend_demo.xml",
        "demo/res_users_demo.xml",
    ],
}
