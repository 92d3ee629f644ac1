# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scan station in a real browser (Chromium, Debian package ``chromium``): a
storekeeper receiving and issuing, a nurse recording a use on patient and a count, and
an offline session, each typed at scanner speed into Odoo's barcode service
(static/tests/tours/scan_station_tours.js)."""

import datetime
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from medtrace.udi import gs1_element_string
from medtrace.udid import read

from .common import gtin_with_check_digit

EXPIRY = datetime.date(2030, 12, 31)
MADE = datetime.date(2025, 1, 15)
#: the UDIs the tours type (scan_station_tours.js, STATION_CODES)
SERIALS = ("R1", "R2", "I1", "I2", "I3", "I4", "U1", "C1")
#: a unit of a DI no product has, which the NMPA sample of the UDI database lists
#: (scan_station_tours.js, UDI_DB_CODE)
UDI_DB_CODE = "01069700000000171730123121UDIDB1"


class ScanStationTourCommon(HttpCase):
    """The units, users and count the tours work on (no test methods)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.store = new_test_user(
            env,
            login="tour_store",
            password="tour_store",
            groups="med_device_stock.group_med_storekeeper",
        )
        cls.nurse_user = new_test_user(
            env,
            login="tour_nurse",
            password="tour_nurse",
            groups="med_device_stock.group_med_department_user",
        )
        cls.cardiology = env["hr.department"].create(
            {
                "name": "Tour Cardiology",
                "med_is_device_department": True,
                "company_id": cls.company.id,
            }
        )
        cls.nurse = env["hr.employee"].create(
            {"name": "Nurse Tour", "department_id": cls.cardiology.id, "user_id": cls.nurse_user.id}
        )
        cls.supplier = env["res.partner"].create({"name": "Tour Supplier", "is_company": True})
        cls.di = gtin_with_check_digit("695000000101")
        template = env["product.template"].create(
            {
                "name": "Tour Stent",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "med_is_device": True,
                "med_device_class": "III",
                "med_implantable": True,
                "med_model": "TS-1",
                "med_specification": "3.0x18",
                "med_registration_number": "国械注准20233130001",
                "med_udi_di_ids": [
                    Command.create({"di": cls.di, "packaging_level": "each", "quantity": 1})
                ],
            }
        )
        cls.stent = template.product_variant_id
        cls.codes = {serial: cls.udi(serial) for serial in SERIALS}
        # units in stock for the issues (received and checked), one issued for the nurse
        cls.lots = cls._receive(["I1", "I2", "I3", "I4", "U1", "C1"])
        cls.receipt_order = cls._order(2, name="P-TOUR-01")
        scanner = env["med.device.scan"]
        for serial in ("U1", "C1"):
            result = scanner.scan(cls.codes[serial], "issue", {"department_id": cls.cardiology.id})
            assert result["ok"], result["message"]
        cls.count = env["med.count"].create({"department_id": cls.cardiology.id})
        cls.count.action_start()

    @classmethod
    def udi(cls, serial):
        return gs1_element_string(cls.di, serial=serial, expiry=EXPIRY, manufactured=MADE)

    @classmethod
    def _order(cls, quantity, name=None):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.supplier.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.stent.id, "product_qty": quantity, "price_unit": 900.0}
                    )
                ],
            }
        )
        order.button_confirm()
        if name:
            order.name = name
        return order

    @classmethod
    def _receive(cls, serials):
        order = cls._order(len(serials))
        scanner = cls.env["med.device.scan"]
        lots = {}
        for serial in serials:
            result = scanner.scan(
                cls.codes[serial],
                "receipt",
                {"purchase_id": order.id, "certificate_number": "CoC-TOUR"},
            )
            assert result["ok"], result["message"]
            lots[serial] = cls.env["stock.lot"].browse(result["lot_id"])
        cls.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).action_done()
        return lots

    def station_url(self):
        return "/odoo/action-med_device_stock.med_scan_station_action"

    def _play_storekeeper(self):
        self.start_tour(
            self.station_url(), "med_station_storekeeper", login="tour_store", timeout=180
        )
        check = self.env["med.receipt.check"].search([("purchase_id", "=", self.receipt_order.id)])
        self.assertEqual(sorted(check.line_ids.lot_id.mapped("name")), ["R1", "R2"])
        issue = self.env["med.device.issue"].search(
            [("line_ids.lot_id", "=", self.lots["I1"].id), ("reversal_of_id", "=", False)]
        )
        self.assertEqual(issue.state, "done")
        self.assertTrue(issue.reversal_ids, "undo last made a correcting document")
        self.assertEqual(self.lots["I1"].med_state, "in_stock")

    def _play_nurse(self):
        self.start_tour(self.station_url(), "med_station_nurse", login="tour_nurse", timeout=180)
        use = self.env["med.device.use"].search([("lot_id", "=", self.lots["U1"].id)])
        self.assertEqual(
            (use.patient_identifier, use.surgery_ref, use.create_uid),
            ("MRN-TOUR-7", "OR-3 CABG", self.nurse_user),
        )
        self.assertIn(self.lots["C1"], self.count.scan_ids.lot_id)


