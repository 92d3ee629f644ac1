from .common import MedDeviceStockCommon


class TestSecurity(MedDeviceStockCommon):
    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_roles_are_nested(self):
        """A manager can do what a storekeeper can, who can do what a department user can."""
        self.assertTrue(self.user_manager.has_group("med_device_stock.group_med_storekeeper"))
        self.assertTrue(self.user_manager.has_group("med_device_stock.group_med_department_user"))
        self.assertTrue(
            self.user_storekeeper.has_group("med_device_stock.group_med_department_user")
        )
        self.assertFalse(self.user_storekeeper.has_group("med_device_stock.group_med_manager"))
        self.assertFalse(
            self.user_department.has_group("med_device_stock.group_med_storekeeper")
        )

    def test_top_menu_only_for_medical_device_users(self):
        root = self.env.ref("med_device_stock.menu_med_root")
        units = self.env.ref("med_device_stock.menu_med_units")
        self.assertIn(root.id, self._visible_menus(self.user_department))
        self.assertNotIn(root.id, self._visible_menus(self.user_plain))
        self.assertNotIn(units.id, self._visible_menus(self.user_plain))
