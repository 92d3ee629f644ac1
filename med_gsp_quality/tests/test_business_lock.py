from datetime import timedelta

from odoo.exceptions import UserError, ValidationError

from .common import GspQualityCommon


class TestBusinessLock(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier, cls.supplier_licence = cls._qualified_supplier()
        cls.customer, cls.customer_licence = cls._qualified_customer()
        cls.product, cls.certificate = cls._regulated_product()

    def test_qualified_purchase_is_confirmed(self):
        order = self._purchase(self.supplier, self.product, user=self.user_purchaser)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_expired_licence_refuses_purchase_and_names_document_and_date(self):
        order = self._purchase(self.supplier, self.product, user=self.user_purchaser)
        self._expire(self.supplier_licence, days_ago=3)
        with self.assertRaisesRegex(UserError, r"of [^:]+ expired on ") as err:
            order.button_confirm()
        message = str(err.exception)
        self.assertIn(order.name, message)
        self.assertIn(self.supplier_licence.number, message)
        self.assertIn(str(self.today - timedelta(days=3)), message)
        self.assertEqual(order.state, "draft")

    def test_approved_renewal_lifts_the_lock(self):
        order = self._purchase(self.supplier, self.product)
        self._expire(self.supplier_licence)
        renewal = self._qualification(
            self.supplier,
            "device_trading_licence",
            "京药监械经营许RENEW",
            approve=False,
            scope_category_ids=[(6, 0, self.cat_13.ids)],
            scope_class_ii=True,
            scope_class_iii=True,
        )
        with self.assertRaisesRegex(UserError, r"of [^:]+ expired on "):
            order.button_confirm()  # a draft renewal is not enough
        renewal.with_user(self.user_quality_officer).action_approve()
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_revoked_registration_refuses_sale(self):
        self.certificate.with_user(self.user_quality_officer).write(
            {"revoke_reason": "Cancelled by NMPA"}
        )
        self.certificate.with_user(self.user_quality_officer).action_revoke()
        order = self._sale(self.customer, self.product)
        with self.assertRaisesRegex(UserError, r" was revoked on ") as err:
            order.action_confirm()
        self.assertIn("revoked", str(err.exception))
        self.assertIn(self.certificate.number, str(err.exception))

    def test_customer_without_first_review_is_refused(self):
        partner, _business, _licence = self._partner_with_licences("New Clinic")
        order = self._sale(partner, self.product)
        with self.assertRaisesRegex(
            UserError, r"has not passed its first-time review \(首营企业\)"
        ) as err:
            order.action_confirm()
        self.assertIn("first-time review", str(err.exception))

    def test_product_without_first_review_is_refused(self):
        product, _cert = self._regulated_product(
            name="Knee", number="国械注准20163130111", review=False
        )
        order = self._purchase(self.supplier, product)
        with self.assertRaisesRegex(
            UserError, r"has not passed its first-time review \(首营品种\)"
        ) as err:
            order.button_confirm()
        self.assertIn("Knee", str(err.exception))

    def test_scope_must_cover_class_and_code(self):
        # the licence covers subject 13 only: a subject 14 product is refused
        product, _cert = self._regulated_product(
            name="Infusion set",
            number="粤械注准20192140123",
            code="14-02-01",
            device_class="II",
        )
        problems = self.env["gsp.qualification"]._gsp_check_business(
            self.supplier, product, "EDI order 42", role="supplier"
        )
        self.assertEqual(len(problems), 1)
        self.assertIn("EDI order 42", problems[0])
        self.assertIn("14-02-01", problems[0])
        # a Class II-only licence does not cover Class III devices
        partner, business, licence = self._partner_with_licences("Class Two Only", classes=("II",))
        problems = self.env["gsp.qualification"]._gsp_check_business(
            partner, self.product, "EDI order 43"
        )
        self.assertTrue(any("Class III" in p for p in problems))

    def test_check_business_raises_when_asked(self):
        self._expire(self.certificate)
        with self.assertRaisesRegex(UserError, r"of [^:]+ expired on "):
            self.env["gsp.qualification"]._gsp_check_business(
                self.supplier, self.product, "EDI order 1", raise_error=True
            )

    def test_receipt_validation_is_locked(self):
        order = self._purchase(self.supplier, self.product)
        order.button_confirm()
        picking = order.picking_ids
        self._expire(self.supplier_licence)
        with self.assertRaisesRegex(UserError, r"of [^:]+ expired on ") as err:
            picking.button_validate()
        self.assertIn(picking.name, str(err.exception))

    def test_unregulated_products_are_not_checked(self):
        paper = self.env["product.product"].create(
            {"name": "Paper", "categ_id": self.category_plain.id}
        )
        stranger = self.env["res.partner"].create({"name": "Stationery Shop"})
        order = self._purchase(stranger, paper)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_sub_category_of_regulated_category_is_regulated(self):
        child = self.env["product.category"].create(
            {"name": "Implants", "parent_id": self.category_regulated.id}
        )
        product = self.env["product.product"].create({"name": "Screw", "categ_id": child.id})
        stranger = self.env["res.partner"].create({"name": "Unknown Vendor"})
        self.assertTrue(self.env["gsp.qualification"]._gsp_check_business(stranger, product, "PO"))

    def test_company_without_enforcement_checks_nothing(self):
        self.company.gsp_enforce = False
        stranger = self.env["res.partner"].create({"name": "Unknown Vendor"})
        order = self._purchase(stranger, self.product)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_scan_hook_refuses_unqualified_product(self):
        self._expire(self.certificate)
        scan = {
            "operation": "issue",
            "product": self.product,
            "lot": self.env["stock.lot"],
            "partner": self.env["res.partner"],
            "parsed": None,
        }
        problems = self.env["gsp.qualification"]._gsp_check_business(
            scan["partner"], scan["product"], "Scan"
        )
        self.assertTrue(problems)
        self.assertIn("_check_scan", dir(self.env["med.device.scan"]))


class TestQualificationValidation(GspQualityCommon):
    def test_invalid_credit_code_is_refused_with_its_value(self):
        partner = self.env["res.partner"].create({"name": "Bad Code Ltd"})
        with self.assertRaises(ValidationError) as err:
            self._qualification(partner, "business_licence", "91110000600037341M")
        self.assertIn("91110000600037341M", str(err.exception))

    def test_registration_number_must_match_the_class(self):
        product = self.env["product.product"].create({"name": "Gauze"})
        with self.assertRaises(ValidationError):
            self._qualification(
                product.product_tmpl_id,
                "registration_certificate",
                "粤械注准20192140123",
                device_class="III",
            )

    def test_sales_representative_id_number_is_validated(self):
        partner = self.env["res.partner"].create({"name": "Rep Ltd"})
        with self.assertRaises(ValidationError) as err:
            self._qualification(
                partner,
                "sales_authorisation",
                "AUTH-1",
                person_name="Li Si",
                person_id_number="360426199101010072",
            )
        self.assertIn("360426199101010072", str(err.exception))

    def test_trading_licence_is_valid_five_years_at_most(self):
        partner = self.env["res.partner"].create({"name": "Long Licence Ltd"})
        with self.assertRaises(ValidationError):
            self._qualification(partner, "device_trading_licence", "X-1", expiry_days=6 * 366)

    def test_code_messages_are_listed_for_translation(self):
        from medtrace.gsp import GspCodeError

        from ..models.gsp_messages import GSP_CODE_MESSAGES

        self.assertEqual(
            {code: msg._source for code, msg in GSP_CODE_MESSAGES.items()},
            GspCodeError.MESSAGES,
        )
