import base64
import datetime
import io
from collections import defaultdict
from unittest.mock import patch

import openpyxl
from odoo import fields
from odoo.exceptions import AccessError, UserError

from ..models import med_recall
from .common import MedRecallCommon


class TestRecall(MedRecallCommon):
    def test_recall_finds_quarantines_and_blocks_units(self):
        recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1", hours_ago=3)
        lines = recall.line_ids
        by_unit = {line.lot_id: line for line in lines}
        self.assertEqual(
            set(by_unit),
            set(self.s1 | self.s2 | self.s3 | self.s4),
            "every unit of lot MFR1 and only them (S5 is of another lot)",
        )
        # in stock: quarantined, refused for issue
        for unit in (self.s1, self.s4):
            self.assertEqual(by_unit[unit].disposition, "quarantined")
            self.assertEqual(unit.med_state, "recalled")
            self.assertEqual(unit.med_location_id, self.company.med_quarantine_location_id)
            self.assertEqual(
                self.env["stock.quant"]._get_available_quantity(
                    self.stent, self.stock_location, lot_id=unit
                ),
                0.0,
            )
        result = self._issue(self.s1)
        self.assertFalse(result["ok"])
        self.assertIn("recall", result["message"])
        # in a department: located there, its use is refused while the case is open
        self.assertEqual(
            (by_unit[self.s2].place, by_unit[self.s2].department_id),
            ("department", self.cardiology),
        )
        self.assertEqual(self.s2.med_state, "issued")
        result = self.scan(
            self._raw(self.s2), "use", department_id=self.cardiology.id, patient_identifier="MRN-9"
        )
        self.assertFalse(result["ok"])
        self.assertIn(recall.name, result["message"])
        self.assertEqual(self.s2.med_state, "issued", "the refused scan wrote nothing")
        # used on a patient: patient and encounter for the clinicians
        line = by_unit[self.s3]
        self.assertEqual(
            (line.place, line.patient_identifier, line.encounter_ref),
            ("patient", "MRN-0042", "ENC-7"),
        )
        self.assertEqual(line.department_id, self.cardiology)
        # the department's manager got one activity listing its units
        activities = recall.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_department)
        self.assertIn(self.s2.name, activities.note)
        self.assertIn(self.s3.name, activities.note)
        self.assertNotIn(self.s1.name + " ", activities.note)
        # every unit was located at once: the response time is the time since arrival
        self.assertTrue(recall.date_located)
        self.assertAlmostEqual(recall.response_hours, 3.0, delta=0.1)
        # the supplier has no email address: the manager is told to reach it otherwise
        self.assertFalse(recall.supplier_notified)
        self.assertTrue(
            recall.message_ids.filtered(
                lambda m: "No email address" in m.body and self.supplier.name in m.body
            )
        )

    def test_each_supplier_is_told_its_own_units_by_email(self):
        maker = self._make_supplier("Stent Maker")
        maker.email = "vigilance@maker.example"
        first = self.supplier
        first.email = "orders@first.example"
        second = self._make_supplier("Second Source")
        second.email = "qa@second.example"
        s6 = self._receive(self.stent, ["S6"], lot="MFR1", supplier=second)
        recall = self._open_recall(
            product_id=self.stent.id, mfr_lots="MFR1", supplier_id=maker.id, reference="FSN-2026-11"
        )
        self.assertTrue(recall.supplier_notified)
        sent = {
            message.partner_ids: message for message in recall.message_ids if message.partner_ids
        }
        self.assertEqual(set(sent), {maker, first, second}, "one message per supplier")
        mine = self.s1 | self.s2 | self.s3 | self.s4
        # the notice's issuer hears of every unit; each source of its own units only
        for partner, units, others in (
            (maker, mine | s6, self.s5),
            (first, mine, s6),
            (second, s6, mine),
        ):
            body = sent[partner].body
            for unit in units:
                self.assertIn(unit.name, body)
            for unit in others:
                self.assertNotIn(f"<td>{unit.name}</td>", body)
            self.assertIn("FSN-2026-11", sent[partner].subject)
            # where the unit stands, but never which patient it was used on
            self.assertNotIn("MRN-0042", body)
            self.assertNotIn("ENC-7", body)
            notification = (
                self.env["mail.notification"]
                .sudo()
                .search(
                    [
                        ("mail_message_id", "=", sent[partner].id),
                        ("res_partner_id", "=", partner.id),
                    ]
                )
            )
            self.assertEqual(notification.notification_type, "email")

    def test_long_unit_lists_go_to_suppliers_as_a_file(self):
        self.supplier.email = "orders@first.example"
        with patch.object(med_recall, "SUPPLIER_MAIL_ROWS", 3):
            recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1")
        message = recall.message_ids.filtered(lambda m: self.supplier in m.partner_ids)
        self.assertEqual(message.body.count("<tr><td>"), 3, "three units in the message")
        self.assertIn("1 more units are listed in the attached file", message.body)
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(message.attachment_ids.datas))
        )
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("Product", "Unit"))
        self.assertEqual(
            sorted(row[1] for row in rows[1:]),
            sorted((self.s1 | self.s2 | self.s3 | self.s4).mapped("name")),
        )
        self.assertNotIn("MRN-0042", str(rows), "no patient data leaves the hospital")

    def test_dispositions_and_closing(self):
        recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1")
        by_unit = {line.lot_id: line for line in recall.line_ids}
        with self.assertRaisesRegex(UserError, r"units are still to be disposed of"):
            recall.action_close()  # units still to dispose of
        by_unit[self.s1].action_return_supplier()
        self.assertEqual(self.s1.med_state, "returned_supplier")
        self.assertEqual(self.s1.med_location_id.usage, "supplier")
        by_unit[self.s4].action_destroy()
        self.assertEqual(self.s4.med_state, "scrapped")
        # the department gives its unit back: quarantined, then returned
        by_unit[self.s2].action_quarantine()
        self.assertEqual(self.s2.med_location_id, self.company.med_quarantine_location_id)
        by_unit[self.s2].action_return_supplier()
        with self.assertRaisesRegex(UserError, r"was not used on a patient"):
            by_unit[self.s1].action_patient_informed()  # not used on a patient
        by_unit[self.s3].action_patient_informed()
        self.assertEqual(by_unit[self.s3].disposed_by_id, self.user_manager)
        recall.action_close()
        self.assertEqual(recall.state, "closed")
        self.assertGreaterEqual(recall.closing_hours, recall.response_hours)
        with self.assertRaisesRegex(UserError, r"are set by the system and cannot be changed"):
            recall.write({"date_closed": fields.Datetime.now()})
        # closed: the units are no longer blocked by the case (state still rules)
        units = self.s1 | self.s2 | self.s3 | self.s4
        self.assertEqual(self.env["med.recall"]._med_open_lots() & set(units.ids), set())

    def test_recall_by_serials_expiry_range_and_scans(self):
        recall = self._open_recall(serials="S1, S5")
        self.assertEqual(recall.line_ids.lot_id, self.s1 | self.s5)
        recall = self._open_recall(
            product_id=self.catheter.id,
            expiry_from=fields.Date.today() + datetime.timedelta(days=700),
            expiry_to=fields.Date.today() + datetime.timedelta(days=800),
        )
        self.assertEqual(recall.line_ids.lot_id, self.catheter_lot)
        recall = self._open_recall(scans=self._raw(self.s4))
        self.assertEqual(recall.line_ids.lot_id, self.s4)
        with self.assertRaisesRegex(UserError, r"no unit matches its criteria") as error:
            self._open_recall(serials="NO-SUCH-SERIAL")
        self.assertIn("no unit matches", str(error.exception))
        with self.assertRaisesRegex(UserError, r"Scanned UDIs: .+ cannot be read") as error:
            self._open_recall(scans="not a udi")
        self.assertIn("not a udi", str(error.exception))

    def test_lot_spread_over_places_agrees_with_odoo_traceability(self):
        """The impact of a lot moved through several places agrees unit for unit
        with Odoo's traceability report (net quantity per location of its moves)."""
        lot = self.catheter_lot
        impact = self.env["med.recall"]._med_impact(lot)
        ours = defaultdict(float)
        for vals in impact:
            ours[(vals["lot_id"], vals["location_id"])] += vals["quantity"]
        report = self.env["stock.traceability.report"].with_context(
            active_id=lot.id, model="stock.lot"
        )
        report_lines = report.get_lines(model_name="stock.lot", model_id=lot.id, level=1)
        move_lines = self.env["stock.move.line"].browse([line["model_id"] for line in report_lines])
        self.assertGreaterEqual(len(move_lines), 4, "receipt, issues, transfer, use")
        theirs = defaultdict(float)
        for move_line in move_lines:
            theirs[(lot.id, move_line.location_dest_id.id)] += move_line.quantity
            theirs[(lot.id, move_line.location_id.id)] -= move_line.quantity
        theirs = {key: qty for key, qty in theirs.items() if qty > 0}
        self.assertEqual(dict(ours), theirs)
        places = {vals["place"] for vals in impact}
        self.assertEqual(places, {"stock", "department", "patient"})

    def test_consignment_stock_with_owner_is_found(self):
        consignor = self._make_supplier("Consignor Co")
        quant = (
            self.env["stock.quant"]
            .sudo()
            .search([("lot_id", "=", self.s4.id), ("quantity", ">", 0)])
        )
        quant.owner_id = consignor
        recall = self._open_recall(serials="S4")
        self.assertEqual(recall.line_ids.owner_id, consignor)
        self.assertEqual(recall.line_ids.disposition, "quarantined")

    def test_exports(self):
        recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1")
        action = recall.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][1], recall.name)
        data = {row[1]: row for row in rows[3:]}
        self.assertEqual(set(data), {"S1", "S2", "S3", "S4"})
        self.assertEqual(data["S3"][9], "MRN-0042")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("med_device_stock.med_recall_report_action", recall.ids)[0]
            .decode()
        )
        for name in ("S1", "S2", "S3", "S4", "MRN-0042", recall.name):
            self.assertIn(name, html)

    def test_security(self):
        # only managers open recalls
        with self.assertRaises(AccessError):
            self._open_recall(user=self.user_storekeeper, serials="S1")
        with self.assertRaises(AccessError):
            self.env["med.recall.wizard"].with_user(self.user_department).create(
                {"reason": "x", "serials": "S1"}
            )
        recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1")
        # a department user sees its own department's lines only, and cannot dispose
        lines = (
            self.env["med.recall.line"]
            .with_user(self.user_department)
            .search([("recall_id", "=", recall.id)])
        )
        self.assertEqual(lines.lot_id, self.s2 | self.s3)
        other = self.user_orthopedics
        self.assertFalse(
            self.env["med.recall.line"].with_user(other).search([("recall_id", "=", recall.id)])
        )
        self.assertFalse(self.env["med.recall"].with_user(other).search([("id", "=", recall.id)]))
        with self.assertRaisesRegex(UserError, r"Only storekeepers and managers can record"):
            lines.with_user(self.user_department).filtered(
                lambda ln: ln.lot_id == self.s3
            ).action_patient_informed()
        with self.assertRaises(AccessError):
            recall.with_user(self.user_department).write({"reason": "changed"})
        # storekeepers record dispositions but cannot close
        line = recall.line_ids.filtered(lambda ln: ln.lot_id == self.s3)
        line.with_user(self.user_storekeeper).action_patient_informed()
        with self.assertRaisesRegex(UserError, r"Only medical device managers can close a recall"):
            recall.with_user(self.user_storekeeper).action_close()

    def test_export_keeps_hostile_patient_identifiers_as_text(self):
        """A patient identifier that looks like a formula (scanned or typed) is exported
        as the text it is: never a live formula or link in the clinicians' sheet."""
        hostile = {self.s1: '=HYPERLINK("http://evil","x")', self.s4: "@SUM(A1)"}
        for unit, patient in hostile.items():
            self.assertTrue(self._issue(unit)["ok"])
            result = self.scan(
                self._raw(unit),
                "use",
                department_id=self.cardiology.id,
                patient_identifier=patient,
                encounter_ref=patient,
            )
            self.assertTrue(result["ok"], result["message"])
        recall = self._open_recall(product_id=self.stent.id, mfr_lots="MFR1")
        action = recall.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        by_unit = {row[1].value: row for row in sheet.iter_rows(min_row=4)}
        for unit, patient in hostile.items():
            with self.subTest(patient=patient):
                for cell in (by_unit[unit.name][9], by_unit[unit.name][10]):
                    self.assertEqual((cell.data_type, cell.value), ("s", patient))
        self.assertFalse(
            [
                cell.coordinate
                for row in sheet.iter_rows()
                for cell in row
                if cell.data_type == "f" or cell.hyperlink
            ]
        )
