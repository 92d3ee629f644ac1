import datetime
import json
import os
import shutil
import subprocess

from odoo.tests import HttpCase, tagged

from medtrace.edi.message import fingerprint

from .common import ConsignorEdiCommon


@tagged("post_install", "-at_install")
class TestHttpEndpoint(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")
        cls.key_b = cls._api_key(cls.user_api_b, "consignor B")
        lot = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, lot, 6)

    def _post(self, backend, key, data, message_type="purchase_order"):
        headers = {"Content-Type": "text/csv"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.url_open(f"/med_edi/{backend.id}/{message_type}", data=data, headers=headers)

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
        self.assertEqual(response.status_code, 422, response.text[-3000:])
        result = response.json()
        self.assertEqual(result["state"], "error")
        self.assertIn(
            {"line": 2, "field": "quantity", "value": "x"},
            [{k: p[k] for k in ("line", "field", "value")} for p in result["problems"]],
        )

    def test_wrong_or_missing_key_is_refused(self):
        self.assertEqual(self._post(self.backend, "not-a-key", b"x").status_code, 401)
        self.assertEqual(self._post(self.backend, None, b"x").status_code, 401)
        self.assertFalse(self._exchanges([("channel", "=", "http")]))

    def test_other_consignors_backend_is_refused(self):
        response = self._post(self.backend_b, self.key_a, self._csv(self._po_rows()))
        self.assertEqual(response.status_code, 403)
        response = self.url_open(
            f"/med_edi/{self.backend_b.id}/stock_status",
            headers={"Authorization": f"Bearer {self.key_a}"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self._exchanges([("channel", "=", "http")]))

    def test_get_stock_status(self):
        response = self.url_open(
            f"/med_edi/{self.backend.id}/stock_status",
            headers={"Authorization": f"Bearer {self.key_a}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        payload = json.loads(response.text)
        self.assertEqual(payload["message_type"], "stock_status")
        self.assertEqual(
            [(line["product_code"], line["lot"], line["quantity"]) for line in payload["lines"]],
            [("STENT-1", "L1", 6.0)],
        )
        bad = self.url_open(
            f"/med_edi/{self.backend.id}/stock_status?at=yesterday",
            headers={"Authorization": f"Bearer {self.key_a}"},
        )
        self.assertEqual(bad.status_code, 400)
        past = self.url_open(
            f"/med_edi/{self.backend.id}/stock_status?at=2000-01-01 00:00:00",
            headers={"Authorization": f"Bearer {self.key_a}"},
        )
        self.assertEqual(json.loads(past.text)["lines"], [])
        other = self.url_open(
            f"/med_edi/{self.backend.id}/stock_status",
            headers={"Authorization": f"Bearer {self.key_b}"},
        )
        self.assertEqual(other.status_code, 403)


@tagged("post_install", "-at_install")
class TestHttpHardening(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")

    def _post(
        self, backend_id, data, content_type="text/csv", files=None, message_type="purchase_order"
    ):
        headers = {"Authorization": f"Bearer {self.key_a}"}
        if files:
            return self.opener.post(
                f"{self.base_url()}/med_edi/{backend_id}/{message_type}",
                files=files,
                headers=headers,
                timeout=60,
            )
        headers["Content-Type"] = content_type
        return self.url_open(f"/med_edi/{backend_id}/{message_type}", data=data, headers=headers)

    def test_unknown_foreign_and_absurd_backend_ids_answer_the_same_403(self):
        answers = [
            self._post(backend_id, b"x") for backend_id in (self.backend_b.id, 999999, 2**40)
        ]
        self.assertEqual([a.status_code for a in answers], [403, 403, 403])
        self.assertEqual({a.text for a in answers}, {'{"error": "forbidden"}'})
        self.backend.active = False
        self.assertEqual(self._post(self.backend.id, b"x").text, answers[0].text)
        self.assertFalse(self._exchanges([("channel", "=", "http")]))

    def test_a_file_the_file_store_refuses_is_answered_503_and_kept_as_metadata(self):
        """A full disk or a read-only file store: Odoo only logs the refused write and
        keeps an empty file; the consignor is told to send it again, nothing is lost."""
        data = self._csv(self._po_rows(message_id="PO-FS-1", order="PO-FS-1"))
        Attachment = self.env["ir.attachment"]
        _fname, path = Attachment._get_path(data, Attachment._compute_checksum(data))
        folder = os.path.dirname(path)
        chattr = shutil.which("chattr")
        if not chattr or subprocess.run([chattr, "+i", folder], check=False).returncode:
            self.skipTest("no immutable folders here (chattr +i needs root and ext4 or alike)")
        try:
            answer = self._post(self.backend.id, data)
        finally:
            subprocess.run([chattr, "-i", folder], check=True)
        self.assertEqual(answer.status_code, 503, answer.text)
        self.assertEqual(answer.json()["problems"][0]["code"], "not_stored")
        self.assertIn("send it again later", answer.json()["problems"][0]["message"])
        refused = self._exchanges([("channel", "=", "http")])
        self.assertEqual(
            (refused.state, refused.file_size, refused.checksum),
            ("error", len(data), fingerprint(data)),
        )
        self.assertFalse(refused.attachment_id)
        again = self._post(self.backend.id, data)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["state"], "processed", again.text)

    def test_oversized_bodies_are_refused_and_kept_as_metadata(self):
        self.backend.max_file_size = 1000
        raw = self._post(self.backend.id, b"x" * 5000)
        self.assertEqual(raw.status_code, 413, raw.text)
        upload = self._post(self.backend.id, None, files={"file": ("huge.csv", b"y" * 6000)})
        self.assertEqual(upload.status_code, 413, upload.text)
        self.assertEqual(upload.json()["problems"][0]["code"], "too_large")
        exchanges = self._exchanges([("channel", "=", "http")])
        self.assertEqual(
            sorted((e.file_name, e.file_size, e.state) for e in exchanges),
            [("api", 5000, "error"), ("huge.csv", 6000, "error")],
        )
        self.assertFalse(exchanges.attachment_id)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "med.edi.exchange"), ("res_id", "in", exchanges.ids)]
            )
        )
        huge = exchanges.filtered(lambda e: e.file_name == "huge.csv")
        self.assertEqual(len(huge.checksum), 64)

    def test_zip_bomb_and_wide_csv_are_refused_and_stored_as_errors(self):
        bomb = self._xlsx_bomb(100 * 1024 * 1024)
        response = self._post(self.backend.id, None, files={"file": ("bomb.xlsx", bomb)})
        self.assertEqual(response.status_code, 422, response.text)
        self.assertEqual(response.json()["problems"][0]["code"], "compression_ratio")
        header = ",".join(f"c{index}" for index in range(100_000)).encode()
        response = self._post(
            self.backend.id, None, files={"file": ("wide.csv", header + b"\n" + header)}
        )
        self.assertEqual(response.status_code, 422, response.text)
        self.assertRegex(
            response.json()["problems"][0]["message"], "100000 columns, more than the 256 allowed"
        )
        self.assertEqual(
            self.env["med.edi.exchange"]
            .search([("file_name", "in", ("bomb.xlsx", "wide.csv"))])
            .mapped("state"),
            ["error", "error"],
        )

    def test_hostile_json_is_a_clean_refusal(self):
        bodies = {
            b'{"message_id": "S-1", "lines": [{"lot": "\\ud800"}]}': "lone_surrogate",
            b'{"message_id": "S-2", "lines": [{"lot": "\\u0000"}]}': "nul_character",
            b'{"message_id": "S-3", "lines": [{"quantity": 1e99999999}]}': "number_too_large",
            b'{"lines": ' + b"[" * 5000 + b"]" * 5000 + b"}": "json_too_deep",
        }
        for body, code in bodies.items():
            with self.subTest(code=code):
                response = self._post(
                    self.backend.id,
                    body,
                    content_type="application/json",
                    message_type="stock_statement",
                )
                self.assertEqual(response.status_code, 422, response.text)
                result = response.json()
                self.assertEqual(result["state"], "error")
                self.assertEqual(result["problems"][0]["code"], code)
                exchange = self.env["med.edi.exchange"].browse(result["exchange_id"])
                self.assertEqual(exchange.attachment_id.raw, body)
