import datetime

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import MedReportCommon


class TestAlertsMore(MedReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        storekeeper_env, cls.env = cls.env, cls.env(user=cls.user_manager)
        cls.implants = cls.env["product.category"].create(
            {"name": "Implants", "med_expiry_alert_days": "15"}
        )
        cls.coronary = (
            cls.env["product.category"]
            .sudo()
            .create({"name": "Coronary", "parent_id": cls.implants.id})
        )
        cls.valve = cls._make_device(
            "Heart Valve", "695000000011", implantable=True, categ_id=cls.coronary.id
        )
        cls.pacemaker = cls._make_device(
            "Pacemaker",
            "695000000012",
            implantable=True,
            categ_id=cls.coronary.id,
            med_expiry_alert_days="120",
        )
        cls.env = storekeeper_env
        cls._run_daily_jobs()

    def _run(self):
        return self.env["med.alert"].sudo()._cron_med_alerts()

    def _move_expired(self, **kwargs):
        return self.env["med.device.quarantine"]._cron_med_move_expired(**kwargs)

    def test_thresholds_per_product_then_category_then_default(self):
        stents = self._receive(self.stent, ["S1"], lot="MFR1")
        valves = self._receive(self.valve, ["V1", "V2"], lot="MFRV")
        pacemakers = self._receive(self.pacemaker, ["P1"], lot="MFRP")
        self._expire_in(stents, 50)  # default 90,60,30 -> 60
        self._expire_in(valves[0], 50)  # parent category 15 -> nothing yet
        self._expire_in(valves[1], 10)  # -> 15
        self._expire_in(pacemakers, 100)  # product 120 -> 120
        near = self._run().filtered(lambda a: a.kind == "near_expiry")
        self.assertEqual(
            {(a.lot_id, a.threshold) for a in near},
            {(stents, 60), (valves[1], 15), (pacemakers, 120)},
        )
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
        # the alert job prepares a quarantine document per unit and triggers the job
        # that moves them, in a transaction of its own
        documents = self.env["med.device.quarantine"].search([("lot_id", "in", (s1 | s2).ids)])
        self.assertEqual(documents.mapped("state"), ["draft", "draft"])
        self.assertTrue(all(documents.mapped("expiry_move")))
        cron = self.env.ref("med_device_stock.ir_cron_med_quarantine_expired")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)]))
        self.assertIn(
            documents[0].name, alerts.filtered(lambda a: a.lot_id == documents[0].lot_id).message
        )
        # meanwhile the scan service refuses the expired units
        self.assertFalse(self._issue(s1, operation="transfer")["ok"])
        self.assertEqual(self._move_expired(), documents)
        quarantine = self.company.med_quarantine_location_id
        self.assertEqual((s1 | s2).mapped("med_state"), ["quarantined", "quarantined"])
        self.assertEqual((s1 | s2).med_location_id, quarantine)
        self.assertEqual(s3.med_state, "in_stock")
        self.assertEqual(documents.mapped("state"), ["done", "done"])
        self.env.invalidate_all()  # the timeline as read afresh, in its order
        self.assertEqual(s1.med_event_ids[:1].event_type, "quarantine")
        # each unit's timeline points to its own document and reason
        for document in documents:
            event = document.lot_id.med_event_ids[:1]
            self.assertEqual(
                (event.res_model, event.res_id, event.note),
                (document._name, document.id, document.reason),
            )
        # the next runs neither alert nor move them again
        self.assertFalse(self._run())
        self.assertFalse(self._move_expired())
        self.assertEqual(
            self.env["med.device.quarantine"].search_count([("lot_id", "in", (s1 | s2).ids)]), 2
        )

    def test_quarantine_job_moves_in_batches_and_skips_what_was_done(self):
        lots = self._receive(self.stent, [f"B{i}" for i in range(5)], lot="MFRB")
        lots.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self._run()
        documents = self.env["med.device.quarantine"].search([("lot_id", "in", lots.ids)])
        # a storekeeper quarantines the first unit by hand before the job runs
        documents[-1].action_done()
        first = self._move_expired(batch=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(set(first.mapped("state")), {"done"})
        rest = self._move_expired(batch=2)
        self.assertEqual(len(rest), 2)
        self.assertFalse(first & rest)
        self.assertFalse(self._move_expired(batch=2))
        self.assertEqual(set(documents.mapped("state")), {"done"})
        self.assertEqual(set(lots.mapped("med_state")), {"quarantined"})

    def test_unit_gone_before_the_job_is_reported_not_moved(self):
        s1, s2 = self._receive(self.stent, ["G1", "G2"], lot="MFRG")
        (s1 | s2).sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self._run()
        documents = self.env["med.device.quarantine"].search([("lot_id", "in", (s1 | s2).ids)])
        self._scrap(s1)  # scrapped at once by the storekeeper, before the job ran
        moved = self._move_expired()
        self.assertEqual(moved.lot_id, s2)
        gone = documents.filtered(lambda d: d.lot_id == s1)
        self.assertEqual(gone.state, "cancel")
        self.assertIn("not in a stock location", gone.move_error)
        self.assertEqual(s1.med_state, "scrapped")
        self.assertEqual(s2.med_state, "quarantined")

    def test_nobody_marks_a_document_for_the_job(self):
        (s1,) = self._receive(self.stent, ["H1"], lot="MFRH")
        for user in (self.user_storekeeper, self.user_manager):
            with self.assertRaisesRegex(
                UserError, "Expired Unit of a new Device Quarantine are set by the system"
            ):
                self.env["med.device.quarantine"].with_user(user).create(
                    {"lot_id": s1.id, "reason": "Dented", "expiry_move": True}
                )
            document = (
                self.env["med.device.quarantine"]
                .with_user(user)
                .create({"lot_id": s1.id, "reason": "Dented"})
            )
            self.assertFalse(document.expiry_move, "set by the alert job only")
            with self.assertRaisesRegex(UserError, "set by the system"):
                document.write({"expiry_move": True})
            with self.assertRaisesRegex(UserError, "set by the system"):
                document.write({"move_error": "nothing"})
            document.action_cancel()
        self.assertFalse(self._move_expired())

    def test_auto_quarantine_can_be_turned_off(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "med_device_stock.alert_auto_quarantine", "0"
        )
        (s1,) = self._receive(self.stent, ["S1"], lot="MFR1")
        s1.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        self.assertEqual(self._run().lot_id, s1)
        self.assertEqual(s1.med_state, "expired")
        self.assertFalse(self.env["med.device.quarantine"].search([("lot_id", "=", s1.id)]))

    def test_units_soon_to_be_scrapped(self):
        s1, s2, s3 = self._receive(self.stent, ["S1", "S2", "S3"], lot="MFR1")
        for lot in (s1, s2):
            self.env["med.device.quarantine"].create(
                {"lot_id": lot.id, "reason": "Dropped"}
            ).action_done()
        self._shift_events(s1, 40)
        draft = self.env["med.device.scrap"].create({"lot_id": s3.id, "reason": "Bent"})
        alerts = self._run().filtered(lambda a: a.kind == "to_scrap")
        self.assertEqual(
            sorted(alerts.mapped("key")),
            sorted([f"to_scrap:{s1.id}:30", f"to_scrap:draft:{draft.id}"]),
        )
        self.assertFalse(self._run(), "each alert is notified once")
        # one activity for the device manager, listing both units
        activity = alerts.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.user_id, self.env.ref("med_device_stock.group_med_manager").users[:1]
        )
        self.assertIn("2", activity.summary)
        self.assertIn(s1.name, activity.note)
        self.assertIn(s3.name, activity.note)

    def test_query_count_does_not_grow_with_units(self):
        """The alert job notifies any number of units, whatever threshold (the default,
        a category's, a product's) each crosses, in the same number of queries, and
        fewer when nothing is new.  A lot near expiry is there each time: the job looks
        up where lots (not serials) are held, a database with demo data has some."""

        def run(expected_alerts, queries):
            self.env.invalidate_all()
            with self.assertQueryCount(med_store=queries):
                self.assertEqual(len(self._run()), expected_alerts)

        self._expire_in(self._receive(self.catheter, 2, lot="CATH-Q"), 20)
        self._expire_in(self._receive(self.stent, [f"S{i}" for i in range(3)], lot="MFR1"), 20)
        self._expire_in(self._receive(self.valve, ["V1", "V2"], lot="MFRV"), 10)
        self._expire_in(self._receive(self.pacemaker, ["P1"], lot="MFRP"), 100)
        run(7, 39)
        self._expire_in(self._receive(self.stent, [f"T{i}" for i in range(12)], lot="MFR2"), 20)
        self._expire_in(self._receive(self.valve, [f"W{i}" for i in range(8)], lot="W"), 10)
        self._expire_in(self._receive(self.pacemaker, [f"Q{i}" for i in range(6)], lot="Q"), 100)
        run(26, 39)
        run(0, 12)

    def test_expired_units_of_one_place_move_in_one_transfer(self):
        lots = self._receive(self.stent, [f"S{i}" for i in range(5)], lot="MFR1")
        lots.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        alerts = self._run()
        self.assertEqual(alerts.lot_id, lots)
        self._move_expired()
        documents = self.env["med.device.quarantine"].search([("lot_id", "in", lots.ids)])
        self.assertEqual(len(documents), 5)
        self.assertEqual(set(documents.mapped("state")), {"done"})
        self.assertEqual(len(set(documents.mapped("name"))), 5, "a reference each")
        events = lots.med_event_ids.filtered(lambda e: e.event_type == "quarantine")
        picking = events.move_line_id.picking_id
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.move_line_ids.lot_id, lots)
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            {(e.lot_id, e.res_id) for e in events}, {(d.lot_id, d.id) for d in documents}
        )
        self.assertEqual(set(lots.mapped("med_state")), {"quarantined"})

    def test_many_alerts_one_activity_per_user_and_kind(self):
        lots = self._receive(self.stent, [f"U{i}" for i in range(100, 125)], lot="MFR1")
        self._expire_in(lots, 20)
        alerts = self._run()
        self.assertEqual(len(alerts), 25, "one alert per unit")
        activity = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "med.alert"), ("res_id", "in", alerts.ids)])
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("25", activity.summary)
        listed = [lot for lot in lots if lot.name in activity.note]
        self.assertEqual(len(listed), 20, "the note lists at most 20 units")
        self.assertIn("5", activity.note.split("</ul>")[-1], "and counts the others")
        self.assertFalse(self._run(), "notified once")

    def test_query_count_of_expired_units_does_not_grow(self):
        """The alert job prepares the quarantine of any number of expired units in the
        same number of queries; the quarantine job moves them through one Odoo transfer,
        where only Odoo's own work per move line (quants, lot) grows with the units."""

        def run(names, queries, move_queries):
            lots = self._receive(self.stent, names, lot=names[0])
            lots.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
            self.env.invalidate_all()
            with self.assertQueryCount(med_store=queries):
                self.assertEqual(len(self._run()), len(names))
            self.env.invalidate_all()
            with self.assertQueryCount(med_store=move_queries):
                self.assertEqual(len(self._move_expired()), len(names))
            self.assertEqual(set(lots.mapped("med_state")), {"quarantined"})

        # a lot near expiry, already alerted: the job looks up where lots are held each
        # time (a database with demo data has such lots of its own)
        self._expire_in(self._receive(self.catheter, 2, lot="CATH-Q"), 20)
        self._run()
        run([f"V{i}" for i in range(3)], 42, 128)
        run([f"W{i}" for i in range(14)], 42, 128 + 11 * 6)

    def test_lot_spread_over_departments_is_alerted_in_each(self):
        zhao = self.env["hr.employee"].sudo().search([("user_id", "=", self.user_orthopedics.id)])
        self.orthopedics.sudo().manager_id = zhao
        lot = self._receive(self.catheter, 6, lot="CATH-NEAR")
        for department in (self.cardiology, self.cardiology, self.orthopedics):
            result = self._issue(lot, department=department)
            self.assertTrue(result["ok"], result["message"])
        self._expire_in(lot, 50)
        alerts = self._run().filtered(lambda a: a.kind == "near_expiry")
        self.assertEqual(
            {(a.department_id, a.message.split("; ")[-1]) for a in alerts},
            {
                (self.env["hr.department"], "3 held here."),
                (self.cardiology, "2 held here."),
                (self.orthopedics, "1 held here."),
            },
        )
        # each holder hears of its own part: the department managers and, for the store,
        # the device manager
        users = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "med.alert"), ("res_id", "in", alerts.ids)])
            .user_id
        )
        self.assertEqual(
            users,
            self.user_department
            | self.user_orthopedics
            | self.env.ref("med_device_stock.group_med_manager").users[:1],
        )
        self.assertFalse(self._run(), "each place is told once")
        # a department that gets some later is told too, once
        self.assertTrue(self._issue(lot, department=self.orthopedics)["ok"])
        self.assertFalse(self._run(), "orthopedics already knows of this lot")

    def test_expired_lot_spread_over_departments_is_handed_over(self):
        zhao = self.env["hr.employee"].sudo().search([("user_id", "=", self.user_orthopedics.id)])
        self.orthopedics.sudo().manager_id = zhao
        lot = self._receive(self.catheter, 6, lot="CATH-OLD")
        for department in (self.cardiology, self.cardiology, self.orthopedics):
            self.assertTrue(self._issue(lot, department=department)["ok"])
        lot.sudo().expiration_date = fields.Datetime.now() - datetime.timedelta(days=1)
        alerts = self._run().filtered(lambda a: a.kind == "expired")
        by_department = {a.department_id: a.message for a in alerts}
        self.assertEqual(
            set(by_department), {self.env["hr.department"], self.cardiology, self.orthopedics}
        )
        # the store's three go to quarantine; each department is told to hand its own over
        document = self.env["med.device.quarantine"].search([("lot_id", "=", lot.id)])
        self.assertEqual(document.quantity, 3.0)
        self.assertIn(document.name, by_department[self.env["hr.department"]])
        self.assertIn("2 held here", by_department[self.cardiology])
        self.assertIn("1 held here", by_department[self.orthopedics])
        self.assertFalse(self._run(), "told once")
