"""Fixtures and factories shared by the consignor EDI tests (no test methods)."""

from odoo.addons.med_gsp_quality.tests.common import GspQualityCommon


class ConsignorEdiCommon(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_edi = cls._make_user("edi_user", "med_consignor_edi.group_edi_user")
        cls.user_edi_manager = cls._make_user("edi_manager", "med_consignor_edi.group_edi_manager")
