"""The complete 2017 classification catalogue: 22 subjects, 206 first-level and 1,157
second-level categories with their classes, the cross-reference to the 2002 catalogue,
second-level business scopes and the medical insurance consumable code on products."""

import re

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from medtrace.gsp import CATALOGUE_SUBJECTS

from .common import GspQualityCommon
from .test_catalogue import CATALOGUE_FIRST_LEVEL

#: second-level categories (二级产品类别) per subject in the catalogue table (source [P]
#: of the data files): 1,157 in all; [Q]'s 1,132 distinct codes are all among them
CATALOGUE_SECOND_LEVEL = {
    "01": 25,
    "02": 83,
    "03": 60,
    "04": 96,
    "05": 22,
    "06": 93,
    "07": 58,
    "08": 55,
    "09": 37,
    "10": 41,
    "11": 15,
    "12": 27,
    "13": 66,
    "14": 110,
    "15": 17,
    "16": 82,
    "17": 93,
    "18": 37,
    "19": 18,
    "20": 23,
    "21": 13,
    "22": 86,
}
#: code, name and class(es) as CMDE/NMPA texts state them (source [L]: "分类编码为13-08-01，
#: 管理类别为Ⅲ类", cmde-2021-103; 14-02-05 第三类, cmde-2023-15-8026; 22-11-04 Ⅱ类,
#: cmde-2024-21-e8c5; 18-04-01 cmde-2025-27-1; 20-01-01 cmde-2024-21-158e; 06-03-03
#: source [O]) and, for the categories with several classes, the catalogue table [P]
SECOND_LEVEL_SPOT_CHECKS = {
    "13-08-01": ("听小骨假体", "III"),
    "14-02-05": ("输液器", "III"),
    "14-05-06": ("引流导管", "II"),
    "07-03-03": ("无创血压测量设备", "II"),
    "07-03-06": ("生理参数诱发诊断设备", "II"),
    "18-07-03": ("辅助生殖微型工具", "II"),
    "01-07-03": ("手术控制系统", "III"),
    "22-11-04": ("静脉血样采血管", "II"),
    "18-04-01": ("妇科物理治疗器械", "II, III"),
    "20-01-01": ("脉诊设备", "II"),
    "06-03-03": ("X射线管组件", "II"),
    "14-01-01": ("注射泵", "II, III"),
    "12-01-01": ("植入式心脏起搏器", "III"),
    # the known flaws of the copy, read right
    "14-15-01": ("婴儿光疗防护眼罩", "II"),
    "14-15-06": ("医用防护衬垫", "I"),
    "02-11-01": ("牵开器", "I, II"),
    "09-01-01": ("电位治疗设备", "II, III"),
    "17-01-02": ("牙髓活力测试设备", "II"),
    "17-03-02": ("牙科用椅", "I, II"),
}
#: first-level names where the copy cuts or disagrees (see the data file's note)
FIRST_LEVEL_SPOT_CHECKS = {
    "02-11": "手术器械-牵开器",
    "09-01": "电疗设备/器具",
    "14-12": "造口、疤痕护理用品",
    "17-01": "口腔诊察设备",
    "17-03": "口腔治疗设备",
    "07-06": "放射性核素诊断设备",
    "11-04": "紫外线消毒设备",
    "13-08": "耳鼻喉植入物",
    "05-03": "放射治疗准直限束装置",
    "13-11": "其他",
    "21-05": "体外诊断类软件",
    "22-09": "尿液及其他样本分析设备",
}
CLASSES = re.compile(r"^(I|II|III)(, (II|III))*$")


