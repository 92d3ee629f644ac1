from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import MedSurgeryCaseCommon


class TestSurgeryCaseCompatibility(MedSurgeryCaseCommon):
    """A hip stem of system A that must not be mixed with another system, a femoral head
    of system B, and a cup of system A: the stem with the head warns, the stem with the
    cup does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        System = cls.env["med.implant.system"].with_user(cls.user_manager)
        cls.system_a = System.create({"name": "Hip System A"})
        cls.system_b = System.create({"name": "Hip System B"})
        cls.stem = cls._make_device(
            "Hip Stem",
            "695000000711",
            implantable=True,
            med_implant_system_id=cls.system_a.id,
            med_implant_system_only=True,
        )
        cls.head = cls._make_device(
            "Femoral Head", "695000000712", implantable=True, med_implant_system_id=cls.system_b.id
        )
        cls.cup = cls._make_device(
            "Acetabular Cup",
            "695000000713",
            implantable=True,
            med_implant_system_id=cls.system_a.id,
        )

    def _case_with(self, *products):
        """A case in progress with one issued unit of each of ``products``, implanted."""
        case = self._case()
        for number, product in enumerate(products, 1):
            (lot,) = self._receive(product, [f"HIP-{product.id}-{number}"])
            self.assertTrue(self._issue(lot)["ok"])
            result = self._scan_to_case(case, lot)
            self.assertTrue(result["ok"], result["message"])
        case = case.with_user(self.user_department)
        case.action_start()
        case.line_ids.outcome = "implanted"
        return case

    def test_a_component_of_another_system_warns_and_closing_needs_the_check(self):
        case = self._case_with(self.stem, self.head)
        stem_unit = case.line_ids.filtered(lambda ln: ln.product_id == self.stem).lot_id
        head_unit = case.line_ids.filtered(lambda ln: ln.product_id == self.head).lot_id
        self.assertIn(
            f"{stem_unit.display_name} (Hip Stem) is implanted only with components of its own "
            f"system Hip System A, not with {head_unit.display_name} of Hip System B.",
            case.med_compat_warning,
        )
        with self.assertRaisesRegex(UserError, "tick Compatibility Checked to close the case"):
            case.action_close()
        self.assertEqual(case.state, "in_progress")
        # the nurse ticks the box in the form (a keyboard's space bar) and closes
        with Form(case) as form:
            form.med_compat_checked = True
        self.assertEqual(case.med_compat_confirmed_by_id, self.user_department)
        case.action_close()
        self.assertEqual(case.state, "done")
        self.assertEqual(len(case.implant_ids), 2)
        log = case.message_ids.filtered(lambda m: "compatibility warning" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn(self.user_department.name, log.body)
        self.assertIn("Hip System B", log.body)

    def test_components_of_one_system_close_without_a_warning(self):
        case = self._case_with(self.stem, self.cup)
        self.assertFalse(case.med_compat_warning)
        case.action_close()
        self.assertEqual(case.state, "done")
        self.assertFalse(case.message_ids.filtered(lambda m: "compatibility" in (m.body or "")))

    def test_no_warning_when_neither_is_kept_to_its_own_system(self):
        case = self._case_with(self.cup, self.head)
        self.assertFalse(case.med_compat_warning)

    def test_an_unused_unit_of_another_system_does_not_warn(self):
        case = self._case_with(self.stem, self.head)
        case.line_ids.filtered(lambda ln: ln.product_id == self.head).outcome = "unused"
        self.assertFalse(case.med_compat_warning)
        case.action_close()
        self.assertEqual(case.state, "done")

    def test_a_check_holds_only_for_the_units_it_was_given_for(self):
        case = self._case_with(self.stem, self.head)
        case.med_compat_checked = True
        self.assertTrue(case.med_compat_checked)
        # a second head of system B is brought: the warning changes, the check is asked again
        (other,) = self._receive(self.head, ["HIP-HEAD-2"])
        self.assertTrue(self._issue(other)["ok"])
        self.assertTrue(self._scan_to_case(case, other)["ok"])
        case.invalidate_recordset()
        self.assertFalse(case.med_compat_checked)
        self.assertIn("HIP-HEAD-2", case.med_compat_warning)
        case.line_ids.outcome = "implanted"
        with self.assertRaisesRegex(UserError, "tick Compatibility Checked"):
            case.action_close()

    def test_who_checked_is_set_by_the_system(self):
        case = self._case_with(self.stem, self.head)
        with self.assertRaisesRegex(UserError, "are set by the system and cannot be changed"):
            case.write({"med_compat_confirmed_by_id": self.user_manager.id})

    def test_implant_systems_are_kept_by_device_managers(self):
        System = self.env["med.implant.system"]
        self.assertEqual(
            System.with_user(self.user_department).search([("id", "=", self.system_a.id)]),
            self.system_a,
        )
        with self.assertRaises(AccessError):
            System.with_user(self.user_department).create({"name": "Knee System"})
        with self.assertRaises(AccessError):
            System.with_user(self.user_storekeeper).create({"name": "Knee System"})
        with self.assertRaisesRegex(
            ValidationError, "Knee Insert: Only with Its Own System needs its Implant System"
        ):
            self._make_device(
                "Knee Insert", "695000000714", implantable=True, med_implant_system_only=True
            )
