# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Barcode nomenclatures read UDIs: lot and serial apart, dates, HIBCC; the rest as core."""

import datetime
import json

from odoo.exceptions import AccessError
from odoo.tests import tagged

from medtrace.udi import gs1_element_string, hibcc_string
from medtrace.udi.hibcc import check_character

from .common import MedDeviceStockCommon

GTIN = "09506000134352"
UNIT = {
    "gtin": GTIN,
    "lot": "LOT1",
    "serial": "SN42",
    "expiry": "2027-05-31",
    "manufactured": "2024-01-02",
}


def by_type(results):
    """{type: [value, ...]} of a list of GS1-style results."""
    grouped = {}
    for result in results:
        grouped.setdefault(result["type"], []).append(result["value"])
    return grouped


@tagged("post_install", "-at_install")
class TestBarcodeNomenclatureUdi(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gs1 = cls.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        cls.default = cls.env.ref("barcodes.default_barcode_nomenclature")
        cls.udi = gs1_element_string(**UNIT)

    def assert_unit(self, results):
        self.assertIsInstance(results, list)
        self.assertEqual(
            by_type(results),
            {
                "product": [GTIN],
                "manufacturing_date": [datetime.date(2024, 1, 2)],
                "expiration_date": [datetime.date(2027, 5, 31)],
                "lot": ["LOT1"],
                "serial": ["SN42"],
            },
        )

    def test_gs1_lot_and_serial_are_two_results(self):
        results = self.gs1.parse_barcode(self.udi)
        self.assert_unit(results)
        by_ai = {result["ai"]: result for result in results}
        self.assertEqual(by_ai["21"]["string_value"], "SN42")
        core_rule = "barcodes_gs1_nomenclature.barcode_rule_gs1_%s"
        self.assertEqual(by_ai["10"]["rule"], self.env.ref(core_rule % "10"))
        self.assertEqual(by_ai["01"]["rule"], self.env.ref(core_rule % "01"))
        self.assertEqual([result["issuer"] for result in results], ["GS1"] * 5)

    def test_gs1_scanner_variants_read_the_same(self):
        """Symbology identifier, '#' for FNC1 (the nomenclature's separator), printed text."""
        for variant in (
            "]d2" + self.udi,
            self.udi.replace("\x1d", "#"),
            "(01)09506000134352(11)240102(17)270531(10)LOT1(21)SN42",
            "\x1d" + self.udi,
        ):
            with self.subTest(variant=variant):
                self.assert_unit(self.gs1.parse_barcode(variant))

    def test_core_gs1_rules_also_keep_serial_apart(self):
        """The default GS1 rules themselves type AI 21 as serial and know AI 11."""
        results = self.gs1.gs1_decompose_extanded(self.udi)
        self.assertEqual(
            {result["ai"]: result["type"] for result in results},
            {
                "01": "product",
                "11": "manufacturing_date",
                "17": "expiration_date",
                "10": "lot",
                "21": "serial",
            },
        )

    def test_hibcc_concatenated(self):
        code = hibcc_string(
            "A123",
            "PROD45",
            "1",
            lot="LOT9",
            serial="S77",
            expiry="2027-03-01",
            manufactured="2024-02-03",
            quantity=5,
        )
        results = self.gs1.parse_barcode(code)
        self.assertEqual(
            [(result["ai"], result["type"], result["value"]) for result in results],
            [
                ("240", "product", "A123PROD451"),
                ("10", "lot", "LOT9"),
                ("21", "serial", "S77"),
                ("17", "expiration_date", datetime.date(2027, 3, 1)),
                ("11", "manufacturing_date", datetime.date(2024, 2, 3)),
                ("30", "quantity", 5),
            ],
        )
        self.assertEqual({result["issuer"] for result in results}, {"HIBCC"})
        self.assertEqual({result["encoding"] for result in results}, {"hibcc"})

    def test_hibcc_primary_and_secondary_scanned_apart(self):
        primary = hibcc_string("A123", "PROD45", "1")
        body = "+$$3270301LOT9" + primary[-1]  # the secondary links to the primary's check
        secondary = body + check_character(body)
        self.assertEqual(by_type(self.gs1.parse_barcode(primary)), {"product": ["A123PROD451"]})
        self.assertEqual(
            by_type(self.gs1.parse_barcode(secondary)),
            {"lot": ["LOT9"], "expiration_date": [datetime.date(2027, 3, 1)]},
        )

    def test_invalid_udi_falls_back_to_core(self):
        """A scan medtrace refuses gets exactly what the core rules make of it."""
        bad_check_digit = "0109506000134353" + "10LOT1"
        bad_hibcc = hibcc_string("A123", "PROD45", "1")[:-1] + "Z"
        for barcode in (bad_check_digit, bad_hibcc, "WH-STOCK-A1"):
            with self.subTest(barcode=barcode):
                self.assertEqual(
                    self.gs1.parse_barcode(barcode), self.gs1.gs1_decompose_extanded(barcode)
                )

    def test_product_codes_unchanged_when_udi_option_set(self):
        """EAN-13 and other plain codes still go through a non-GS1 nomenclature's rules."""
        codes = ("5901234123457", "1012345678906", "WH-STOCK-A1")
        before = [self.default.parse_barcode(code) for code in codes]
        self.default.med_udi = True
        self.assertEqual([self.default.parse_barcode(code) for code in codes], before)
        self.assertEqual(before[0]["type"], "product")

    def test_udi_option_on_default_nomenclature(self):
        self.assertFalse(self.default.med_udi_enabled)
        self.assertIsInstance(self.default.parse_barcode(self.udi), dict)  # core: no UDI read
        self.default.med_udi = True
        self.assertTrue(self.default.med_udi_enabled)
        self.assert_unit(self.default.parse_barcode(self.udi))
        results = self.default.parse_barcode(self.udi)
        self.assertFalse(any(result["rule"] for result in results))  # no GS1 rules there

    def test_web_client_reading(self):
        self.company.nomenclature_id = self.gs1
        Nomenclature = self.env["barcode.nomenclature"].with_user(self.user_department)
        response = Nomenclature.med_udi_parse_barcode(self.udi)
        json.dumps(response)  # sent over JSON-RPC as is
        self.assertEqual(response["nomenclature_id"], self.gs1.id)
        self.assertTrue(response["enabled"])
        reading = {result["ai"]: result for result in response["results"]}
        self.assertEqual(reading["21"]["type"], "serial")
        self.assertEqual(reading["21"]["rule"]["type"], "serial")
        self.assertEqual(reading["10"]["rule"]["type"], "lot")
        self.assertEqual(reading["17"]["value"], "2027-05-31")
        self.assertTrue(reading["17"]["is_date"])
        self.assertFalse(Nomenclature.med_udi_parse_barcode("5901234123457")["results"])

    def test_web_client_reading_without_udi_nomenclature(self):
        self.company.nomenclature_id = self.default
        response = self.env["barcode.nomenclature"].med_udi_parse_barcode(self.udi)
        self.assertEqual(
            response,
            {
                "nomenclature_id": self.default.id,
                "enabled": False,
                "results": False,
            },
        )

    def test_only_inventory_administrators_configure_udi_reading(self):
        for user in (self.user_department, self.user_storekeeper):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.default.with_user(user).write({"med_udi": True})
        self.default.with_user(self.user_manager).write({"med_udi": True})
        self.assertTrue(self.default.med_udi_enabled)
