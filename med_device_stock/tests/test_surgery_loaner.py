import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import MedSurgeryLoanerCommon


class TestSurgeryLoaner(MedSurgeryLoanerCommon):
    def test_loaner_set_from_receipt_to_close_out(self):
        stents, _catheters = self._issued_units()
        case = self._case()
        self.assertTrue(self._scan_to_case(case, stents[0])["ok"])
        # the representative's set: two screws scanned, one without UDI typed in
        loaner = self._receive_loaner(
            case,
            [
                self.udi(self.screw, serial="LS-1"),
                self.udi(self.screw, serial="LS-2"),
                self._by_hand("LS-3"),
            ],
        )
        ls1, ls2, ls3 = self._lot("LS-1"), self._lot("LS-2"), self._lot("LS-3")
        department_store = self.cardiology.med_location_id
        receipt = loaner.picking_id
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.partner_id, self.loaner_supplier)
        self.assertEqual(receipt.location_dest_id, department_store)
        self.assertEqual(loaner.check_id.state, "done")
        for lot in ls1 | ls2 | ls3:
            (quant,) = self._internal_quants(lot)
            self.assertEqual(
                (quant.location_id, quant.owner_id), (department_store, self.loaner_supplier)
            )
            self.assertEqual((lot.med_state, lot.med_department_id), ("issued", self.cardiology))
            event = lot.med_event_ids.filtered(lambda e: e.event_type == "loaner_receipt")
            self.assertEqual(event.partner_id, self.loaner_supplier)
            self.assertIn(case.name, event.note)
        self.assertEqual(ls3.med_serial, "LS-3")
        self.assertFalse(ls3.med_udi_raw)
        self.assertTrue(ls1.med_udi_raw)
        lines = case.line_ids.filtered("loaner_set_id")
        self.assertEqual(lines.lot_id, ls1 | ls2 | ls3)
        self.assertEqual(lines.loaner_partner_id, self.loaner_supplier)
        self.assertEqual(lines.owner_id, self.loaner_supplier)
        # the unit without UDI gets the hospital's internal label, printed from the case
        self.assertEqual(case._med_internal_label_units().lot_id, ls3)
        action = case.with_user(self.user_department).action_print_internal_labels()
        self.assertEqual(action["report_name"], "med_device_stock.stock_lot_label_template")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("med_device_stock.stock_lot_label_template", ls3.ids)[0]
            .decode()
        )
        self.assertIn("(21)LS-3", html)
        self.assertIn("data:image/png;base64,", html)

        case = case.with_user(self.user_department)
        case.action_start()
        outcome = {ls1: "implanted", ls2: "unused", ls3: "wasted", stents[0]: "unused"}
        for line in case.line_ids:
            line.outcome = outcome[line.lot_id]
        case.line_ids.filtered(lambda ln: ln.lot_id == ls3).waste_reason = "dropped"
        with self.assertRaisesRegex(
            UserError, "Units of Ortho Loaner Co are in the case: their representative confirms"
        ):
            case.action_close()
        case.supplier_rep_name = "Rep Zhang"
        case.action_close()
        self.assertEqual(case.state, "done")
        # one return to the supplier, done, holding only the unused loaner unit
        returns = self.env["stock.picking"].search(
            [("origin", "=", case.name), ("location_dest_id.usage", "=", "supplier")]
        )
        self.assertEqual(len(returns), 1)
        self.assertEqual(loaner.return_picking_id, returns)
        self.assertEqual((returns.state, returns.partner_id), ("done", self.loaner_supplier))
        self.assertEqual(returns.picking_type_id.code, "outgoing")
        self.assertEqual(returns.move_line_ids.lot_id, ls2)
        self.assertEqual(returns.move_line_ids.owner_id, self.loaner_supplier)
        self.assertFalse(self._internal_quants(ls2))
        self.assertEqual(ls2.med_state, "returned_supplier")
        event = ls2.med_event_ids.filtered(lambda e: e.event_type == "return_supplier")
        self.assertIn(case.name, event.note)
        # the hospital's own unused stent goes back to the store, as before
        self.assertEqual(case.return_id.line_ids.lot_id, stents[0])
        # the implant is used on the patient, its supplier recorded; the wasted unit waits
        # for quarantine
        self.assertEqual(ls1.med_state, "used")
        self.assertEqual(case.implant_ids.lot_id, ls1)
        self.assertEqual(case.implant_ids.supplier_id, self.loaner_supplier)
        self.assertFalse(self._internal_quants(ls1))
        (quarantine,) = case.quarantine_ids
        self.assertEqual((quarantine.lot_id, quarantine.state), (ls3, "draft"))

    def test_a_unit_returned_to_its_supplier_comes_again_in_a_later_set(self):
        case = self._case()
        self._receive_loaner(case, [self.udi(self.screw, serial="LS-5")])
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids.outcome = "unused"
        case.supplier_rep_name = "Rep Zhang"
        case.action_close()
        self.assertEqual(self._lot("LS-5").med_state, "returned_supplier")
        later = self._case(patient_identifier="ZY20261207002")
        loaner = self._receive_loaner(later, [self.udi(self.screw, serial="LS-5")])
        self.assertEqual(loaner.line_ids.lot_id, self._lot("LS-5"))
        self.assertEqual(self._lot("LS-5").med_state, "issued")

    def test_storekeeper_receives_a_second_supplier_set(self):
        other = self._make_supplier("Spine Loaner Co")
        case = self._case()
        first = self._receive_loaner(case, [self.udi(self.screw, serial="LS-11")])
        second = self._receive_loaner(
            case, [self._by_hand("LS-12")], user=self.user_storekeeper, partner=other
        )
        self.assertEqual(case.loaner_set_ids, first | second)
        self.assertEqual(second.line_ids.owner_id, other)
        self.assertEqual(second.user_id, self.user_storekeeper)
        self.assertNotEqual(first.picking_id, second.picking_id)

    # ------------------------------------------------------------------ refusals
    def test_an_expired_unit_is_refused_and_nothing_is_received(self):
        case = self._case()
        expired = self.udi(
            self.screw, serial="LS-X", expiry=fields.Date.today() - datetime.timedelta(days=1)
        )
        with self.assertRaisesRegex(
            UserError, r"Bone Screw unit LS-X expired on .*: an expired unit is not received"
        ):
            self._receive_loaner(case, [self.udi(self.screw, serial="LS-20"), expired])
        self.assertFalse(case.loaner_set_ids)
        self.assertFalse(case.line_ids)
        self.assertFalse(self._lot("LS-20"))
        self.assertFalse(self.env["stock.picking"].search([("origin", "=", case.name)]))

    def test_a_unit_already_in_the_hospital_is_refused(self):
        self._receive(self.screw, ["LS-9"])
        case = self._case()
        with self.assertRaisesRegex(
            UserError, r"Bone Screw unit LS-9 is already in the hospital \(In Stock at"
        ):
            self._receive_loaner(case, [self.udi(self.screw, serial="LS-9")])
        with self.assertRaisesRegex(UserError, "Bone Screw unit LS-9 is already in the hospital"):
            self._receive_loaner(case, [self._by_hand("LS-9")], user=self.user_storekeeper)
        self.assertFalse(case.loaner_set_ids)

    def test_a_recalled_unit_is_refused(self):
        recall = (
            self.env["med.recall"]
            .with_user(self.user_manager)
            .create({"reason": "Thread defect", "product_id": self.screw.id, "serials": "LS-R"})
        )
        self._receive(self.screw, ["LS-Q"])  # the recall concerns a unit of the hospital
        recall.serials = "LS-R,LS-Q"
        recall.action_open()
        case = self._case()
        with self.assertRaisesRegex(UserError, r"LS-R is under recall .*: it is not received"):
            self._receive_loaner(case, [self.udi(self.screw, serial="LS-R")])
        self.assertFalse(case.loaner_set_ids)

    def test_a_product_without_device_identifier_cannot_be_labelled(self):
        template = self.screw.product_tmpl_id.copy({"name": "Unlabelled Plate"})
        template.med_udi_di_ids.unlink()
        case = self._case()
        with self.assertRaisesRegex(
            UserError, "Unlabelled Plate has no UDI device identifier: give it one"
        ):
            self._receive_loaner(
                case,
                [
                    {
                        "product_id": template.product_variant_id.id,
                        "serial": "P-1",
                        "expiry_date": fields.Date.today() + datetime.timedelta(days=400),
                    }
                ],
            )

    def test_who_may_receive_a_loaner_set(self):
        case = self._case()
        # a nurse of another department does not reach the case
        with self.assertRaisesRegex(AccessError, "Surgery Case"):
            self._receive_loaner(
                case, [self.udi(self.screw, serial="LS-30")], user=self.user_ortho_nurse
            )
        # a user without a device role may not even open the wizard
        with self.assertRaisesRegex(AccessError, "med.surgery.loaner.wizard"):
            self._receive_loaner(case, [self.udi(self.screw, serial="LS-30")], user=self.user_plain)
        self.assertFalse(case.loaner_set_ids)
        # a closed case receives nothing
        case.with_user(self.user_department).action_cancel()
        with self.assertRaisesRegex(UserError, "its devices cannot change any more"):
            self._receive_loaner(case, [self.udi(self.screw, serial="LS-30")])

    def test_loaner_sets_are_seen_as_their_cases_and_never_changed(self):
        case = self._case()
        loaner = self._receive_loaner(case, [self.udi(self.screw, serial="LS-40")])
        Loaner = self.env["med.surgery.loaner.set"]
        self.assertEqual(Loaner.with_user(self.user_department).search([]), loaner)
        self.assertIn(loaner, Loaner.with_user(self.user_storekeeper).search([]))
        self.assertFalse(Loaner.with_user(self.user_ortho_nurse).search([]))
        with self.assertRaisesRegex(UserError, "it is not changed by hand"):
            loaner.with_user(self.user_department).write({"partner_id": False})
        with self.assertRaisesRegex(UserError, "it is not changed by hand"):
            loaner.with_user(self.user_manager).sudo().write({"name": "Forged"})
        with self.assertRaisesRegex(UserError, "recorded by Receive Loaner Set"):
            Loaner.sudo().create(
                {"name": "x", "case_id": case.id, "partner_id": self.loaner_supplier.id}
            )
        line = case.line_ids.with_user(self.user_department)
        with self.assertRaisesRegex(UserError, "Loaner Set of a surgery case's device are set"):
            line.write({"loaner_set_id": False})
