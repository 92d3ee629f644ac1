from .common import GspQualityCommon


class TestSecurity(GspQualityCommon):
    def test_quality_manager_is_a_quality_officer(self):
        self.assertTrue(
            self.user_quality_manager.has_group("med_gsp_quality.group_gsp_quality_officer")
        )
        self.assertFalse(
            self.user_quality_officer.has_group("med_gsp_quality.group_gsp_quality_manager")
        )

    def test_storekeeper_is_not_quality_staff(self):
        self.assertFalse(
            self.user_storekeeper.has_group("med_gsp_quality.group_gsp_quality_officer")
        )
