from odoo.exceptions import AccessError, UserError

from .common import ID_NUMBER, USCC, GspQualityCommon

LICENCE = "device_trading_licence"


class TestScopeParsing(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_07 = cls.env.ref("med_gsp_quality.gsp_device_category_07")
        cls.cat_13_04 = cls.env["gsp.device.category"].search([("code", "=", "13-04")])
        cls.cat_14_01 = cls.env["gsp.device.category"].search([("code", "=", "14-01")])
        cls.hip_stem, _cert = cls._regulated_product()  # Class III, 13-04-01
        cls.infusion_pump, _cert = cls._regulated_product(
            name="Infusion Pump",
            number="国械注准20153140735",
            code="14-02-01",
        )
        cls.ct_scanner, _cert = cls._regulated_product(
            name="CT Scanner",
            number="国械注准20153060735",
            code="06-01-01",
        )

    def _licence(self, scope, approve=False, partner=None, number="京药监械经营许20240001", **vals):
        partner = partner or self.env["res.partner"].create({"name": "Scope Supplier"})
        return self._qualification(partner, LICENCE, number, approve=approve, scope=scope, **vals)

    def _read(self, licence, user=None):
        return licence.with_user(user or self.user_quality_officer).action_gsp_read_scope()

    def _note(self, qualification):
        return str(qualification.message_ids.sorted("id")[-1].body)

    # --- reading ------------------------------------------------------------------

    def test_read_scope_records_categories_and_classes_that_cover_products(self):
        licence = self._licence("Ⅲ类：13-04,14-01；Ⅱ类：07")
        licence.write({"scope_category_ids": [(5, 0, 0)], "scope_class_iii": False})
        action = self._read(licence)
        self.assertEqual(licence.scope_category_ids, self.cat_07 | self.cat_13_04 | self.cat_14_01)
        self.assertTrue(licence.scope_class_ii)
        self.assertTrue(licence.scope_class_iii)
        self.assertTrue(licence._gsp_covers(self.hip_stem.product_tmpl_id))  # 13-04-01
        self.assertFalse(licence._gsp_covers(self.infusion_pump.product_tmpl_id))  # 14-02
        self.assertFalse(licence._gsp_covers(self.ct_scanner.product_tmpl_id))  # 06
        # Class II and III list different categories: the Class III ones are kept apart
        self.assertEqual(licence.scope_category_iii_ids, self.cat_13_04 | self.cat_14_01)
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Class III categories, apart", self._note(licence))
        monitor, _cert = self._regulated_product(
            name="Patient Monitor", number="京械注准20152070735", code="07-03-01", device_class="II"
        )
        self.assertTrue(licence._gsp_covers(monitor.product_tmpl_id), "07 is listed for II")
        monitor.product_tmpl_id.with_user(self.user_quality_officer).gsp_device_class = "III"
        self.assertFalse(
            licence._gsp_covers(monitor.product_tmpl_id),
            "a Class III product is not let through by a Class II category",
        )
        # the same categories for both classes: one list, nothing apart
        licence.with_user(self.user_quality_officer).scope = "Ⅱ、Ⅲ类：13-04,14-01"
        self._read(licence)
        self.assertFalse(licence.scope_category_iii_ids)
        self.assertTrue(licence._gsp_covers(self.hip_stem.product_tmpl_id))

    def test_classes_are_kept_as_read(self):
        # a trading licence lists Class III; Class II is not invented from it
        licence = self._licence("第三类医疗器械：13-04")
        self.assertTrue(licence.scope_class_iii)
        self.assertFalse(licence.scope_class_ii)
        licence = self._licence("二类：14-01", number="京药监械经营备20240002")
        self.assertFalse(licence.scope_class_iii)
        self.assertTrue(licence.scope_class_ii)

    def test_purchase_follows_the_scope_read_from_the_text(self):
        partner = self.env["res.partner"].create({"name": "Implant Trading Ltd"})
        business = self._qualification(partner, "business_licence", USCC, expiry_days=3000)
        licence = self._licence(
            "2017年分类目录：Ⅲ类：13-无源植入器械", approve=True, partner=partner
        )
        self.assertEqual(licence.scope_category_ids.code, "13")
        auth = self._qualification(
            partner,
            "sales_authorisation",
            "AUTH-SCOPE",
            person_name="Zhang San",
            person_id_number=ID_NUMBER,
            region="Beijing",
        )
        self._review("supplier", partner, business | licence | auth)
        order = self._purchase(partner, self.hip_stem, user=self.user_purchaser)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        refused = self._purchase(partner, self.ct_scanner, user=self.user_purchaser)
        with self.assertRaisesRegex(UserError, r"no valid licence of .+ covers ") as err:
            refused.button_confirm()
        self.assertIn("06-01-01", str(err.exception))
        self.assertEqual(refused.state, "draft")

    def test_unknown_and_former_codes_are_reported_and_what_was_read_is_kept(self):
        text = "Ⅲ类：13-04,13-99,6815注射穿刺器械,23,高值耗材"
        licence = self._licence(text)
        action = self._read(licence)
        # 6815 (2002) is read through the cross-reference as the categories it went to
        self.assertEqual(
            licence.scope_category_ids.mapped("code"), ["13-04", "14-01", "14-02", "22-11"]
        )
        self.assertTrue(licence.scope_class_iii)
        self.assertEqual(licence.scope, text)
        note = self._note(licence)
        for value in ("13-99", "23", "高值耗材", "13-04"):
            self.assertIn(value, note)
        self.assertIn(
            "code 6815 of the 2002 catalogue read through the 2017 catalogue's "
            "cross-reference as 14-01, 14-02, 22-11",
            note,
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertTrue(action["params"]["sticky"])

    def test_a_quality_officer_without_an_email_address_reads_a_scope(self):
        self.user_quality_officer.partner_id.email = False
        licence = self._licence("Ⅲ类：13-04")
        self._read(licence)
        self.assertEqual(licence.scope_category_ids, self.cat_13_04)
        note = licence.message_ids.sorted("id")[-1]
        self.assertIn("13-04", str(note.body))
        self.assertEqual(note.author_id, self.user_quality_officer.partner_id)

    def test_nothing_read_leaves_the_structured_scope_unchanged(self):
        licence = self._licence(
            "第三类医疗器械经营；日用百货",
            scope_class_iii=True,
            scope_category_ids=[(6, 0, self.cat_14.ids)],
        )
        self._read(licence)
        self.assertEqual(licence.scope_category_ids, self.cat_14)
        self.assertTrue(licence.scope_class_iii)
        self.assertIn("第三类医疗器械经营", self._note(licence))

    def test_reading_again_replaces_the_categories_and_names_the_removed_ones(self):
        licence = self._licence(
            "Ⅲ类：13", scope_category_ids=[(6, 0, self.cat_14.ids)], scope_class_iii=True
        )
        self._read(licence)
        self.assertEqual(licence.scope_category_ids, self.cat_13)
        self.assertIn(self.cat_14.display_name, self._note(licence))

    # --- on create ----------------------------------------------------------------

    def test_created_with_scope_text_only_it_is_read(self):
        licence = self._licence("Ⅲ类：13-04，14-01")
        self.assertEqual(licence.scope_category_ids, self.cat_13_04 | self.cat_14_01)
        self.assertTrue(licence.scope_class_iii)
        self.assertIn("13-04", self._note(licence))

    def test_created_with_structured_scope_the_text_is_not_read(self):
        licence = self._licence("Ⅲ类：13-04", scope_category_ids=[(6, 0, self.cat_14.ids)])
        self.assertEqual(licence.scope_category_ids, self.cat_14)
        self.assertFalse(licence.scope_class_iii)
        partner = self.env["res.partner"].create({"name": "Drugstore"})
        drug = self._qualification(
            partner, "drug_trading_licence", "京AA0100001", approve=False, scope="Ⅲ类：13"
        )
        self.assertFalse(drug.scope_category_ids)

    # --- who may, and on what -----------------------------------------------------

    def test_only_quality_staff_may_read_a_scope(self):
        licence = self._licence("Ⅲ类：13", scope_category_ids=[(6, 0, self.cat_14.ids)])
        for user in (self.user_purchaser, self.user_storekeeper, self.user_sales):
            with self.assertRaises(AccessError):
                self._read(licence, user=user)
        self.assertEqual(licence.scope_category_ids, self.cat_14)
        self._read(licence, user=self.user_quality_manager)
        self.assertEqual(licence.scope_category_ids, self.cat_13)

    def test_button_is_shown_to_quality_staff_only(self):
        Qualification = self.env["gsp.qualification"]
        arch = Qualification.with_user(self.user_quality_officer).get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        self.assertIn("action_gsp_read_scope", arch)
        arch = Qualification.with_user(self.user_purchaser).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertNotIn("action_gsp_read_scope", arch)

    def test_only_device_licences_with_a_text_are_read(self):
        partner = self.env["res.partner"].create({"name": "Plain Ltd"})
        business = self._qualification(
            partner, "business_licence", USCC, approve=False, scope="第三类医疗器械经营"
        )
        with self.assertRaisesRegex(
            UserError, r" is not a device licence: its business scope is not read\."
        ):
            self._read(business)
        licence = self._licence(False)
        with self.assertRaisesRegex(UserError, r" has no business scope text to read\.") as err:
            self._read(licence)
        self.assertIn(licence.name, str(err.exception))

    def test_scope_messages_are_listed_for_translation(self):
        from medtrace.gsp import SCOPE_MESSAGES

        from ..models.gsp_messages import GSP_SCOPE_MESSAGES

        self.assertEqual(
            {key: msg._source for key, msg in GSP_SCOPE_MESSAGES.items()}, SCOPE_MESSAGES
        )
