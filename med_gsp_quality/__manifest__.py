# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Medical Devices GSP Quality",
    "summary": "Qualifications lock business by themselves; master data changes only through QA",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "external_dependencies": {"python": ["medtrace"]},
    "depends": ["med_device_stock"],
    "data": [
        "security/med_gsp_quality_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
    ],
    "demo": [],
}
