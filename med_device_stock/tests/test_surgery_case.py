import base64
import json
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from medtrace.his import er7
from medtrace.his.errors import MESSAGES as HIS_TEMPLATES

from ..models.med_his_messages import HIS_MESSAGES
from .common import MedSurgeryCaseCommon

HIS_SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "his"


class TestSurgeryCase(MedSurgeryCaseCommon):
    def test_close_out_records_uses_implants_and_store_drafts(self):
        case, stents, catheters = self._closed_case()
        self.assertEqual(case.state, "done")
        self.assertEqual(case.nurse_confirm_user_id, self.user_department)
        uses = case.use_ids
        self.assertEqual(uses.lot_id, stents[0] | catheters)
        self.assertEqual(set(uses.mapped("state")), {"done"})
        self.assertEqual(set(uses.mapped("surgery_ref")), {case.name})
        self.assertEqual(set(uses.mapped("patient_identifier")), {"ZY20261207001"})
        self.assertEqual(stents[0].med_state, "used")
        (implant,) = case.implant_ids
        self.assertEqual(implant.lot_id, stents[0])
        self.assertEqual(implant.serial, "SC-S1")
        self.assertEqual(implant.patient_identifier, "ZY20261207001")
        self.assertEqual(implant.registration_number, "国械注准20233130001")
        self.assertEqual(implant.supplier_id, self.supplier)
        self.assertIn("(21)SC-S1", implant.udi)
        # the store's part waits for a storekeeper: the unused stent back, the wasted one
        # to quarantine
        self.assertEqual(case.return_id.state, "draft")
        self.assertEqual(case.return_id.operation_type, "return")
        self.assertEqual(case.return_id.line_ids.lot_id, stents[1])
        (quarantine,) = case.quarantine_ids
        self.assertEqual((quarantine.lot_id, quarantine.state), (stents[2], "draft"))
        self.assertIn(case.name, quarantine.reason)
        self.assertIn("dropped", quarantine.reason)
        self.assertEqual(stents[1].med_state, "issued")

    def test_close_out_writes_the_his_messages(self):
        case, stents, _catheters = self._closed_case()
        message = er7.parse_message(case.his_dft_message)
        self.assertEqual(message.type, "DFT^P03")
        self.assertEqual(message.require("PID").get(3), "ZY20261207001")
        charges = [s for s in message.segments if s.name == "FT1"]
        # the implant and the catheter are charged; unused and wasted are not
        self.assertEqual(len(charges), 2)
        self.assertIn("SC-S1", case.his_dft_message)
        self.assertNotIn("SC-S2", case.his_dft_message)
        bundle = json.loads(case.his_fhir_bundle)
        kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
        self.assertEqual(kinds, ["Device", "Device", "Procedure"])
        self.assertEqual(bundle["entry"][0]["resource"]["serialNumber"], "SC-S1")
        try:
            from hl7apy.consts import VALIDATION_LEVEL
            from hl7apy.parser import parse_message
        except ImportError:  # pragma: no cover - the venv has it (requirements.txt)
            return
        strict = parse_message(
            case.his_dft_message, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True
        )
        self.assertTrue(strict.validate())

    def test_patient_implant_card_lists_each_implant_with_its_udi(self):
        case, _stents, _catheters = self._closed_case()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("med_device_stock.med_implant_card", case.ids)[0]
            .decode()
        )
        self.assertIn("ZY20261207001", html)
        self.assertIn("SC-S1", html)
        self.assertIn(case.implant_ids.udi, html)
        self.assertIn("data:image/png;base64,", html)
        self.assertNotIn("SC-S2", html)

    def test_close_out_needs_every_outcome_and_a_waste_reason(self):
        stents, _catheters = self._issued_units()
        case = self._case()
        for lot in stents[:2]:
            self._scan_to_case(case, lot)
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids[1].outcome = "wasted"
        with self.assertRaisesRegex(UserError, "SC-S1: say whether it was implanted") as caught:
            case.action_close()
        self.assertIn("SC-S2 was opened and wasted: give the reason", str(caught.exception))
        self.assertEqual(case.state, "in_progress")
        self.assertFalse(self.env["med.device.use"].search([("surgery_ref", "=", case.name)]))

    def test_a_unit_quarantined_since_it_was_listed_is_refused_and_nothing_is_written(self):
        stents, _catheters = self._issued_units()
        case = self._case()
        self._scan_to_case(case, stents[0])
        self._scan_to_case(case, stents[1])
        result = self.scan(self._raw(stents[1]), "quarantine", reason="Damaged packaging")
        self.assertTrue(result["ok"], result["message"])
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids.outcome = "implanted"
        with self.assertRaisesRegex(
            UserError, r"SC-S2.*cannot be recorded as used on the patient: .*in quarantine"
        ):
            case.action_close()
        self.assertEqual(case.state, "in_progress")
        self.assertEqual(stents[0].med_state, "issued")
        self.assertFalse(case.implant_ids)

    def test_scans_refuse_units_not_held_by_the_case_department(self):
        in_store = self._receive(self.stent, ["SC-S9"])
        case = self._case()
        # the nurse does not even know the units of the store (record rules)
        result = self._scan_to_case(case, in_store)
        self.assertFalse(result["ok"])
        self.assertIn("SC-S9 is unknown", result["message"])
        # the storekeeper knows it, and is told where it is
        result = self._scan_to_case(case, in_store, user=self.user_storekeeper)
        self.assertFalse(result["ok"])
        self.assertIn("expects it Issued", result["message"])
        stents, _catheters = self._issued_units()
        self.assertTrue(self._scan_to_case(case, stents[0])["ok"])
        again = self._scan_to_case(case, stents[0])
        self.assertFalse(again["ok"])
        self.assertIn(f"SC-S1 is already on {case.name}", again["message"])
        self.assertEqual(len(case.line_ids), 1)

    def test_a_unit_entered_by_hand_is_checked_as_a_scan(self):
        in_store = self._receive(self.stent, ["SC-S8"])
        case = self._case()
        with self.assertRaisesRegex(UserError, "expects it Issued"):
            self.env["med.surgery.case.line"].with_user(self.user_department).create(
                {"case_id": case.id, "lot_id": in_store.id}
            )

    def test_a_unit_issued_to_the_theatre_is_listed_by_hand(self):
        """The nurse adds a unit on the case form (its label unreadable): accepted like a
        scan, and a second line of the same unit is refused."""
        stents, _catheters = self._issued_units()
        case = self._case()
        Line = self.env["med.surgery.case.line"].with_user(self.user_department)
        line = Line.create({"case_id": case.id, "lot_id": stents[0].id})
        self.assertEqual(case.line_ids, line)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Line.create({"case_id": case.id, "lot_id": stents[0].id})

    def test_a_nurse_of_another_department_sees_no_case(self):
        case = self._case()
        Case = self.env["med.surgery.case"].with_user(self.user_ortho_nurse)
        self.assertFalse(Case.search([("id", "=", case.id)]))
        with self.assertRaises(AccessError):
            Case.browse(case.id).read(["patient_identifier"])
        with self.assertRaises(AccessError):
            self._case(user=self.user_ortho_nurse)

    def test_closed_case_and_its_implant_records_are_final(self):
        case, _stents, _catheters = self._closed_case()
        with self.assertRaisesRegex(UserError, "it is final and Patient ID cannot be changed"):
            case.write({"patient_identifier": "OTHER"})
        with self.assertRaisesRegex(UserError, "its devices cannot change any more"):
            case.line_ids[0].outcome = "unused"
        with self.assertRaisesRegex(UserError, "its devices cannot change any more"):
            case.line_ids[0].unlink()
        implant = case.implant_ids.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "is the record of an implant: it is never changed"):
            implant.sudo().write({"serial": "FORGED"})
        with self.assertRaisesRegex(UserError, "Implant records are never deleted"):
            implant.sudo().unlink()
        with self.assertRaisesRegex(UserError, "written by the close-out of a surgery case"):
            self.env["med.implant.record"].sudo().create(
                {
                    "company_id": self.company.id,
                    "case_id": case.id,
                    "patient_identifier": "X",
                    "date_implant": case.date_done,
                    "lot_id": implant.lot_id.id,
                    "product_id": implant.product_id.id,
                }
            )

    def test_system_fields_are_not_written_by_users(self):
        case = self._case().with_user(self.user_department)
        with self.assertRaisesRegex(UserError, "are set by the system and cannot be changed"):
            case.write({"his_dft_message": "MSH|forged"})
        with self.assertRaisesRegex(UserError, "are set by the system and cannot be changed"):
            case.write({"nurse_confirm_user_id": self.user_manager.id})
        with self.assertRaisesRegex(UserError, "the state Closed is reached through"):
            case.write({"state": "done"})

    def test_his_templates_are_listed_for_translation(self):
        self.assertEqual(set(HIS_MESSAGES), set(HIS_TEMPLATES))
        for code, template in HIS_TEMPLATES.items():
            self.assertEqual(HIS_MESSAGES[code]._source, template, code)


