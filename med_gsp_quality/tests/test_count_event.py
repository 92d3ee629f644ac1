from odoo.addons.med_device_stock.tests.common import MedDeviceFlowCommon


class TestCountDifferenceEvent(MedDeviceFlowCommon):
    def test_count_difference_becomes_a_quality_event(self):
        """A difference a storekeeper sends to quality is a classified GSP event, not
        just an activity (DB15/T 961 §4.2)."""
        env = self.env(user=self.user_storekeeper)
        (unit,) = self._receive(self.stent, ["S9"], lot="MFR9")
        self.assertTrue(self._issue(unit)["ok"])
        count = env["med.count"].create({"department_id": self.cardiology.id})
        count.action_start()
        count.action_reconcile()  # nothing scanned: S9 is missing
        line = count.line_ids.filtered(lambda count_line: count_line.lot_id == unit)
        self.assertEqual(line.difference_type, "missing")
        line.action_quality_event()
        event = self.env["gsp.event"].search([("name", "like", count.name)])
        self.assertEqual(len(event), 1)
        self.assertEqual(event.event_type, "count_difference")
        self.assertEqual(event.product_id, self.stent)
        self.assertEqual(event.department_id, self.cardiology)
        self.assertTrue(event.info_class, "classified by the event rules")
        self.assertFalse(count.activity_ids)
