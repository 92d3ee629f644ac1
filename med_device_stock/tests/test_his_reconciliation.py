import base64
import io

from odoo.exceptions import AccessError, UserError

from .common import MedSurgeryCaseCommon


class TestHisReconciliation(MedSurgeryCaseCommon):
    """A period with one mismatch of each kind planted: the HIS charges a stent nobody
    scanned, misses one that was implanted, and charges two catheters for one used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stent.med_his_charge_code = "HC-STENT"
        cls.catheter.med_his_charge_code = "HC-CATH"

    def _close_case(self):
        stents, catheters = self._issued_units()
        case = self._case(his_case_id="SS-RECON-1")
        for lot in (stents[0], stents[2], catheters):
            self.assertTrue(self._scan_to_case(case, lot)["ok"])
        case = case.with_user(self.user_department)
        case.action_start()
        for line in case.line_ids:
            line.outcome = "used" if line.lot_id == catheters else "implanted"
        case.action_close()
        return case, stents

    def _charges_csv(self, day):
        return (
            "收费编码,项目名称,数量,单价,金额,计费时间,住院号,手术申请单号,序列号,计费流水号\n"
            f"HC-STENT,药物支架,1,6800,6800,{day} 10:00,ZY20261207001,SS-RECON-1,SC-S1,T1\n"
            f"HC-STENT,药物支架,1,6800,6800,{day} 10:05,ZY20261207001,SS-RECON-1,SC-S2,T2\n"
            f'HC-CATH,=HYPERLINK("x"),2,4.5,9,{day} 10:10,ZY20261207001,SS-RECON-1,,T3\n'
        ).encode("gb18030")

    def _import(self, data, name="charges.csv", user=None):
        wizard = (
            self.env["med.his.charge.import"]
            .with_user(user or self.user_storekeeper)
            .create({"file": base64.b64encode(data), "filename": name})
        )
        wizard.action_import()
        return wizard

    def _reconcile(self, case):
        day = case.date_done.date()
        recon = (
            self.env["med.his.reconciliation"]
            .with_user(self.user_storekeeper)
            .create({"date_from": day, "date_to": day, "department_id": self.cardiology.id})
        )
        recon.action_compute()
        return recon

    def test_charges_are_kept_per_case_and_once(self):
        case, _stents = self._close_case()
        data = self._charges_csv(case.date_done.date())
        wizard = self._import(data)
        self.assertIn("3 charges kept (0 without a surgery case)", wizard.summary)
        charges = self.env["med.his.charge"].search([("case_id", "=", case.id)])
        self.assertEqual(len(charges), 3)
        self.assertEqual(set(charges.product_id.ids), {self.stent.id, self.catheter.id})
        with self.assertRaisesRegex(UserError, "was imported before"):
            self._import(data)
        self.assertEqual(self.env["med.his.charge"].search_count([("case_id", "=", case.id)]), 3)

    def test_every_planted_mismatch_is_shown_with_its_value(self):
        case, _stents = self._close_case()
        self._import(self._charges_csv(case.date_done.date()))
        recon = self._reconcile(case)
        found = {(ln.product_key, ln.serial or ln.lot, ln.status) for ln in recon.line_ids}
        self.assertEqual(
            found,
            {
                ("HC-STENT", "SC-S1", "matched"),
                ("HC-STENT", "SC-S2", "charged_not_scanned"),
                ("HC-STENT", "SC-S3", "scanned_not_charged"),
                # the HIS charges catheters without their lot: compared per product
                ("HC-CATH", "", "quantity_difference"),
            },
        )
        gap = recon.line_ids.filtered("traceability_gap")
        self.assertEqual(gap.serial, "SC-S2")
        self.assertEqual(gap.charge_ids.transaction_id, "T2")
        self.assertEqual(recon.difference_count, 3)
        # S2 charged at 6,800; S3 implanted at the stent's cost; one catheter too many
        stent_cost = self.stent.standard_price
        self.assertAlmostEqual(recon.unmatched_value, 6800 + stent_cost + 4.5, places=2)

    def test_a_difference_is_resolved_with_a_reason_then_final(self):
        case, _stents = self._close_case()
        self._import(self._charges_csv(case.date_done.date()))
        recon = self._reconcile(case)
        gap = recon.line_ids.filtered("traceability_gap")
        with self.assertRaisesRegex(UserError, "Give the reason of the difference of SC-S2"):
            gap.action_resolve()
        gap.resolution = "Charged in error by the HIS; credit note requested."
        gap.action_resolve()
        self.assertEqual(gap.resolved_by_id, self.user_storekeeper)
        self.assertEqual(recon.unresolved_count, 2)
        with self.assertRaisesRegex(UserError, "A resolved row is final"):
            gap.resolution = "changed my mind"
        with self.assertRaisesRegex(UserError, "only its resolution is written"):
            recon.line_ids[0].status = "matched"
        with self.assertRaisesRegex(UserError, "has resolved rows"):
            recon.action_compute()

    def test_xlsx_export_writes_text_as_text(self):
        import openpyxl

        case, _stents = self._close_case()
        self._import(self._charges_csv(case.date_done.date()))
        recon = self._reconcile(case)
        formula = '=HYPERLINK("http://attacker.example","open")'
        recon.line_ids.filtered("traceability_gap").resolution = formula
        action = recon.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        self.assertIn("Charged, Not Scanned", values)
        self.assertIn("SC-S2", values)
        self.assertNotIn(None, [sheet.cell(row=1, column=1).value])
        # a resolution typed like a formula is a text cell, never a live formula
        (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == formula]
        self.assertEqual(cell.data_type, "s")

    def test_charges_are_the_his_s_and_only_the_store_reads_them(self):
        case, _stents = self._close_case()
        self._import(self._charges_csv(case.date_done.date()))
        charge = self.env["med.his.charge"].search([("transaction_id", "=", "T1")])
        with self.assertRaisesRegex(UserError, "never changed"):
            charge.with_user(self.user_manager).write({"quantity": 0})
        with self.assertRaisesRegex(UserError, "never deleted"):
            charge.sudo().unlink()
        with self.assertRaisesRegex(UserError, "imported from the HIS's files only"):
            self.env["med.his.charge"].with_user(self.user_manager).with_context(
                med_system_write=True
            ).create({"charge_code": "FORGED"})
        with self.assertRaises(AccessError):
            self.env["med.his.charge"].with_user(self.user_department).search([])
        with self.assertRaises(AccessError):
            self._import(b"x", user=self.user_department)
