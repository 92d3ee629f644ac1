"""A consignor's invoice (INVOIC, CSV...) becomes a draft vendor bill (issue 14)."""

import datetime
from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from medtrace import edi

from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestInvoiceReceived(ConsignorEdiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.format_edifact = True
        cls.tax_13 = cls.env["account.tax"].create(
            {
                "name": "Purchase VAT 13% (EDI test)",
                "type_tax_use": "purchase",
                "amount_type": "percent",
                "amount": 13.0,
                "company_id": cls.backend.company_id.id,
            }
        )

    def _invoice(self, invoice_type="invoice", number="INV-2025-77", lines=None):
        header = {
            "message_id": number,
            "invoice_type": invoice_type,
            "consignor_code": "C0001",
            "partner_code": "H0001",
            "date": datetime.date(2025, 6, 30),
            "due_date": datetime.date(2025, 7, 30),
            "currency": "CNY",
            "order_ref": "PO-2025-0001",
            "invoice_total": Decimal("4220.10"),
        }
        lines = lines or [
            {
                "line_no": 1,
                "product_code": "STENT-1",
                "lot": "L1",
                "quantity": Decimal("2"),
                "unit_price": Decimal("1280"),
                "amount": Decimal("2560"),
                "tax_rate": Decimal("13"),
            },
            {
                "line_no": 2,
                "product_code": "A-CATH",
                "lot": "L2",
                "quantity": Decimal("3"),
                "unit_price": Decimal("350"),
                "amount": Decimal("1050"),
                "tax_rate": Decimal("6"),
            },
        ]
        message = edi.Message(
            "invoice", header, [edi.Line(n, v) for n, v in enumerate(lines, start=2)]
        )
        return edi.encode(message, "edifact")

    def test_invoice_becomes_a_draft_vendor_bill(self):
        exchange = self._receive(self._invoice(), "invoice", filename="invoic.edi")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        bill = self.env["account.move"].browse(exchange.res_id)
        self.assertEqual(exchange.res_model, "account.move")
        self.assertEqual(
            (bill.move_type, bill.state, bill.partner_id, bill.ref),
            ("in_invoice", "draft", self.consignor, "INV-2025-77"),
        )
        self.assertEqual(bill.med_edi_backend_id, self.backend)
        self.assertEqual(bill.invoice_date, datetime.date(2025, 6, 30))
        self.assertEqual(bill.invoice_date_due, datetime.date(2025, 7, 30))
        self.assertEqual(bill.invoice_origin, "PO-2025-0001")
        lines = bill.invoice_line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("product_id"), self.stent | self.catheter)
        self.assertEqual(lines.mapped("quantity"), [2.0, 3.0])
        self.assertEqual(lines.mapped("price_unit"), [1280.0, 350.0])
        self.assertIn("(L1)", lines[0].name, "the lot invoiced is named on its line")
        self.assertEqual(lines[0].tax_ids, self.tax_13, "the tax of the invoiced rate")
        self.assertNotIn(self.tax_13, lines[1].tax_ids, "no 6% tax here: the product's own")
        self.assertEqual(bill.amount_untaxed, 3610.0)

    def test_credit_note_becomes_a_vendor_credit_note(self):
        exchange = self._receive(
            self._invoice("credit_note", number="CN-2025-3"), "invoice", filename="credit.edi"
        )
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        bill = self.env["account.move"].browse(exchange.res_id)
        self.assertEqual(
            (bill.move_type, bill.state, bill.ref), ("in_refund", "draft", "CN-2025-3")
        )
        self.assertEqual(bill.amount_untaxed, 3610.0, "credited amounts are sent positive")

    def test_invoice_of_an_unknown_product_is_refused_whole(self):
        bills = self.env["account.move"].search_count([("move_type", "=", "in_invoice")])
        data = self._invoice(
            lines=[
                {
                    "line_no": 1,
                    "product_code": "STENT-1",
                    "quantity": Decimal("1"),
                    "unit_price": Decimal("1280"),
                },
                {
                    "line_no": 2,
                    "product_code": "NO-SUCH",
                    "quantity": Decimal("1"),
                    "unit_price": Decimal("10"),
                },
            ]
        )
        exchange = self._receive(data, "invoice", filename="bad.edi")
        self.assertEqual(exchange.state, "error")
        problem = exchange.problem_ids.filtered(lambda p: p.code == "unknown_product")
        self.assertTrue(problem)
        self.assertIn("NO-SUCH", problem.message)
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "in_invoice")]),
            bills,
            "nothing half-written",
        )

    def test_billed_units_are_the_third_source_of_the_his_reconciliation(self):
        """Issue 17: what a consignor invoices, unit by unit, beside what was scanned and
        what the HIS charged (here: billed, neither scanned nor charged)."""
        exchange = self._receive(self._invoice(), "invoice", filename="invoic.edi")
        bill = self.env["account.move"].browse(exchange.res_id)
        self.assertEqual(sorted(bill.invoice_line_ids.mapped("med_edi_unit")), ["L1", "L2"])
        day = datetime.date(2025, 6, 30)
        Reconciliation = self.env["med.his.reconciliation"]
        recon = Reconciliation.create(
            {"date_from": day, "date_to": day, "backend_id": self.backend.id}
        )
        recon.action_compute()
        rows = {(ln.product_key, ln.lot): ln for ln in recon.line_ids}
        # the consignor invoices the catheter under its own code A-CATH: ours is CATH-1
        self.assertEqual(set(rows), {("STENT-1", "L1"), ("CATH-1", "L2")})
        stent = rows[("STENT-1", "L1")]
        self.assertEqual(
            (stent.status, stent.qty_billed, stent.price_billed), ("billed_not_used", 2, 1280)
        )
        self.assertAlmostEqual(recon.unmatched_value, 2 * 1280 + 3 * 350, places=2)
        # another consignor's reconciliation does not see this consignor's bill
        other = Reconciliation.create(
            {"date_from": day, "date_to": day, "backend_id": self.backend_b.id}
        )
        other.action_compute()
        self.assertFalse(other.line_ids)
