"""Fixtures and factories shared by the device stock tests (no test methods)."""

from odoo.tests import TransactionCase, new_test_user


class MedDeviceStockCommon(TransactionCase):
    """Base for device stock tests: users of each role and a warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.user_department = cls._make_user(
            "med_dept", "med_device_stock.group_med_department_user"
        )
        cls.user_storekeeper = cls._make_user(
            "med_store", "med_device_stock.group_med_storekeeper"
        )
        cls.user_manager = cls._make_user("med_manager", "med_device_stock.group_med_manager")
        cls.user_plain = cls._make_user("med_plain", "base.group_user")

    @classmethod
    def _make_user(cls, login, groups):
        return new_test_user(cls.env, login=login, groups=groups, company_id=cls.company.id)
