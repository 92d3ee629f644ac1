import datetime

from odoo import fields
from odoo.addons.med_device_stock.models.med_device_operation_mixin import SYSTEM_WRITE

from .common import MedDeviceFlowCommon


class TestAlerts(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.cardiology.manager_id = cls.nurse
        cls._run_daily_jobs()

    def _expire_in(self, lots, days):
        lots.sudo().expiration_date = fields.Datetime.now() + datetime.timedelta(days=days)

    def _run(self):
        return self.env["med.alert"].sudo()._cron_med_alerts()

    def test_near_expiry_thresholds_notified_once(self):
        s1, s2, s3 = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR1")
        self._expire_in(s1, 80)
        self._expire_in(s2, 20)
        self._expire_in(s3, 200)
        self._issue(s2)
        alerts = self._run()
        near = alerts.filtered(lambda a: a.kind == "near_expiry")
        self.assertEqual({(a.lot_id, a.threshold) for a in near}, {(s1, 90), (s2, 30)})
        # the department's manager gets the activity of its unit, managers the others
        # one activity per person and kind, on one of the alerts, listing the units
        activity = near.filtered(lambda a: a.lot_id == s2).activity_ids
        self.assertEqual(activity.user_id, self.user_department)
        self.assertIn(s2.name, activity.note)
        self.assertNotIn(s1.name, activity.note)
        self.assertEqual(len(near.activity_ids), 2)
        # not again the next day; again when the next threshold is crossed
        self.assertFalse(self._run().filtered(lambda a: a.kind == "near_expiry"))
        self._expire_in(s1, 50)
        again = self._run()
        self.assertEqual([(a.lot_id, a.threshold) for a in again], [(s1, 60)])

    def test_expired_overdue_and_slow_moving(self):
        s1, s2, s3 = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR1")
        s1.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self._issue(
            s2,
            operation="borrow",
            expected_return_date=fields.Date.today() - datetime.timedelta(days=2),
        )
        s3.med_event_ids.sudo().with_context(med_system_write=SYSTEM_WRITE).write(
            {"date": fields.Datetime.now() - datetime.timedelta(days=400)}
        )
        kinds = {(a.kind, a.lot_id) for a in self._run()}
        self.assertIn(("expired", s1), kinds)
        self.assertIn(("overdue_borrow", s2), kinds)
        self.assertIn(("slow_moving", s3), kinds)
        self.assertNotIn(("slow_moving", s1), kinds)

    def test_abnormal_consumption_against_own_baseline(self):
        (stent,) = self._receive(self.stent, ["S1"], lot="MFR1")
        Event = self.env["med.unit.event"].sudo()
        now = fields.Datetime.now()
        monday = now - datetime.timedelta(days=now.weekday())
        values = []
        # orthopedics: steady 40 a week, 42 this week; cardiology: 3 a week, 30 now
        for week in range(1, 9):
            date = monday - datetime.timedelta(weeks=week) + datetime.timedelta(days=1)
            values.append((self.orthopedics, date, 40 + week % 3))
            values.append((self.cardiology, date, 3))
        values.append((self.orthopedics, monday, 42))
        values.append((self.cardiology, monday, 30))
        Event.create(
            [
                {
                    "lot_id": stent.id,
                    "event_type": "use",
                    "department_id": dept.id,
                    "date": date,
                    "quantity": qty,
                }
                for dept, date, qty in values
            ]
        )
        abnormal = self._run().filtered(lambda a: a.kind == "abnormal_consumption")
        self.assertEqual(abnormal.department_id, self.cardiology)
        self.assertFalse(self._run(), "notified once")
