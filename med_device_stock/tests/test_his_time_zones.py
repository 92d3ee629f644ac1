"""Times exchanged with the HIS mean one instant: a HIS writes local time, mostly without
an offset; Odoo stores UTC.  Imports read a time without offset in the importing user's
time zone, and the messages written carry their offset."""

import base64
import json

from medtrace.his import er7

from .common import MedSurgeryCaseCommon

SHANGHAI = "Asia/Shanghai"


class TestHisTimeZones(MedSurgeryCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_storekeeper.tz = SHANGHAI
        cls.user_department.tz = SHANGHAI

    def _import(self, model, name, data, **values):
        wizard = (
            self.env[model]
            .with_user(self.user_storekeeper)
            .create(dict({"file": base64.b64encode(data), "filename": name}, **values))
        )
        wizard.action_import()
        return wizard

    def test_a_booking_at_0830_beijing_time_is_planned_at_0030_utc(self):
        text = (
            "手术申请单号,住院号,手术时间,手术名称\n"
            "SS-TZ-1,ZY-TZ-1,2026-12-08 08:30,冠脉支架植入术\n"
        )
        self._import(
            "med.surgery.booking.import",
            "排程.csv",
            text.encode(),
            department_id=self.cardiology.id,
        )
        case = self.env["med.surgery.case"].search([("his_case_id", "=", "SS-TZ-1")])
        self.assertEqual(str(case.planned_date), "2026-12-08 00:30:00")

    def test_a_time_with_its_offset_is_not_shifted_again(self):
        hl7 = (
            "MSH|^~\\&|HIS|H|OR|H|20261207120000||SIU^S12|TZ2|P|2.5\r"
            "SCH|SS-TZ-2|SS-TZ-2|||||||||^^^20261208083000+0800\r"
            "PID|1||ZY-TZ-2\r"
        )
        self._import(
            "med.surgery.booking.import",
            "tz.hl7",
            hl7.encode(),
            department_id=self.cardiology.id,
        )
        case = self.env["med.surgery.case"].search([("his_case_id", "=", "SS-TZ-2")])
        self.assertEqual(str(case.planned_date), "2026-12-08 00:30:00")

    def test_a_charge_at_1015_beijing_time_is_kept_at_0215_utc(self):
        text = "计费流水号,收费编码,数量,计费时间\nT-TZ-1,HC-1,1,2026-12-07 10:15\n"
        self._import("med.his.charge.import", "charges.csv", text.encode())
        charge = self.env["med.his.charge"].search([("transaction_id", "=", "T-TZ-1")])
        self.assertEqual(str(charge.date), "2026-12-07 02:15:00")

    def test_the_messages_of_a_closed_case_carry_the_offset(self):
        stents, _catheters = self._issued_units()
        case = self._case(planned_date="2026-12-07 00:30:00")
        self.assertTrue(self._scan_to_case(case, stents[0])["ok"])
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids.outcome = "implanted"
        case.action_close()
        message = er7.parse_message(case.his_dft_message)
        self.assertTrue(message.require("MSH").get(7).endswith("+0800"))
        for ft1 in (s for s in message.segments if s.name == "FT1"):
            self.assertTrue(ft1.get(4).endswith("+0800"), ft1.get(4))
        procedure = json.loads(case.his_fhir_bundle)["entry"][-1]["resource"]
        self.assertTrue(procedure["performedPeriod"]["start"].endswith("+08:00"), procedure)
