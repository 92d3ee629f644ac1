from datetime import timedelta

from .common import USCC, GspQualityCommon


class TestExpiryWarning(GspQualityCommon):
    def _activities(self, qual):
        return self.env["mail.activity"].search(
            [("res_model", "=", "gsp.qualification"), ("res_id", "=", qual.id)]
        )

    def test_one_activity_per_threshold(self):
        partner = self.env["res.partner"].create({"name": "Soon Expired Ltd"})
        qual = self._qualification(partner, "business_licence", USCC, expiry_days=20)
        far = self._qualification(partner, "drug_trading_licence", "D-1", expiry_days=200)
        cron = self.env["gsp.qualification"]._cron_expiry_warnings
        cron()
        self.assertEqual(len(self._activities(qual)), 1)
        self.assertEqual(qual.notified_threshold, 30)
        self.assertFalse(self._activities(far))
        cron()  # same threshold: nothing new
        self.env.flush_all()
        self.assertEqual(len(self._activities(qual)), 1)
        self.env.cr.execute(
            "UPDATE gsp_qualification SET expiry_date = %s WHERE id = %s",
            [self.today + timedelta(days=5), qual.id],
        )
        qual.invalidate_recordset()
        cron()  # 7-day threshold reached
        self.assertEqual(len(self._activities(qual)), 2)
        self.assertEqual(qual.notified_threshold, 7)

    def test_dashboard_lists_what_expires_soon(self):
        partner = self.env["res.partner"].create({"name": "Dashboard Ltd"})
        soon = self._qualification(partner, "business_licence", USCC, expiry_days=20)
        later = self._qualification(partner, "drug_trading_licence", "D-2", expiry_days=300)
        gone = self._qualification(partner, "device_trading_filing", "F-1", expiry_days=300)
        self._expire(gone)
        quals = self.env["gsp.qualification"]
        found = quals.search([("partner_id", "=", partner.id), ("validity", "=", "expiring")])
        self.assertEqual(found, soon)
        self.assertEqual(soon.validity, "expiring")
        self.assertEqual(later.validity, "valid")
        self.assertEqual(
            quals.search([("partner_id", "=", partner.id), ("validity", "=", "expired")]), gone
        )

    def test_warning_days_are_configurable(self):
        self.company.gsp_warning_days = "10"
        partner = self.env["res.partner"].create({"name": "Short Notice Ltd"})
        qual = self._qualification(partner, "business_licence", USCC, expiry_days=20)
        self.env["gsp.qualification"]._cron_expiry_warnings()
        self.assertFalse(self._activities(qual))
