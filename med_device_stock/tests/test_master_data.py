from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import MedDeviceStockCommon, gtin_with_check_digit


class TestMasterData(MedDeviceStockCommon):
    def test_gtin_helper_makes_valid_check_digits(self):
        # GS1's own example GTIN: 9506000134352
        self.assertEqual(gtin_with_check_digit("950600013435"), "9506000134352")

    def test_di_unique_per_company(self):
        implant = self._make_device("Hip Cup", "695000000011", implantable=True)
        screw = self._make_device("Bone Screw", "695000000012", implantable=True)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["med.product.di"].create(
                {
                    "di": implant.med_udi_di_ids.di,
                    "product_tmpl_id": screw.product_tmpl_id.id,
                }
            )
        other_company = self.env["res.company"].create({"name": "Other Hospital"})
        copy = self.env["med.product.di"].create(
            {
                "di": implant.med_udi_di_ids.di,
                "product_tmpl_id": screw.product_tmpl_id.id,
                "company_id": other_company.id,
            }
        )
        self.assertEqual(copy.product_id, screw, "another company may use the same DI")
        found = self.env["med.product.di"]._find_by_di(implant.med_udi_di_ids.di)
        self.assertEqual(found.product_id, implant)

    def test_di_normalized_to_gtin14(self):
        gtin13 = gtin_with_check_digit("695000000013")
        product = self._make_device("Gauze", "695000000014")
        record = self.env["med.product.di"].create(
            {
                "di": gtin13,
                "product_tmpl_id": product.product_tmpl_id.id,
                "packaging_level": "box",
                "quantity": 50,
            }
        )
        self.assertEqual(record.di, "0" + gtin13)
        self.assertEqual(self.env["med.product.di"]._find_by_di(gtin13), record)

    def test_serial_tracking_forced_for_implants_and_high_value(self):
        implant = self._make_device("Pacemaker", "695000000015", implantable=True)
        with self.assertRaises(ValidationError):
            implant.product_tmpl_id.tracking = "lot"
        with self.assertRaises(ValidationError):
            self.env["product.template"].create(
                {
                    "name": "Infusion pump",
                    "is_storable": True,
                    "tracking": "lot",
                    "med_is_device": True,
                    "med_high_value": True,
                }
            )
        consumable = self._make_device("Syringe", "695000000016")
        self.assertEqual(consumable.tracking, "lot")
        with self.assertRaises(ValidationError):
            consumable.product_tmpl_id.tracking = "none"

    def test_device_department_gets_its_sub_store(self):
        department = self._make_department("ICU")
        location = department.med_location_id
        self.assertEqual(location.usage, "internal")
        self.assertEqual(location.location_id, self.warehouse.lot_stock_id)
        plain = self.env["hr.department"].create({"name": "Finance"})
        self.assertFalse(plain.med_location_id)
        plain.med_is_device_department = True
        self.assertTrue(plain.med_location_id)
        self.assertEqual(self.env["hr.department"]._med_from_location(location), department)

    def test_med_state_cannot_be_set_by_hand(self):
        product = self._make_device("Suture", "695000000017")
        lot = self.env["stock.lot"].create({"name": "L1", "product_id": product.id})
        for user in (self.user_manager, self.env.ref("base.user_root")):
            with self.assertRaisesRegex(UserError, r"cannot be set by hand"):
                lot.with_user(user).write({"med_state": "used"})
        with self.assertRaisesRegex(UserError, r"cannot be set by hand"):
            self.env["stock.lot"].create(
                {"name": "L2", "product_id": product.id, "med_state": "in_stock"}
            )
        self.assertFalse(lot.med_state)