class TestSurgeryBookingImport(MedSurgeryCaseCommon):
    def _import(self, name, data, user=None):
        wizard = (
            self.env["med.surgery.booking.import"]
            .with_user(user or self.user_storekeeper)
            .create(
                {
                    "file": base64.b64encode(data),
                    "filename": name,
                    "department_id": self.cardiology.id,
                }
            )
        )
        wizard.action_import()
        return wizard

    def test_hl7_bookings_of_another_system_plan_and_cancel_a_case(self):
        """Microsoft FHIR Converter's sample SIU messages (tests/data/his/SOURCES.md)."""
        data = (HIS_SAMPLES / "msfhirconv_SIU-S12-01.hl7").read_bytes()
        wizard = self._import("SIU-S12-01.hl7", data)
        self.assertIn("1 cases planned", wizard.summary)
        case = self.env["med.surgery.case"].search([("his_case_id", "=", "12345")])
        self.assertEqual(case.patient_identifier, "PATID1234")
        self.assertEqual(case.procedure_name, "Biopsy of colon (procedure)")
        self.assertEqual(case.operating_room, "055 Room01")
        self.assertEqual(str(case.planned_date), "2021-09-24 07:15:00")
        self.assertEqual(case.state, "draft")
        self.assertTrue(
            self.env["ir.attachment"].search(
                [("res_model", "=", case._name), ("res_id", "=", case.id)]
            )
        )
        changed = (HIS_SAMPLES / "msfhirconv_SIU-S14-01.hl7").read_bytes()
        self._import("SIU-S14-01.hl7", changed)
        self.assertEqual(case.operating_room, "055 Room02")
        cancel = (HIS_SAMPLES / "msfhirconv_SIU-S15-01.hl7").read_bytes()
        wizard = self._import("SIU-S15-01.hl7", cancel)
        self.assertEqual(case.state, "cancel")
        self.assertIn("1 cancelled", wizard.summary)

    def test_csv_bookings_in_gb18030(self):
        text = (
            "手术申请单号,住院号,手术时间,手术名称,手术间,主刀医生\n"
            "SS-889,ZY20261207001,2026-12-08 08:30,冠脉支架植入术,OR-3,Dr Wang\n"
            "SS-890,,2026-12-08 13:00,膝关节置换术,OR-2,李医生\n"
        )
        wizard = self._import("排程.csv", text.encode("gb18030"))
        case = self.env["med.surgery.case"].search([("his_case_id", "=", "SS-889")])
        self.assertEqual(case.procedure_name, "冠脉支架植入术")
        self.assertEqual(case.surgeon_id, self.surgeon)
        self.assertIn("SS-890 (row 3) has no patient identifier: not imported", wizard.summary)

    def test_a_file_that_is_not_a_booking_is_refused_by_name(self):
        with self.assertRaisesRegex(UserError, r"bad\.hl7: The message is ADT\^A01"):
            self._import("bad.hl7", b"MSH|^~\\&|A||B||20261207||ADT^A01|1|P|2.5\rPID|1\r")
        with self.assertRaisesRegex(UserError, "has no 手术申请单号 / 手术单号 column"):
            self._import("bad.csv", "名称\nx\n".encode())

    def test_a_nurse_cannot_import_bookings(self):
        with self.assertRaises(AccessError):
            self._import("SIU.hl7", b"MSH|", user=self.user_department)
