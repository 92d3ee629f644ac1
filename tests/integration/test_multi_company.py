"""Two hospitals in one database (two companies), one shared catalogue (the products and
their device identifiers) and one consignor serving both through a backend in each: what
the users of one hospital rely on about the other's units, documents and stock."""

from odoo.addons.med_device_stock.tests.common import MedDeviceFlowCommon
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

STATEMENT_HEADER = "报文编号,委托方编码,单据日期,商品编码,批号,有效期至,数量"


@tagged("post_install", "-at_install")
class TestMultiCompany(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # hospital A: the tests' company, its cardiology, storekeeper and manager (the
        # flow factories); hospital B: a second company with its own roles
        cls.hospital_a = cls.company
        cls.hospital_b = cls._make_hospital("Second People's Hospital")
        cls.store_b = cls._make_user(
            "mc_store_b", "med_device_stock.group_med_storekeeper", company=cls.hospital_b
        )
        cls.manager_b = cls._make_user(
            "mc_manager_b", "med_device_stock.group_med_manager", company=cls.hospital_b
        )
        cls.cardiology_b = cls._make_department("Cardiology B", company=cls.hospital_b)
        cls.nurse_b = cls._make_employee("Nurse Chen", cls.cardiology_b)
        # the shared catalogue: the products have no company; hospital B registers the
        # same device identifiers (an identifier names one product in a company)
        for template in (cls.stent | cls.catheter).product_tmpl_id:
            cls.env["med.product.di"].create(
                [
                    {
                        "di": di.di,
                        "product_tmpl_id": template.id,
                        "packaging_level": di.packaging_level,
                        "quantity": di.quantity,
                        "company_id": cls.hospital_b.id,
                    }
                    for di in template.med_udi_di_ids
                ]
            )
        cls.units_a = cls._receive(
            cls.stent, ["MC-A1", "MC-A2"], lot="MFR-MC", user=cls.user_storekeeper
        )
        cls.units_b = cls._receive(
            cls.stent, ["MC-B1", "MC-B2"], lot="MFR-MC", user=cls.store_b, company=cls.hospital_b
        )

    def _scan_b(self, lot, operation="issue", **context):
        context.setdefault("department_id", self.cardiology_b.id)
        context.setdefault("requester_id", self.nurse_b.id)
        return self.scan(self._raw(lot), operation, user=self.store_b, **context)

    # ------------------------------------------------------------------ units
    def test_units_belong_to_the_hospital_that_received_them(self):
        self.assertFalse((self.stent | self.catheter).company_id, "a shared catalogue")
        self.assertEqual(set(self.units_a.company_id), {self.hospital_a})
        self.assertEqual(set(self.units_b.company_id), {self.hospital_b})

    def test_a_storekeeper_neither_sees_nor_scans_the_other_hospitals_units(self):
        Lot = self.env["stock.lot"]
        ours = self.units_a | self.units_b
        self.assertEqual(
            Lot.with_user(self.user_storekeeper).search([("id", "in", ours.ids)]), self.units_a
        )
        self.assertEqual(Lot.with_user(self.store_b).search([("id", "in", ours.ids)]), self.units_b)
        with self.assertRaises(AccessError):
            self.units_b[0].with_user(self.user_storekeeper).read(["name"])
        # the label of B's unit scanned in A: the same product, but no unit A knows of
        before = self.units_b[0].med_state
        result = self._issue(self.units_b[0], user=self.user_storekeeper)
        self.assertFalse(result["ok"])
        self.assertIn(
            f"{self.units_b[0].name} is unknown: it was never received", result["message"]
        )
        self.assertEqual(self.units_b[0].med_state, before, "the refused scan wrote nothing")
        self.assertFalse(
            self.env["med.unit.event"]
            .sudo()
            .search([("lot_id", "=", self.units_b[0].id), ("company_id", "=", self.hospital_a.id)])
        )

    def test_a_scan_records_its_hospitals_company(self):
        result_a = self._ok(self._issue(self.units_a[0], user=self.user_storekeeper))
        result_b = self._ok(self._scan_b(self.units_b[0]))
        for result, unit, company in (
            (result_a, self.units_a[0], self.hospital_a),
            (result_b, self.units_b[0], self.hospital_b),
        ):
            document = self.env[result["res_model"]].sudo().browse(result["res_id"])
            self.assertEqual(document.company_id, company)
            event = unit.sudo().med_event_ids.filtered(lambda e: e.event_type == "issue")
            self.assertEqual(event.company_id, company)
            self.assertEqual(event.move_line_id.company_id, company)
            self.assertEqual(event.move_line_id.move_id.company_id, company)
        # each hospital's documents are its own
        issue_b = self.env[result_b["res_model"]].browse(result_b["res_id"])
        Issue = self.env["med.device.issue"]
        self.assertFalse(Issue.with_user(self.user_storekeeper).search([("id", "=", issue_b.id)]))
        with self.assertRaises(AccessError):
            issue_b.with_user(self.user_storekeeper).read(["name"])
        self.assertFalse(
            self.env["med.unit.event"]
            .with_user(self.user_storekeeper)
            .search([("lot_id", "in", self.units_b.ids)])
        )

    def test_a_units_company_cannot_be_written_across(self):
        for unit, user, other in (
            (self.units_a[0], self.user_manager, self.hospital_b),
            (self.units_b[0], self.manager_b, self.hospital_a),
        ):
            for writer in (unit.with_user(user), unit.sudo()):
                with self.assertRaisesRegex(UserError, "cannot change the company of a lot"):
                    writer.write({"company_id": other.id})
            self.assertNotEqual(unit.company_id, other)

    # ------------------------------------------------------------------ recall
    def _open_recall(self, user, **values):
        values.setdefault("reason", "Field safety notice")
        action = self.env["med.recall.wizard"].with_user(user).create(values).action_open_recall()
        return self.env["med.recall"].with_user(user).browse(action["res_id"])

    def test_recall_of_a_shared_product_lists_each_hospitals_units_to_its_own(self):
        self._ok(self._scan_b(self.units_b[1]))
        recall_a = self._open_recall(self.user_manager, product_id=self.stent.id, mfr_lots="MFR-MC")
        recall_b = self._open_recall(self.manager_b, product_id=self.stent.id, mfr_lots="MFR-MC")
        self.assertEqual(recall_a.company_id, self.hospital_a)
        self.assertEqual(recall_a.line_ids.lot_id, self.units_a)
        self.assertEqual(recall_b.company_id, self.hospital_b)
        self.assertEqual(recall_b.line_ids.lot_id, self.units_b)
        # each hospital quarantined its own units in its own quarantine location
        self.assertEqual(
            set(self.units_a.sudo().med_location_id), {self.hospital_a.med_quarantine_location_id}
        )
        quarantine_b = self.hospital_b.med_quarantine_location_id
        self.assertEqual(self.units_b[0].sudo().med_location_id, quarantine_b)
        self.assertEqual(quarantine_b.company_id, self.hospital_b)
        # neither hospital reads the other's case or its lines
        Recall, Line = self.env["med.recall"], self.env["med.recall.line"]
        both = recall_a | recall_b
        self.assertEqual(
            Recall.with_user(self.user_manager).search([("id", "in", both.ids)]), recall_a
        )
        self.assertEqual(
            Recall.with_user(self.manager_b).search([("id", "in", both.ids)]), recall_b
        )
        self.assertEqual(
            Line.with_user(self.user_manager).search([("recall_id", "in", both.ids)]).lot_id,
            self.units_a,
        )
        with self.assertRaises(AccessError):
            recall_b.with_user(self.user_manager).read(["name"])

    # ------------------------------------------------------------------ consignor
    def test_the_consignors_stock_per_backend_is_its_hospitals_only(self):
        consignor = self.env["res.partner"].create({"name": "Shared Consignor", "ref": "MC01"})
        self.catheter.default_code = "MC-CATH"
        backends = {}
        for company, code in ((self.hospital_a, "H-A"), (self.hospital_b, "H-B")):
            backends[company] = self.env["med.edi.backend"].create(
                {
                    "name": f"Consignor at {company.name}",
                    "partner_id": consignor.id,
                    "kind": "consignment_supplier",
                    "consignor_code": "MC01",
                    "our_code": code,
                    "channel": "http",
                    "company_id": company.id,
                }
            )
            lot = self.env["stock.lot"].create(
                {
                    "name": f"CONS-{code}",
                    "product_id": self.catheter.id,
                    "company_id": company.id,
                }
            )
            self.env["stock.quant"]._update_available_quantity(
                self.catheter,
                company._med_warehouse().lot_stock_id,
                3 if company == self.hospital_a else 5,
                lot_id=lot,
                owner_id=consignor,
            )
        for company, lot, quantity in (
            (self.hospital_a, "CONS-H-A", 3.0),
            (self.hospital_b, "CONS-H-B", 5.0),
        ):
            backend = backends[company]
            lines = backend._edi_stock_status_lines()
            self.assertEqual([(line["lot"], line["quantity"]) for line in lines], [(lot, quantity)])
            # the consignor's statement lists both hospitals' lots: each hospital's
            # reconciliation compares its own stock, the other's lot is not here
            rows = [
                f"ST-{company.id},MC01,2025-06-01,MC-CATH,CONS-H-A,,3",
                f"ST-{company.id},MC01,2025-06-01,MC-CATH,CONS-H-B,,5",
            ]
            data = ("\n".join([STATEMENT_HEADER, *rows]) + "\n").encode()
            exchange = backend._edi_receive(data, "stock_statement", filename="statement.csv")
            self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
            self.assertEqual(exchange.company_id, company)
            reconciliation = self.env["med.edi.reconciliation"].browse(exchange.res_id)
            status = {line.lot_name: line.status for line in reconciliation.line_ids}
            other = "CONS-H-B" if company == self.hospital_a else "CONS-H-A"
            self.assertEqual(status, {lot: "match", other: "missing_here"})
