"""Warehouses receiving in two or three steps: a unit accepted at receipt waits in the
input (and quality control) location until it is put away; it cannot be issued or lent
from there, and Odoo's own put-away transfers bring it to stock."""

from .common import MedDeviceFlowCommon


class TestMultiStepReceipt(MedDeviceFlowCommon):
    def _next_transfer(self, lots):
        """The open transfer that takes ``lots`` on from where they are."""
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", lots.ids), ("state", "not in", ("done", "cancel"))]
        )
        self.assertEqual(len(lines.picking_id), 1, lines.picking_id.mapped("name"))
        return lines.picking_id

    def _validate(self, picking):
        picking = picking.with_user(self.user_storekeeper)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_two_steps_issue_waits_for_put_away(self):
        self.warehouse.sudo().reception_steps = "two_steps"
        stent = self._receive(self.stent, ["T1"], lot="MFRT")
        self.assertEqual(stent.med_location_id, self.warehouse.wh_input_stock_loc_id)
        storage = self._next_transfer(stent)
        result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn("still being received", result["message"])
        self.assertIn(storage.name, result["message"])
        self.assertIn(self.warehouse.wh_input_stock_loc_id.display_name, result["message"])
        self.assertEqual(
            stent.med_location_id,
            self.warehouse.wh_input_stock_loc_id,
            "the refused scan wrote nothing",
        )
        self.assertFalse(self._issue(stent, operation="borrow")["ok"])
        self._validate(storage)
        self.assertEqual(
            (stent.med_state, stent.med_location_id), ("in_stock", self.stock_location)
        )
        self.assertEqual(stent.med_event_ids[:1].location_id, self.stock_location)
        self.assertTrue(self._issue(stent)["ok"])
        self.assertEqual(stent.med_state, "issued")

    def test_three_steps_quality_control_is_reception_too(self):
        self.warehouse.sudo().reception_steps = "three_steps"
        stent = self._receive(self.stent, ["Q1"], lot="MFRQ")
        self._validate(self._next_transfer(stent))  # input -> quality control
        self.assertEqual(stent.med_location_id, self.warehouse.wh_qc_stock_loc_id)
        result = self._issue(stent)
        self.assertFalse(result["ok"])
        self.assertIn(self.warehouse.wh_qc_stock_loc_id.display_name, result["message"])
        self._validate(self._next_transfer(stent))  # quality control -> stock
        self.assertTrue(self._issue(stent)["ok"])

    def test_lot_is_issued_from_what_was_put_away(self):
        self.warehouse.sudo().reception_steps = "two_steps"
        first = self._receive(self.catheter, 3, lot="CATH9")
        self.assertFalse(self._issue(first)["ok"], "all three still in input")
        self._validate(self._next_transfer(first))
        second = self._receive(self.catheter, 2, lot="CATH9")
        self.assertEqual(first, second, "the same lot")
        # three put away, two more waiting in input: three may leave the store, one by one
        for _index in range(3):
            result = self._issue(first)
            self.assertTrue(result["ok"], result["message"])
        issued = first.med_event_ids.filtered(lambda e: e.event_type == "issue")
        self.assertEqual(issued.location_src_id, self.stock_location)
        result = self._issue(first)
        self.assertFalse(result["ok"])
        self.assertIn("still being received", result["message"])

    def test_damaged_on_arrival_goes_to_quarantine_from_input(self):
        self.warehouse.sudo().reception_steps = "two_steps"
        stent = self._receive(self.stent, ["D1"], lot="MFRD")
        result = self.scan(self._raw(stent), "quarantine", reason="Crushed box")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(stent.med_state, "quarantined")
