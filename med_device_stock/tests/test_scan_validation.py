"""Scans (issue 12, items 4 and 10): the scanned UDI must agree with the recorded unit, and
every value of the scan's context is checked before it is used."""

import datetime

from odoo.exceptions import UserError

from .common import MedDeviceFlowCommon

WRITTEN_MODELS = (
    "stock.lot",
    "med.device.issue",
    "med.device.issue.line",
    "med.device.use",
    "med.receipt.check.line",
    "stock.move.line",
    "med.unit.event",
)


class TestScanAgreesWithUnit(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.unit = cls._receive(cls.stent, ["S1"], lot="MFR1")
        cls.expiry = cls.unit.expiration_date.date()

    def _label(self, **changes):
        """The UDI of the unit S1 with ``changes`` (lot, expiry, manufactured)."""
        values = {
            "serial": "S1",
            "lot": "MFR1",
            "expiry": self.expiry,
            "manufactured": datetime.date(2025, 1, 15),
        }
        values.update(changes)
        return self.udi(self.stent, **values)

    def _refused(self, raw, operation="issue", **context):
        context.setdefault("department_id", self.cardiology.id)
        context.setdefault("requester_id", self.nurse.id)
        before = self._count(*WRITTEN_MODELS)
        result = self.scan(raw, operation, **context)
        self.assertFalse(result["ok"], result["message"])
        self.assertEqual(self._count(*WRITTEN_MODELS), before, "a refused scan writes nothing")
        return result["message"]

    def test_the_label_of_the_unit_is_issued(self):
        result = self.scan(self._label(), "issue", department_id=self.cardiology.id)
        self.assertTrue(result["ok"], result["message"])

    def test_other_lot_refused_naming_both(self):
        message = self._refused(self._label(lot="MFR9"))
        self.assertRegex(
            message,
            r"The scanned lot MFR9 differs from the unit's recorded lot "
            r"MFR1 \(Coronary Stent unit S1\)",
        )

    def test_other_expiry_refused_naming_both(self):
        later = self.expiry + datetime.timedelta(days=400)
        message = self._refused(self._label(expiry=later))
        self.assertIn(
            f"The scanned expiry {later.isoformat()} differs from the unit's "
            f"recorded expiry {self.expiry.isoformat()}",
            message,
        )

    def test_other_manufacturing_date_refused_naming_both(self):
        message = self._refused(self._label(manufactured=datetime.date(2024, 2, 1)))
        self.assertIn(
            "The scanned manufacturing date 2024-02-01 differs from the unit's "
            "recorded manufacturing date 2025-01-15",
            message,
        )

    def test_every_disagreement_is_named(self):
        message = self._refused(
            self._label(lot="MFR9", expiry=self.expiry + datetime.timedelta(days=1))
        )
        self.assertIn("scanned lot MFR9", message)
        self.assertIn("scanned expiry", message)

    def test_use_transfer_and_count_refuse_a_label_that_disagrees(self):
        self.assertTrue(self._issue(self.unit)["ok"])
        self._refused(self._label(lot="MFR9"), "use", patient_identifier="MRN-1")
        self._refused(self._label(lot="MFR9"), "transfer", dest_department_id=self.orthopedics.id)
        self._refused(self._label(lot="MFR9"), "return")
        self._refused(self._label(lot="MFR9"), "count")
        self.assertEqual(self.unit.med_state, "issued")

    def test_a_label_that_disagrees_may_still_be_quarantined(self):
        """Taking a suspicious unit out of use is never blocked by its label."""
        result = self.scan(self._label(lot="MFR9"), "quarantine", reason="Label mismatch")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.unit.med_state, "quarantined")

    def test_lot_received_again_with_other_expiry_refused(self):
        lot = self._receive(self.catheter, 1, quantity=2, lot="CATH1")
        order = self._make_purchase(self.supplier, [(self.catheter, 1)])
        recorded = lot.expiration_date.date()
        later = recorded + datetime.timedelta(days=30)
        message = self._refused(
            self.udi(self.catheter, lot="CATH1", expiry=later),
            "receipt",
            purchase_id=order.id,
            certificate_number="CoC-2",
        )
        self.assertIn(
            f"The scanned expiry {later.isoformat()} differs from the unit's "
            f"recorded expiry {recorded.isoformat()}",
            message,
        )

    def test_receipt_completes_a_lot_recorded_without_its_udi(self):
        """A lot first recorded by hand (no UDI data) gets them from the UDI scanned at
        receipt: by the system, posted on the unit; what it had stays."""
        expiry = datetime.date(2028, 3, 31)
        lot = self.env["stock.lot"].create(
            {
                "name": "CATH7",
                "product_id": self.catheter.id,
                "expiration_date": datetime.datetime(2028, 3, 31),
            }
        )
        order = self._make_purchase(self.supplier, [(self.catheter, 1)])
        raw = self.udi(
            self.catheter, lot="CATH7", expiry=expiry, manufactured=datetime.date(2025, 2, 2)
        )
        result = self.scan(raw, "receipt", purchase_id=order.id, certificate_number="CoC-3")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["lot_id"], lot.id)
        self.assertEqual(
            (lot.med_udi_raw, lot.med_di, lot.med_mfr_lot, lot.med_manufactured_date),
            (raw, self.catheter.med_udi_di_ids[:1].di, "CATH7", datetime.date(2025, 2, 2)),
        )
        self.assertEqual(lot.expiration_date, datetime.datetime(2028, 3, 31))
        body = lot.sudo().message_ids[:1].body
        self.assertIn("completed from the UDI", body)
        self.assertIn("Manufacturer Lot: (none) → CATH7", body)


