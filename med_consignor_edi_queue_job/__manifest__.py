# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Consignor EDI - OCA Job Queue",
    "summary": "Consignor EDI files received in the background run as OCA queue_job jobs",
    "version": "18.0.1.1.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["med_consignor_edi", "queue_job"],
    "data": ["data/queue_job_data.xml"],
}
