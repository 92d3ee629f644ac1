"""A product created from a UDI database record gets a draft registration document."""

from pathlib import Path

from dateutil.relativedelta import relativedelta
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from medtrace.udid import read

from .common import GspQualityCommon

DATA = Path(__file__).resolve().parents[2] / "tests" / "unit" / "data" / "udid"


@tagged("post_install", "-at_install")
class TestUdiQualification(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Record = cls.env["med.udi.record"]
        cls.Record._med_load(read(DATA / "nmpa_full.xml"), "nmpa_full.xml")
        cls.Record._med_load(read(DATA / "gudid_full"), "gudid_full")

    def _create(self, di, source=None):
        record = self.Record._med_find(di, source=source).with_user(self.user_manager)
        action = record.action_med_create_product()
        return self.env["product.template"].browse(action["res_id"])

    def test_registration_certificate_is_a_draft_for_quality(self):
        template = self._create("06970000000017")
        qualification = template.gsp_qualification_ids
        self.assertEqual(len(qualification), 1)
        self.assertEqual(qualification.state, "draft")
        self.assertEqual(qualification.doc_type, "registration_certificate")
        self.assertEqual(qualification.number, "国械注准20243130001")
        self.assertEqual(qualification.device_class, "III")
        self.assertEqual(qualification.holder, "示例医疗器械有限公司")
        self.assertEqual(qualification.classification_code, "13-06-02")
        self.assertFalse(qualification.approved_by_id)
        # completing the product again adds no second document
        self.Record._med_find("06970000000017").with_user(
            self.user_manager
        ).action_med_create_product()
        self.assertEqual(len(template.gsp_qualification_ids), 1)
        # the database gives no validity: quality staff fill it from the document and
        # approve it themselves
        with self.assertRaisesRegex(UserError, "needs its expiry date"):
            qualification.with_user(self.user_quality_officer).action_approve()
        today = fields.Date.today()
        qualification.with_user(self.user_quality_officer).write(
            {"issue_date": today, "expiry_date": today + relativedelta(years=5)}
        )
        qualification.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(qualification.state, "approved")

    def test_filing_number_gives_a_class_i_filing_draft(self):
        template = self._create("06970000000031")
        qualification = template.gsp_qualification_ids
        self.assertEqual(qualification.doc_type, "filing_certificate")
        self.assertEqual(qualification.device_class, "I")
        self.assertEqual(qualification.state, "draft")

    def test_gudid_record_adds_no_chinese_document(self):
        template = self._create("00890000000014", source="gudid")
        self.assertFalse(template.gsp_qualification_ids)
