import base64
import datetime
import io

import openpyxl
from odoo import fields
from odoo.exceptions import AccessError

from .common import MedReportCommon


class TestReports(MedReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_report_stock(catheter_issues=2)

    def _by(self, groups, key):
        return {(g[key][1] if g[key] else False): g for g in groups}

    def test_stock_by_department_and_location_valued_at_standard_price(self):
        groups = self._by(
            self._report_groups(
                "med.report.stock", ["department_id"], ["unit_count", "quantity", "value"]
            ),
            "department_id",
        )
        # cardiology: stents S2, S3 and 2 catheters of lot CATH1; orthopedics: S4
        self.assertEqual(groups["Cardiology"]["unit_count"], 3)
        self.assertEqual(groups["Cardiology"]["quantity"], 4.0)
        self.assertAlmostEqual(groups["Cardiology"]["value"], 2020.0)
        self.assertEqual(groups["Orthopedics"]["value"], 1000.0)
        # the store keeps S1 and 3 catheters
        self.assertEqual(groups[False]["quantity"], 4.0)
        self.assertAlmostEqual(groups[False]["value"], 1030.0)
        by_location = self._report_groups(
            "med.report.stock",
            ["location_id"],
            ["quantity"],
            [("department_id", "=", self.cardiology.id)],
        )
        self.assertEqual(
            [g["location_id"][0] for g in by_location], [self.cardiology.med_location_id.id]
        )
        # a unit used on a patient leaves the report
        self._use(self.s2)
        groups = self._by(
            self._report_groups("med.report.stock", ["department_id"], ["value"]), "department_id"
        )
        self.assertAlmostEqual(groups["Cardiology"]["value"], 1020.0)

    def test_expiry_risk_buckets(self):
        self._expire_in(self.s1, 20)
        self._expire_in(self.s2, 50)
        self._expire_in(self.s3, 80)
        self._expire_in(self.s4, -1)
        self._expire_in(self.cath, 400)
        groups = self._report_groups(
            "med.report.stock",
            ["expiry_bucket", "department_id"],
            ["unit_count", "value"],
            [("expiry_bucket", "in", ["expired", "30", "60", "90"])],
        )
        cells = {
            (g["expiry_bucket"], g["department_id"] and g["department_id"][0]): g["value"]
            for g in groups
        }
        self.assertEqual(
            cells,
            {
                ("30", False): 1000.0,
                ("60", self.cardiology.id): 1000.0,
                ("90", self.cardiology.id): 1000.0,
                ("expired", self.orthopedics.id): 1000.0,
            },
        )

    def test_slow_moving_units(self):
        self._shift_events(self.s1, 400)
        self._shift_events(self.cath, 200)
        rows = self._report_rows("med.report.stock", [("idle_days", ">=", 365)])
        self.assertEqual(rows.lot_id, self.s1)
        self.assertGreaterEqual(rows.idle_days, 400)
        rows = self._report_rows("med.report.stock", [("idle_days", ">=", 180)])
        self.assertEqual(rows.lot_id, self.s1 | self.cath)

    def test_consumption_and_cost_by_department_and_month(self):
        self._use(self.s2)
        self._use(self.s4, department=self.orthopedics)
        self._use(self.cath)
        self._shift_events(self.s4, 40, event_type="use")
        groups = self._report_groups(
            "med.report.consumption", ["department_id", "date:month"], ["quantity", "value"]
        )
        cells = {(g["department_id"][1], g["date:month"]): g["value"] for g in groups}
        this_month = (
            groups[0]["date:month"]
            if groups[0]["department_id"][1] == "Cardiology"
            else groups[1]["date:month"]
        )
        self.assertEqual(cells[("Cardiology", this_month)], 1010.0)
        self.assertEqual(len(cells), 2)
        ortho = [g for g in groups if g["department_id"][0] == self.orthopedics.id]
        self.assertEqual(ortho[0]["value"], 1000.0)
        self.assertNotEqual(ortho[0]["date:month"], this_month)

    def test_turnover_is_a_ratio_of_sums(self):
        self._use(self.s2)
        self.env.flush_all()
        groups = self._by(
            self._report_groups(
                "med.report.turnover",
                ["department_id"],
                ["consumed_value", "avg_stock_value", "turnover"],
                [("date", ">=", fields.Date.today().replace(day=1))],
            ),
            "department_id",
        )
        cardio = groups["Cardiology"]
        # in: 2 stents and 2 catheters (2020), out: 1 stent used -> closing 1020,
        # opening 0: average stock 510, consumed 1000
        self.assertAlmostEqual(cardio["avg_stock_value"], 510.0)
        self.assertAlmostEqual(cardio["consumed_value"], 1000.0)
        self.assertAlmostEqual(cardio["turnover"], 1000.0 / 510.0)
        self.assertEqual(groups["Orthopedics"]["turnover"], 0.0)
        (total,) = self._report_groups(
            "med.report.turnover",
            [],
            ["turnover"],
            [("date", ">=", fields.Date.today().replace(day=1))],
        )
        self.assertAlmostEqual(total["turnover"], 1000.0 / (510.0 + 500.0))

    def test_scrap_rate_per_product(self):
        self._scrap(self.s1)
        groups = self._by(
            self._report_groups(
                "med.report.scrap", ["product_id"], ["received_qty", "scrapped_qty", "scrap_rate"]
            ),
            "product_id",
        )
        stent = groups[self.stent.display_name]
        self.assertEqual((stent["received_qty"], stent["scrapped_qty"]), (4.0, 1.0))
        self.assertAlmostEqual(stent["scrap_rate"], 25.0)
        self.assertEqual(groups[self.catheter.display_name]["scrap_rate"], 0.0)
        (total,) = self._report_groups("med.report.scrap", [], ["scrap_rate"])
        self.assertAlmostEqual(total["scrap_rate"], 100.0 / 9)

    def test_receipt_and_issue_timeliness(self):
        order = self._make_purchase(self.supplier, [(self.stent, 1)])
        picking = order.picking_ids
        picking.sudo().scheduled_date = fields.Datetime.now() - datetime.timedelta(hours=10)
        result = self.scan(
            self.udi(self.stent, serial="S9", lot="MFR1"),
            "receipt",
            purchase_id=order.id,
            certificate_number="CoC-9",
        )
        self.assertTrue(result["ok"], result["message"])
        check = self.env["med.receipt.check"].search([("purchase_id", "=", order.id)])
        check.action_done()
        issue = self.env["med.device.issue"].search([("line_ids.lot_id", "=", self.s2.id)], limit=1)
        self.env.cr.execute(
            "UPDATE med_device_issue SET create_date = date_done - "
            "interval '30 hours' WHERE id = %s",
            [issue.id],
        )
        rows = self._report_rows(
            "med.report.timeliness", [("name", "in", [check.name, issue.name])]
        )
        delays = {row.kind: row for row in rows}
        self.assertAlmostEqual(delays["receipt"].delay_hours, 10.0, delta=0.1)
        self.assertEqual(delays["receipt"].late_count, 1)
        self.assertAlmostEqual(delays["issue"].delay_hours, 30.0, delta=0.01)
        self.assertEqual(delays["issue"].late_count, 1)
        self.assertEqual(delays["issue"].department_id, self.cardiology)

    def test_xlsx_export_has_the_pivot_figures(self):
        self._use(self.s2)
        self._scrap(self.s1)
        self._expire_in(self.s3, 40)
        Wizard = self.env["med.report.xlsx"]
        for report in (
            "stock",
            "expiry",
            "slow_moving",
            "consumption",
            "turnover",
            "scrap",
            "timeliness",
        ):
            with self.subTest(report=report):
                wizard = Wizard.create({"report": report, "slow_days": 0})
                action = wizard.action_export()
                attachment = self.env["ir.attachment"].browse(
                    int(action["url"].split("/")[3].split("?")[0])
                )
                book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
                rows = list(book.active.iter_rows(values_only=True))
                Report, domain, groupby, measures = wizard._med_spec()
                groups = Report.read_group(
                    domain, [m for m in measures if m != "__count"], groupby, lazy=False
                )
                self.assertTrue(groups, "the report has figures")
                self.assertEqual(len(rows), len(groups) + 2)
                self.assertEqual(rows[0][0], Report._fields[groupby[0].split(":")[0]].string)
                for row, group in zip(rows[1:-1], groups, strict=True):
                    self.assertEqual(
                        list(row[: len(groupby)]),
                        [Report._med_group_label(group, spec) for spec in groupby],
                    )
                    for value, measure in zip(row[len(groupby) :], measures, strict=True):
                        expected = (
                            group["__count"] if measure == "__count" else group[measure] or 0.0
                        )
                        self.assertAlmostEqual(value, expected, places=6)
                (total,) = Report.read_group(
                    domain, [m for m in measures if m != "__count"], [], lazy=False
                )
                for value, measure in zip(rows[-1][len(groupby) :], measures, strict=True):
                    self.assertAlmostEqual(
                        value,
                        total["__count"] if measure == "__count" else total[measure] or 0.0,
                        places=6,
                    )

    def test_xlsx_period_and_department_filters(self):
        self._use(self.s2)
        self._use(self.s4, department=self.orthopedics)
        wizard = self.env["med.report.xlsx"].create(
            {
                "report": "consumption",
                "department_id": self.orthopedics.id,
                "date_from": fields.Date.today(),
                "date_to": fields.Date.today(),
            }
        )
        Report, domain, groupby, measures = wizard._med_spec()
        header, rows, total = Report._med_table(domain, groupby, measures)
        self.assertEqual([row[0] for row in rows], ["Orthopedics"])
        self.assertEqual(total[-1], 1000.0)
        wizard.date_from = wizard.date_to = fields.Date.today() - datetime.timedelta(days=2)
        _report, domain, _groupby, _measures = wizard._med_spec()
        self.assertEqual(Report._med_table(domain, groupby, measures)[1], [])

    def test_department_users_see_their_department_only(self):
        self._use(self.s2)
        self.assertTrue(self._issue(self.cath, department=self.orthopedics)["ok"])
        self._use(self.cath, department=self.orthopedics)
        for user, department in (
            (self.user_department, self.cardiology),
            (self.user_orthopedics, self.orthopedics),
        ):
            for model in (
                "med.report.stock",
                "med.report.consumption",
                "med.report.turnover",
                "med.report.timeliness",
            ):
                with self.subTest(user=user.login, model=model):
                    rows = self._report_rows(model, user=user)
                    self.assertEqual(rows.department_id, department)
        # the store's stock (no department) and receipts are not theirs
        rows = self._report_rows("med.report.stock", user=self.user_department)
        self.assertNotIn(self.s1, rows.lot_id)
        groups = self._report_groups(
            "med.report.stock", ["department_id"], ["value"], user=self.user_department
        )
        self.assertEqual([g["department_id"][0] for g in groups], [self.cardiology.id])
        # the storekeeper and the manager see every department and the store
        for user in (self.user_storekeeper, self.user_manager):
            rows = self._report_rows("med.report.stock", user=user)
            self.assertIn(self.s1, rows.lot_id)
            self.assertEqual(rows.department_id, self.cardiology | self.orthopedics)

    def test_who_may_not_read_reports(self):
        with self.assertRaises(AccessError):
            self._report_rows("med.report.stock", user=self.user_plain)
        with self.assertRaises(AccessError):
            self._report_rows("med.report.scrap", user=self.user_department)
        wizard = (
            self.env["med.report.xlsx"].with_user(self.user_department).create({"report": "scrap"})
        )
        with self.assertRaises(AccessError):
            wizard.action_export()
        with self.assertRaises(AccessError):
            self.env["med.report.xlsx"].with_user(self.user_plain).create({"report": "stock"})
        # a department user's export holds only its department
        wizard = (
            self.env["med.report.xlsx"].with_user(self.user_department).create({"report": "stock"})
        )
        Report, domain, groupby, measures = wizard._med_spec()
        _header, rows, _total = Report._med_table(domain, groupby, measures)
        self.assertEqual({row[0] for row in rows}, {"Cardiology"})

    def test_xlsx_keeps_hostile_product_names_as_text(self):
        """A product name that looks like a formula stays text in every export."""
        hostile = ['=HYPERLINK("http://evil","x")', "@SUM(A1)"]
        self.stent.sudo().name, self.catheter.sudo().name = hostile
        self._scrap(self.s1)
        for report in ("slow_moving", "scrap"):
            wizard = self.env["med.report.xlsx"].create({"report": report, "slow_days": 0})
            action = wizard.action_export()
            attachment = self.env["ir.attachment"].browse(
                int(action["url"].split("/")[3].split("?")[0])
            )
            sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
            cells = [cell for row in sheet.iter_rows() for cell in row]
            for name in hostile:
                with self.subTest(report=report, name=name):
                    found = [cell.data_type for cell in cells if cell.value == name]
                    self.assertTrue(found)
                    self.assertEqual(set(found), {"s"})
            self.assertFalse(
                [cell.coordinate for cell in cells if cell.data_type == "f" or cell.hyperlink]
            )
