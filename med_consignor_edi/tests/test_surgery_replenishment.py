"""Issue 17: the close-out of a surgery case asks the consignor to replenish the
consignment units it used."""

from odoo.addons.med_device_stock.tests.common import MedSurgeryCaseCommon


class TestSurgeryReplenishment(MedSurgeryCaseCommon):
    """Three stents of consignor A issued to Cardiology (consignment stock) and the
    hospital's own catheters: stents S1 and S2 implanted, S3 unused, a catheter used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consignor = cls._make_supplier("Consignor A Medical")
        cls.backend = cls.env["med.edi.backend"].create(
            {
                "name": "Consignor A",
                "partner_id": cls.consignor.id,
                "consignor_code": "C0001",
                "our_code": "H0001",
            }
        )
        cls.user_buyer = cls._make_user("med_buyer", "purchase.group_purchase_user")

    def _closed_case(self):
        stents, catheters = self._issued_units()
        # the stents are the consignor's stock in the department
        self.env["stock.quant"].sudo().search(
            [("lot_id", "in", stents.ids), ("quantity", ">", 0)]
        ).owner_id = self.consignor
        case = self._case(supplier_rep_name="Rep Zhang")
        for lot in stents | catheters:
            self.assertTrue(self._scan_to_case(case, lot)["ok"])
        case = case.with_user(self.user_department)
        case.action_start()
        outcome = dict(zip(stents, ["implanted", "implanted", "unused"], strict=True))
        for line in case.line_ids:
            line.outcome = outcome.get(line.lot_id, "used")
        case.action_close()
        return case, stents

    def _requests(self, case):
        return self.env["purchase.order"].search([("med_surgery_case_id", "=", case.id)])

    def test_close_out_drafts_a_replenishment_request_to_the_consignor(self):
        case, _stents = self._closed_case()
        self.assertFalse(self.user_department.has_group("purchase.group_purchase_user"))
        request = self._requests(case)
        self.assertEqual(len(request), 1)
        self.assertEqual(
            (request.state, request.partner_id, request.origin, request.med_edi_backend_id),
            ("draft", self.consignor, case.name, self.backend),
        )
        # the consignor's units consumed only: not the unused stent, not our catheter
        self.assertEqual(
            [(ln.product_id, ln.product_qty) for ln in request.order_line], [(self.stent, 2.0)]
        )
        self.assertTrue(
            case.message_ids.filtered(lambda m: request.name in (m.body or "")),
            "the case's chatter names the request",
        )
        self.assertEqual(case.with_user(self.user_buyer).med_replenishment_ids, request)
        self.assertEqual(case.med_replenishment_count, 1)

    def test_the_bill_on_use_line_names_the_case(self):
        case, stents = self._closed_case()
        bought = self.env["purchase.order"].search(
            [("med_edi_backend_id", "=", self.backend.id), ("origin", "=", "consignment-use")]
        )
        self.assertEqual(len(bought.order_line), 2)
        for line in bought.order_line:
            self.assertIn(case.name, line.name)
        self.assertNotIn("ZY20261207001", " ".join(bought.order_line.mapped("name")))
        self.assertNotEqual(bought, self._requests(case))
        self.assertEqual(stents[0].med_state, "used")

    def test_the_buyer_confirms_it_and_its_receipt_is_the_consignor_s_stock(self):
        case, _stents = self._closed_case()
        request = self._requests(case).with_user(self.user_buyer)
        request.button_confirm()
        self.assertEqual(request.state, "purchase")
        receipt = request.sudo().picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.owner_id, self.consignor)
        self.assertEqual(receipt.move_ids.product_uom_qty, 2.0)
        # its receipt confirmation goes to the consignor by EDI like its own orders'
        self.assertEqual(receipt._med_edi_backend(), self.backend)

    def test_no_request_when_the_backend_does_not_ask_for_it(self):
        self.backend.replenish_on_use = False
        case, _stents = self._closed_case()
        self.assertEqual(case.state, "done")
        self.assertFalse(self._requests(case))