@tagged("post_install", "-at_install")
class TestScanStationTour(ScanStationTourCommon):
    def test_codes_are_those_the_tours_type(self):
        tours = open(
            __file__.replace(
                "tests/test_scan_station_tour.py", "static/tests/tours/scan_station_tours.js"
            ),
            encoding="utf-8",
        ).read()
        for serial, code in self.codes.items():
            self.assertIn(f"{serial}: `{code}`", tours)

    def test_storekeeper_receives_and_issues_by_scanning(self):
        self._play_storekeeper()

    def test_nurse_records_a_use_on_patient_and_counts(self):
        self._play_nurse()

    def test_manager_creates_a_product_from_the_udi_database(self):
        new_test_user(
            self.env,
            login="tour_manager",
            password="tour_manager",
            groups="med_device_stock.group_med_manager",
        )
        data = Path(__file__).resolve().parents[2] / "tests/unit/data/udid/nmpa_full.xml"
        self.env["med.udi.record"]._med_load(read(data), data.name)
        self.assertEqual(
            gs1_element_string("06970000000017", serial="UDIDB1", expiry=EXPIRY), UDI_DB_CODE
        )
        self.start_tour(
            self.station_url(), "med_station_udi_product", login="tour_manager", timeout=180
        )
        product = self.env["med.product.di"].search([("di", "=", "06970000000017")]).product_id
        self.assertEqual(product.name, "冠状动脉药物洗脱支架系统")
        requests = self.env["med.scan.request"].search(
            [("user_id.login", "=", "tour_manager")], order="id"
        )
        self.assertEqual(len(requests), 2, "the unit was scanned again after the creation")

    def test_offline_scans_are_kept_then_sent_once(self):
        self.env["med.device.scan"].scan(
            self.codes["I3"], "issue", {"department_id": self.cardiology.id}
        )
        self.start_tour(self.station_url(), "med_station_offline", login="tour_store", timeout=240)
        Issue = self.env["med.device.issue"]
        self.assertEqual(
            Issue.search_count([("line_ids.lot_id", "=", self.lots["I2"].id)]),
            1,
            "the scan whose answer was lost is recorded once",
        )
        self.assertEqual(self.lots["I4"].med_state, "issued")
        requests = self.env["med.scan.request"].search([("user_id", "=", self.store.id)])
        self.assertEqual(sorted(requests.mapped("state")), ["done", "done", "refused"])
        self.assertTrue(all(requests.mapped("scanned_at")))


@tagged("post_install", "-at_install")
class TestScanStationPhoneTour(ScanStationTourCommon):
    """The same days at a phone's width, with a touch screen: receiving, issuing and a
    use on patient with the keyboard (a scanner) alone."""

    browser_size = "360x740"
    touch_enabled = True

    def test_storekeeper_on_a_phone(self):
        self._play_storekeeper()

    def test_nurse_on_a_phone(self):
        self._play_nurse()
