"""Fixtures and factories shared by the GSP quality tests (no test methods)."""

from odoo.addons.med_device_stock.tests.common import MedDeviceStockCommon


class GspQualityCommon(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_quality_officer = cls._make_user(
            "gsp_officer", "med_gsp_quality.group_gsp_quality_officer"
        )
        cls.user_quality_manager = cls._make_user(
            "gsp_manager", "med_gsp_quality.group_gsp_quality_manager"
        )
