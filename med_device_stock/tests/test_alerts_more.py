import datetime

from odoo import fields
from odoo.exceptions import ValidationError

from .common import MedReportCommon


class TestAlertsMore(MedReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        storekeeper_env, cls.env = cls.env, cls.env(user=cls.user_manager)
        cls.implants = cls.env["product.category"].create(
            {"name": "Implants", "med_expiry_alert_days": "15"})
        cls.coronary = cls.env["product.category"].sudo().create(
            {"name": "Coronary", "parent_id": cls.implants.id})
        cls.valve = cls._make_device("Heart Valve", "695000000011", implantable=True,
                                     categ_id=cls.coronary.id)
        cls.pacemaker = cls._make_device("Pacemaker", "695000000012", implantable=True,
                                         categ_id=cls.coronary.id,
                                         med_expiry_alert_days="120")
        cls.env = storekeeper_env

    def _run(self):
        return self.env["med.alert"].sudo()._cron_med_alerts()

    def test_thresholds_per_product_then_category_then_default(self):
        stents = self._receive(self.stent, ["S1"], lot="MFR1")
        valves = self._receive(self.valve, ["V1", "V2"], lot="MFRV")
        pacemakers = self._receive(self.pacemaker, ["P1"], lot="MFRP")
        self._expire_in(stents, 50)       # default 90,60,30 -> 60
        self._expire_in(valves[0], 50)    # parent category 15 -> nothing yet
        self._expire_in(valves[1], 10)    # -> 15
        self._expire_in(pacemakers, 100)  # product 120 -> 120
        near = self._run().filtered(lambda a: a.kind == "near_expiry")
        self.assertEqual({(a.lot_id, a.threshold) for a in near},
                         {(stents, 60), (valves[1], 15), (pacemakers, 120)})
        self.assertFalse(self._run(), "each alert is notified once")

    def test_invalid_thresholds_are_refused_with_the_value(self):
        with self.assertRaisesRegex(ValidationError, "90,sixty"):
            self.implants.med_expiry_alert_days = "90,sixty"
        with self.assertRaisesRegex(ValidationError, "-5"):
            self.pacemaker.product_tmpl_id.sudo().med_expiry_alert_days = "30,-5"
        self.pacemaker.product_tmpl_id.sudo().med_expiry_alert_days = " 30, 7 ,"
        self.assertEqual(self.pacemaker.med_expiry_alert_days, " 30, 7 ,")

    def test_expired_units_move_to_quarantine_once(self):
        s1, s2, s3 = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR1")
        self.assertTrue(self._issue(s2)["ok"])
        (s1 | s2).sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        alerts = self._run().filtered(lambda a: a.kind == "expired")
        self.assertEqual(alerts.lot_id, s1 | s2)
        quarantine = self.company.med_quarantine_location_id
        self.assertEqual((s1 | s2).mapped("med_state"), ["quarantined", "quarantined"])
        self.assertEqual((s1 | s2).med_location_id, quarantine)
        self.assertEqual(s3.med_state, "in_stock")
        documents = self.env["med.device.quarantine"].search([("lot_id", "in", (s1 | s2).ids)])
        self.assertEqual(documents.mapped("state"), ["done", "done"])
        self.assertIn(documents[0].name, alerts.filtered(
            lambda a: a.lot_id == documents[0].lot_id).message)
        self.assertEqual(s1.med_event_ids[:1].event_type, "quarantine")
        # the next run neither alerts nor moves them again
        self.assertFalse(self._run())
        self.assertEqual(self.env["med.device.quarantine"].search_count(
            [("lot_id", "in", (s1 | s2).ids)]), 2)

    def test_auto_quarantine_can_be_turned_off(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "med_device_stock.alert_auto_quarantine", "0")
        (s1,) = self._receive(self.stent, ["S1"], lot="MFR1")
        s1.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self.assertEqual(self._run().lot_id, s1)
        self.assertEqual(s1.med_state, "expired")
        self.assertFalse(self.env["med.device.quarantine"].search([("lot_id", "=", s1.id)]))

    def test_units_soon_to_be_scrapped(self):
        s1, s2, s3 = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR1")
        for lot in (s1, s2):
            self.env["med.device.quarantine"].create(
                {"lot_id": lot.id, "reason": "Dropped"}).action_done()
        self._shift_events(s1, 40)
        draft = self.env["med.device.scrap"].create({"lot_id": s3.id, "reason": "Bent"})
        alerts = self._run().filtered(lambda a: a.kind == "to_scrap")
        self.assertEqual(sorted(alerts.mapped("key")),
                         sorted([f"to_scrap:{s1.id}:30", f"to_scrap:draft:{draft.id}"]))
        self.assertFalse(self._run(), "each alert is notified once")
        self.assertEqual(len(alerts.activity_ids), 2)

    def test_query_count_does_not_grow_with_units(self):
        def run(expected_alerts):
            self.env.invalidate_all()
            with self.assertQueryCount(med_store=38):
                self.assertEqual(len(self._run()), expected_alerts)

        self._expire_in(self._receive(self.valve, ["V1", "V2"], lot="MFRV"), 10)
        self._expire_in(self._receive(self.pacemaker, ["P1"], lot="MFRP"), 100)
        run(3)
        self._expire_in(self._receive(self.valve, [f"W{i}" for i in range(8)], lot="W"), 10)
        self._expire_in(self._receive(self.pacemaker, [f"Q{i}" for i in range(6)], lot="Q"),
                        100)
        run(14)
