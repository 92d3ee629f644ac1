from odoo.addons.med_device_stock.tests.common import MedSurgeryLoanerCommon
from odoo.exceptions import AccessError


class TestSurgeryLoanerBill(MedSurgeryLoanerCommon):
    """A loaner set's supplier with a consignor backend: the implant used in the case is
    bought (bill on use) with the case named, the unused unit goes back, and its API
    user sees its own loaner sets only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_api_a = cls._make_user("loaner_api_a", "med_consignor_edi.group_edi_consignor_api")
        cls.user_api_b = cls._make_user("loaner_api_b", "med_consignor_edi.group_edi_consignor_api")
        cls.spine_supplier = cls._make_supplier("Spine Loaner Co")
        Backend = cls.env["med.edi.backend"]
        cls.backend = Backend.create(
            {
                "name": "Ortho Loaner Co",
                "partner_id": cls.loaner_supplier.id,
                "kind": "consignment_supplier",
                "consignor_code": "L0001",
                "api_user_id": cls.user_api_a.id,
                "channel": "http",
                "bill_on_use": "purchase_order",
            }
        )
        cls.backend_b = Backend.create(
            {
                "name": "Spine Loaner Co",
                "partner_id": cls.spine_supplier.id,
                "kind": "consignment_supplier",
                "consignor_code": "L0002",
                "api_user_id": cls.user_api_b.id,
                "channel": "http",
            }
        )

    def _close(self, case, outcomes):
        case = case.with_user(self.user_department)
        case.action_start()
        for line in case.line_ids:
            line.outcome = outcomes[line.lot_id.name]
        case.line_ids.filtered(lambda ln: ln.outcome == "wasted").waste_reason = "dropped"
        case.supplier_rep_name = "Rep Zhang"
        case.action_close()
        return case

    def test_the_implanted_loaner_unit_is_bought_with_the_case_named(self):
        case = self._case()
        self._receive_loaner(
            case,
            [
                self.udi(self.screw, serial="LB-1"),
                self.udi(self.screw, serial="LB-2"),
                self._by_hand("LB-3"),
            ],
        )
        case = self._close(case, {"LB-1": "implanted", "LB-2": "unused", "LB-3": "wasted"})
        order = self.env["purchase.order"].search([("med_edi_backend_id", "=", self.backend.id)])
        self.assertEqual((order.partner_id, order.state), (self.loaner_supplier, "draft"))
        (line,) = order.order_line
        self.assertEqual((line.product_id, line.product_qty), (self.screw, 1.0))
        self.assertIn("LB-1", line.name)
        self.assertIn(case.name, line.name)
        self.assertNotIn(case.patient_identifier, line.name)
        # bought: the implant at the patient is the hospital's now
        implanted = case.line_ids.filtered(lambda ln: ln.lot_id.name == "LB-1")
        done = implanted.use_id.picking_ids.move_line_ids
        self.assertFalse(done.owner_id)
        self.assertEqual(done.med_consignor_id, self.loaner_supplier)
        # the unused unit went back to the supplier in one return; nothing else is billed
        (back,) = self.env["stock.picking"].search(
            [("origin", "=", case.name), ("location_dest_id.usage", "=", "supplier")]
        )
        self.assertEqual(back.move_line_ids.lot_id.mapped("name"), ["LB-2"])
        self.assertEqual(back.state, "done")

    def test_a_consignor_api_user_sees_only_its_own_loaner_sets(self):
        case = self._case()
        own = self._receive_loaner(case, [self.udi(self.screw, serial="LB-10")])
        other = self._receive_loaner(
            case, [self._by_hand("LB-11")], user=self.user_storekeeper, partner=self.spine_supplier
        )
        Loaner = self.env["med.surgery.loaner.set"]
        self.assertEqual(Loaner.with_user(self.user_api_a).search([]), own)
        self.assertEqual(Loaner.with_user(self.user_api_b).search([]), other)
        self.assertEqual(own.with_user(self.user_api_a).picking_id, own.picking_id)
        with self.assertRaisesRegex(AccessError, "med.surgery.loaner.set"):
            other.with_user(self.user_api_a).read(["picking_id"])
        # nothing of the case itself (the patient) reaches the consignor
        with self.assertRaisesRegex(AccessError, "med.surgery.case"):
            case.with_user(self.user_api_a).read(["patient_identifier"])
