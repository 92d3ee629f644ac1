import base64
import datetime

from odoo.exceptions import AccessError, UserError

from .common import MedDeviceFlowCommon


class TestCount(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.s1, cls.s2, cls.s3, cls.s4 = cls._receive(
            cls.stent, ["S1", "S2", "S3", "S4"], lot="MFR1"
        )
        for unit in (cls.s1, cls.s2, cls.s4):
            cls._ok(cls._issue(unit))
        cls.count = cls.env["med.count"].create({"department_id": cls.cardiology.id})
        cls.count.action_start()

    def test_count_with_moves_during_the_count_and_resolution(self):
        count = self.count
        self.assertEqual(count.location_id, self.cardiology.med_location_id)
        self.assertEqual(count.user_id, self.user_storekeeper)
        # S2 goes back to the store during the count, before anybody scanned it
        self.assertTrue(
            self.scan(self._raw(self.s2), "return", department_id=self.cardiology.id)["ok"]
        )
        result = self.scan(self._raw(self.s1), "count", count_id=count.id)
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.s1.med_state, "issued", "counting moves nothing")
        self.assertTrue(self.scan(self._raw(self.s3), "count", count_id=count.id)["ok"])
        count.action_reconcile()
        results = {line.lot_id: line for line in count.line_ids}
        self.assertEqual(
            set(results), {self.s1, self.s3, self.s4}, "S2 moved away during the count: not missing"
        )
        self.assertEqual(results[self.s1].difference_type, "ok")
        self.assertEqual(results[self.s3].difference_type, "wrong_place")
        self.assertEqual(results[self.s4].difference_type, "missing")
        self.assertEqual(results[self.s1].scan_user_id, self.user_storekeeper)
        self.assertEqual(results[self.s1].scan_location_id, self.cardiology.med_location_id)
        self.assertAlmostEqual(count.accuracy, 100.0 / 3, places=2)
        with self.assertRaisesRegex(UserError, r"differences are not resolved yet"):
            count.action_done()  # differences not resolved
        with self.assertRaisesRegex(
            UserError, r"Only medical device managers can approve count adjustments"
        ):
            results[self.s4].action_adjust()  # storekeepers do not approve adjustments
        manager_line = results[self.s4].with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, r"give the reason of the adjustment"):
            manager_line.action_adjust()  # a reason is required
        results[self.s4].reason = "Lost during transport"
        manager_line.action_adjust()
        self.assertEqual(results[self.s4].resolution, "adjusted")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.stent, self.cardiology.med_location_id, lot_id=self.s4
            ),
            0.0,
            "Odoo's inventory adjustment applied",
        )
        results[self.s3].action_quality_event()
        self.assertEqual(results[self.s3].resolution, "quality_event")
        if "gsp.event" not in self.env:  # med_gsp_quality makes it a quality event
            self.assertIn("S3", count.activity_ids.note)
        count.action_done()
        self.assertEqual(count.state, "done")

    def test_recount(self):
        count = self.count
        count.action_reconcile()
        missing = count.line_ids.filtered(lambda ln: ln.difference_type == "missing")
        self.assertEqual(missing.lot_id, self.s1 | self.s2 | self.s4)
        missing.filtered(lambda ln: ln.lot_id == self.s1).action_recount()
        self.assertEqual(count.state, "in_progress")
        self.scan(self._raw(self.s1), "count", count_id=count.id)
        count.action_reconcile()
        line = count.line_ids.filtered(lambda ln: ln.lot_id == self.s1)
        self.assertEqual(line.difference_type, "ok")

    def test_offline_file(self):
        count = self.count
        rows = [
            "raw,time,operator",
            f"{self._raw(self.s1)},2030-01-02 08:00:00,{self.user_department.login}",
            f"{self._raw(self.s2)},2030-01-02T08:01:00Z,{self.user_storekeeper.login}",
        ]
        wizard = self.env["med.count.import"].create(
            {
                "count_id": count.id,
                "filename": "handheld.csv",
                "file": base64.b64encode("\n".join(rows).encode()),
            }
        )
        wizard.action_import()
        scans = count.scan_ids.sorted("date")
        self.assertEqual(scans.lot_id, self.s1 | self.s2)
        self.assertEqual(scans[0].user_id, self.user_department)
        self.assertEqual(str(scans[1].date), "2030-01-02 08:01:00")
        self.assertEqual(set(scans.mapped("source")), {"file"})
        # a wrong line: nothing is imported, the error names the line and the value
        bad = self.env["med.count.import"].create(
            {
                "count_id": count.id,
                "filename": "bad.csv",
                "file": base64.b64encode(
                    f"{self._raw(self.s4)},2030-01-02 08:00:00,nobody\n".encode()
                ),
            }
        )
        with self.assertRaisesRegex(UserError, r"Scans file .+ was not imported") as error:
            bad.action_import()
        self.assertIn("line 1", str(error.exception))
        self.assertIn("nobody", str(error.exception))
        self.assertEqual(len(count.scan_ids), 2)

    def test_department_users_see_their_counts_only(self):
        other = (
            self.env["med.count"]
            .with_user(self.user_manager)
            .create({"department_id": self.orthopedics.id})
        )
        visible = self.env["med.count"].with_user(self.user_department).search([])
        self.assertIn(self.count, visible)
        self.assertNotIn(other, visible)
        with self.assertRaises(AccessError):
            other.with_user(self.user_department).read(["name"])
        with self.assertRaisesRegex(UserError, r"are set by the system and cannot be changed"):
            self.count.with_user(self.user_department).write({"date_start": False})

    def test_reconcile_queries_do_not_grow_with_units(self):
        self.count.action_reconcile()
        self.count.line_ids.sudo().unlink()
        self.env.invalidate_all()
        with self.assertQueryCount(med_store=40):
            self.count.action_reconcile()
        first = len(self.count.line_ids)
        more = self._receive(self.stent, [f"X{i}" for i in range(6)], lot="MFR9")
        for unit in more:
            self._issue(unit)
        self.count.line_ids.sudo().unlink()
        self.count.state = "in_progress"
        self.env.invalidate_all()
        with self.assertQueryCount(med_store=40):
            self.count.action_reconcile()
        self.assertEqual(len(self.count.line_ids), first + 6)

    def _import(self, filename, *rows):
        return self.env["med.count.import"].create(
            {
                "count_id": self.count.id,
                "filename": filename,
                "file": base64.b64encode("\n".join(rows).encode()),
            }
        )

    def test_offline_row_disagreeing_with_its_unit_is_refused_naming_both_values(self):
        login = self.user_storekeeper.login
        label = self.udi(self.stent, serial="S2", lot="MFR9")  # S2 was received in lot MFR1
        wizard = self._import(
            "handheld.csv",
            f"{self._raw(self.s1)},2030-01-02 08:00:00,{login}",
            f"{label},2030-01-02 08:01:00,{login}",
        )
        with self.assertRaisesRegex(
            UserError,
            r"handheld.csv was not imported:\nline 2: The scanned lot MFR9 differs from the "
            r"unit's recorded lot MFR1 \(Coronary Stent unit S2\)",
        ):
            wizard.action_import()
        self.assertFalse(self.count.scan_ids, "nothing imported")
        # an expiry the label and the record disagree on, at the same line number
        label = self.udi(self.stent, serial="S2", lot="MFR1", expiry=datetime.date(2031, 5, 1))
        recorded = self.s2.expiration_date.date().isoformat()
        with self.assertRaisesRegex(
            UserError,
            rf"line 1: The scanned expiry 2031-05-01 differs from the unit's "
            rf"recorded expiry {recorded}",
        ):
            self._import("expiry.csv", f"{label},2030-01-02 08:01:00,{login}").action_import()
        self.assertFalse(self.count.scan_ids)

    def test_scan_into_a_count_the_user_cannot_read_is_refused(self):
        """A count named in the environment's context (what a client sends over JSON-RPC)
        is checked like one named in the scan context."""
        other = (
            self.env["med.count"]
            .with_user(self.user_manager)
            .create({"department_id": self.orthopedics.id})
        )
        other.with_user(self.user_manager).action_start()
        result = (
            self.env["med.device.scan"]
            .with_user(self.user_department)
            .with_context(med_count_id=other.id)
            .scan(self._raw(self.s1), "count", {})
        )
        self.assertFalse(other.sudo().scan_ids, "nothing recorded in another's count")
        self.assertFalse(result["ok"] and result.get("res_id") == other.id, result["message"])
