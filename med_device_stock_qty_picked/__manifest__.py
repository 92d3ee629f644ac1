# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Medical Device Stock - OCA Picked Quantity",
    "summary": "Receipt scans keep OCA stock_move_line_qty_picked's picked quantity right",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "website": "https://github.com/medtrace/medtrace",
    "author": "medtrace developers",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["med_device_stock", "stock_move_line_qty_picked"],
    "data": [],
}
