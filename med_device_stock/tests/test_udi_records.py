"""UDI database records: loading NMPA and GUDID downloads, products created from them."""

import datetime
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from medtrace.udi import gs1_element_string
from medtrace.udid import Package, UdidDevice, read
from medtrace.udid.errors import MESSAGES

from ..models.med_udid_messages import UDID_MESSAGES
from .common import MedDeviceStockCommon

DATA = Path(__file__).resolve().parents[2] / "tests" / "unit" / "data" / "udid"


def _devices(count, start=0, prefix="0698"):
    """``count`` synthetic devices (a box of 10 each); DIs need no valid check digit."""
    for number in range(start, start + count):
        di = f"{prefix}{number:010d}"
        yield UdidDevice(
            source="nmpa",
            primary_di=di,
            name=f"Bench device {number}",
            model="M1",
            registrant="Bench Co.",
            certificate="国械注准20243140004",
            packages=[Package(di=f"1{di[1:]}", quantity=10, contains_di=di, level="盒")],
        )


@tagged("post_install", "-at_install")
class TestUdiRecords(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Record = cls.env["med.udi.record"]

    def _load(self, path, user=None):
        records = self.Record.with_user(user) if user else self.Record
        return records._med_load(read(path), Path(path).name)

    def _stamp_old(self):
        """Date every record's last write in the past, to see which ones a load touches."""
        self.env.cr.execute("UPDATE med_udi_record SET write_date = '2000-01-01 00:00:00'")
        self.Record.invalidate_model()

    # ---------------------------------------------------------------- messages
    def test_every_udid_message_is_listed_for_translation(self):
        self.assertEqual(set(UDID_MESSAGES), set(MESSAGES))
        for code, template in MESSAGES.items():
            self.assertEqual(UDID_MESSAGES[code]._source, template, code)

    # ---------------------------------------------------------------- loading
    def test_load_both_samples(self):
        stats = self._load(DATA / "nmpa_full.xml", self.user_manager)
        self.assertEqual(stats, {"read": 3, "inserted": 3, "updated": 0, "unchanged": 0})
        stats = self._load(DATA / "gudid_full", self.user_manager)
        self.assertEqual(stats, {"read": 2, "inserted": 2, "updated": 0, "unchanged": 0})

        stent = self.Record._med_find("06970000000017")
        self.assertEqual(len(stent), 1)
        self.assertEqual(stent.source, "nmpa")
        self.assertEqual(stent.name, "冠状动脉药物洗脱支架系统")
        self.assertEqual(stent.model, "DES-3018")
        self.assertEqual(stent.certificate, "国械注准20243130001")
        self.assertEqual(stent.classification_code, "13-06-02")
        self.assertEqual(stent.device_class, "III")
        self.assertTrue(stent.implantable)
        self.assertEqual(stent.storage, "温度 2~30℃; 避光保存")
        self.assertEqual(stent.version_date, datetime.date(2024, 1, 15))
        self.assertEqual(stent.file_name, "nmpa_full.xml")
        self.assertEqual(
            [(p["di"], p["quantity"], p["units"]) for p in stent.packaging],
            [("16970000000014", 5, 5), ("26970000000011", 10, 50)],
        )
        self.assertIn("26970000000011", stent.packaging_summary)
        self.assertEqual(len(stent.checksum), 40)

        hip = self.Record._med_find("890000000014")  # GTIN-12 written without padding
        self.assertEqual(hip.source, "gudid")
        self.assertEqual(hip.registrant, "Example Orthopedics Inc.")
        self.assertEqual(hip.certificate, "K190001")
        self.assertEqual(hip.issuing_agency, "gs1")
        self.assertEqual([p["units"] for p in hip.packaging], [4, 24])
        # the same DI in both databases is two records, told apart by source
        self.assertFalse(self.Record._med_find("00890000000014", source="nmpa"))

    def test_incremental_file_touches_only_changed_rows(self):
        self._load(DATA / "nmpa_full.xml")
        self._stamp_old()
        old = datetime.datetime(2000, 1, 1)
        stats = self._load(DATA / "nmpa_incremental.xml")
        self.assertEqual(stats, {"read": 3, "inserted": 1, "updated": 1, "unchanged": 1})
        changed = self.Record._med_find("06970000000024")
        self.assertEqual(changed.model, "2×25人份（新包装）")
        self.assertEqual(changed.version_status, "变更")
        self.assertEqual(changed.file_name, "nmpa_incremental.xml")
        self.assertGreater(changed.write_date, old)
        unchanged = self.Record._med_find("06970000000031")
        self.assertEqual(unchanged.write_date, old)
        self.assertEqual(unchanged.file_name, "nmpa_full.xml")
        self.assertEqual(self.Record._med_find("06970000000017").write_date, old)
        self.assertTrue(self.Record._med_find("06970000000048"))
        # the same file again changes nothing
        self._stamp_old()
        stats = self._load(DATA / "nmpa_incremental.xml")
        self.assertEqual(stats, {"read": 3, "inserted": 0, "updated": 0, "unchanged": 3})
        self.env.cr.execute(
            "SELECT count(*) FROM med_udi_record WHERE write_date > '2000-01-01 00:00:00'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_next_gudid_release_touches_only_changed_rows(self):
        self._load(DATA / "gudid_full")
        self._stamp_old()
        stats = self._load(DATA / "gudid_update")
        self.assertEqual(stats, {"read": 2, "inserted": 0, "updated": 1, "unchanged": 1})
        self.assertEqual(self.Record._med_find("00890000000021").name, "EXAMPLE GLOVE PLUS")
        self.assertEqual(
            self.Record._med_find("00890000000014").write_date, datetime.datetime(2000, 1, 1)
        )

    def test_load_query_count_does_not_grow_with_records(self):
        Record = self.Record.with_user(self.user_manager)
        Record._med_load(_devices(5), "warm-up")  # access checks cached
        before = self.env.cr.sql_log_count
        Record._med_load(_devices(10, start=100), "small")
        small = self.env.cr.sql_log_count - before
        with self.assertQueryCount(small):
            stats = Record._med_load(_devices(1500, start=1000), "large")
        self.assertEqual(stats["inserted"], 1500)
        # two batches: the two statements of a batch once more, not one per record
        with self.assertQueryCount(small + 2):
            Record._med_load(_devices(300, start=5000), "two batches", batch_size=200)

    def test_import_wizard(self):
        import base64

        wizard = (
            self.env["med.udi.record.import"]
            .with_user(self.user_manager)
            .create(
                {
                    "file": base64.b64encode((DATA / "nmpa_full.xml").read_bytes()),
                    "filename": "UDID_FULL.xml",
                }
            )
        )
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("3 records read, 3 new", wizard.summary)
        self.assertEqual(self.Record._med_find("06970000000017").file_name, "UDID_FULL.xml")

    def test_import_wizard_reports_damaged_file(self):
        import base64

        text = (DATA / "nmpa_full.xml").read_bytes()
        wizard = (
            self.env["med.udi.record.import"]
            .with_user(self.user_manager)
            .create({"file": base64.b64encode(text[: len(text) // 3]), "filename": "cut.xml"})
        )
        with self.assertRaisesRegex(UserError, r"(?s)cut\.xml.*incomplete|incomplete.*cut\.xml"):
            wizard.action_import()
        # a server path is for administrators only
        wizard = (
            self.env["med.udi.record.import"]
            .with_user(self.user_manager)
            .create({"server_path": str(DATA / "nmpa_full.xml")})
        )
        with self.assertRaises(AccessError):
            wizard.action_import()

    # ---------------------------------------------------------------- products
    def test_create_product_with_dis_per_level(self):
        self._load(DATA / "nmpa_full.xml")
        record = self.Record._med_find("06970000000017").with_user(self.user_manager)
        action = record.action_med_create_product()
        template = self.env["product.template"].browse(action["res_id"])
        self.assertEqual(template.name, "冠状动脉药物洗脱支架系统")
        self.assertEqual(template.med_model, "DES-3018")
        self.assertTrue(template.med_is_device)
        self.assertTrue(template.med_implantable)
        self.assertEqual(template.tracking, "serial")
        self.assertEqual(template.med_device_class, "III")
        self.assertEqual(template.med_registration_number, "国械注准20243130001")
        self.assertEqual(template.med_storage_conditions, "温度 2~30℃; 避光保存")
        self.assertEqual(template.med_manufacturer_id.name, "示例医疗器械有限公司")
        self.assertEqual(template.med_issuing_agency, "gs1")
        self.assertEqual(template.default_code, "REF-3018")
        self.assertEqual(
            sorted((d.di, d.packaging_level, d.quantity) for d in template.med_udi_di_ids),
            [
                ("06970000000017", "each", 1.0),
                ("16970000000014", "box", 5.0),
                ("26970000000011", "case", 50.0),
            ],
        )
        self.assertEqual(record.product_tmpl_id, template)
        # again: the same product, completed, no identifier twice
        again = record.action_med_create_product()
        self.assertEqual(again["res_id"], template.id)
        self.assertEqual(len(template.med_udi_di_ids), 3)

    def test_complete_an_existing_product(self):
        self._load(DATA / "nmpa_full.xml")
        product = self._make_device(
            "CRP kit", "0697000000002", med_model=False, med_registration_number=False
        )
        template = product.product_tmpl_id
        record = self.Record._med_find("06970000000024").with_user(self.user_manager)
        self.assertEqual(record.product_tmpl_id, template)
        action = record.action_med_create_product()
        self.assertEqual(action["res_id"], template.id)
        self.assertEqual(template.name, "CRP kit")  # the hospital's name is kept
        self.assertEqual(template.med_model, "2×25人份")
        self.assertEqual(template.med_registration_number, "沪械注准20242400002")
        self.assertEqual(
            sorted((d.di, d.quantity) for d in template.med_udi_di_ids),
            [("06970000000024", 1.0), ("16970000000021", 20.0)],
        )

    def test_stock_user_cannot_import_or_create_products(self):
        self._load(DATA / "nmpa_full.xml")
        record = self.Record._med_find("06970000000017")
        # a storekeeper reads the records
        self.assertEqual(record.with_user(self.user_storekeeper).name, record.name)
        with self.assertRaises(AccessError):
            self._load(DATA / "nmpa_incremental.xml", self.user_storekeeper)
        with self.assertRaises(AccessError):
            record.with_user(self.user_storekeeper).action_med_create_product()
        with self.assertRaises(AccessError):
            self.env["med.udi.record.import"].with_user(self.user_storekeeper).create({})
        with self.assertRaises(AccessError):
            record.with_user(self.user_department).read(["name"])
        self.assertFalse(self.Record._med_find("06970000000048"))

    def test_unknown_di_scan_points_to_the_record(self):
        self._load(DATA / "nmpa_full.xml")
        raw = gs1_element_string(
            "06970000000017", serial="S1", expiry=datetime.date.today() + datetime.timedelta(400)
        )
        result = self.scan(raw, "receipt", user=self.user_manager)
        self.assertFalse(result["ok"])
        self.assertIn("No device product has the identifier 06970000000017", result["message"])
        self.assertIn("The UDI database has a record of it", result["message"])
        self.assertIn("冠状动脉药物洗脱支架系统", result["message"])
        # a storekeeper cannot create products: only the refusal
        result = self.scan(raw, "receipt", user=self.user_storekeeper)
        self.assertFalse(result["ok"])
        self.assertNotIn("UDI database", result["message"])

    def test_scan_dialog_offers_the_record_of_an_unknown_di_to_managers_only(self):
        self._load(DATA / "nmpa_full.xml")
        raw = gs1_element_string(
            "06970000000017", serial="S1", expiry=datetime.date.today() + datetime.timedelta(400)
        )
        Wizard = self.env["med.scan.wizard"]
        as_storekeeper = Wizard.with_user(self.user_storekeeper).create(
            {"operation": "trace", "barcode": raw}
        )
        as_storekeeper.action_scan()
        self.assertIn("06970000000017", as_storekeeper.log_html)
        self.assertFalse(as_storekeeper.udi_record_id, "a storekeeper creates no product")
        wizard = Wizard.with_user(self.user_manager).create({"operation": "trace", "barcode": raw})
        wizard.action_scan()
        self.assertEqual(wizard.udi_record_id.di, "06970000000017")
        wizard.action_create_product_from_udi()
        self.assertFalse(wizard.udi_record_id)
        self.assertIn("created from the UDI database record 06970000000017", wizard.log_html)
        product = self.env["med.product.di"].search([("di", "=", "06970000000017")]).product_id
        self.assertEqual(product.name, "冠状动脉药物洗脱支架系统")
        # scanned again, the DI is known: nothing more is offered
        wizard.barcode = raw
        wizard.action_scan()
        self.assertFalse(wizard.udi_record_id)
        with self.assertRaisesRegex(UserError, "No UDI database record to create a product"):
            wizard.action_create_product_from_udi()

    def test_scan_station_offers_the_record_and_creates_the_product(self):
        """The scan station's refusal of an unknown DI carries the UDI database's record
        for a device manager, who creates the product from it there."""
        self._load(DATA / "nmpa_full.xml")
        raw = gs1_element_string(
            "06970000000017", serial="S1", expiry=datetime.date.today() + datetime.timedelta(400)
        )
        Scan = self.env["med.device.scan"]
        as_storekeeper = Scan.with_user(self.user_storekeeper).station_scan(
            raw, "trace", {}, key="station-udi-1"
        )
        self.assertFalse(as_storekeeper["ok"])
        self.assertNotIn("udi_record", as_storekeeper, "a storekeeper creates no product")
        result = Scan.with_user(self.user_manager).station_scan(
            raw, "trace", {}, key="station-udi-2"
        )
        self.assertFalse(result["ok"])
        offer = result["udi_record"]
        self.assertEqual(offer["di"], "06970000000017")
        self.assertEqual(offer["name"], "冠状动脉药物洗脱支架系统")
        # the same key sent again answers the same offer
        replay = Scan.with_user(self.user_manager).station_scan(
            raw, "trace", {}, key="station-udi-2"
        )
        self.assertEqual(replay["udi_record"], offer)
        # a storekeeper sending the offer's id is refused, nothing created
        refused = Scan.with_user(self.user_storekeeper).station_create_product(offer["id"])
        self.assertFalse(refused["ok"])
        self.assertFalse(self.env["med.product.di"].search([("di", "=", "06970000000017")]))
        for bad in (0, 10**9, "1", None, True):
            answer = Scan.with_user(self.user_manager).station_create_product(bad)
            self.assertFalse(answer["ok"])
            self.assertIn("does not exist", answer["message"])
        created = Scan.with_user(self.user_manager).station_create_product(offer["id"])
        self.assertTrue(created["ok"], created["message"])
        self.assertIn("created from the UDI database record 06970000000017", created["message"])
        product = self.env["med.product.di"].search([("di", "=", "06970000000017")]).product_id
        self.assertEqual(product.name, "冠状动脉药物洗脱支架系统")
        # scanned again: the product is known, nothing more is offered
        again = Scan.with_user(self.user_manager).station_scan(
            raw, "trace", {}, key="station-udi-3"
        )
        self.assertNotIn("No device product has the identifier", again["message"])
        self.assertNotIn("udi_record", again)
