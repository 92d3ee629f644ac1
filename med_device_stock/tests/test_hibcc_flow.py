"""HIBCC-labelled devices go through receipt and issue like GS1 ones."""

import datetime

from odoo import Command

from medtrace.udi import hibcc_string

from .common import MedDeviceFlowCommon


class TestHibccFlow(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # HIBCC DI: labeler identification code + product/catalogue number + unit of measure
        cls.screw = cls._make_device(
            "Pedicle Screw",
            "",
            implantable=True,
            med_issuing_agency="hibcc",
            med_udi_di_ids=[
                Command.create({"di": "H123PS5501", "packaging_level": "each", "quantity": 1})
            ],
        )
        cls.gauze = cls._make_device(
            "Haemostatic Gauze",
            "",
            med_issuing_agency="hibcc",
            med_udi_di_ids=[
                Command.create({"di": "H123GZ0103", "packaging_level": "box", "quantity": 5})
            ],
        )
        cls.expiry = datetime.date.today() + datetime.timedelta(days=400)

    def test_serial_unit_received_and_issued_by_its_hibcc_code(self):
        raw = hibcc_string(
            "H123", "PS550", uom="1", lot="LOT42", serial="SN0007", expiry=self.expiry
        )
        self.assertTrue(raw.startswith("+H123PS5501/"), raw)
        order = self._make_purchase(self.supplier, [(self.screw, 1)])
        result = self.scan(
            raw,
            "receipt",
            user=self.user_storekeeper,
            purchase_id=order.id,
            certificate_number="CoC-H1",
        )
        self.assertTrue(result["ok"], result["message"])
        lot = self.env["stock.lot"].browse(result["lot_id"])
        self.assertEqual(lot.product_id, self.screw)
        self.assertEqual(lot.name, "SN0007", "a serial-tracked unit is named by its serial")
        self.assertEqual((lot.med_serial, lot.med_mfr_lot), ("SN0007", "LOT42"))
        self.assertEqual(lot.med_di, "H123PS5501")
        self.assertEqual(lot.med_udi_raw, raw)
        self.assertEqual(lot.expiration_date.date(), self.expiry)
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).with_user(
            self.user_storekeeper
        ).action_done()
        self.assertEqual(lot.med_state, "in_stock")

        result = self.scan(
            raw,
            "issue",
            user=self.user_storekeeper,
            department_id=self.cardiology.id,
            requester_id=self.nurse.id,
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["lot_id"], lot.id, "the issue scan finds the received unit")
        self.assertEqual(lot.med_state, "issued")
        self.assertEqual(lot.med_department_id, self.cardiology)
        self.assertEqual(lot.med_location_id, self.cardiology.med_location_id)
        self.assertEqual(lot.med_event_ids.mapped("event_type"), ["issue", "receipt"])

    def test_lot_boxes_received_and_issued_by_their_hibcc_code(self):
        raw = hibcc_string("H123", "GZ010", uom="3", lot="G2405", expiry=self.expiry)
        order = self._make_purchase(self.supplier, [(self.gauze, 10)])
        for _box in range(2):
            result = self.scan(
                raw,
                "receipt",
                user=self.user_storekeeper,
                purchase_id=order.id,
                certificate_number="CoC-H2",
            )
            self.assertTrue(result["ok"], result["message"])
            self.assertEqual(result["quantity"], 5, "a box DI counts the units it holds")
        lot = self.env["stock.lot"].browse(result["lot_id"])
        self.assertEqual((lot.name, lot.med_mfr_lot, lot.med_serial), ("G2405", "G2405", False))
        self.assertEqual(lot.expiration_date.date(), self.expiry)
        self.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).with_user(
            self.user_storekeeper
        ).action_done()
        self.assertEqual(lot.product_qty, 10)

        result = self.scan(
            raw,
            "issue",
            user=self.user_storekeeper,
            department_id=self.cardiology.id,
            requester_id=self.nurse.id,
        )
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(result["lot_id"], lot.id)
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id.usage", "=", "internal")]
        )
        by_location = {q.location_id: q.quantity for q in quants if q.quantity}
        self.assertEqual(
            by_location, {self.stock_location: 5.0, self.cardiology.med_location_id: 5.0}
        )

    def test_unknown_hibcc_labeler_is_refused_by_its_identifier(self):
        raw = hibcc_string("H999", "PS550", uom="1", serial="SN1", expiry=self.expiry)
        order = self._make_purchase(self.supplier, [(self.screw, 1)])
        result = self.scan(
            raw,
            "receipt",
            user=self.user_storekeeper,
            purchase_id=order.id,
            certificate_number="CoC-H3",
        )
        self.assertFalse(result["ok"])
        self.assertIn("H999PS5501", result["message"])
