"""Issue 17: the messages of a closed surgery case sent to the HIS (an HTTP endpoint or a
folder), each an exchange record tried again on failure."""

import datetime
import json
import os
import socket
import tempfile

from freezegun import freeze_time
from odoo.exceptions import AccessError, ValidationError

from .common import MedHisSendingCommon, hl7_ack, open_form

try:
    from fhir.resources.bundle import Bundle
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message
except ImportError:  # pragma: no cover - the venv has them (requirements.txt)
    Bundle = parse_message = None

MINUTE = datetime.timedelta(minutes=1)


class TestHisSendingHttp(MedHisSendingCommon):
    def _cron(self):
        self.env["med.his.exchange"]._cron_med_his_send()

    def test_close_out_queues_one_exchange_per_active_backend_and_message(self):
        both = self._his_backend(name="HIS both")
        self._his_backend(name="HIS archived", message_types="dft").active = False
        other = self._make_hospital("Other Hospital")
        self.env["med.his.backend"].create(
            {"name": "Other HIS", "url": self.his.url, "company_id": other.id}
        )
        cron = self.env.ref("med_device_stock.ir_cron_med_his_send")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        case = self._close_case()
        exchanges = case.his_exchange_ids
        self.assertEqual(
            sorted(exchanges.mapped(lambda e: (e.backend_id, e.message_type, e.state))),
            sorted([(both, "dft", "pending"), (both, "fhir", "pending")]),
        )
        by_type = {e.message_type: e for e in exchanges}
        self.assertEqual(by_type["dft"].payload, case.his_dft_message)
        self.assertEqual(by_type["fhir"].payload, case.his_fhir_bundle)
        # nothing is sent within the close-out: the scheduled job is asked to run soon
        self.assertEqual(self.his.requests, [])
        self.assertEqual(set(exchanges.mapped("attempts")), {0})
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers
        )
        self.assertEqual(case.his_exchange_count, 2)

    def test_dft_is_posted_as_hl7_and_the_ack_marks_it_sent(self):
        self._his_backend(message_types="dft", auth_header="Bearer s3cret")
        case = self._close_case()
        (exchange,) = case.his_exchange_ids
        self._cron()
        (request,) = self.his.requests
        self.assertEqual(request["path"], "/his/charges")
        self.assertEqual(request["headers"]["Content-Type"], "application/hl7-v2; charset=utf-8")
        self.assertEqual(request["headers"]["Authorization"], "Bearer s3cret")
        body = request["body"].decode("utf-8")
        self.assertEqual(body, case.his_dft_message)
        self.assertIn("SC-S1", body)
        if parse_message:
            strict = parse_message(body, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
            self.assertTrue(strict.validate())
            self.assertEqual(strict.msh.msh_9.to_er7(), "DFT^P03^DFT_P03")
        self.assertEqual(exchange.state, "sent")
        self.assertEqual(exchange.attempts, 1)
        self.assertEqual(exchange.http_status, 200)
        self.assertIn("MSA|AA", exchange.answer)
        self.assertTrue(exchange.date_sent)
        self.assertFalse(exchange.next_attempt)
        # sent once: the next run sends nothing again
        self._cron()
        self.assertEqual(len(self.his.requests), 1)

    def test_fhir_bundle_is_posted_as_fhir_json(self):
        self._his_backend(message_types="fhir")
        self.his.answers.append(
            (
                200,
                "application/fhir+json",
                '{"resourceType": "Bundle", "type": "transaction-response"}',
            )
        )
        case = self._close_case()
        self._cron()
        (request,) = self.his.requests
        self.assertEqual(request["headers"]["Content-Type"], "application/fhir+json")
        self.assertNotIn("Authorization", request["headers"])
        self.assertEqual(request["body"].decode("utf-8"), case.his_fhir_bundle)
        if Bundle:
            bundle = Bundle.parse_obj(json.loads(request["body"]))
            self.assertEqual(bundle.type, "transaction")
            self.assertEqual(
                [entry.resource.resource_type for entry in bundle.entry],
                ["Device", "Device", "Procedure"],
            )
        self.assertEqual(case.his_exchange_ids.state, "sent")

    def test_errors_are_tried_again_later_then_failed_and_retried(self):
        self._his_backend(message_types="dft", max_attempts=3)
        self.his.answers += [
            (500, "text/plain", "database down " + "x" * 50_000),
            (200, "application/hl7-v2", hl7_ack("AE", "患者未入院 ZY20261207001")),
            (503, "text/plain", "maintenance"),
        ]
        case = self._close_case()
        (exchange,) = case.his_exchange_ids
        self._cron()
        self.assertEqual((exchange.state, exchange.attempts), ("error", 1))
        self.assertEqual(exchange.http_status, 500)
        self.assertRegex(exchange.last_error, "HIS charges answered HTTP 500")
        # the start of the answer only
        self.assertTrue(exchange.answer.startswith("database down x"))
        self.assertEqual(len(exchange.answer), 16 * 1024)
        self.assertEqual(exchange.next_attempt - exchange.date_last_attempt, MINUTE)
        # not before its next attempt
        self._cron()
        self.assertEqual(len(self.his.requests), 1)
        with freeze_time(exchange.next_attempt + datetime.timedelta(seconds=1)):
            self._cron()
        self.assertEqual((exchange.state, exchange.attempts), ("error", 2))
        self.assertRegex(exchange.last_error, r"did not accept the message \(MSA-1 AE\)")
        self.assertIn("患者未入院 ZY20261207001", exchange.last_error)
        self.assertEqual(exchange.next_attempt - exchange.date_last_attempt, 5 * MINUTE)
        with freeze_time(exchange.next_attempt + datetime.timedelta(seconds=1)):
            self._cron()
        self.assertEqual((exchange.state, exchange.attempts), ("failed", 3))
        self.assertRegex(exchange.last_error, "HTTP 503")
        self.assertFalse(exchange.next_attempt)
        with freeze_time(exchange.date_last_attempt + datetime.timedelta(days=1)):
            self._cron()
        self.assertEqual(len(self.his.requests), 3)
        # every attempt carried the same text, as written at close-out
        self.assertEqual({r["body"].decode() for r in self.his.requests}, {case.his_dft_message})
        # the device manager retries it while the HIS is still down: the schedule starts
        # again (1, 5, 15 minutes...), not failed at once
        self.his.answers.append((502, "text/plain", "bad gateway"))
        exchange.with_user(self.user_manager).action_retry()
        self.assertEqual((exchange.state, exchange.attempts), ("error", 4))
        self.assertEqual(exchange.next_attempt - exchange.date_last_attempt, MINUTE)
        # once the HIS is back, the next scheduled attempt sends it
        with freeze_time(exchange.next_attempt + datetime.timedelta(seconds=1)):
            self._cron()
        self.assertEqual((exchange.state, exchange.attempts), ("sent", 5))
        self.assertEqual(len(self.his.requests), 5)

    def test_a_his_that_is_down_does_not_hold_the_close_out(self):
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self._his_backend(url=f"http://127.0.0.1:{port}/his")
        case = self._close_case()
        self.assertEqual(case.state, "done")
        self.assertTrue(case.his_dft_message)
        self.assertEqual(set(case.his_exchange_ids.mapped("state")), {"pending"})
        self.assertFalse(any(case.his_exchange_ids.mapped("date_last_attempt")))
        self._cron()
        self.assertEqual(set(case.his_exchange_ids.mapped("state")), {"error"})
        self.assertRegex(
            case.his_exchange_ids[0].last_error, f"127.0.0.1:{port}/his did not answer"
        )
        self.assertEqual(case.state, "done")
        self.assertTrue(case.with_user(self.user_department).his_exchange_problem)

    def test_device_manager_sends_now(self):
        backend = self._his_backend(message_types="dft")
        self.his.answers.append((500, "text/plain", "down"))
        case = self._close_case()
        exchange = case.his_exchange_ids
        exchange.with_user(self.user_manager).action_send_now()
        self.assertEqual(exchange.state, "error")
        backend.with_user(self.user_manager).action_send_due()
        self.assertEqual((exchange.state, exchange.attempts), ("sent", 2))


class TestHisSendingFolder(MedHisSendingCommon):
    def setUp(self):
        super().setUp()
        self.root = self.env["med.his.backend"]._med_his_folder_root()
        os.makedirs(self.root, exist_ok=True)
        tmp = tempfile.TemporaryDirectory(dir=self.root)
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.relative = os.path.relpath(os.path.join(self.folder, "out"), self.root)

    def test_messages_are_written_as_new_files_under_the_root(self):
        self._his_backend(name="Theatre folder", transport="folder", folder_path=self.relative)
        case = self._close_case()
        by_type = {e.message_type: e for e in case.his_exchange_ids}
        # a file of that name already there is never overwritten
        out = os.path.join(self.folder, "out")
        os.makedirs(out)
        taken = os.path.join(out, by_type["fhir"]._med_his_file_name())
        with open(taken, "w") as handle:
            handle.write("the HIS's own file")
        self.env["med.his.exchange"]._cron_med_his_send()
        dft = by_type["dft"]
        self.assertEqual(dft.state, "sent")
        expected = os.path.join(out, f"{case.name.replace('/', '_')}-dft-{dft.id}.hl7")
        self.assertEqual(dft.file_name, expected)
        with open(expected, encoding="utf-8", newline="") as handle:
            self.assertEqual(handle.read(), case.his_dft_message)
        fhir = by_type["fhir"]
        self.assertEqual(fhir.state, "error")
        self.assertRegex(fhir.last_error, "already exists .* it is not overwritten")
        with open(taken) as handle:
            self.assertEqual(handle.read(), "the HIS's own file")
        # no temporary file left behind
        self.assertEqual(
            sorted(os.listdir(out)), sorted([os.path.basename(expected), os.path.basename(taken)])
        )

    def test_a_folder_outside_the_root_is_refused(self):
        link = os.path.join(self.folder, "escape-link")
        os.symlink("/etc", link)
        for value in ("/etc", "../../..", "out/../../../x", os.path.relpath(link, self.root)):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(
                    ValidationError,
                    rf"Folder of HIS backend Theatre folder: {value}\s+is outside the HIS "
                    "folder root",
                ),
            ):
                self._his_backend(name="Theatre folder", transport="folder", folder_path=value)

    def test_a_folder_swapped_for_a_link_after_saving_is_not_written(self):
        self._his_backend(name="Theatre folder", transport="folder", folder_path=self.relative)
        case = self._close_case()
        outside = tempfile.TemporaryDirectory()
        self.addCleanup(outside.cleanup)
        os.symlink(outside.name, os.path.join(self.folder, "out"))
        self.env["med.his.exchange"]._cron_med_his_send()
        self.assertEqual(set(case.his_exchange_ids.mapped("state")), {"error"})
        self.assertRegex(case.his_exchange_ids[0].last_error, "outside the HIS folder root")
        self.assertEqual(os.listdir(outside.name), [])


