from odoo.exceptions import AccessError

from .common import ConsignorEdiCommon


class TestSecurity(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rows = cls._po_rows()
        cls.exchange_a = cls.backend._edi_receive(cls._csv(rows), "purchase_order")
        rows_b = [row.replace("C0001", "C0002") for row in rows]
        cls.exchange_b = cls.backend_b._edi_receive(cls._csv(rows_b), "purchase_order")

    def test_edi_menu_only_for_edi_users(self):
        menu = self.env.ref("med_consignor_edi.menu_edi_root")
        self.assertEqual(menu.parent_id, self.env.ref("med_device_stock.menu_med_root"))
        self.assertTrue(self.user_edi_manager.has_group("med_consignor_edi.group_edi_user"))
        self.assertFalse(self.user_storekeeper.has_group("med_consignor_edi.group_edi_user"))

    def test_consignor_api_user_sees_only_its_own_messages(self):
        Exchange = self.env["med.edi.exchange"].with_user(self.user_api_a)
        self.assertEqual(Exchange.search([]), self.exchange_a)
        with self.assertRaises(AccessError):
            self.exchange_b.with_user(self.user_api_a).read(["state"])
        with self.assertRaises(AccessError):
            self.exchange_b.problem_ids.with_user(self.user_api_a).read(["message"])
        backends = self.env["med.edi.backend"].with_user(self.user_api_b).search([])
        self.assertEqual(backends, self.backend_b)

    def test_consignor_api_user_cannot_reach_other_stock_or_configuration(self):
        with self.assertRaises(AccessError):
            self.backend_b.with_user(self.user_api_a)._edi_check_api_user()
        self.assertTrue(self.backend.with_user(self.user_api_a)._edi_check_api_user())
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user_api_a).write({"api_user_id": self.user_api_b.id})
        with self.assertRaises(AccessError):
            self.env["med.edi.reconciliation"].with_user(self.user_api_a).create(
                {"name": "x", "backend_id": self.backend.id}
            )

    def test_edi_user_reads_and_processes_but_does_not_configure(self):
        backend = self.backend.with_user(self.user_edi)
        self.assertEqual(backend.name, "Consignor A")
        self.assertEqual(len(self._exchanges(user=self.user_edi)), 2)
        with self.assertRaises(AccessError):
            backend.write({"field_mapping": "{}"})
        with self.assertRaises(AccessError):
            self.env["med.edi.backend"].with_user(self.user_edi).create(
                {"name": "x", "partner_id": self.customer.id}
            )
        # an EDI user uploads files: stored and processed
        rows = [row.replace("PO-1", "PO-USER") for row in self._po_rows()]
        exchange = backend._edi_receive(self._csv(rows), "purchase_order")
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        self.assertEqual(exchange.user_id, self.user_edi)

    def test_exchanges_change_only_through_their_actions(self):
        for user in (self.user_edi, self.user_edi_manager, self.user_api_a):
            with self.assertRaises(AccessError):
                self.exchange_a.with_user(user).write({"state": "received"})
            with self.assertRaises(AccessError):
                self.exchange_a.with_user(user).unlink()

    def test_edi_manager_configures_backends(self):
        backend = (
            self.env["med.edi.backend"]
            .with_user(self.user_edi_manager)
            .create({"name": "New consignor", "partner_id": self.customer.id})
        )
        backend.field_mapping = '{"货品ID": "product_code"}'
        self.assertEqual(backend._edi_mapping(), {"货品ID": "product_code"})

    def test_storekeeper_without_edi_role_sees_no_message(self):
        with self.assertRaises(AccessError):
            self.env["med.edi.exchange"].with_user(self.user_storekeeper).search([])
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user_storekeeper).read(["name"])
