# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A UDI scanned in OCA Stock Barcodes' reading wizard fills product, unit,
quantity and, for a new unit, its expiry and manufacturer data."""

import datetime

from odoo.addons.med_device_stock.tests.common import gtin_with_check_digit
from odoo.tests import tagged

from medtrace.udi import hibcc_string

from .common import MedStockBarcodesCommon


@tagged("post_install", "-at_install")
class TestStockBarcodesUdi(MedStockBarcodesCommon):
    def test_new_serial_unit_is_named_by_its_serial_with_udi_data(self):
        wiz = self._inventory_wizard()
        raw = self.udi(self.implant, lot="B2405", serial="SN-0001", expiry=self.expiry)
        self.action_barcode_scanned(wiz, raw)
        self.assertEqual(wiz.product_id, self.implant)
        self.assertEqual(wiz.lot_name, "SN-0001")
        self.assertFalse(wiz.lot_id)
        self.assertEqual(wiz.product_qty, 1.0)
        self.assertTrue(wiz.action_confirm())
        lot = self.env["stock.lot"].search([("product_id", "=", self.implant.id)])
        self.assertEqual(lot.mapped("name"), ["SN-0001"], "no lot is created for the batch")
        self.assertEqual(lot.expiration_date.date(), self.expiry)
        self.assertEqual((lot.med_mfr_lot, lot.med_serial), ("B2405", "SN-0001"))
        self.assertEqual(lot.med_di, self.implant.med_udi_di_ids.di)
        self.assertEqual(lot.med_manufactured_date, datetime.date(2025, 1, 15))
        self.assertEqual(self._counted(self.implant, lot), 1.0)

    def test_serial_unit_in_stock_is_found_by_serial_not_by_batch(self):
        # a unit named like the batch: Odoo's GS1 rules would pick it (AI 10 is a lot)
        batch_named = self._lot(self.implant, "B2405", quantity=1)
        unit = self._lot(self.implant, "SN-0002", quantity=1)
        wiz = self._inventory_wizard()
        self.action_barcode_scanned(
            wiz, self.udi(self.implant, lot="B2405", serial="SN-0002", expiry=self.expiry)
        )
        self.assertEqual(wiz.product_id, self.implant)
        self.assertEqual(wiz.lot_id, unit)
        self.assertEqual(wiz.product_qty, 1.0)
        self.assertTrue(wiz.action_confirm())
        self.assertEqual(self._counted(self.implant, unit), 1.0)
        self.assertFalse(self._counted(self.implant, batch_named))

    def test_lot_device_box_reads_its_lot_and_box_quantity(self):
        lot = self._lot(self.catheter, "C-77", quantity=30)
        wiz = self._inventory_wizard()
        box_di = self.catheter.med_udi_di_ids.filtered(lambda d: d.packaging_level == "box").di
        raw = self.udi(self.catheter, lot="C-77", expiry=self.expiry, di=box_di)
        self.action_barcode_scanned(wiz, raw)
        self.assertEqual((wiz.product_id, wiz.lot_id), (self.catheter, lot))
        self.assertEqual(wiz.product_qty, 10.0)
        self.assertTrue(wiz.action_confirm())
        self.assertEqual(self._counted(self.catheter, lot), 10.0)

    def test_new_lot_gets_the_expiry_of_the_udi(self):
        wiz = self._inventory_wizard(is_manual_confirm=False)
        self.action_barcode_scanned(wiz, self.udi(self.catheter, lot="C-78", expiry=self.expiry))
        lot = self.env["stock.lot"].search([("product_id", "=", self.catheter.id)])
        self.assertEqual(lot.name, "C-78")
        self.assertEqual(lot.expiration_date.date(), self.expiry)
        self.assertEqual(lot.med_mfr_lot, "C-78")
        self.assertFalse(lot.med_serial)
        self.assertEqual(self._counted(self.catheter, lot), 1.0)

    def _hibcc_expiry(self, space_check):
        """A future expiry whose HIBCC code below ends (or not) in the check character ' '."""
        for days in range(400, 500):
            expiry = self.expiry + datetime.timedelta(days=days - 400)
            raw = self._hibcc(expiry)
            if raw.endswith(" ") == space_check:
                return expiry, raw
        raise AssertionError("no such expiry within 100 days")

    def _hibcc(self, expiry):
        return hibcc_string("H123", "PS550", uom="1", lot="LOT42", serial="SN0007", expiry=expiry)

    def _scan_hibcc_unit(self, space_check):
        expiry, raw = self._hibcc_expiry(space_check=space_check)
        unit = self._lot(
            self.screw,
            "SN0007",
            quantity=1,
            expiration_date=datetime.datetime.combine(expiry, datetime.time()),
        )
        wiz = self._inventory_wizard()
        self.action_barcode_scanned(wiz, raw)
        self.assertEqual((wiz.product_id, wiz.lot_id), (self.screw, unit))
        self.assertEqual(wiz.product_qty, 1.0)

    def test_hibcc_udi_reads_product_and_serial(self):
        self._scan_hibcc_unit(space_check=False)

    def test_hibcc_udi_whose_check_character_is_a_space_survives_the_wizard_trim(self):
        # stock_barcodes rstrips every scan; one HIBCC code in 43 ends in ' '
        self._scan_hibcc_unit(space_check=True)

    def test_serial_device_udi_without_serial_is_refused(self):
        wiz = self._inventory_wizard()
        self.action_barcode_scanned(wiz, self.udi(self.implant, lot="B2405", expiry=self.expiry))
        self.assertEqual(wiz.message_type, "not_found")
        self.assertIn("tracked by serial number", wiz.message)
        self.assertFalse(wiz.lot_id or wiz.lot_name)
        self.assertFalse(self.env["stock.lot"].search([("product_id", "=", self.implant.id)]))

    def test_unknown_device_identifier_is_refused_naming_it(self):
        wiz = self._inventory_wizard()
        unknown_di = gtin_with_check_digit("695000000999")
        self.action_barcode_scanned(wiz, self.udi(self.implant, serial="SN-9", di=unknown_di))
        self.assertEqual(wiz.message_type, "not_found")
        self.assertIn(unknown_di, wiz.message)
        self.assertFalse(wiz.product_id)

    def test_plain_ean13_keeps_stock_barcodes_reading(self):
        wiz = self._inventory_wizard()
        self.action_barcode_scanned(wiz, self.product_wo_tracking.barcode)
        self.assertEqual(wiz.product_id, self.product_wo_tracking)
        self.assertEqual(wiz.product_qty, 1.0)
        self.assertEqual(wiz.message_type, "info")  # "Review and confirm", as without the glue
        # a location barcode still moves the reading there
        self.action_barcode_scanned(wiz, self.location_1.barcode)
        self.assertEqual(wiz.location_id, self.location_1)
        self.assertEqual(wiz.product_id, self.product_wo_tracking)

    def test_known_unit_whose_udi_disagrees_is_refused_naming_both_values(self):
        unit = self._lot(
            self.implant, "SN-0003", quantity=1, med_mfr_lot="B2405", med_serial="SN-0003"
        )
        wiz = self._inventory_wizard()
        self.action_barcode_scanned(
            wiz, self.udi(self.implant, lot="B9999", serial="SN-0003", expiry=self.expiry)
        )
        self.assertEqual(wiz.message_type, "not_found")
        self.assertRegex(
            wiz.message,
            r"The scanned lot B9999 differs from the unit's "
            r"recorded lot B2405 \(Hip Stem unit SN-0003\)",
        )
        self.assertFalse(wiz.lot_id)
        self.assertFalse(self._counted(self.implant, unit), "nothing counted")

    def test_known_lot_whose_udi_expiry_disagrees_is_refused(self):
        recorded = self.expiry + datetime.timedelta(days=30)
        lot = self._lot(
            self.catheter,
            "C-79",
            quantity=5,
            med_mfr_lot="C-79",
            expiration_date=datetime.datetime.combine(recorded, datetime.time()),
        )
        wiz = self._inventory_wizard(is_manual_confirm=False)
        self.action_barcode_scanned(wiz, self.udi(self.catheter, lot="C-79", expiry=self.expiry))
        self.assertEqual(wiz.message_type, "not_found")
        self.assertIn(
            f"The scanned expiry {self.expiry.isoformat()} differs from the unit's "
            f"recorded expiry {recorded.isoformat()}",
            wiz.message,
        )
        self.assertFalse(wiz.lot_id)
        self.assertFalse(self._counted(self.catheter, lot), "nothing counted")
        # the label agreeing with the record is read as before
        self.action_barcode_scanned(wiz, self.udi(self.catheter, lot="C-79", expiry=recorded))
        self.assertEqual(self._counted(self.catheter, lot), 1.0)
