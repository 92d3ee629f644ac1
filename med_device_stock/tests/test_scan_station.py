# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scan station's server side: the modes each role is offered, a scan sent with an
idempotency key recorded once, refusals kept with their reason, undo last as a
correcting document, and the requests no user may change."""

import datetime
import threading
import uuid

from odoo.exceptions import AccessError
from odoo.modules.registry import Registry
from odoo.tests import tagged
from psycopg2 import errors

from .common import MedDeviceFlowCommon


def key():
    return str(uuid.uuid4())


@tagged("post_install", "-at_install")
class TestScanStation(MedDeviceFlowCommon):
    def station(self, user=None):
        return self.env["med.device.scan"].with_user(user or self.user_storekeeper)

    def station_scan(self, raw, operation, user=None, scan_key=None, **values):
        return self.station(user).station_scan(
            raw, operation, values, key=scan_key or key(), scanned_at="2026-12-03T09:15:02.123Z"
        )

    # ------------------------------------------------------------------ the modes
    def test_storekeeper_is_offered_the_store_operations_with_their_fields(self):
        order = self._make_purchase(self.supplier, [(self.stent, 2)])
        setup = self.station().station_setup()
        names = [op["name"] for op in setup["operations"]]
        self.assertEqual(
            names,
            [
                "receipt",
                "receipt_reject",
                "issue",
                "borrow",
                "return",
                "transfer",
                "use",
                "case",
                "case_outcome",
                "quarantine",
                "scrap",
                "count",
                "trace",
            ],
        )
        borrow = next(op for op in setup["operations"] if op["name"] == "borrow")
        self.assertEqual(
            [(f["name"], bool(f.get("required"))) for f in borrow["fields"]],
            [("department_id", True), ("requester_id", False), ("expected_return_date", True)],
        )
        self.assertIn([order.id, order.display_name], setup["options"]["purchase_orders"])
        departments = dict(setup["options"]["departments"])
        self.assertIn(self.cardiology.id, departments)
        self.assertIn(self.orthopedics.id, departments)

    def test_nurse_is_offered_her_operations_and_her_department_only(self):
        setup = self.station(self.user_department).station_setup()
        self.assertEqual(
            [op["name"] for op in setup["operations"]],
            ["use", "case", "case_outcome", "count", "trace"],
        )
        self.assertEqual(
            setup["options"]["departments"], [[self.cardiology.id, self.cardiology.display_name]]
        )
        self.assertEqual(setup["defaults"]["department_id"], self.cardiology.id)
        self.assertNotIn("purchase_orders", setup["options"])

    def test_print_zpl_is_offered_where_the_company_has_a_label_printer(self):
        self.assertFalse(self.station().station_setup()["zpl_printer"])
        self.env.company.med_zpl_printer = "192.0.2.10:9100"
        self.assertTrue(self.station().station_setup()["zpl_printer"])

    def test_user_without_device_group_is_offered_nothing_to_record(self):
        setup = self.station(self.user_plain).station_setup()
        self.assertFalse([op for op in setup["operations"] if op["name"] != "trace"])

    # ------------------------------------------------------------------ once only
    def test_scan_sent_twice_is_recorded_once_and_answered_the_same(self):
        lot = self._receive(self.stent, ["ST-1"])
        scan_key = key()
        first = self.station_scan(
            self._raw(lot), "issue", scan_key=scan_key, department_id=self.cardiology.id
        )
        self.assertTrue(first["ok"], first["message"])
        self.assertFalse(first["duplicate"])
        self.assertEqual(first["unit"]["serial"], "ST-1")
        self.assertEqual(first["unit"]["state"], "issued")
        self.assertEqual(first["unit"]["department"], self.cardiology.display_name)
        issues = self.env["med.device.issue"].search_count([])
        events = self.env["med.unit.event"].search_count([("lot_id", "=", lot.id)])
        again = self.station_scan(
            self._raw(lot), "issue", scan_key=scan_key, department_id=self.cardiology.id
        )
        self.assertTrue(again["duplicate"])
        self.assertEqual(
            (again["ok"], again["message"], again["res_id"]),
            (first["ok"], first["message"], first["res_id"]),
        )
        self.assertEqual(self.env["med.device.issue"].search_count([]), issues)
        self.assertEqual(self.env["med.unit.event"].search_count([("lot_id", "=", lot.id)]), events)
        request = (
            self.env["med.scan.request"]
            .with_user(self.user_storekeeper)
            .search([("key", "=", scan_key)])
        )
        self.assertEqual(request.state, "done")
        self.assertEqual(request.scanned_at, datetime.datetime(2026, 12, 3, 9, 15, 2))
        self.assertEqual(request.lot_id, lot)

    def test_refusal_on_arrival_is_kept_with_its_reason(self):
        lot = self._receive(self.stent, ["ST-2"])
        self._issue(lot)  # the unit moved meanwhile
        scan_key = key()
        result = self.station_scan(
            self._raw(lot), "issue", scan_key=scan_key, department_id=self.orthopedics.id
        )
        self.assertFalse(result["ok"])
        self.assertRegex(result["message"], "ST-2")
        request = self.env["med.scan.request"].sudo().search([("key", "=", scan_key)])
        self.assertEqual((request.state, request.message), ("refused", result["message"]))
        self.assertTrue(
            self.station_scan(
                self._raw(lot), "issue", scan_key=scan_key, department_id=self.orthopedics.id
            )["duplicate"]
        )

    def test_same_key_of_two_users_are_two_scans(self):
        raw = self._raw(self._receive(self.catheter, 1, lot="CATH7"))
        scan_key = key()
        mine = self.station_scan(raw, "trace", scan_key=scan_key)
        theirs = self.station_scan(raw, "trace", user=self.user_manager, scan_key=scan_key)
        self.assertFalse(mine["duplicate"])
        self.assertFalse(theirs["duplicate"])
        self.assertEqual(
            self.env["med.scan.request"].sudo().search_count([("key", "=", scan_key)]), 2
        )

    def test_bad_key_and_time_are_refused_naming_the_value(self):
        lot = self._receive(self.stent, ["ST-3"])
        bad_key = self.station().station_scan(self._raw(lot), "trace", {}, key="x y")
        self.assertRegex(bad_key["message"], r"idempotency key 'x y' is not valid")
        bad_time = self.station().station_scan(
            self._raw(lot), "trace", {}, key=key(), scanned_at="yesterday"
        )
        self.assertRegex(bad_time["message"], r"scan time 'yesterday' is not a date")
        self.assertFalse(
            self.env["med.scan.request"].sudo().search_count([("raw", "=", self._raw(lot))])
        )

    def test_nomenclature_substitute_for_gs_is_read_as_fnc1(self):
        nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        nomenclature.gs1_separator_fnc1 = r"[|]"
        self.company.nomenclature_id = nomenclature
        lot = self._receive(self.catheter, 1, lot="CATH9")
        di = self.catheter.med_udi_di_ids.filtered(lambda d: d.packaging_level == "each").di
        raw = f"01{di}10CATH9|11250115"  # the scanner sends | for GS after the lot
        result = self.station_scan(raw, "trace")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["lot_id"], lot.id)

    # ------------------------------------------------------------------ undo last
    def test_undo_last_issue_makes_a_correcting_document_with_the_reason(self):
        lot = self._receive(self.stent, ["ST-4"])
        scan_key = key()
        result = self.station_scan(
            self._raw(lot), "issue", scan_key=scan_key, department_id=self.cardiology.id
        )
        self.assertTrue(result["undo"])
        issue = self.env["med.device.issue"].browse(result["res_id"])
        undone = self.station().station_undo(scan_key, "wrong unit picked")
        self.assertTrue(undone["ok"], undone["message"])
        self.assertEqual(issue.state, "done")
        self.assertEqual(issue.reversal_ids.reversal_reason, "wrong unit picked")
        self.assertEqual(lot.med_state, "in_stock")
        again = self.station().station_undo(scan_key)
        self.assertFalse(again["ok"])
        self.assertRegex(again["message"], "already undone")

    def test_nurse_cannot_undo_a_use_on_patient(self):
        lot = self._receive(self.stent, ["ST-5"])
        self._issue(lot)
        scan_key = key()
        result = self.station_scan(
            self._raw(lot),
            "use",
            user=self.user_department,
            scan_key=scan_key,
            department_id=self.cardiology.id,
            patient_identifier="MRN-77",
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertFalse(result["undo"])
        undone = self.station(self.user_department).station_undo(scan_key)
        self.assertFalse(undone["ok"])
        self.assertRegex(undone["message"], "Only users of the group")
        self.assertEqual(lot.med_state, "used")

    def test_undo_of_another_users_scan_is_refused(self):
        lot = self._receive(self.stent, ["ST-6"])
        scan_key = key()
        self.station_scan(
            self._raw(lot), "issue", scan_key=scan_key, department_id=self.cardiology.id
        )
        undone = self.station(self.user_manager).station_undo(scan_key)
        self.assertFalse(undone["ok"])
        self.assertEqual(lot.med_state, "issued")

    # ------------------------------------------------------------------ final requests
    def test_requests_are_read_only_and_private(self):
        lot = self._receive(self.stent, ["ST-7"])
        scan_key = key()
        self.station_scan(self._raw(lot), "trace", scan_key=scan_key)
        mine = (
            self.env["med.scan.request"]
            .with_user(self.user_storekeeper)
            .search([("key", "=", scan_key)])
        )
        self.assertEqual(len(mine), 1)
        with self.assertRaisesRegex(AccessError, "not allowed to modify"):
            mine.write({"state": "refused"})
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            mine.unlink()
        with self.assertRaisesRegex(AccessError, "not allowed to create"):
            self.env["med.scan.request"].with_user(self.user_storekeeper).create(
                {
                    "user_id": self.user_storekeeper.id,
                    "company_id": self.company.id,
                    "key": key(),
                    "operation": "issue",
                    "raw": "x",
                }
            )
        self.assertFalse(
            self.env["med.scan.request"]
            .with_user(self.user_manager)
            .search([("key", "=", scan_key)])
        )


@tagged("post_install", "-at_install")
class TestScanStationConcurrency(MedDeviceFlowCommon):
    """Two sends of one key at once (the station retried while the first was still being
    recorded): the second conflicts with a row its snapshot does not see, which
    PostgreSQL answers with a serialization failure (Odoo retries the request, and the
    retry replays the first answer)."""

    def test_concurrent_claims_of_one_key_conflict_instead_of_recording_twice(self):
        scan_key = key()
        registry = Registry(self.env.cr.dbname)
        # committed records only: the other cursors do not see this test's transaction
        uid = self.env.ref("base.user_admin").id
        company = self.env.ref("base.main_company").id
        claim = """
            INSERT INTO med_scan_request (user_id, company_id, key, operation, raw, state)
            VALUES (%s, %s, %s, 'trace', 'x', 'received')
            ON CONFLICT (user_id, key) DO NOTHING RETURNING id"""
        with registry.cursor() as first, registry.cursor() as second:
            second.execute("SELECT 1")  # its snapshot is taken before the first commits
            first.execute(claim, (uid, company, scan_key))
            self.assertTrue(first.fetchone())
            outcome = {}

            def claim_second():
                try:
                    second.execute(claim, (uid, company, scan_key))
                    outcome["row"] = second.fetchone()
                except errors.SerializationFailure as error:
                    outcome["error"] = error

            thread = threading.Thread(target=claim_second)
            thread.start()
            thread.join(0.5)
            self.assertTrue(thread.is_alive(), "the second claim waits for the first")
            first.commit()
            thread.join(10)
            second.rollback()
            self.assertIn("error", outcome, outcome)
            first.execute("DELETE FROM med_scan_request WHERE key = %s", (scan_key,))
            first.commit()
