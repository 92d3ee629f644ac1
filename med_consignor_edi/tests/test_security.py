from .common import ConsignorEdiCommon


class TestSecurity(ConsignorEdiCommon):
    def test_edi_menu_only_for_edi_users(self):
        menu = self.env.ref("med_consignor_edi.menu_edi_root")
        self.assertEqual(menu.parent_id, self.env.ref("med_device_stock.menu_med_root"))
        self.assertTrue(self.user_edi_manager.has_group("med_consignor_edi.group_edi_user"))
        self.assertFalse(self.user_storekeeper.has_group("med_consignor_edi.group_edi_user"))
