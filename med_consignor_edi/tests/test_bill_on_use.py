import datetime

from .common import ConsignorEdiCommon


class TestBillOnUseVendorBill(ConsignorEdiCommon):
    """A consignment unit used on a patient is bought with a vendor bill line, in a
    company with a real chart of accounts, and becomes the hospital's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", cls.company, install_demo=False
            )
        cls.backend.bill_on_use = "vendor_bill"
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.patient = cls.company._med_patient_location()
        cls.lot = cls._lot(cls.catheter, "C7", datetime.date(2030, 6, 30))
        cls._transfer(cls.catheter, cls.lot, 4, cls.suppliers, cls.stock_location, cls.consignor)

    def _use(self, quantity=1):
        return self._transfer(
            self.catheter, self.lot, quantity, self.stock_location, self.patient, self.consignor
        )

    def _quantity(self, location, owner):
        return sum(
            self.env["stock.quant"]
            .search(
                [
                    ("lot_id", "=", self.lot.id),
                    ("location_id", "=", location.id),
                    ("owner_id", "=", owner.id if owner else False),
                ]
            )
            .mapped("quantity")
        )

    def test_use_adds_a_draft_vendor_bill_line_at_the_agreed_price(self):
        self.assertTrue(
            self.env["account.journal"].search(
                [("type", "=", "purchase"), ("company_id", "=", self.company.id)]
            )
        )
        self._use()
        bill = self.env["account.move"].search([("med_edi_backend_id", "=", self.backend.id)])
        self.assertEqual(
            (bill.move_type, bill.state, bill.partner_id), ("in_invoice", "draft", self.consignor)
        )
        line = bill.invoice_line_ids
        self.assertEqual(
            (line.product_id, line.quantity, line.price_unit), (self.catheter, 1.0, 350.0)
        )
        self.assertIn("C7", line.name)
        self.assertEqual(line.account_id.account_type, "expense")
        self.assertEqual(bill.amount_untaxed, 350.0)
        # a second use adds a line to the same draft bill; no purchase order is made
        self._use(2)
        self.assertEqual(
            self.env["account.move"].search([("med_edi_backend_id", "=", self.backend.id)]), bill
        )
        self.assertEqual(bill.invoice_line_ids.mapped("quantity"), [1.0, 2.0])
        self.assertEqual(bill.amount_untaxed, 1050.0)
        self.assertFalse(
            self.env["purchase.order"].search([("med_edi_backend_id", "=", self.backend.id)])
        )

    def test_using_a_unit_moves_its_ownership_to_the_hospital(self):
        picking = self._use()
        line = picking.move_line_ids
        self.assertFalse(line.owner_id)
        self.assertEqual(line.med_consignor_id, self.consignor)
        # the used unit at the patient is ours; the consignor keeps the 3 others in stock
        self.assertEqual(self._quantity(self.patient, self.consignor), 0)
        self.assertEqual(self._quantity(self.patient, None), 1)
        self.assertEqual(self._quantity(self.stock_location, self.consignor), 3)
        self.assertEqual(self._quantity(self.stock_location, None), 0)
        # the consignor's reports still count the unit it sold by the use
        stock = self.backend._edi_stock_status_lines()
        self.assertEqual([(row["lot"], row["quantity"]) for row in stock], [("C7", 3.0)])
        tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
        past = self.backend._edi_stock_status_lines(at=tomorrow)
        self.assertEqual([(row["lot"], row["quantity"]) for row in past], [("C7", 3.0)])
        start = datetime.datetime.now() - datetime.timedelta(hours=1)
        usage = self.backend._edi_send_usage_report(start, tomorrow)
        self.assertEqual(usage.state, "generated", usage.problem_ids.mapped("message"))
        self.assertEqual(usage.line_count, 1)