@tagged("post_install", "-at_install")
class TestCatalogueComplete(GspQualityCommon):
    def test_22_subjects_206_first_level_and_1157_second_level_categories(self):
        Category = self.env["gsp.device.category"]
        subjects = Category.search([("level", "=", "subject")])
        self.assertEqual({s.code: s.name for s in subjects}, CATALOGUE_SUBJECTS)
        first = Category.search([("level", "=", "first")])
        second = Category.search([("level", "=", "second")])
        self.assertEqual(len(first), 206)
        self.assertEqual(len(second), 1157)
        self.assertEqual(sum(CATALOGUE_SECOND_LEVEL.values()), 1157)
        for subject in subjects:
            self.assertEqual(len(subject.child_ids), CATALOGUE_FIRST_LEVEL[subject.code])
            self.assertEqual(
                sorted(subject.child_ids.mapped("code")),
                [f"{subject.code}-{n:02d}" for n in range(1, len(subject.child_ids) + 1)],
            )
            self.assertEqual(
                len(second.filtered(lambda c, s=subject: c.code.startswith(s.code + "-"))),
                CATALOGUE_SECOND_LEVEL[subject.code],
                subject.code,
            )
        xmlids = second.get_external_id()
        for category in second:
            self.assertEqual(category.parent_id.code, category.code[:5], category.code)
            self.assertEqual(category.parent_id.level, "first", category.code)
            self.assertRegex(category.device_class or "", CLASSES, category.code)
            self.assertTrue(category.name and category.examples, category.code)
            self.assertTrue(category.description and category.intended_use, category.code)
            self.assertEqual(
                xmlids[category.id],
                "med_gsp_quality.gsp_device_category_" + category.code.replace("-", "_"),
            )
        # first-level categories carry no class of their own; each has second-level ones,
        # numbered without gaps
        self.assertFalse(first.filtered("device_class"))
        for category in first:
            self.assertEqual(
                sorted(category.child_ids.mapped("code")),
                [f"{category.code}-{n:02d}" for n in range(1, len(category.child_ids) + 1)],
                category.code,
            )
            self.assertTrue(category.child_ids, category.code)

    def test_spot_checks_against_the_official_texts(self):
        Category = self.env["gsp.device.category"]
        codes = list(SECOND_LEVEL_SPOT_CHECKS) + list(FIRST_LEVEL_SPOT_CHECKS)
        by_code = {c.code: c for c in Category.search([("code", "in", codes)])}
        for code, (name, device_class) in SECOND_LEVEL_SPOT_CHECKS.items():
            self.assertEqual((by_code[code].name, by_code[code].device_class), (name, device_class))
        for code, name in FIRST_LEVEL_SPOT_CHECKS.items():
            self.assertEqual(by_code[code].name, name, code)
        # several classes: one line per row of the catalogue, in its order
        pump = by_code["14-01-01"]
        self.assertEqual(
            [line.split(" ")[0] for line in pump.examples.splitlines()], ["[III]", "[II]"]
        )
        self.assertIn("麻醉注射泵", pump.examples.splitlines()[0])
        self.assertIn("微量注射泵", pump.examples.splitlines()[1])
        self.assertIn("镇痛药", pump.intended_use.splitlines()[0])
        # a single row: the texts as printed
        self.assertEqual(by_code["13-08-01"].examples, "生物陶瓷听小骨置换假体、听小骨假体")
        # users find a category by a product name the catalogue gives as example
        found = Category.with_user(self.user_purchaser).search([("examples", "ilike", "脉诊仪")])
        self.assertEqual(found.mapped("code"), ["20-01-01"])


@tagged("post_install", "-at_install")
class TestLegacyCodes(GspQualityCommon):
    def test_cross_reference_rows_of_the_2002_catalogue(self):
        Legacy = self.env["gsp.device.category.legacy"]
        self.assertEqual(Legacy.search_count([]), 371)
        rows = Legacy.search([("code", "=", "6825-1")])
        self.assertEqual(rows.category_id.mapped("code"), ["01-03"])
        self.assertEqual(rows.name, "6825-01高频手术和电凝设备（2002版）")
        self.assertEqual(rows.edition, "2002")
        # each first-level category lists the 2002 codes it took over
        cat_01_01 = self.env.ref("med_gsp_quality.gsp_device_category_01_01")
        self.assertEqual(cat_01_01.legacy_ids.mapped("code"), ["6823-3", "6823-4"])
        self.assertEqual(set(cat_01_01.legacy_ids.mapped("edition")), {"2012"})
        # a code, its whole category, a code under a broader row, a split code
        cases = {
            "6825-1": ["01-03"],
            "6825-01": ["01-03"],
            "６８２５－１": ["01-03"],
            "6815-2": ["14-01", "14-02", "22-11"],
            "6854-5": ["14-01", "14-02", "14-03"],
            "6810-4": ["04-09", "04-10", "04-11"],
            "6870": ["21-01", "21-02", "21-03"],
            "6899-1": [],
        }
        for code, expected in cases.items():
            self.assertEqual(Legacy._categories_for_code(code).mapped("code"), expected, code)
        with self.assertRaises(ValueError):
            Legacy._categories_for_code("6925-1")

    def test_product_2002_code_resolves_to_its_2017_category(self):
        product, _cert = self._regulated_product(
            name="Electrosurgical Unit", number="国械注准20173010126", code="01-03-01"
        )
        template = product.product_tmpl_id
        template.with_user(self.user_quality_officer).write(
            {"gsp_classification_code": False, "gsp_legacy_code": "6825-1"}
        )
        self.assertFalse(template.gsp_category_id)
        # the purchaser may neither change the code nor resolve it
        with self.assertRaises(AccessError):
            template.with_user(self.user_purchaser).write({"gsp_legacy_code": "6815-1"})
        with self.assertRaises(AccessError):
            template.with_user(self.user_purchaser).action_gsp_resolve_legacy_code()
        template.with_user(self.user_quality_officer).action_gsp_resolve_legacy_code()
        self.assertEqual(template.gsp_classification_code, "01-03")
        self.assertEqual(
            template.gsp_category_id, self.env.ref("med_gsp_quality.gsp_device_category_01_03")
        )
        # a second-level code already under that category is kept
        template.with_user(self.user_quality_officer).write({"gsp_classification_code": "01-03-01"})
        template.with_user(self.user_quality_officer).action_gsp_resolve_legacy_code()
        self.assertEqual(template.gsp_classification_code, "01-03-01")
        # a 2002 code split between several 2017 categories is left to quality
        template.with_user(self.user_quality_officer).write({"gsp_legacy_code": "6854-5"})
        with self.assertRaisesRegex(UserError, r"several 2017 categories: 14-01 .+14-03 "):
            template.with_user(self.user_quality_officer).action_gsp_resolve_legacy_code()
        self.assertEqual(template.gsp_classification_code, "01-03-01")
        template.with_user(self.user_quality_officer).write({"gsp_legacy_code": "6899-1"})
        with self.assertRaisesRegex(UserError, r"6899-1 .+ is in no row"):
            template.with_user(self.user_quality_officer).action_gsp_resolve_legacy_code()
        with self.assertRaisesRegex(
            ValidationError,
            r"^2002 Catalogue Code of Electrosurgical Unit: 2002 catalogue code 6925-1 must look",
        ):
            template.with_user(self.user_quality_officer).write({"gsp_legacy_code": "6925-1"})


