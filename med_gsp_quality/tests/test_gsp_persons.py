"""Persons of partners: the supplier's sales representative at purchase confirmation and
the customer's pickup person at delivery."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import ID_NUMBER, GspQualityCommon

ID_NUMBER_2 = "11010519491231002X"


class TestSalesAuthorisation(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.licence = cls._qualified_supplier("Tianjin Implants")
        cls.auth = cls.supplier.gsp_qualification_ids.filtered(
            lambda q: q.doc_type == "sales_authorisation"
        )
        cls.product, _cert = cls._regulated_product()
        cls.other, _cert = cls._regulated_product(name="Knee Plate", number="国械注准20163130112")

    def _confirm(self, product=None):
        order = self._purchase(self.supplier, product or self.product, user=self.user_purchaser)
        order.button_confirm()
        return order

    def test_valid_authorisation_without_product_list_covers_all(self):
        self.assertEqual(self._confirm().state, "purchase")

    def test_expired_authorisation_refuses_confirmation(self):
        self._expire(self.auth, days_ago=4)
        order = self._purchase(self.supplier, self.product, user=self.user_purchaser)
        with self.assertRaisesRegex(
            UserError, r"no valid sales representative authorisation .+: expired on "
        ) as err:
            order.button_confirm()
        message = str(err.exception)
        self.assertIn(order.name, message)
        self.assertIn(self.auth.number, message)
        self.assertIn("Zhang San", message)
        self.assertIn(str(self.today - timedelta(days=4)), message)
        self.assertEqual(order.state, "draft")

    def test_authorisation_not_yet_in_force_is_refused(self):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE gsp_qualification SET issue_date = %s WHERE id = %s",
            [self.today + timedelta(days=3), self.auth.id],
        )
        self.auth.invalidate_recordset()
        with self.assertRaisesRegex(
            UserError, r"no valid sales representative authorisation .+: valid from .+ only"
        ) as err:
            self._confirm()
        self.assertIn("valid from", str(err.exception))

    def test_authorisation_must_list_the_product(self):
        self.auth.with_user(self.user_quality_officer).write(
            {"authorised_product_ids": [Command.set(self.other.product_tmpl_id.ids)]}
        )
        with self.assertRaisesRegex(
            UserError, r"authorisation of .+ covers .+: .+ is not among its authorised products"
        ) as err:
            self._confirm()
        self.assertIn(self.product.name, str(err.exception))
        self.assertIn("authorised products", str(err.exception))
        self.assertEqual(self._confirm(self.other).state, "purchase")
        # the purchaser cannot widen the authorisation: only quality staff change it
        with self.assertRaises(AccessError):
            self.auth.with_user(self.user_purchaser).write(
                {"authorised_product_ids": [Command.link(self.product.product_tmpl_id.id)]}
            )
        self.auth.with_user(self.user_quality_officer).write(
            {"authorised_product_ids": [Command.link(self.product.product_tmpl_id.id)]}
        )
        self.assertEqual(self._confirm().state, "purchase")

    def test_revoked_authorisation_with_a_valid_one_on_record(self):
        self.auth.with_user(self.user_quality_officer).write({"revoke_reason": "Left"})
        self.auth.with_user(self.user_quality_officer).action_revoke()
        with self.assertRaisesRegex(
            UserError, r"no valid sales representative authorisation .+: revoked on "
        ) as err:
            self._confirm()
        self.assertIn("revoked", str(err.exception))
        self._qualification(
            self.supplier,
            "sales_authorisation",
            "AUTH-NEW",
            person_name="Li Si",
            person_id_number=ID_NUMBER_2,
        )
        self.assertEqual(self._confirm().state, "purchase")


class TestPickupPerson(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer, _licence = cls._qualified_customer("People's Hospital")
        cls.product, _cert = cls._regulated_product()
        cls.company.gsp_require_pickup_person = True
        cls.pickup = cls._qualification(
            cls.customer,
            "pickup_authorisation",
            "PICK-1",
            person_name="Zhao Liu",
            person_id_number=ID_NUMBER,
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 10)

    def _delivery(self):
        order = self._sale(self.customer, self.product)
        order.action_confirm()
        picking = order.picking_ids.with_user(self.user_storekeeper)
        picking.action_assign()
        picking.move_ids.write({"quantity": 1, "picked": True})
        return picking

    def test_delivery_needs_a_pickup_person(self):
        picking = self._delivery()
        with self.assertRaisesRegex(
            UserError, r"choose the pickup person authorised by .+ who collects the goods\."
        ) as err:
            picking.button_validate()
        self.assertIn(picking.name, str(err.exception))
        self.assertIn("pickup person", str(err.exception))
        self.assertNotEqual(picking.state, "done")
        picking.gsp_pickup_person_id = self.pickup
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_expired_pickup_person_is_refused(self):
        picking = self._delivery()
        picking.gsp_pickup_person_id = self.pickup
        self._expire(self.pickup, days_ago=6)
        with self.assertRaisesRegex(UserError, r"may not collect the goods: expired on ") as err:
            picking.button_validate()
        message = str(err.exception)
        self.assertIn("Zhao Liu", message)
        self.assertIn(str(self.today - timedelta(days=6)), message)
        self.assertNotEqual(picking.state, "done")

    def test_pickup_person_of_another_customer_is_refused(self):
        other, _licence = self._qualified_customer("Other Clinic")
        stranger = self._qualification(
            other,
            "pickup_authorisation",
            "PICK-9",
            person_name="Sun Qi",
            person_id_number=ID_NUMBER_2,
        )
        picking = self._delivery()
        picking.gsp_pickup_person_id = stranger
        with self.assertRaisesRegex(
            UserError, r"may not collect the goods: it was given by "
        ) as err:
            picking.button_validate()
        self.assertIn("Other Clinic", str(err.exception))

    def test_not_required_when_the_company_does_not_ask(self):
        self.company.gsp_require_pickup_person = False
        picking = self._delivery()
        picking.button_validate()
        self.assertEqual(picking.state, "done")


class TestSalesAuthorisationRegion(GspQualityCommon):
    """The company's own province (GSP region) must be among the provinces the
    supplier's sales representative is authorised for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.licence = cls._qualified_supplier("Shanghai Implants")
        cls.auth = cls.supplier.gsp_qualification_ids.filtered(
            lambda q: q.doc_type == "sales_authorisation"
        )
        cls.product, _cert = cls._regulated_product()

    def _order(self):
        return self._purchase(self.supplier, self.product, user=self.user_purchaser)

    def test_no_company_region_no_region_check(self):
        self.assertFalse(self.company.gsp_region)
        self.assertFalse(self.auth.region_codes)
        order = self._order()
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_representative_not_authorised_for_the_company_region_is_refused(self):
        self.company.gsp_region = "31"
        self.auth.with_user(self.user_quality_officer).write({"region_codes": "11,12"})
        order = self._order()
        with self.assertRaisesRegex(
            UserError, r"covers .+: the region .+ is not among its authorised regions"
        ) as err:
            order.button_confirm()
        message = str(err.exception)
        self.assertIn(order.name, message)
        self.assertIn("Zhang San", message)  # the representative
        self.assertIn(self.auth.name, message)  # the authorisation
        self.assertIn("31 Shanghai", message)  # the region
        self.assertIn("11,12", message)
        self.assertEqual(order.state, "draft")
        # the purchaser cannot widen the authorisation to get the order through
        with self.assertRaises(AccessError):
            self.auth.with_user(self.user_purchaser).write({"region_codes": "11,12,31"})
        self.auth.with_user(self.user_quality_officer).write({"region_codes": "11, 12, 31"})
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_authorisation_listing_no_region_does_not_cover_the_company_region(self):
        self.company.gsp_region = "44"
        order = self._order()
        with self.assertRaisesRegex(
            UserError, r"is not among its authorised regions \(none listed\)"
        ) as err:
            order.button_confirm()
        self.assertIn("44 Guangdong", str(err.exception))
        self.assertIn("none listed", str(err.exception))
        # another valid authorisation that covers the region lets the order through
        self._qualification(
            self.supplier,
            "sales_authorisation",
            "AUTH-GD",
            person_name="Li Si",
            person_id_number=ID_NUMBER_2,
            region_codes="44",
        )
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_region_codes_must_be_provinces(self):
        with self.assertRaises(ValidationError) as err:
            self.auth.with_user(self.user_quality_officer).write({"region_codes": "11,99"})
        self.assertIn("11,99", str(err.exception))
        self.assertIn("99", str(err.exception))

    def test_only_administrators_set_the_company_region(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.user_purchaser).write({"gsp_region": "11"})
        with self.assertRaises(AccessError):
            self.company.with_user(self.user_quality_manager).write({"gsp_region": "11"})
        self.company.with_user(self.user_admin).write({"gsp_region": "11"})
        self.assertEqual(self.company.gsp_region, "11")


