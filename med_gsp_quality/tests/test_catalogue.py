"""The 2017 classification catalogue as shipped data: subjects, first-level categories,
products linked to their category and licences whose scope covers sub-categories."""

import importlib.util
from pathlib import Path
from xml.etree import ElementTree

from odoo.exceptions import AccessError, UserError, ValidationError

from medtrace.gsp import CATALOGUE_SUBJECTS

from .common import GspQualityCommon

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "gsp_device_category_data.xml"

#: First-level categories (一级产品类别) per subject as the catalogue states them: 206 in
#: all (source [D] of the data file, matching the counts stated by the subject notes
#: read for 01, 04, 05, 17 and 19 and the naming guidelines of 03, 07, 11, 13 and 20)
CATALOGUE_FIRST_LEVEL = {
    "01": 10,
    "02": 15,
    "03": 14,
    "04": 18,
    "05": 4,
    "06": 18,
    "07": 10,
    "08": 7,
    "09": 8,
    "10": 7,
    "11": 5,
    "12": 4,
    "13": 11,
    "14": 16,
    "15": 6,
    "16": 7,
    "17": 10,
    "18": 7,
    "19": 4,
    "20": 3,
    "21": 6,
    "22": 16,
}
#: What the data file ships per subject: every first-level category, read in the
#: catalogue table (source [P] of the data file) and, before it, in the cited sources.
SHIPPED_FIRST_LEVEL = dict(CATALOGUE_FIRST_LEVEL)
COMPLETE_SUBJECTS = set(CATALOGUE_SUBJECTS)
#: Spot checks against the sources, at least one per subject that ships any
SPOT_CHECKS = {
    "01-01": "超声手术设备及附件",
    "01-07": "手术导航、控制系统",
    "02-04": "手术器械-钳",
    "02-13": "手术器械-吻（缝）合器械及材料",
    "03-05": "神经和心血管手术器械-夹",
    "03-13": "神经和心血管手术器械-心血管介入器械",
    "03-14": "神经和心血管手术器械-其他器械",
    # [C] and the catalogue table copied in [L]; [K] (2021) reads 骨科用刮匙
    "04-06": "骨科用刮",
    "04-12": "骨科用有源器械",
    "04-18": "骨科其他手术器械",
    "05-04": "放射治疗配套器械",
    "05-01": "放射治疗设备",
    "05-02": "放射治疗模拟及图像引导系统",
    "06-02": "X射线计算机体层摄影设备（CT）",
    "06-03": "X射线发生、限束装置",
    "06-11": "放射性核素成像设备",
    "06-18": "图像显示、处理、传输及打印设备",
    "07-04": "监护设备",
    "07-05": "电声学测量、分析设备",
    "07-09": "其他测量、分析设备",
    "08-03": "急救设备",
    "08-06": "呼吸、麻醉用管路、面罩",
    "09-02": "温热（冷）治疗设备/器具",
    "10-01": "血液分离、处理、贮存设备",
    "10-03": "血液净化及腹膜透析设备",
    "10-06": "心肺转流器具",
    "11-01": "湿热消毒灭菌设备",
    # [P], both sheets; the naming guideline [M] titles its table 辐射消毒灭菌设备
    "11-04": "紫外线消毒设备",
    "12-01": "心脏节律管理设备",
    "13-04": "关节置换植入物",
    "14-05": "非血管内导（插）管",
    "14-15": "病人护理防护用品",
    "14-16": "其它器械",
    "15-03": "医用病床",
    "15-06": "防压疮（褥疮）垫",
    "16-04": "眼科测量诊断设备和器具",
    "16-07": "眼科植入物及辅助器械",
    "17-01": "口腔诊察设备",
    "17-03": "口腔治疗设备",
    "17-08": "口腔植入及组织重建材料",
    "18-02": "妇产科测量、监护设备",
    # [K] renames 18-06 and 22-12 and gives their 2017 names, which are shipped
    "18-06": "妊娠控制器械",
    "18-07": "辅助生殖器械",
    "19-01": "认知言语视听障碍康复设备",
    "19-04": "矫形固定器械",
    "20-01": "中医诊断设备",
    "20-02": "中医治疗设备",
    "21-02": "影像处理软件",
    "22-05": "分子生物学分析设备",
    "22-12": "形态学分析前样本处理设备",
}


