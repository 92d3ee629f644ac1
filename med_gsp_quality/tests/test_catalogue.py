"""The 2017 classification catalogue as shipped data: subjects, first-level categories,
products linked to their category and licences whose scope covers sub-categories."""

from pathlib import Path
from xml.etree import ElementTree

from odoo.exceptions import AccessError, UserError, ValidationError

from medtrace.gsp import CATALOGUE_SUBJECTS

from .common import GspQualityCommon

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "gsp_device_category_data.xml"


def _shipped_codes():
    root = ElementTree.parse(DATA_FILE).getroot()
    return {field.text for field in root.iter("field") if field.get("name") == "code"}


class TestCatalogueData(GspQualityCommon):
    def test_22_subjects_and_their_shipped_first_level_categories_are_loaded(self):
        Category = self.env["gsp.device.category"]
        subjects = Category.search([("parent_id", "=", False)])
        self.assertEqual(
            {s.code: s.name for s in subjects if len(s.code) == 2}, CATALOGUE_SUBJECTS
        )
        shipped = _shipped_codes()
        first_level = {code for code in shipped if len(code) == 5}
        loaded = Category.search([("code", "in", sorted(shipped))])
        self.assertEqual(set(loaded.mapped("code")), shipped)
        for subject in subjects.filtered(lambda s: s.code in {c[:2] for c in first_level}):
            expected = {code for code in first_level if code.startswith(subject.code + "-")}
            self.assertEqual(set(subject.child_ids.mapped("code")), expected, subject.code)
        # subject 01 ships all of its 10 first-level categories, each with an English name
        subject_01 = self.env.ref("med_gsp_quality.gsp_device_category_01")
        self.assertEqual(len(subject_01.child_ids), 10)
        self.assertTrue(all(subject_01.child_ids.mapped("name_en")))
        cat = self.env.ref("med_gsp_quality.gsp_device_category_01_03")
        self.assertEqual(cat.display_name, "01-03 高频/射频手术设备及附件")
        # users find a category by its code, its Chinese or its English name
        for term in ("01-03", "射频手术", "radio-frequency surgical"):
            self.assertIn(cat, Category.search([("display_name", "ilike", term)]), term)

    def test_catalogue_is_read_only_for_all_but_quality_managers(self):
        Category = self.env["gsp.device.category"]
        self.assertTrue(Category.with_user(self.user_purchaser).search_count([]))
        for user in (self.user_purchaser, self.user_quality_officer):
            with self.assertRaises(AccessError):
                Category.with_user(user).create({"code": "09-99", "name": "测试"})
            with self.assertRaises(AccessError):
                self.env.ref("med_gsp_quality.gsp_device_category_01_03").with_user(
                    user
                ).write({"name": "改名"})
        with self.assertRaises(ValidationError) as err:
            Category.with_user(self.user_quality_manager).create({"code": "23-01", "name": "x"})
        self.assertIn("23-01", str(err.exception))

    def test_product_code_links_to_its_first_level_category(self):
        product, _cert = self._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        template = product.product_tmpl_id
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_01_03")
        )
        template.with_user(self.user_quality_officer).write(
            {"gsp_classification_code": "13-04-01"}
        )
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_13_04")
        )
        # the purchaser cannot move a product to another category
        with self.assertRaises(UserError):
            template.with_user(self.user_purchaser).write({"gsp_classification_code": "01-01-01"})


class TestCatalogueScope(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_01 = cls.env.ref("med_gsp_quality.gsp_device_category_01")
        cls.cat_01_03 = cls.env.ref("med_gsp_quality.gsp_device_category_01_03")
        cls.rf_generator, _cert = cls._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        cls.laser, _cert = cls._regulated_product(
            name="Holmium Laser", number="国械注准20173010124", code="01-02-01"
        )

    def _supplier(self, name, scope):
        return self._qualified_supplier(name, scope=scope)

    def test_subject_scope_covers_every_category_below_it(self):
        partner, licence = self._supplier("Subject Scope Supplier", self.cat_01)
        for product in (self.rf_generator, self.laser):
            self.assertTrue(licence._gsp_covers(product.product_tmpl_id), product.name)
            order = self._purchase(partner, product, user=self.user_purchaser)
            order.button_confirm()
            self.assertEqual(order.state, "purchase")

    def test_first_level_scope_covers_its_own_category_only(self):
        partner, licence = self._supplier("Category Scope Supplier", self.cat_01_03)
        self.assertTrue(licence._gsp_covers(self.rf_generator.product_tmpl_id))
        self.assertFalse(licence._gsp_covers(self.laser.product_tmpl_id))
        order = self._purchase(partner, self.rf_generator, user=self.user_purchaser)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        order = self._purchase(partner, self.laser, user=self.user_purchaser)
        with self.assertRaises(UserError) as err:
            order.button_confirm()
        self.assertIn("01-02-01", str(err.exception))
        self.assertIn("Holmium Laser", str(err.exception))
        self.assertEqual(order.state, "draft")

    def test_scope_of_another_subject_covers_nothing_here(self):
        _partner, licence = self._supplier("Implant Supplier", self.cat_13)
        self.assertFalse(licence._gsp_covers(self.rf_generator.product_tmpl_id))
        self.assertFalse(licence._gsp_covers(self.laser.product_tmpl_id))
