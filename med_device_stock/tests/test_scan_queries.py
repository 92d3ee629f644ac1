# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An issue scan costs the same SQL queries whatever the number of units in stock."""

from odoo.tests import tagged

from medtrace.udi import gs1_element_string

from .common import MedDeviceStockCommon

GTIN = "09506000134352"


@tagged("post_install", "-at_install")
class TestScanQueries(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.ward_location = cls.env["stock.location"].create(
            {
                "name": "Cardiology store",
                "usage": "internal",
                "location_id": cls.stock.id,
            }
        )
        cls.department = cls.env["hr.department"].create(
            {
                "name": "Cardiology",
                "med_is_device_department": True,
                "med_location_id": cls.ward_location.id,
            }
        )
        cls.stent = cls.env["product.product"].create(
            {
                "name": "Coronary Stent",
                "is_storable": True,
                "tracking": "serial",
                "med_is_device": True,
                "med_implantable": True,
            }
        )
        cls.env["med.product.di"].create(
            {
                "di": GTIN,
                "product_tmpl_id": cls.stent.product_tmpl_id.id,
                "product_id": cls.stent.id,
            }
        )
        cls.count = 0

    def receive_units(self, how_many):
        """Serial units in stock as a receipt leaves them; returns their serials."""
        serials = [f"SN{self.count + index:05d}" for index in range(how_many)]
        self.count += how_many
        lots = self.env["stock.lot"].create(
            [
                {"name": serial, "product_id": self.stent.id, "med_serial": serial, "med_di": GTIN}
                for serial in serials
            ]
        )
        Quant = self.env["stock.quant"]
        for lot in lots:
            Quant._update_available_quantity(self.stent, self.stock, 1, lot_id=lot)
        self.env["med.unit.event"].create(
            [
                {"lot_id": lot.id, "event_type": "receipt", "location_id": self.stock.id}
                for lot in lots
            ]
        )
        return serials

    def issue(self, serial):
        raw = gs1_element_string(GTIN, serial=serial)
        result = (
            self.env["med.device.scan"]
            .with_user(self.user_storekeeper)
            .scan(raw, "issue", {"department_id": self.department.id})
        )
        self.assertTrue(result["ok"], result["message"])
        return result

    def test_issue_scan_queries_do_not_grow_with_the_stock(self):
        serials = self.receive_units(3 + 10)
        self.issue(serials[0])  # warms the caches every later scan finds filled
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.issue(serials[1])
        queries_with_10_units = self.cr.sql_log_count - before
        self.receive_units(190)  # now 200 other units are in stock
        self.env.invalidate_all()
        with self.assertQueryCount(queries_with_10_units):
            result = self.issue(serials[2])
        lot = self.env["stock.lot"].browse(result["lot_id"])
        self.assertEqual(lot.med_state, "issued")
        self.assertEqual(lot.med_department_id, self.department)
