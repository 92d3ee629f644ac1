"""GSP locks scans of device units end to end (DB15/T 961 6.1.1.3): a lapsed qualification
refuses the scan, names why and writes nothing; an approved renewal lifts the lock."""

from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError

from .common import ID_NUMBER, GspQualityCommon

RECEIPT_MODELS = (
    "stock.lot",
    "med.receipt.check",
    "med.receipt.check.line",
    "stock.move.line",
    "med.unit.event",
)
ISSUE_MODELS = (
    "med.device.issue",
    "med.device.issue.line",
    "stock.picking",
    "stock.move",
    "stock.move.line",
    "med.unit.event",
)


class TestScanLock(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.licence = cls._qualified_supplier("Beijing Device Trading")
        cls.product, cls.certificate = cls._regulated_device("Hip Stent", "695100000001")
        cls.department = cls._make_department("Orthopedics")
        cls.nurse = cls._make_employee("Nurse Chen", cls.department)

    def _count(self, models):
        return {model: self.env[model].search_count([]) for model in models}

    def _scan(self, raw, operation, **context):
        return self.scan(raw, operation, user=self.user_storekeeper, **context)

    def _receive(self, order, serial):
        return self._scan(
            self.udi(self.product, serial=serial, lot="L1"),
            "receipt",
            purchase_id=order.id,
            certificate_number="CoC-1",
        )

    def _renew_licence(self):
        return self._renew(
            self.supplier,
            "device_trading_licence",
            "京药监械经营许RENEW1",
            scope_category_ids=[Command.set(self.cat_13.ids)],
            scope_class_ii=True,
            scope_class_iii=True,
        )

    def test_receipt_scan_refused_when_supplier_licence_expired(self):
        order = self._make_purchase(self.supplier, [(self.product, 2)])
        self._expire(self.licence, days_ago=2)
        before = self._count(RECEIPT_MODELS)
        result = self._receive(order, "HS001")
        self.assertFalse(result["ok"])
        message = result["message"]
        self.assertIn(order.name, message, "the refusal names the document")
        self.assertIn(self.licence.number, message, "...the qualification")
        self.assertIn(str(self.today - timedelta(days=2)), message, "...and its expiry")
        self.assertIn("expired", message)
        self.assertEqual(self._count(RECEIPT_MODELS), before, "a refused scan writes nothing")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "HS001")]))

        # a storekeeper cannot lift the lock; quality staff approve the renewal
        renewal = self._qualification(
            self.supplier,
            "device_trading_licence",
            "京药监械经营许RENEW1",
            approve=False,
            scope_category_ids=[Command.set(self.cat_13.ids)],
            scope_class_ii=True,
            scope_class_iii=True,
        )
        with self.assertRaisesRegex(
            UserError, r"Only quality staff may approve or revoke qualifications\."
        ):
            renewal.with_user(self.user_storekeeper).action_approve()
        self.assertFalse(self._receive(order, "HS001")["ok"], "a draft renewal is not enough")
        renewal.with_user(self.user_quality_officer).action_approve()
        result = self._receive(order, "HS001")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.env["stock.lot"].browse(result["lot_id"]).name, "HS001")

    def test_issue_scan_refused_when_supplier_licence_expired(self):
        order = self._make_purchase(self.supplier, [(self.product, 2)])
        self.assertTrue(self._receive(order, "HS010")["ok"])
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).with_user(
            self.user_storekeeper
        ).action_done()
        lot = self.env["stock.lot"].search([("name", "=", "HS010")])
        self.assertEqual(lot.med_state, "in_stock")

        self._expire(self.licence, days_ago=5)
        raw = self.udi(self.product, serial="HS010", lot="L1")
        before = self._count(ISSUE_MODELS)
        result = self._scan(
            raw, "issue", department_id=self.department.id, requester_id=self.nurse.id
        )
        self.assertFalse(result["ok"])
        message = result["message"]
        self.assertIn("HS010", message, "the refusal names the scan's unit")
        self.assertIn(self.licence.number, message)
        self.assertIn(str(self.today - timedelta(days=5)), message)
        self.assertIn(self.supplier.name, message)
        self.assertEqual(self._count(ISSUE_MODELS), before, "a refused scan writes nothing")
        self.assertEqual(lot.med_state, "in_stock")

        self._renew_licence()
        result = self._scan(
            raw, "issue", department_id=self.department.id, requester_id=self.nurse.id
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(lot.med_state, "issued")

    def test_unit_of_a_lapsed_supplier_can_still_be_quarantined(self):
        order = self._make_purchase(self.supplier, [(self.product, 1)])
        self.assertTrue(self._receive(order, "HS020")["ok"])
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).action_done()
        self._expire(self.licence)
        result = self._scan(
            self.udi(self.product, serial="HS020", lot="L1"),
            "quarantine",
            reason="Supplier licence expired",
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.env["stock.lot"].browse(result["lot_id"]).med_state, "quarantined")

    def test_expired_registration_certificate_refuses_issue(self):
        order = self._make_purchase(self.supplier, [(self.product, 1)])
        self.assertTrue(self._receive(order, "HS030")["ok"])
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).action_done()
        self._expire(self.certificate, days_ago=1)
        result = self._scan(
            self.udi(self.product, serial="HS030", lot="L1"),
            "issue",
            department_id=self.department.id,
        )
        self.assertFalse(result["ok"])
        self.assertIn(self.certificate.number, result["message"])

    def test_inbound_from_unapproved_first_time_supplier_is_refused(self):
        newcomer, _business, _licence = self._partner_with_licences("Shanghai Newcomer")
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": newcomer.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        raw = self.udi(self.product, serial="HS040", lot="L1")
        before = self._count(RECEIPT_MODELS)
        result = self._scan(raw, "receipt", picking_id=picking.id, certificate_number="C-1")
        self.assertFalse(result["ok"])
        self.assertIn("first-time review", result["message"])
        self.assertIn("Shanghai Newcomer", result["message"])
        self.assertIn(picking.name, result["message"])
        self.assertEqual(self._count(RECEIPT_MODELS), before)

        # the storekeeper may record the refused goods: rejection is never locked
        result = self._scan(
            raw, "receipt_reject", picking_id=picking.id, reason="Supplier not approved (首营企业)"
        )
        self.assertTrue(result["ok"], result["message"])

        self._qualification(
            newcomer,
            "sales_authorisation",
            "AUTH-SH-1",
            person_name="Wang Wu",
            person_id_number=ID_NUMBER,
        )
        self._review("supplier", newcomer, newcomer.gsp_qualification_ids)
        result = self._scan(raw, "receipt", picking_id=picking.id, certificate_number="C-1")
        self.assertTrue(result["ok"], result["message"])

    def test_enforcement_off_scans_freely(self):
        order = self._make_purchase(self.supplier, [(self.product, 1)])
        self._expire(self.licence)
        self.company.gsp_enforce = False
        self.assertTrue(self._receive(order, "HS050")["ok"])

    def test_the_lock_follows_the_operation_description(self):
        """GSP reads each operation's description: receipts are locked by the order's
        supplier, the operations putting a unit to use by the unit's supplier, and a new
        operation described as putting units to use is locked without GSP knowing it."""
        Scan = type(self.env["med.device.scan"])
        scanner = self.env["med.device.scan"]
        locks = {op["name"]: scanner._gsp_scan_lock(op) for op in scanner._med_scan_operations()}
        self.assertEqual(locks["receipt"], "order")
        self.assertEqual(
            {name for name, lock in locks.items() if lock == "unit"},
            # listing a unit for a surgery case (med_device_stock's "case") puts it to use,
            # and so does recording it used at the close-out ("case_outcome")
            {"issue", "borrow", "transfer", "use", "case", "case_outcome"},
        )
        self.assertFalse(locks["quarantine"] or locks["scrap"] or locks["return"])
        order = self._make_purchase(self.supplier, [(self.product, 1)])
        self.assertTrue(self._receive(order, "HS030")["ok"])
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).action_done()
        self._expire(self.licence, days_ago=3)
        original = Scan._med_scan_operations

        def with_loan(scan_self):
            operations = original(scan_self)
            loan = dict(next(op for op in operations if op["name"] == "trace"))
            loan.update(
                name="loan_out",
                label="loan to another hospital",
                states=("in_stock",),
                puts_to_use=True,
            )
            return [*operations, loan]

        def loan_out(scan_self, scan):
            return scan_self._scan_result(scan, True, "lent")

        with (
            patch.object(Scan, "_med_scan_operations", with_loan),
            patch.object(Scan, "_scan_do_loan_out", loan_out, create=True),
        ):
            result = self._scan(self.udi(self.product, serial="HS030", lot="L1"), "loan_out")
        self.assertFalse(result["ok"])
        self.assertIn(self.licence.number, result["message"])
        self.assertIn(self.supplier.name, result["message"])
