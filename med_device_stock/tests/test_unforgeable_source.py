"""Where a document takes its units from is decided by the server, never by a client:
a context value sent over JSON-RPC cannot steer the stock moves of a document."""

from odoo import Command

from .common import MedDeviceFlowCommon


class TestUnforgeableSource(MedDeviceFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)

    def _available(self, lot, location):
        return self.env["stock.quant"]._get_available_quantity(
            lot.product_id, location, lot_id=lot, strict=True
        )

    def test_issue_validated_with_a_forged_source_takes_the_unit_from_the_store(self):
        lot = self._receive(self.catheter, 3, lot="CATH1")
        result = self._issue(lot, department=self.orthopedics)
        self.assertTrue(result["ok"], result["message"])
        orthopedics = self.orthopedics.med_location_id
        self.assertEqual(self._available(lot, orthopedics), 1.0)
        issue = self.env["med.device.issue"].create(
            {
                "operation_type": "issue",
                "department_id": self.cardiology.id,
                "requester_id": self.nurse.id,
                "line_ids": [Command.create({"lot_id": lot.id, "quantity": 1.0})],
            }
        )
        # what a client sends as ``context`` over JSON-RPC
        issue.with_context(med_source_location_id=orthopedics.id).action_done()
        self.assertEqual(issue.state, "done")
        self.assertEqual(issue.picking_ids.location_id, self.stock_location)
        self.assertEqual(self._available(lot, orthopedics), 1.0, "orthopedics keeps its unit")
        self.assertEqual(self._available(lot, self.stock_location), 1.0, "taken from the store")
        self.assertEqual(self._available(lot, self.cardiology.med_location_id), 1.0)

    def test_quarantine_with_a_forged_source_takes_the_unit_from_the_store(self):
        lot = self._receive(self.catheter, 2, lot="CATH1")
        self.assertTrue(self._issue(lot, department=self.orthopedics)["ok"])
        orthopedics = self.orthopedics.med_location_id
        quarantine = self.env["med.device.quarantine"].create(
            {"lot_id": lot.id, "quantity": 1.0, "reason": "Dropped"}
        )
        quarantine.with_context(med_source_location_id=orthopedics.id).action_done()
        self.assertEqual(quarantine.state, "done")
        self.assertEqual(self._available(lot, orthopedics), 1.0, "orthopedics keeps its unit")
        self.assertEqual(self._available(lot, self.stock_location), 0.0, "taken from the store")
        self.assertEqual(self._available(lot, self.company._med_quarantine_location()), 1.0)

    def test_transfer_validated_with_a_forged_event_records_a_plain_move(self):
        """A stock user validating an ordinary transfer over JSON-RPC with a made-up
        ``med_event`` context cannot write the unit's timeline: the move is recorded as
        the transfer it is."""
        (lot,) = self._receive(self.stent, ["FORGE1"])
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": self.warehouse.int_type_id.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.cardiology.med_location_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "forged",
                                "product_id": self.stent.id,
                                "product_uom_qty": 1.0,
                                "product_uom": self.stent.uom_id.id,
                                "location_id": self.stock_location.id,
                                "location_dest_id": self.cardiology.med_location_id.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.lot_id = lot
        picking.move_ids.picked = True
        forged = {
            "event_type": "use",
            "res_model": "med.device.use",
            "res_id": 1,
            "note": "Patient MRN-FORGED",
            "holder_id": self.nurse.id,
        }
        picking.with_context(med_event=forged, skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")
        event = lot.med_event_ids.sorted("id")[-1]
        self.assertEqual(event.event_type, "move")
        self.assertEqual((event.res_model, event.res_id), ("stock.picking", picking.id))
        self.assertFalse(event.note)
        self.assertNotEqual(lot.med_state, "used")
