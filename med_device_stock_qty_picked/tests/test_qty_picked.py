"""Receipt scans with OCA stock_move_line_qty_picked installed."""

from odoo.addons.med_device_stock.tests.common import MedDeviceFlowCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestQtyPicked(MedDeviceFlowCommon):
    def test_a_lot_scanned_again_is_received_whole(self):
        """20 single-unit scans of one lot: the move line's picked quantity is 20, and
        validating the receipt takes in 20 (it took in 1 before this addon)."""
        lots = self._receive(self.catheter, 20, lot="CATH-QP")
        self.assertEqual(len(lots), 1)
        move_line = self.env["stock.move.line"].search([("lot_id", "=", lots.id)])
        self.assertEqual((move_line.quantity, move_line.qty_picked), (20.0, 20.0))
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.catheter, self.stock_location, lot_id=lots
            ),
            20.0,
        )

    def test_cancelled_scans_take_their_picked_quantity_off(self):
        order = self._make_purchase(self.supplier, [(self.catheter, 3)])
        for _index in range(3):
            result = self.scan(
                self.udi(self.catheter, lot="CATH-QC"),
                "receipt",
                purchase_id=order.id,
                certificate_number="CoC-001",
            )
            self.assertTrue(result["ok"], result["message"])
        check = self.env["med.receipt.check"].search([("purchase_id", "=", order.id)])
        move_line = check.picking_id.move_ids.move_line_ids.filtered("lot_id")
        self.assertEqual((move_line.quantity, move_line.qty_picked), (3.0, 3.0))
        check.line_ids[:1]._med_unassign_move_line()
        self.assertEqual((move_line.quantity, move_line.qty_picked), (2.0, 2.0))
