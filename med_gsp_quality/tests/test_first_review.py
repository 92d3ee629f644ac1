from odoo.exceptions import AccessError, UserError

from .common import ID_NUMBER, USCC, GspQualityCommon


class TestFirstReview(GspQualityCommon):
    def test_review_records_reviewer_and_time(self):
        partner, licence = self._qualified_supplier("Reviewed Supplier")
        review = partner.gsp_first_review_ids
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.reviewer_id, self.user_quality_officer)
        self.assertTrue(review.review_date)
        self.assertIn(licence, review.qualification_ids)
        self.assertTrue(partner.gsp_supplier_approved)
        self.assertFalse(partner.gsp_customer_approved)

    def test_incomplete_documents_are_not_approved(self):
        partner = self.env["res.partner"].create({"name": "Paperless Ltd"})
        business = self._qualification(partner, "business_licence", USCC)
        review = self._review("supplier", partner, business, approve=False)
        review.with_user(self.user_purchaser).action_submit()
        with self.assertRaisesRegex(UserError, r" has no approved ") as err:
            review.with_user(self.user_quality_officer).action_approve()
        self.assertIn("Paperless Ltd", str(err.exception))

    def test_expired_document_is_not_accepted(self):
        partner, business, licence = self._partner_with_licences("Stale Ltd")
        auth = self._qualification(
            partner, "sales_authorisation", "A-1", person_name="Wang", person_id_number=ID_NUMBER
        )
        self._expire(licence)
        review = self._review("supplier", partner, business | licence | auth, approve=False)
        review.action_submit()
        with self.assertRaisesRegex(UserError, r"of [^:]+ expired on ") as err:
            review.with_user(self.user_quality_officer).action_approve()
        self.assertIn("expired", str(err.exception))

    def test_only_quality_approves(self):
        partner, business, licence = self._partner_with_licences("Eager Ltd")
        review = self._review("customer", partner, business | licence, approve=False)
        review.action_submit()
        for user in (self.user_purchaser, self.user_sales, self.user_storekeeper):
            with self.assertRaisesRegex(
                UserError, r"Only quality staff may decide first-time reviews\."
            ):
                review.with_user(user).action_approve()
        with self.assertRaises(AccessError):
            review.with_user(self.user_purchaser).write({"state": "approved"})
        review.with_user(self.user_quality_officer).action_approve()
        self.assertEqual(review.state, "approved")
        with self.assertRaisesRegex(
            UserError, r"Submitted and decided first-time reviews are kept\."
        ):
            review.with_user(self.user_quality_officer).unlink()