@tagged("post_install", "-at_install")
class TestSecondLevelScope(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["gsp.device.category"]
        cls.cat_01_03 = Category.search([("code", "=", "01-03")])
        cls.cat_01_03_02 = Category.search([("code", "=", "01-03-02")])
        cls.rf_generator, _cert = cls._regulated_product(
            name="RF Ablation Generator", number="国械注准20173010123", code="01-03-02"
        )
        cls.rf_pump, _cert = cls._regulated_product(
            name="RF Ablation Irrigation Pump", number="国械注准20173010127", code="01-03-05"
        )
        cls.rf_device, _cert = cls._regulated_product(
            name="RF Device (first level)", number="国械注准20173010128", code="01-03"
        )

    def test_second_level_scope_covers_that_category_only(self):
        partner, licence = self._qualified_supplier(
            "Second Level Supplier", scope=self.cat_01_03_02
        )
        self.assertEqual(self.rf_generator.product_tmpl_id.gsp_category_id, self.cat_01_03_02)
        self.assertTrue(licence._gsp_covers(self.rf_generator.product_tmpl_id))
        self.assertFalse(licence._gsp_covers(self.rf_pump.product_tmpl_id))
        # a product coded at first level only is not known to be in 01-03-02
        self.assertFalse(licence._gsp_covers(self.rf_device.product_tmpl_id))
        order = self._purchase(partner, self.rf_generator, user=self.user_purchaser)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        order = self._purchase(partner, self.rf_pump, user=self.user_purchaser)
        with self.assertRaisesRegex(UserError, r"no valid licence of .+ covers ") as err:
            order.button_confirm()
        self.assertIn("01-03-05", str(err.exception))
        self.assertEqual(order.state, "draft")

    def test_first_level_scope_covers_its_second_level_categories(self):
        partner, licence = self._qualified_supplier("First Level Supplier", scope=self.cat_01_03)
        for product in (self.rf_generator, self.rf_pump, self.rf_device):
            self.assertTrue(licence._gsp_covers(product.product_tmpl_id), product.name)
        order = self._purchase(partner, self.rf_pump, user=self.user_purchaser)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_scope_text_naming_second_level_codes_is_read_at_that_level(self):
        partner = self.env["res.partner"].create({"name": "Scope Text Supplier"})
        licence = self._qualification(
            partner,
            "device_trading_licence",
            "京药监械经营许20240002",
            approve=False,
            scope="第三类医疗器械：01-03-02射频消融设备，13-04",
        )
        self.assertEqual(
            licence.scope_category_ids.mapped("code"), ["01-03-02", "13-04"], licence.scope
        )
        self.assertTrue(licence.scope_class_iii)
        self.assertTrue(licence._gsp_covers(self.rf_generator.product_tmpl_id))
        self.assertFalse(licence._gsp_covers(self.rf_pump.product_tmpl_id))


@tagged("post_install", "-at_install")
class TestInsuranceCode(GspQualityCommon):
    def test_product_insurance_code_is_checked_by_its_structure(self):
        product, _cert = self._regulated_product()
        template = product.product_tmpl_id.with_user(self.user_quality_officer)
        template.write({"gsp_insurance_code": "C0301010010000000001"})
        self.assertEqual(template.gsp_insurance_code, "C0301010010000000001")
        cases = {
            "C030101001000000000": "must have 20 characters, it has 19",
            "D0301010010000000001": "must start with the letter C",
            "C03010100100000000A1": "only digits are allowed; A is not one",
            "C0001010010000000001": "is 00, which is not a category",
        }
        for value, message in cases.items():
            with self.assertRaises(ValidationError) as err:
                template.write({"gsp_insurance_code": value})
            text = str(err.exception)
            self.assertIn("Medical Insurance Consumable Code of Hip Stem", text, value)
            self.assertIn(value, text)
            self.assertIn(message, text)
        # registration data: only quality staff change it
        with self.assertRaises(AccessError):
            product.product_tmpl_id.with_user(self.user_purchaser).write(
                {"gsp_insurance_code": "C0301010010000000002"}
            )
