# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures for the Stock Barcodes glue tests (no test methods).

Needs OCA ``stock_barcodes`` on the addons path: see readme/USAGE.md.
"""

import datetime

from odoo import Command, fields
from odoo.addons.med_device_stock.tests.common import MedDeviceStockCommon
from odoo.addons.stock_barcodes.tests.common import TestCommonStockBarcodes


class MedStockBarcodesCommon(TestCommonStockBarcodes, MedDeviceStockCommon):
    """Stock Barcodes' own fixtures (products, locations, option groups, its
    ``action_barcode_scanned`` helper) plus device products with their UDI-DIs,
    on a company reading GS1 barcodes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Stock Barcodes' fixture todo has no unit: its quantities, recomputed when
        # products are created here, would fail to convert into it.
        cls.wiz_scan_read_todo.uom_id = cls.product_tracking.uom_id
        cls.company.nomenclature_id = cls.env.ref(
            "barcodes_gs1_nomenclature.default_gs1_nomenclature"
        )
        cls.implant = cls._make_device("Hip Stem", "695000000101", implantable=True)
        cls.catheter = cls._make_device(
            "Urinary Catheter", "695000000102", box_gtin_body="695000000103", box_quantity=10
        )
        cls.screw = cls._make_device(
            "Pedicle Screw",
            "",
            implantable=True,
            med_issuing_agency="hibcc",
            med_udi_di_ids=[
                Command.create({"di": "H123PS5501", "packaging_level": "each", "quantity": 1})
            ],
        )
        cls.expiry = fields.Date.today() + datetime.timedelta(days=400)

    @classmethod
    def _inventory_wizard(cls, is_manual_confirm=True):
        """An inventory reading wizard in WH/Stock scanning location, product,
        packaging and lot, creating the lots it reads."""
        option_group = cls.StockBarcodesOptionGroup.create(
            {
                "name": "Device count",
                "is_manual_confirm": is_manual_confirm,
                "create_lot": True,
                "option_ids": [
                    Command.create(
                        {
                            "step": 1,
                            "name": field_name,
                            "field_name": field_name,
                            "to_scan": True,
                            "required": field_name in ("product_id", "lot_id"),
                        }
                    )
                    for field_name in ("location_id", "product_id", "packaging_id", "lot_id")
                ],
            }
        )
        return cls.WizScanReadInventory.create(
            {
                "option_group_id": option_group.id,
                "step": 1,
                "location_id": cls.stock_location.id,
            }
        )

    def _lot(self, product, name, quantity=0.0, **values):
        """A lot/serial of ``product``, with ``quantity`` on hand in WH/Stock, expiring
        when the UDIs of the tests say (as a unit received by its UDI does)."""
        values.setdefault(
            "expiration_date", datetime.datetime.combine(self.expiry, datetime.time())
        )
        lot = self.env["stock.lot"].create(
            dict({"name": name, "product_id": product.id, "company_id": self.company.id}, **values)
        )
        if quantity:
            self.env["stock.quant"]._update_available_quantity(
                product, self.stock_location, quantity, lot_id=lot
            )
        return lot

    def _counted(self, product, lot):
        return (
            self.env["stock.quant"]
            .search(
                [
                    ("product_id", "=", product.id),
                    ("lot_id", "=", lot.id),
                    ("location_id", "=", self.stock_location.id),
                ]
            )
            .inventory_quantity
        )
