import datetime
import json

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestHttpEndpoint(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        expiry = fields.Datetime.now() + datetime.timedelta(days=1)
        cls.key_a = cls.env["res.users.apikeys"].with_user(cls.user_api_a)._generate(
            None, "consignor A", expiry)
        cls.key_b = cls.env["res.users.apikeys"].with_user(cls.user_api_b)._generate(
            None, "consignor B", expiry)
        lot = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, lot, 6)

    def _post(self, backend, key, data, message_type="purchase_order"):
        headers = {"Content-Type": "text/csv"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.url_open(f"/med_edi/{backend.id}/{message_type}", data=data,
                             headers=headers)

    def test_post_message_with_api_key(self):
        response = self._post(self.backend, self.key_a, self._csv(self._po_rows()))
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()
        self.assertEqual(result["state"], "processed")
        exchange = self.env["med.edi.exchange"].browse(result["exchange_id"])
        self.assertEqual(exchange.channel, "http")
        self.assertEqual(result["document"], {"model": "purchase.order", "id": exchange.res_id})
        again = self._post(self.backend, self.key_a, self._csv(self._po_rows()))
        self.assertEqual(again.json()["state"], "duplicate")

    def test_invalid_message_answers_problems(self):
        rows = self._po_rows(lines=[("ZZZ-404", "", "", "L1", "2030-01-31", "x", "1")])
        response = self._post(self.backend, self.key_a, self._csv(rows))
        self.assertEqual(response.status_code, 422)
        result = response.json()
        self.assertEqual(result["state"], "error")
        self.assertIn({"line": 2, "field": "quantity", "value": "x"},
                      [{k: p[k] for k in ("line", "field", "value")} for p in result["problems"]])

    def test_wrong_or_missing_key_is_refused(self):
        self.assertEqual(self._post(self.backend, "not-a-key", b"x").status_code, 401)
        self.assertEqual(self._post(self.backend, None, b"x").status_code, 401)
        self.assertFalse(self.env["med.edi.exchange"].search([("channel", "=", "http")]))

    def test_other_consignors_backend_is_refused(self):
        response = self._post(self.backend_b, self.key_a, self._csv(self._po_rows()))
        self.assertEqual(response.status_code, 403)
        response = self.url_open(f"/med_edi/{self.backend_b.id}/stock_status",
                                 headers={"Authorization": f"Bearer {self.key_a}"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.env["med.edi.exchange"].search([("channel", "=", "http")]))

    def test_get_stock_status(self):
        response = self.url_open(f"/med_edi/{self.backend.id}/stock_status",
                                 headers={"Authorization": f"Bearer {self.key_a}"})
        self.assertEqual(response.status_code, 200, response.text)
        payload = json.loads(response.text)
        self.assertEqual(payload["message_type"], "stock_status")
        self.assertEqual([(line["product_code"], line["lot"], line["quantity"])
                          for line in payload["lines"]], [("STENT-1", "L1", 6.0)])
        bad = self.url_open(f"/med_edi/{self.backend.id}/stock_status?at=yesterday",
                            headers={"Authorization": f"Bearer {self.key_a}"})
        self.assertEqual(bad.status_code, 400)
        past = self.url_open(f"/med_edi/{self.backend.id}/stock_status?at=2000-01-01 00:00:00",
                             headers={"Authorization": f"Bearer {self.key_a}"})
        self.assertEqual(json.loads(past.text)["lines"], [])
        other = self.url_open(f"/med_edi/{self.backend.id}/stock_status",
                              headers={"Authorization": f"Bearer {self.key_b}"})
        self.assertEqual(other.status_code, 403)
