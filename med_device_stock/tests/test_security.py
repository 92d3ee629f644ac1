from odoo.exceptions import AccessError, UserError

from .common import MedDeviceFlowCommon, MedDeviceStockCommon


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
        self.assertFalse(self.user_department.has_group("med_device_stock.group_med_storekeeper"))

    def test_top_menu_only_for_medical_device_users(self):
        root = self.env.ref("med_device_stock.menu_med_root")
        units = self.env.ref("med_device_stock.menu_med_units")
        self.assertIn(root.id, self._visible_menus(self.user_department))
        self.assertNotIn(root.id, self._visible_menus(self.user_plain))
        self.assertNotIn(units.id, self._visible_menus(self.user_plain))

    def test_administrator_holds_the_roles_and_lands_on_the_dashboard(self):
        """As Odoo's own apps do, the administrator is in the suite's manager groups (a
        new database shows the Medical Devices app), and opening the app lands on the
        dashboard, the first entry of its menu that storekeepers see; a nurse, who does
        not see the dashboard, lands on the scan station, her daily screen."""
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("med_device_stock.group_med_manager"))
        root = self.env.ref("med_device_stock.menu_med_root")
        self.assertIn(root.id, self._visible_menus(admin))
        # every entry of the app's menu, whoever reads it; then those each user sees
        entries = root.with_context(**{"ir.ui.menu.full_list": True}).child_id
        visible = self._visible_menus(self.user_storekeeper)
        first = entries.filtered(lambda menu: menu.id in visible).sorted("sequence")[0]
        self.assertEqual(first.action, self.env.ref("med_device_stock.med_kpi_dashboard_action"))
        # department users, who do not see the dashboard, land on the scan station
        visible = self._visible_menus(self.user_department)
        first = entries.filtered(lambda menu: menu.id in visible).sorted("sequence")[0]
        self.assertEqual(first, self.env.ref("med_device_stock.menu_med_scan_station"))


class TestDepartmentSecurity(MedDeviceFlowCommon):
    """What a department user may NOT do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_storekeeper)
        cls.stents = cls._receive_cls()

    @classmethod
    def _receive_cls(cls):
        order = cls._make_purchase(cls.supplier, [(cls.stent, 2)])
        lots = cls.env["stock.lot"]
        for serial in ("S1", "S2"):
            result = cls.env["med.device.scan"].scan(
                cls.udi(cls.stent, serial=serial),
                "receipt",
                {"purchase_id": order.id, "certificate_number": "C1"},
            )
            lots |= lots.browse(result["lot_id"])
        cls.env["med.receipt.check"].search([("purchase_id", "=", order.id)]).action_done()
        return lots

    def test_department_user_sees_only_own_department(self):
        mine, theirs = self.stents
        self._issue(mine, department=self.cardiology)
        self._issue(theirs, department=self.orthopedics)
        Lot = self.env["stock.lot"].with_user(self.user_department)
        self.assertEqual(Lot.search([("product_id", "=", self.stent.id)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_department).read(["name"])
        Issue = self.env["med.device.issue"].with_user(self.user_department)
        self.assertEqual(Issue.search([]).department_id, self.cardiology)
        events = self.env["med.unit.event"].with_user(self.user_department).search([])
        self.assertEqual(events.lot_id, mine)
        self.assertEqual(
            self.env["stock.lot"]
            .with_user(self.user_storekeeper)
            .search([("product_id", "=", self.stent.id)]),
            self.stents,
            "storekeepers see everything",
        )

    def test_department_user_uses_but_cannot_delete_or_tamper(self):
        mine, theirs = self.stents
        self._issue(mine, department=self.cardiology)
        self._issue(theirs, department=self.orthopedics)
        result = self.scan(
            self._raw(mine),
            "use",
            user=self.user_department,
            department_id=self.cardiology.id,
            patient_identifier="MRN-5",
        )
        self.assertTrue(result["ok"], result["message"])
        use = self.env["med.device.use"].browse(result["res_id"])
        self.assertEqual(use.user_id, self.user_department)
        self.assertEqual(mine.med_event_ids.sorted("id")[-1].user_id, self.user_department)
        with self.assertRaises(AccessError):
            use.with_user(self.user_department).unlink()
        with self.assertRaisesRegex(UserError, "cannot be set by hand"):
            mine.with_user(self.user_department).write({"med_state": "in_stock"})
        with self.assertRaises(AccessError):
            self.env["med.unit.event"].with_user(self.user_department).create(
                {
                    "lot_id": mine.id,
                    "event_type": "return",
                }
            )
        result = self.scan(
            self._raw(theirs),
            "use",
            user=self.user_department,
            department_id=self.orthopedics.id,
            patient_identifier="MRN-6",
        )
        self.assertFalse(result["ok"], "another department's unit cannot be used")
        self.assertEqual(theirs.med_state, "issued")

    def test_department_user_cannot_issue_from_the_store(self):
        """A unit in the store, which a storekeeper may issue: refused to a department
        user because the store's units are not hers to see (record rules: unknown to her,
        as a unit that does not exist), not because of the unit's state."""
        (in_store,) = self._receive(self.stent, ["S9"])
        self.assertEqual(in_store.med_state, "in_stock")
        result = self.scan(
            self._raw(in_store),
            "issue",
            user=self.user_department,
            department_id=self.cardiology.id,
        )
        self.assertFalse(result["ok"], "a department user cannot issue from the store")
        self.assertRegex(result["message"], "S9 is unknown")
        issues = self.env["med.device.issue"].search([("line_ids.lot_id", "=", in_store.id)])
        self.assertFalse(issues)
        self.assertEqual(in_store.med_state, "in_stock")
        self.assertTrue(self._issue(in_store)["ok"], "a storekeeper may issue it")

    def test_department_user_cannot_receive_or_configure(self):
        with self.assertRaises(AccessError):
            self.env["med.receipt.check"].with_user(self.user_department).search([])
        with self.assertRaises(AccessError):
            self.env["med.product.di"].with_user(self.user_department).create(
                {
                    "di": "09506000134352",
                    "product_tmpl_id": self.stent.product_tmpl_id.id,
                }
            )
        with self.assertRaises(AccessError):
            self.env["med.device.scrap"].with_user(self.user_department).create(
                {
                    "lot_id": self.stents[0].id,
                    "reason": "x",
                }
            )
