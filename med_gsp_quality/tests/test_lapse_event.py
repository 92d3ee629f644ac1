"""An expired or revoked qualification raises a quality event, once: an expiry from the
daily cron, a revocation at once."""

from odoo.exceptions import AccessError

from .common import GspQualityCommon


class TestLapseEvent(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.gsp_quality_user_id = cls.user_quality_manager
        cls.supplier, cls.licence = cls._qualified_supplier("Lapsing Supplier")
        cls.product, cls.certificate = cls._regulated_product()
        cls.Event = cls.env["gsp.event"]

    def _events(self, qual):
        return self.Event.search([("qualification_id", "=", qual.id)])

    def _run_cron(self):
        self.env["gsp.qualification"]._cron_expiry_warnings()

    def test_expired_licence_raises_one_class_b_event(self):
        self._run_cron()
        self.assertFalse(self._events(self.licence), "a valid licence raises nothing")
        self._expire(self.licence, days_ago=1)
        self._run_cron()
        event = self._events(self.licence)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.event_type, "qualification_expired")
        self.assertEqual(event.partner_id, self.supplier)
        self.assertIn(self.licence.number, event.name)
        self.assertEqual(event.info_class, "B", "classified by the qualification rule")
        self.assertEqual(event.responsible_id, self.user_quality_manager)
        self.assertEqual(event.activity_ids.user_id, self.user_quality_manager)
        self._run_cron()
        self._run_cron()
        self.assertEqual(len(self._events(self.licence)), 1, "raised once only")

    def test_revoked_certificate_raises_a_revocation_event(self):
        officer = self.user_quality_officer
        self.certificate.with_user(officer).write({"revoke_reason": "Cancelled by NMPA"})
        self.certificate.with_user(officer).action_revoke()
        # raised by the revocation itself, before any scheduled check
        event = self._events(self.certificate)
        self.assertEqual(len(event), 1)
        self.assertFalse(self._events(self.licence), "nothing raised for the others")
        self._run_cron()
        self.assertEqual(self._events(self.certificate), event, "not raised again")
        self.assertEqual(event.event_type, "qualification_revoked")
        self.assertEqual(event.product_id, self.product)
        self.assertIn("Cancelled by NMPA", event.description)
        self.assertEqual(event.info_class, "B")
        # a revoked qualification that also passes its expiry is not raised again
        self._expire(self.certificate)
        self._run_cron()
        self.assertEqual(len(self._events(self.certificate)), 1)

    def test_company_rule_decides_the_class(self):
        self.env["gsp.event.rule"].with_user(self.user_quality_manager).create(
            {
                "sequence": 1,
                "event_type": "qualification_expired",
                "info_class": "A",
                "company_id": self.company.id,
            }
        )
        self._expire(self.licence)
        self._run_cron()
        self.assertEqual(self._events(self.licence).info_class, "A")

    def test_storekeeper_cannot_change_the_rules(self):
        with self.assertRaises(AccessError):
            self.env["gsp.event.rule"].with_user(self.user_storekeeper).create(
                {"event_type": "qualification_expired", "info_class": "C"}
            )