class TestNamedSalesRepresentative(GspQualityCommon):
    """A purchase order records which of the supplier's sales representatives it was
    placed with; then that person's authorisation alone decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.licence = cls._qualified_supplier("Hebei Implants")
        cls.zhang = cls.supplier.gsp_qualification_ids.filtered(
            lambda q: q.doc_type == "sales_authorisation"
        )
        cls.product, _cert = cls._regulated_product()
        cls.other, _cert = cls._regulated_product(name="Knee Plate", number="国械注准20163130112")
        cls.li = cls._qualification(
            cls.supplier,
            "sales_authorisation",
            "AUTH-LI",
            person_name="Li Si",
            person_id_number=ID_NUMBER_2,
            authorised_product_ids=[Command.set(cls.other.product_tmpl_id.ids)],
        )

    def _order(self, rep=None, product=None):
        order = self._purchase(self.supplier, product or self.product, user=self.user_purchaser)
        if rep:
            order.gsp_sales_rep_id = rep
        return order

    def test_named_representative_must_cover_the_products(self):
        # Li Si is authorised for the knee plate only: an order of the other product
        # placed with Li Si is refused, though Zhang San would have covered it
        order = self._order(self.li)
        with self.assertRaisesRegex(
            UserError, r"authorisation of .+ covers .+: .+ is not among its authorised products"
        ) as err:
            order.button_confirm()
        self.assertIn("Li Si", str(err.exception))
        self.assertNotIn("Zhang San", str(err.exception))
        self.assertEqual(order.state, "draft")
        order.gsp_sales_rep_id = self.zhang
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.gsp_sales_rep_id, self.zhang, "kept on the order")
        self.assertEqual(self._order(self.li, self.other).button_confirm(), True)

    def test_named_representative_expired_is_refused_even_with_others_valid(self):
        self._expire(self.li, days_ago=2)
        order = self._order(self.li, self.other)
        with self.assertRaisesRegex(
            UserError, r"no valid sales representative authorisation .+: expired on "
        ) as err:
            order.button_confirm()
        self.assertIn("expired on", str(err.exception))
        self.assertIn(order.name, str(err.exception))

    def test_company_may_require_the_representative(self):
        self.company.gsp_require_sales_rep = True
        order = self._order()
        with self.assertRaisesRegex(
            UserError, r"name the sales representative of .+ the order was placed with\."
        ) as err:
            order.button_confirm()
        self.assertIn("name the sales representative", str(err.exception))
        self.assertIn("Hebei Implants", str(err.exception))
        order.gsp_sales_rep_id = self.zhang
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_only_representative_is_proposed(self):
        other_supplier, _licence = self._qualified_supplier("Jilin Devices")
        only = other_supplier.gsp_qualification_ids.filtered(
            lambda q: q.doc_type == "sales_authorisation"
        )
        form = Form(self.env["purchase.order"].with_user(self.user_purchaser))
        form.partner_id = other_supplier
        self.assertEqual(form.gsp_sales_rep_id, only)
        form.partner_id = self.supplier  # two representatives: the purchaser chooses
        self.assertFalse(form.gsp_sales_rep_id)

    def test_another_suppliers_representative_is_refused(self):
        other_supplier, _licence = self._qualified_supplier("Jilin Devices")
        stranger = other_supplier.gsp_qualification_ids.filtered(
            lambda q: q.doc_type == "sales_authorisation"
        )
        order = self._order(stranger)
        with self.assertRaisesRegex(
            UserError, r"no valid sales representative authorisation .+: it was given by "
        ) as err:
            order.button_confirm()
        self.assertIn("Jilin Devices", str(err.exception))
