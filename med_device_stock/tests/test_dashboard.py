import datetime

from odoo import fields
from odoo.exceptions import AccessError

from .common import MedReportCommon


class TestDashboard(MedReportCommon):
    _med_own_company = True  # the dashboard's figures are those of the whole company

    def _board(self, user=None, **values):
        Board = self.env["med.kpi.dashboard"]
        if user:
            Board = Board.with_user(user)
        return Board.create(values)

    def _count_done(self, department, lots_ok, lots_missing):
        count = self.env["med.count"].sudo().create({"department_id": department.id})
        self.env["med.count.line"].sudo().create(
            [
                {
                    "count_id": count.id,
                    "lot_id": lot.id,
                    "expected_qty": 1,
                    "counted_qty": 1,
                    "difference_type": "ok",
                }
                for lot in lots_ok
            ]
            + [
                {
                    "count_id": count.id,
                    "lot_id": lot.id,
                    "expected_qty": 1,
                    "counted_qty": 0,
                    "difference_type": "missing",
                }
                for lot in lots_missing
            ]
        )
        count._med_system_write({"state": "done", "date_done": fields.Datetime.now()})
        return count

    def _recall_located(self, lot, hours):
        recall = (
            self.env["med.recall"]
            .sudo()
            .create(
                {
                    "reason": "Sterility",
                    "product_id": lot.product_id.id,
                    "date_received": fields.Datetime.now() - datetime.timedelta(hours=hours),
                }
            )
        )
        self.env["med.recall.line"].sudo().create(
            {
                "recall_id": recall.id,
                "lot_id": lot.id,
                "place": "stock",
                "quantity": 1,
                "date_located": fields.Datetime.now(),
            }
        )
        return recall

    def test_kpis(self):
        s1, s2, s3, s4 = self._receive(self.stent, ["S1", "S2", "S3", "S4"], lot="MFR1")
        cath = self._receive(self.catheter, 6, lot="CATH1")
        board = self._board()
        self.assertEqual((board.scrap_rate, board.received_qty), (0.0, 10.0))
        self._scrap(s1)
        self._expire_in(s2, 20)
        self._expire_in(s3, -2)
        self.assertTrue(
            self._issue(
                s4,
                operation="borrow",
                expected_return_date=(fields.Date.today() - datetime.timedelta(days=1)),
            )["ok"]
        )
        self._count_done(self.cardiology, [s4, cath, s2], [s3])
        self._recall_located(s2, 6)
        self._recall_located(s3, 2)
        issue = self.env["med.device.issue"].search([("line_ids.lot_id", "=", s4.id)])
        self.env.cr.execute(
            "UPDATE med_device_issue SET create_date = date_done - "
            "interval '3 hours' WHERE id = %s",
            [issue.id],
        )
        board.invalidate_recordset()
        self.assertAlmostEqual(board.scrap_rate, 10.0)
        self.assertEqual(board.expiry_risk_value, 1000.0)
        self.assertEqual(board.expiry_risk_units, 1)
        self.assertEqual(board.expired_value, 1000.0)
        self.assertEqual(board.overdue_borrow_count, 1)
        self.assertAlmostEqual(board.count_accuracy, 75.0)
        self.assertEqual(board.count_done, 1)
        self.assertAlmostEqual(board.recall_response_hours, 4.0, delta=0.01)
        self.assertAlmostEqual(board.issue_delay_hours, 3.0, delta=0.01)
        self.assertLess(board.receipt_delay_hours, 24 * 8, "checked the day it was due")
        # the period: nothing happened last year
        last_year = self._board(
            date_from=fields.Date.today() - datetime.timedelta(days=400),
            date_to=fields.Date.today() - datetime.timedelta(days=300),
        )
        self.assertEqual(
            (last_year.scrap_rate, last_year.count_done, last_year.recall_count), (0.0, 0, 0)
        )
        # a snapshot of now whatever the period
        self.assertEqual(last_year.expiry_risk_value, 1000.0)

    def test_board_says_what_needs_attention_now(self):
        """Open recalls and counts in progress are counted whatever the period, and each
        opens its list."""
        (unit,) = self._receive(self.stent, ["S9"], lot="MFR9")
        board = self._board(user=self.user_manager)
        self.assertEqual((board.open_recall_count, board.count_in_progress), (0, 0))
        wizard = (
            self.env["med.recall.wizard"]
            .with_user(self.user_manager)
            .create(
                {
                    "reason": "Sterility cannot be guaranteed",
                    "product_id": unit.product_id.id,
                    "date_received": fields.Datetime.now(),
                }
            )
        )
        recall = self.env["med.recall"].browse(wizard.action_open_recall()["res_id"])
        count = (
            self.env["med.count"]
            .with_user(self.user_storekeeper)
            .create({"department_id": self.cardiology.id})
        )
        count.action_start()
        board = self._board(
            user=self.user_manager,
            date_from=fields.Date.today() - datetime.timedelta(days=400),
            date_to=fields.Date.today() - datetime.timedelta(days=300),
        )
        self.assertEqual((board.open_recall_count, board.count_in_progress), (1, 1))
        recalls = board.action_open_recalls()
        self.assertEqual(self.env["med.recall"].search(recalls["domain"]), recall)
        counts = board.action_open_counts()
        self.assertEqual(self.env["med.count"].search(counts["domain"]), count)

    def test_kpis_queries_do_not_grow_with_data(self):
        def measure():
            board = self._board()
            self.env.invalidate_all()
            with self.assertQueryCount(med_store=38):
                self.assertGreaterEqual(board.count_accuracy, 0.0)  # computes every KPI

        lots = self._receive(self.stent, ["S1", "S2"], lot="MFR1")
        self._expire_in(lots, 20)
        self._count_done(self.cardiology, lots, [])
        measure()
        more = self._receive(self.stent, [f"T{i}" for i in range(10)], lot="MFR2")
        self._expire_in(more, 20)
        for lot in more[:5]:
            self._scrap(lot)
        self._count_done(self.cardiology, more[5:], more[:2])
        self._recall_located(more[6], 3)
        measure()

    def test_department_users_have_no_dashboard(self):
        with self.assertRaises(AccessError):
            self._board(user=self.user_department)
        board = self._board(user=self.user_manager)
        self.assertEqual(board.overdue_borrow_count, 0)
        action = board.action_open_expiry()
        self.assertEqual(action["res_model"], "med.report.stock")
