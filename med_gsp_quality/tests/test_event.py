from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import GspQualityCommon


class TestQualityEvent(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = cls._make_user("gsp_head", "base.group_user")
        cls.company.write(
            {"gsp_head_user_id": cls.head.id, "gsp_quality_user_id": cls.user_quality_manager.id}
        )

    def _event(self, event_type, quantity=0.0, user=None):
        return (
            self.env["gsp.event"]
            .with_user(user or self.user_storekeeper)
            .create({"name": "Event", "event_type": event_type, "quantity": quantity})
        )

    def test_recall_is_class_a_for_the_head_within_24_hours(self):
        event = self._event("recall")
        self.assertEqual(event.info_class, "A")
        self.assertEqual(event.responsible_id, self.head)
        self.assertEqual(event.deadline, event.date + timedelta(hours=24))
        self.assertEqual(event.activity_ids.user_id, self.head)

    def test_count_difference_class_depends_on_quantity(self):
        self.assertEqual(self._event("count_difference", 2).info_class, "C")
        big = self._event("count_difference", -15)
        self.assertEqual(big.info_class, "B")
        self.assertEqual(big.responsible_id, self.user_quality_manager)

    def test_overdue_events_escalate_once(self):
        event = self._event("complaint")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE gsp_event SET deadline = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=1), event.id],
        )
        event.invalidate_recordset()
        self.env["gsp.event"]._cron_escalate()
        self.assertTrue(event.escalated)
        self.assertIn(self.head, event.activity_ids.user_id)
        count = len(event.activity_ids)
        self.env["gsp.event"]._cron_escalate()
        self.assertEqual(len(event.activity_ids), count)

    def test_response_time_is_computed(self):
        event = self._event("recall")
        event.with_user(self.user_storekeeper).write({"resolution": "Reported"})
        with self.assertRaisesRegex(UserError, r" is decided by .+ or quality staff\."):
            event.with_user(self.user_storekeeper).action_done()
        event.with_user(self.head).write({"resolution": "Units quarantined"})
        event.with_user(self.head).action_done()
        self.assertEqual(event.state, "done")
        self.assertGreaterEqual(event.response_hours, 0.0)
        self.assertFalse(event.late)
        groups = self.env["gsp.event"].read_group(
            [("id", "=", event.id)], ["response_hours:avg"], ["info_class"]
        )
        self.assertEqual(groups[0]["info_class"], "A")

    def test_class_and_operator_cannot_be_forged(self):
        with self.assertRaises(AccessError):
            self.env["gsp.event"].with_user(self.user_admin).create(
                {"name": "x", "event_type": "recall", "info_class": "C"}
            )
        event = self._event("recall")
        with self.assertRaises(AccessError):
            event.with_user(self.user_admin).write({"reported_by_id": self.user_admin.id})
        with self.assertRaisesRegex(UserError, r"Quality events are records that are kept\."):
            event.sudo().unlink()
