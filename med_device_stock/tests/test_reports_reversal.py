"""Reports, KPIs and alerts count nothing that was corrected (issue 12): a done
operation corrected by a correcting document and its reversal cancel out, the figures
are those of a store where neither happened."""

import datetime

from odoo import fields

from .common import MedReportCommon


class TestReportsReversal(MedReportCommon):
    _med_own_company = True  # the dashboard's figures are those of the whole company

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_report_stock(catheter_issues=1)

    # ------------------------------------------------------------------ helpers
    def _document(self, result):
        self.assertTrue(result["ok"], result["message"])
        return self.env[result["res_model"]].browse(result["res_id"])

    def _correct(self, document, user, reason="Wrong unit scanned"):
        wizard = (
            self.env["med.device.correction.wizard"]
            .with_user(user)
            .create({"res_model": document._name, "res_id": document.id, "reason": reason})
        )
        action = wizard.action_confirm()
        correction = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(correction.reversal_of_id, document)
        self.env.flush_all()
        return correction

    def _board(self):
        return self.env["med.kpi.dashboard"].create({})

    def _groups(self, model, groupby, measures, domain=None):
        return [
            {key: value for key, value in group.items() if key != "__domain"}
            for group in self._report_groups(model, groupby, measures, domain)
        ]

    def _use_figures(self):
        """What a use on a patient changes: consumption, turnover, stock and the
        dashboard's consumed value."""
        board = self._board()
        return {
            "consumption": self._groups(
                "med.report.consumption",
                ["department_id", "product_id", "date:month"],
                ["quantity", "value"],
            ),
            "turnover": self._groups(
                "med.report.turnover",
                ["department_id", "date:month"],
                ["consumed_value", "opening_value", "closing_value", "avg_stock_value", "turnover"],
            ),
            "stock": self._groups(
                "med.report.stock", ["department_id", "lot_id"], ["quantity", "value"]
            ),
            "dashboard": board.consumed_value,
        }

    def _shift_move_lines(self, lot, event_type, days):
        """Move the stock move lines of ``lot``'s ``event_type`` events ``days`` into
        the past (a test of time: nobody dates a move line)."""
        self.env.cr.execute(
            """
            UPDATE stock_move_line SET date = date - make_interval(days => %s)
             WHERE id IN (SELECT move_line_id FROM med_unit_event
                           WHERE lot_id = %s AND event_type = %s)
        """,
            [days, lot.id, event_type],
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------------ uses
    def test_corrected_use_counts_as_if_it_never_happened(self):
        self._use(self.s2)
        self.env.flush_all()
        before = self._use_figures()
        self.assertEqual(before["dashboard"], 1000.0)
        use = self._document(self._use(self.s3))
        self.env.flush_all()
        self.assertEqual(self._use_figures()["dashboard"], 2000.0, "counted until corrected")
        self._correct(use, self.user_manager)
        self.assertEqual(self._use_figures(), before)
        self.assertEqual(self._report_rows("med.report.consumption").lot_id, self.s2)

    def test_use_corrected_a_month_later_moved_no_stock(self):
        """The use recorded last month, corrected today: last month neither lost the
        unit's value nor consumed it, this month did not get it back."""
        before = self._use_figures()
        use = self._document(self._use(self.s3))
        self._correct(use, self.user_manager)
        self._shift_events(self.s3, 40, event_type="use")
        self._shift_move_lines(self.s3, "use", 40)
        self.assertEqual(self._use_figures(), before)

    def test_corrected_uses_raise_no_abnormal_consumption(self):
        """Cardiology's usual unit a week; this week one use and four corrected ones
        (scanned on the wrong patient record): nothing abnormal."""
        Event = self.env["med.unit.event"].sudo()
        now = fields.Datetime.now()
        monday = now - datetime.timedelta(days=now.weekday())
        Event.create(
            [
                {
                    "lot_id": self.cath.id,
                    "event_type": "use",
                    "department_id": self.cardiology.id,
                    "date": monday - datetime.timedelta(weeks=week) + datetime.timedelta(hours=12),
                }
                for week in range(13)
            ]
        )
        s5, s6 = self._receive(self.stent, ["S5", "S6"], lot="MFR1")
        uses = self.env["med.device.use"]
        for lot in (self.s2, self.s3, s5, s6):
            if lot in (s5, s6):
                self.assertTrue(self._issue(lot)["ok"])
            uses |= self._document(self._use(lot))
        for use in uses:
            self._correct(use, self.user_manager)
        abnormal = (
            self.env["med.alert"]
            .sudo()
            ._cron_med_alerts()
            .filtered(lambda a: a.kind == "abnormal_consumption")
        )
        self.assertFalse(abnormal)

    # ------------------------------------------------------------------ scrap
    def test_corrected_scrap_counts_nowhere(self):
        board = self._board()
        before = (
            self._groups(
                "med.report.scrap", ["product_id"], ["received_qty", "scrapped_qty", "scrap_rate"]
            ),
            board.scrap_rate,
            board.scrapped_qty,
            board.received_qty,
        )
        self.assertEqual(before[1:], (0.0, 0.0, 9.0))
        scrap = self._scrap(self.s1)
        self._correct(scrap, self.user_manager)
        board = self._board()
        self.assertEqual(
            (
                self._groups(
                    "med.report.scrap",
                    ["product_id"],
                    ["received_qty", "scrapped_qty", "scrap_rate"],
                ),
                board.scrap_rate,
                board.scrapped_qty,
                board.received_qty,
            ),
            before,
        )

    def test_unit_back_in_quarantine_is_due_for_scrapping(self):
        """Quarantined 40 days ago, scrapped by mistake today, the scrap corrected: the
        unit has waited in quarantine for 40 days and is due for scrapping."""
        quarantine = self.env["med.device.quarantine"].create(
            {"lot_id": self.s1.id, "reason": "Dropped"}
        )
        quarantine.action_done()
        self._shift_events(self.s1, 40)
        self._correct(self._scrap(self.s1), self.user_manager)
        self.assertEqual(self.s1.med_state, "quarantined")
        alerts = (
            self.env["med.alert"].sudo()._cron_med_alerts().filtered(lambda a: a.kind == "to_scrap")
        )
        self.assertEqual(alerts.mapped("key"), [f"to_scrap:{self.s1.id}:30"])

    # ------------------------------------------------------------------ issues
    def test_corrected_issue_is_no_movement(self):
        """A unit idle for 400 days, issued by mistake and the issue corrected, is
        still slow-moving: the report and the alert see no movement."""
        self._shift_events(self.s1, 400)
        issue = self._document(self._issue(self.s1))
        self._correct(issue, self.user_storekeeper)
        self.assertEqual(self.s1.med_state, "in_stock")
        rows = self._report_rows("med.report.stock", [("idle_days", ">=", 365)])
        self.assertEqual(rows.lot_id, self.s1)
        self.assertGreaterEqual(rows.idle_days, 400)
        slow = (
            self.env["med.alert"]
            .sudo()
            ._cron_med_alerts()
            .filtered(lambda a: a.kind == "slow_moving")
        )
        self.assertEqual(slow.lot_id, self.s1)

    def test_corrected_issue_is_not_in_the_timeliness(self):
        (s5,) = self._receive(self.stent, ["S5"], lot="MFR1")
        board = self._board()
        before = (board.issue_delay_hours, self._report_rows("med.report.timeliness"))
        issue = self._document(self._issue(s5))
        self.env.cr.execute(
            "UPDATE med_device_issue SET create_date = date_done - "
            "interval '300 hours' WHERE id = %s",
            [issue.id],
        )
        self.env.invalidate_all()
        self.assertGreater(self._board().issue_delay_hours, 10.0, "counted until corrected")
        reversal = self._correct(issue, self.user_storekeeper)
        rows = self._report_rows("med.report.timeliness")
        self.assertFalse({issue.name, reversal.name} & set(rows.mapped("name")))
        self.assertEqual((self._board().issue_delay_hours, rows), before)

    # ------------------------------------------------------------------ counts
    def test_corrected_count_is_replaced_by_its_recount(self):
        count = self.env["med.count"].sudo().create({"department_id": self.cardiology.id})
        self.env["med.count.line"].sudo().create(
            [
                {
                    "count_id": count.id,
                    "lot_id": self.s2.id,
                    "expected_qty": 1,
                    "counted_qty": 1,
                    "difference_type": "ok",
                },
                {
                    "count_id": count.id,
                    "lot_id": self.s3.id,
                    "expected_qty": 1,
                    "counted_qty": 0,
                    "difference_type": "missing",
                },
            ]
        )
        count._med_system_write({"state": "done", "date_done": fields.Datetime.now()})
        self.assertEqual((self._board().count_done, self._board().count_accuracy), (1, 50.0))
        recount = self._correct(
            count.with_user(self.user_storekeeper),
            self.user_storekeeper,
            reason="Shelf B not counted",
        )
        self.env["med.count.line"].sudo().create(
            [
                {
                    "count_id": recount.id,
                    "lot_id": lot.id,
                    "expected_qty": 1,
                    "counted_qty": 1,
                    "difference_type": "ok",
                }
                for lot in (self.s2, self.s3)
            ]
        )
        recount.sudo()._med_system_write({"state": "done", "date_done": fields.Datetime.now()})
        board = self._board()
        self.assertEqual((board.count_done, board.count_accuracy), (1, 100.0))
