"""Fixtures and factories shared by the GSP quality tests (no test methods)."""

from datetime import timedelta

from odoo import fields
from odoo.addons.med_device_stock.tests.common import MedDeviceStockCommon

# a valid unified social credit code (GB 32100) and resident ID number
USCC = "91110000600037341L"
USCC_2 = "914403001922038216"
ID_NUMBER = "360426199101010071"


class GspQualityCommon(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_quality_officer = cls._make_user(
            "gsp_officer", "med_gsp_quality.group_gsp_quality_officer"
        )
        cls.user_quality_manager = cls._make_user(
            "gsp_manager", "med_gsp_quality.group_gsp_quality_manager"
        )
        cls.user_purchaser = cls._make_user("gsp_purchaser", "purchase.group_purchase_user")
        cls.user_sales = cls._make_user("gsp_sales", "sales_team.group_sale_salesman")
        cls.user_admin = cls.env.ref("base.user_admin")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.gsp_enforce = True
        cls.category_regulated = cls.env["product.category"].create(
            {"name": "GSP devices", "gsp_regulated": True}
        )
        cls.category_plain = cls.env["product.category"].create({"name": "Office supplies"})
        cls.cat_13 = cls.env.ref("med_gsp_quality.gsp_device_category_13")
        cls.cat_14 = cls.env.ref("med_gsp_quality.gsp_device_category_14")

    # --- factories ----------------------------------------------------------------

    @classmethod
    def _qualification(cls, owner, doc_type, number, expiry_days=365, approve=True, **vals):
        owner_field = "product_tmpl_id" if owner._name == "product.template" else "partner_id"
        values = {
            owner_field: owner.id,
            "doc_type": doc_type,
            "number": number,
            "holder": owner.name,
            "issue_date": cls.today - timedelta(days=30),
            "expiry_date": cls.today + timedelta(days=expiry_days),
        }
        values.update(vals)
        qual = cls.env["gsp.qualification"].with_user(cls.user_quality_officer).create(values)
        if approve:
            qual.action_approve()
        return qual.with_user(cls.env.user)

    @classmethod
    def _review(cls, review_type, owner, quals, approve=True):
        owner_field = "product_tmpl_id" if review_type == "product" else "partner_id"
        review = (
            cls.env["gsp.first.review"]
            .with_user(cls.user_quality_officer)
            .create(
                {
                    "review_type": review_type,
                    owner_field: owner.id,
                    "qualification_ids": [(6, 0, quals.ids)],
                    "conclusion": "Documents complete and valid.",
                }
            )
        )
        if approve:
            review.action_submit()
            review.action_approve()
        return review.with_user(cls.env.user)

    @classmethod
    def _partner_with_licences(
        cls, name, uscc=USCC, licence_days=365, classes=("III",), scope=None
    ):
        partner = cls.env["res.partner"].create({"name": name, "is_company": True})
        business = cls._qualification(partner, "business_licence", uscc, expiry_days=3000)
        licence = cls._qualification(
            partner,
            "device_trading_licence",
            f"京药监械经营许{name[:4]}0001",
            expiry_days=licence_days,
            scope_category_ids=[(6, 0, (scope or cls.cat_13).ids)],
            scope_class_ii=True,
            scope_class_iii="III" in classes,
        )
        return partner, business, licence

    @classmethod
    def _qualified_supplier(cls, name="Qualified Supplier", **kwargs):
        partner, business, licence = cls._partner_with_licences(name, **kwargs)
        auth = cls._qualification(
            partner,
            "sales_authorisation",
            f"AUTH-{name[:6]}",
            person_name="Zhang San",
            person_id_number=ID_NUMBER,
            region="Beijing",
        )
        cls._review("supplier", partner, business | licence | auth)
        return partner, licence

    @classmethod
    def _qualified_customer(cls, name="Qualified Hospital", **kwargs):
        partner, business, licence = cls._partner_with_licences(name, uscc=USCC_2, **kwargs)
        cls._review("customer", partner, business | licence)
        return partner, licence

    @classmethod
    def _regulated_product(
        cls,
        name="Hip Stem",
        number="国械注准20153130735",
        code="13-04-01",
        device_class="III",
        expiry_days=365,
        review=True,
    ):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "categ_id": cls.category_regulated.id,
                "standard_price": 10.0,
            }
        )
        product.product_tmpl_id.with_user(cls.user_quality_officer).write(
            {
                "gsp_device_class": device_class,
                "gsp_classification_code": code,
            }
        )
        cert = cls._qualification(
            product.product_tmpl_id,
            "registration_certificate",
            number,
            expiry_days=expiry_days,
            device_class=device_class,
            classification_code=code,
        )
        if review:
            cls._review("product", product.product_tmpl_id, cert)
        return product, cert

    def _purchase(self, partner, product, user=None):
        order = self.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_qty": 2, "price_unit": 10.0})
                ],
            }
        )
        return order.with_user(user) if user else order

    def _sale(self, partner, product):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )

    def _expire(self, qual, days_ago=1):
        """Moves a qualification's expiry into the past (as the calendar would)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE gsp_qualification SET expiry_date = %s WHERE id = %s",
            [self.today - timedelta(days=days_ago), qual.id],
        )
        qual.invalidate_recordset()

    @classmethod
    def _regulated_device(
        cls,
        name,
        gtin_body,
        number="国械注准20153130736",
        code="13-04-01",
        implantable=True,
        review=True,
    ):
        """A device product with its UDI-DI (med_device_stock) in the regulated category,
        with its approved registration certificate and first-time review."""
        product = cls._make_device(
            name, gtin_body, implantable=implantable, categ_id=cls.category_regulated.id
        )
        template = product.product_tmpl_id
        template.with_user(cls.user_quality_officer).write(
            {"gsp_device_class": "III", "gsp_classification_code": code}
        )
        cert = cls._qualification(
            template,
            "registration_certificate",
            number,
            device_class="III",
            classification_code=code,
        )
        if review:
            cls._review("product", template, cert)
        return product, cert

    def _renew(self, partner, doc_type, number, **vals):
        """A renewal of a partner's qualification, approved by quality staff."""
        renewal = self._qualification(partner, doc_type, number, approve=False, **vals)
        renewal.with_user(self.user_quality_officer).action_approve()
        return renewal