class TestScanContext(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Hospital"})
        cls.other_department = cls.env["hr.department"].create(
            {
                "name": "Secret Ward",
                "company_id": cls.other_company.id,
            }
        )
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.unit = cls._receive(cls.stent, ["S1"], lot="MFR1")

    def _refused(self, operation, key, value, raw=None, **context):
        context.setdefault("department_id", self.cardiology.id)
        context[key] = value
        before = self._count(*WRITTEN_MODELS)
        result = self.scan(raw or self._raw(self.unit), operation, **context)
        self.assertFalse(result["ok"], result["message"])
        self.assertIn(f"The scan context value {key} = ", result["message"])
        self.assertEqual(self._count(*WRITTEN_MODELS), before, "a refused scan writes nothing")
        return result["message"]

    def test_ill_typed_record_ids_are_refused_naming_key_and_value(self):
        cases = [
            ("issue", "department_id", "abc"),
            ("issue", "department_id", -3),
            ("issue", "department_id", 2**40),
            ("issue", "requester_id", "nobody"),
            ("issue", "document_id", [1]),
            ("transfer", "dest_department_id", 1.5),
            ("use", "surgeon_id", {"id": 1}),
            ("count", "location_id", "here"),
            ("count", "count_id", "c1"),
            ("receipt", "purchase_id", "po"),
            ("receipt", "picking_id", True),
            ("receipt", "certificate_attachment_id", "file"),
        ]
        for operation, key, value in cases:
            with self.subTest(key=key, value=value):
                message = self._refused(operation, key, value)
                self.assertIn(f"{key} = {value!r} is not the id of a record", message)

    def test_unknown_records_are_refused_naming_key_and_value(self):
        cases = [
            ("issue", "department_id", "Department"),
            ("issue", "requester_id", "Public Employee"),
            ("issue", "document_id", "Device Issue, Borrow, Return or Transfer"),
            ("use", "surgeon_id", "Public Employee"),
            ("count", "location_id", "Inventory Locations"),
            ("count", "count_id", "Device Cycle Count"),
            ("receipt", "purchase_id", "Purchase Order"),
            ("receipt", "picking_id", "Transfer"),
        ]
        for operation, key, model in cases:
            with self.subTest(key=key):
                message = self._refused(operation, key, 99999)
                self.assertIn(f"{key} = 99999 is unknown: no {model} with this id", message)

    def test_another_companys_department_is_unknown(self):
        message = self._refused("issue", "department_id", self.other_department.id)
        self.assertIn(f"department_id = {self.other_department.id} is unknown", message)
        self.assertNotIn("Secret Ward", message, "nothing of the other company leaks")

    def test_bad_dates_and_texts_are_refused_naming_key_and_value(self):
        message = self._refused(
            "borrow", "expected_return_date", "yesterday", requester_id=self.nurse.id
        )
        self.assertIn("expected_return_date = 'yesterday' is not a date (YYYY-MM-DD", message)
        message = self._refused("borrow", "expected_return_date", 20990101)
        self.assertIn("expected_return_date = 20990101 is not a date", message)
        for key in ("patient_identifier", "reason", "note", "certificate_number"):
            with self.subTest(key=key):
                message = self._refused("use", key, {"$ne": ""}, patient_identifier="MRN-1")
                self.assertIn(f"{key} = {{'$ne': ''}} is not text", message)

    def test_a_date_given_as_text_is_read(self):
        result = self._issue(self.unit, operation="borrow", expected_return_date="2099-01-01")
        self.assertTrue(result["ok"], result["message"])
        document = self.env["med.device.issue"].browse(result["res_id"])
        self.assertEqual(document.expected_return_date, datetime.date(2099, 1, 1))

    def test_context_given_as_the_environments_context_is_checked(self):
        """Over JSON-RPC, ``context`` arrives as the environment's context."""
        result = (
            self.env["med.device.scan"]
            .with_context(department_id="abc")
            .scan(self._raw(self.unit), "issue")
        )
        self.assertFalse(result["ok"])
        self.assertIn("department_id = 'abc' is not the id of a record", result["message"])

    def test_a_context_that_is_not_a_dictionary_is_refused(self):
        result = self.env["med.device.scan"].scan(self._raw(self.unit), "issue", [1, 2])
        self.assertFalse(result["ok"])
        self.assertIn("The scan context must be a dictionary of values", result["message"])

    def test_a_client_cannot_choose_where_a_unit_is_taken_from(self):
        """The recall's own context key (where it found a unit) is not a client's."""
        lot = self._receive(self.catheter, 2, lot="CATH1")
        result = (
            self.env["med.device.scan"]
            .with_context(
                med_source_location_id=self.orthopedics.med_location_id.id,
            )
            .scan(self._raw(lot), "issue", {"department_id": self.cardiology.id})
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.catheter, self.stock_location, lot_id=lot, strict=True
            ),
            1.0,
            "taken from the store",
        )

    def test_the_wizard_scans_only_into_a_readable_scan_document(self):
        Wizard = self.env["med.scan.wizard"]
        wizard = Wizard.create(
            {
                "operation": "issue",
                "res_model": "res.users",
                "res_id": 1,
                "barcode": self._raw(self.unit),
            }
        )
        with self.assertRaisesRegex(UserError, r"Units cannot be scanned into res.users"):
            wizard.action_scan()
        wizard = Wizard.create(
            {
                "operation": "issue",
                "res_model": "med.device.issue",
                "res_id": 99999,
                "barcode": self._raw(self.unit),
            }
        )
        with self.assertRaisesRegex(
            UserError, r"no Device Issue, Borrow, Return or Transfer with res_id 99999"
        ):
            wizard.action_scan()
        self.assertEqual(self.unit.med_state, "in_stock")