def _shipped_codes():
    root = ElementTree.parse(DATA_FILE).getroot()
    return {field.text for field in root.iter("field") if field.get("name") == "code"}


class TestCatalogueData(GspQualityCommon):
    def test_22_subjects_and_their_shipped_first_level_categories_are_loaded(self):
        Category = self.env["gsp.device.category"]
        subjects = Category.search([("parent_id", "=", False)])
        self.assertEqual({s.code: s.name for s in subjects if len(s.code) == 2}, CATALOGUE_SUBJECTS)
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

    def test_first_level_counts_per_subject_against_the_catalogue(self):
        self.assertEqual(set(CATALOGUE_FIRST_LEVEL), set(CATALOGUE_SUBJECTS))
        self.assertEqual(sum(CATALOGUE_FIRST_LEVEL.values()), 206)
        Category = self.env["gsp.device.category"]
        subjects = Category.search([("code", "in", list(CATALOGUE_SUBJECTS))])
        loaded = {s.code: len(s.child_ids) for s in subjects}
        self.assertEqual(loaded, SHIPPED_FIRST_LEVEL)
        for code, count in loaded.items():
            # never more categories than the catalogue has
            self.assertLessEqual(count, CATALOGUE_FIRST_LEVEL[code], code)
        complete = {code for code, count in loaded.items() if count == CATALOGUE_FIRST_LEVEL[code]}
        self.assertEqual(complete, COMPLETE_SUBJECTS)
        # 02-15, 14-16, 15-06 ...: a complete subject's categories are numbered without gaps
        for code in complete:
            subject = subjects.filtered(lambda s, code=code: s.code == code)
            self.assertEqual(
                sorted(subject.child_ids.mapped("code")),
                [f"{code}-{n:02d}" for n in range(1, CATALOGUE_FIRST_LEVEL[code] + 1)],
            )

    def test_every_first_level_category_sits_under_its_subject_with_names(self):
        Category = self.env["gsp.device.category"]
        first_level = Category.search([("code", "=like", "__-__")])
        self.assertEqual(len(first_level), sum(SHIPPED_FIRST_LEVEL.values()))
        for category in first_level:
            subject_code, number = category.code.split("-")
            self.assertEqual(category.parent_id.code, subject_code, category.code)
            self.assertFalse(category.parent_id.parent_id, category.code)
            self.assertTrue(1 <= int(number) <= CATALOGUE_FIRST_LEVEL[subject_code], category.code)
            self.assertTrue(category.name and category.name.strip(), category.code)
            self.assertTrue(category.name_en and category.name_en.strip(), category.code)
            self.assertNotEqual(category.name, category.parent_id.name, category.code)
            xmlid = category.get_external_id()[category.id]
            self.assertEqual(xmlid, f"med_gsp_quality.gsp_device_category_{subject_code}_{number}")
        by_code = {c.code: c.name for c in first_level}
        for code, name in SPOT_CHECKS.items():
            self.assertEqual(by_code.get(code), name, code)
        self.assertEqual(
            {code[:2] for code in SPOT_CHECKS},
            {code for code, count in SHIPPED_FIRST_LEVEL.items() if count},
        )

    def test_catalogue_is_read_only_for_all_but_quality_managers(self):
        Category = self.env["gsp.device.category"]
        self.assertTrue(Category.with_user(self.user_purchaser).search_count([]))
        for user in (self.user_purchaser, self.user_quality_officer):
            with self.assertRaises(AccessError):
                Category.with_user(user).create({"code": "09-99", "name": "测试"})
            with self.assertRaises(AccessError):
                self.env.ref("med_gsp_quality.gsp_device_category_01_03").with_user(user).write(
                    {"name": "改名"}
                )
        with self.assertRaises(ValidationError) as err:
            Category.with_user(self.user_quality_manager).create({"code": "23-01", "name": "x"})
        self.assertIn("23-01", str(err.exception))

    def test_product_code_links_to_its_second_level_category(self):
        product, _cert = self._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        template = product.product_tmpl_id
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_01_03_02")
        )
        template.with_user(self.user_quality_officer).write({"gsp_classification_code": "13-04-01"})
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_13_04_01")
        )
        # a product coded at first level only links to the first-level category
        template.with_user(self.user_quality_officer).write({"gsp_classification_code": "13-04"})
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_13_04")
        )
        # the purchaser cannot move a product to another category
        with self.assertRaisesRegex(
            AccessError, r"Only quality staff may change .+; submit a change request instead\."
        ):
            template.with_user(self.user_purchaser).write({"gsp_classification_code": "01-01-01"})

    def test_products_follow_categories_quality_adds_archives_or_removes(self):
        """A category quality adds (e.g. from an NMPA adjustment) takes over the products
        already coded under it, and when it is archived or recoded they fall back to its
        parent."""
        cat_01_03 = self.env.ref("med_gsp_quality.gsp_device_category_01_03")
        # quality plays adding 01-03-02 and 01-03-03, which the catalogue now ships
        for xmlid in ("gsp_device_category_01_03_02", "gsp_device_category_01_03_03"):
            self.env.ref(f"med_gsp_quality.{xmlid}").sudo().unlink()
        rf_generator, _cert = self._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        electrode, _cert = self._regulated_product(
            name="RF Electrode", number="国械注准20173010125", code="01-03-03"
        )
        templates = (rf_generator | electrode).product_tmpl_id
        self.assertEqual(templates.gsp_category_id, cat_01_03)
        Category = self.env["gsp.device.category"].with_user(self.user_quality_manager)
        second_level = Category.create(
            {"code": "01-03-02", "name": "射频消融设备", "parent_id": cat_01_03.id}
        )
        self.assertEqual(rf_generator.product_tmpl_id.gsp_category_id, second_level)
        self.assertEqual(electrode.product_tmpl_id.gsp_category_id, cat_01_03)
        # the catalogue is shared: another company's product, which this quality manager
        # cannot see, follows too
        other_company = self.env["res.company"].create({"name": "Other Hospital"})
        other_product = self.env["product.template"].create(
            {
                "name": "RF Generator (other hospital)",
                "company_id": other_company.id,
                "gsp_classification_code": "01-03-02",
            }
        )
        self.assertEqual(other_product.gsp_category_id, second_level)
        second_level.write({"active": False})
        self.assertEqual(other_product.gsp_category_id, cat_01_03)
        self.assertEqual(rf_generator.product_tmpl_id.gsp_category_id, cat_01_03)
        second_level.write({"active": True, "code": "01-03-03"})
        self.assertEqual(rf_generator.product_tmpl_id.gsp_category_id, cat_01_03)
        self.assertEqual(electrode.product_tmpl_id.gsp_category_id, second_level)
        # nobody deletes a category (archive it); when the system does, products fall back
        with self.assertRaises(AccessError):
            second_level.unlink()
        second_level.sudo().unlink()
        self.assertEqual(templates.gsp_category_id, cat_01_03)


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
        with self.assertRaisesRegex(UserError, r"no valid licence of .+ covers ") as err:
            order.button_confirm()
        self.assertIn("01-02-01", str(err.exception))
        self.assertIn("Holmium Laser", str(err.exception))
        self.assertEqual(order.state, "draft")

    def test_scope_of_another_subject_covers_nothing_here(self):
        _partner, licence = self._supplier("Implant Supplier", self.cat_13)
        self.assertFalse(licence._gsp_covers(self.rf_generator.product_tmpl_id))
        self.assertFalse(licence._gsp_covers(self.laser.product_tmpl_id))


class TestCatalogueMigration(GspQualityCommon):
    def test_upgrade_relinks_products_to_categories_added_by_hand(self):
        """18.0.1.1.0: categories quality added before the upgrade take over the products
        already coded under them (earlier versions left those at the parent)."""
        cat_01_03 = self.env.ref("med_gsp_quality.gsp_device_category_01_03")
        # a category added by hand: the shipped 01-03-02 is removed first
        self.env.ref("med_gsp_quality.gsp_device_category_01_03_02").sudo().unlink()
        product, _cert = self._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        template = product.product_tmpl_id
        second_level = self.env["gsp.device.category"].create(
            {"code": "01-03-02", "name": "射频消融设备", "parent_id": cat_01_03.id}
        )
        self.assertEqual(template.gsp_category_id, second_level)
        # the state an older version left: the product still on the first-level category
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE product_template SET gsp_category_id = %s WHERE id = %s",
            (cat_01_03.id, template.id),
        )
        self.env.invalidate_all()
        self.assertEqual(template.gsp_category_id, cat_01_03)
        path = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("med_gsp_quality_post_migrate_1_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(template.gsp_category_id, second_level)