class TestHisSendingSecurity(MedHisSendingCommon):
    def test_a_nurse_reads_her_cases_exchanges_but_neither_configures_nor_sends(self):
        backend = self._his_backend(message_types="dft", auth_header="Bearer s3cret")
        case = self._close_case()
        nurse_exchange = case.his_exchange_ids.with_user(self.user_department)
        self.assertEqual(nurse_exchange.state, "pending")
        # she opens the case with its exchanges, and each exchange
        values = open_form(self.env, self.user_department, case)[0]
        self.assertEqual(values["his_exchange_count"], 1)
        self.assertEqual(
            open_form(self.env, self.user_department, nurse_exchange)[0]["backend_id"][
                "display_name"
            ],
            "HIS charges",
        )
        with self.assertRaisesRegex(AccessError, "not allowed to create"):
            self.env["med.his.backend"].with_user(self.user_department).create(
                {"name": "Mine", "url": "http://127.0.0.1:1/"}
            )
        with self.assertRaisesRegex(AccessError, "not allowed to modify"):
            backend.with_user(self.user_department).url = "http://127.0.0.1:2/"
        with self.assertRaisesRegex(AccessError, "Only device managers send messages to the HIS"):
            nurse_exchange.action_send_now()
        with self.assertRaisesRegex(AccessError, "Only device managers send messages to the HIS"):
            backend.with_user(self.user_department).action_send_due()
        with self.assertRaisesRegex(AccessError, "auth_header|Authorization Header"):
            backend.with_user(self.user_department).read(["auth_header"])
        self.assertEqual(self.his.requests, [])
        # the nurse of another department sees nothing of it
        self.assertFalse(
            self.env["med.his.exchange"]
            .with_user(self.user_ortho_nurse)
            .search([("case_id", "=", case.id)])
        )

    def test_exchanges_are_recorded_by_the_system_only(self):
        self._his_backend(message_types="dft")
        case = self._close_case()
        exchange = case.his_exchange_ids
        refused = "HIS exchanges are recorded by the system only.*write of payload refused"
        for env in (self.env(user=self.user_manager), self.env(su=True)):
            with self.subTest(user=env.user.login), self.assertRaisesRegex(AccessError, refused):
                exchange.with_env(env).write({"payload": "MSH|forged"})
        with self.assertRaisesRegex(AccessError, "write of attempts, state refused"):
            exchange.sudo().write({"state": "sent", "attempts": 0})
        with self.assertRaisesRegex(AccessError, "create of .*refused"):
            exchange.sudo().create(
                {"case_id": case.id, "backend_id": exchange.backend_id.id, "message_type": "dft"}
            )
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            exchange.with_user(self.user_manager).unlink()
        self.assertEqual(exchange.payload, case.his_dft_message)
