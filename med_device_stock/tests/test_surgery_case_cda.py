import base64
import xml.etree.ElementTree as ET

from odoo.exceptions import AccessError, UserError

from .common import MedSurgeryCaseCommon

NS = {"v3": "urn:hl7-org:v3"}


class TestSurgeryCaseCda(MedSurgeryCaseCommon):
    """The 高值耗材使用记录 CDA document (C0022) downloaded from a closed case."""

    def _download(self, action):
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        self.assertTrue(action["url"].endswith("?download=true"))
        attachment = self.env["ir.attachment"].browse(attachment_id)
        return attachment, base64.b64decode(attachment.datas)

    def test_closed_case_downloads_its_c0022_document(self):
        case, stents, catheters = self._closed_case()
        action = case.with_user(self.user_department).action_export_cda()
        attachment, content = self._download(action)
        self.assertEqual(attachment.name, case.name.replace("/", "-") + "-C0022.xml")
        # (Odoo stores XML written for a user who may not edit views as text/plain)
        self.assertIn(attachment.mimetype, ("application/xml", "text/plain"))
        doc = ET.fromstring(content)
        self.assertEqual(doc.find("v3:code", NS).get("code"), "C0022")
        self.assertEqual(doc.find("v3:id", NS).get("extension"), case.name)
        patient_id = doc.find("v3:recordTarget/v3:patientRole/v3:id", NS)
        self.assertEqual(patient_id.get("extension"), "ZY20261207001")
        self.assertEqual(
            doc.find("v3:recordTarget/v3:patientRole/v3:patient/v3:name", NS).get("nullFlavor"),
            "NI",
        )
        author = doc.find("v3:author/v3:assignedAuthor", NS)
        self.assertEqual(author.find("v3:id", NS).get("extension"), self.user_department.login)
        entries = doc.findall(".//v3:substanceAdministration", NS)
        lots = [e.findtext(".//v3:lotNumberText", namespaces=NS) for e in entries]
        self.assertEqual(sorted(lots), sorted([stents[0].med_mfr_lot, catheters.med_mfr_lot]))
        (implant,) = [
            e
            for e in entries
            if e.findtext(".//v3:lotNumberText", namespaces=NS) == stents[0].med_mfr_lot
        ]
        values = {
            (
                obs.find("v3:code", NS).get("code")
                or obs.findtext("v3:code/v3:originalText", namespaces=NS)
            ): obs.find("v3:value", NS)
            for obs in implant.findall("v3:entryRelationship/v3:observation", NS)
        }
        self.assertEqual(values["DE08.50.058.00"].get("value"), "true")
        self.assertEqual(values["医疗器械唯一标识 UDI"].text, case._med_unit_udi(stents[0]))
        self.assertIn(stents[0].med_serial, values["医疗器械唯一标识 UDI"].text)
        self.assertEqual(values["序列号"].text, stents[0].med_serial)
        # the unused and the wasted stents are not in the record
        for lot in stents[1:]:
            self.assertNotIn(lot.med_serial.encode(), content)

    def test_an_open_case_is_refused(self):
        self._issued_units()
        case = self._case()
        with self.assertRaisesRegex(
            UserError, rf"{case.name} is Planned: only a closed case has a High-Value"
        ):
            case.with_user(self.user_department).action_export_cda()

    def test_a_nurse_of_another_department_cannot_export(self):
        case, _stents, _catheters = self._closed_case()
        with self.assertRaisesRegex(AccessError, "Surgery Case"):
            case.with_user(self.user_ortho_nurse).action_export_cda()
