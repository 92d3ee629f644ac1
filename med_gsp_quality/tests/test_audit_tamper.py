"""Every kind of tamper with the audit trail is found and reported at its first bad entry.

Each tamper is done as an attacker with database access would: raw SQL through
``self.env.cr.execute``.  Checkpoints go to a temporary folder (the server option
``med_audit_checkpoint_dir``); the secret is the server's own ``med_audit_secret``."""

import importlib.util
import json
import os
import tempfile
from pathlib import Path
from unittest.mock import patch

import odoo

from ..models.gsp_audit_chain import (
    HASH_KEYED,
    HASH_LEGACY,
    HASH_UNKEYED,
    audit_secret,
    compute_hash,
)
from ..models.gsp_audit_checkpoint import make_checkpoint, read_checkpoints, write_checkpoint
from .common import GspQualityCommon

MIGRATIONS = Path(__file__).parent.parent / "migrations" / "18.0.1.2.0"
COLUMNS = (
    "id, sequence, model, res_id, res_name, operation, field_name, old_value, new_value, "
    "user_id, date, reason, prev_hash, hash, hash_version"
)


def _migration(name):
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestAuditTamper(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log = cls.env["gsp.audit.log"]
        cls.partner = cls.env["res.partner"].create({"name": "Tamper Ltd"})

    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.secret = audit_secret() or "gsp-test-secret"
        self._config({"med_audit_checkpoint_dir": folder.name, "med_audit_secret": self.secret})
        self.folder = os.path.join(folder.name, self.env.cr.dbname)
        officer = self.partner.with_user(self.user_quality_officer)
        for value in ("Ms Wang", "Mr Li", "Mrs Zhao", "Dr Chen", "Ms Sun"):
            officer.write({"gsp_quality_contact": value})
        self.entries = self._rows()[-5:]

    # --- helpers ---------------------------------------------------------------

    def _config(self, values):
        patcher = patch.dict(odoo.tools.config.options, values)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _rows(self):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT {COLUMNS} FROM gsp_audit_log ORDER BY sequence")
        return self.env.cr.dictfetchall()

    def _sql(self, query, params=()):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        self.env.invalidate_all()

    def _checkpoint(self):
        """A verification, committed: it writes its signed checkpoint."""
        result = self.log._check_chain_and_record()
        self.env.cr.postcommit.run()  # what the commit runs
        return result

    def _assert_broken(self, sequence, message, entry=True):
        result = self.log._gsp_verify()
        self.assertEqual(result["state"], "broken", result["message"])
        self.assertEqual(result["sequence"], sequence, result["message"])
        self.assertRegex(result["message"], message)
        if entry:
            self.assertEqual(result["entry_id"], self._by_sequence(sequence)["id"])
        else:
            self.assertFalse(result["entry_id"])
        return result

    def _by_sequence(self, sequence):
        return next(row for row in self._rows() if row["sequence"] == sequence)

    def _rehash(self, rows, version, secret=None):
        """Recomputes the hashes of ``rows`` (in order) and the chain head, as an attacker
        rewriting the chain would."""
        prev_hash = None
        for row in rows:
            if prev_hash is not None:
                row["prev_hash"] = prev_hash
            row["hash_version"] = version
            row["hash"] = prev_hash = compute_hash(row, version, secret)
            self._sql(
                "UPDATE gsp_audit_log SET prev_hash = %s, hash = %s, hash_version = %s, "
                "res_name = %s, new_value = %s WHERE id = %s",
                [
                    row["prev_hash"],
                    row["hash"],
                    version,
                    row["res_name"],
                    row["new_value"],
                    row["id"],
                ],
            )
        self._sql(
            "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s",
            [rows[-1]["sequence"], prev_hash],
        )

    # --- intact ------------------------------------------------------------------

    def test_intact_trail_is_anchored_by_a_signed_checkpoint_per_day(self):
        self.assertFalse(os.path.exists(self.folder))
        result = self._checkpoint()
        self.assertEqual(result["state"], "intact", result["message"])
        self.assertEqual(self.env["gsp.audit.chain"].search([]).last_check_state, "intact")
        files = os.listdir(self.folder)
        self.assertEqual(len(files), 1)
        self.assertRegex(files[0], r"^\d{4}-\d{2}-\d{2}\.jsonl$")
        checkpoints, problems = read_checkpoints(self.env.cr.dbname, self.secret)
        self.assertFalse(problems)
        self.assertEqual(
            (checkpoints[-1]["sequence"], checkpoints[-1]["hash"]),
            (self.entries[-1]["sequence"], self.entries[-1]["hash"]),
        )
        self.assertEqual(self.entries[-1]["hash_version"], HASH_KEYED)
        self._checkpoint()
        self.assertEqual(os.listdir(self.folder), files, "one file per day, lines appended")
        with open(os.path.join(self.folder, files[0]), encoding="utf-8") as stream:
            self.assertEqual(len(stream.readlines()), 2)
        result = self.log._gsp_verify()
        self.assertEqual((result["state"], result["checkpoints"]), ("intact", 2))

    def test_daily_checkpoint_is_also_mailed_when_an_address_is_configured(self):
        self._config({"med_audit_checkpoint_email": "audit-anchor@example.com"})
        result = self.log._cron_verify_chain()
        mail = self.env["mail.mail"].sudo().search([("email_to", "=", "audit-anchor@example.com")])
        self.assertEqual(len(mail), 1)
        self.assertIn(json.loads(result["checkpoint"])["hmac"], mail.body_html)
        self.env.cr.postcommit.run()
        checkpoints, _problems = read_checkpoints(self.env.cr.dbname, self.secret)
        self.assertEqual(
            json.dumps(
                {k: v for k, v in checkpoints[-1].items() if k not in ("file", "line")},
                sort_keys=True,
                ensure_ascii=False,
            ),
            result["checkpoint"],
        )

    def test_checkpoints_of_an_earlier_database_of_the_same_name_do_not_count(self):
        dbname = self.env.cr.dbname
        old = make_checkpoint(dbname, "uuid-of-a-dropped-database", 10**6, "d" * 64, 0, self.secret)
        write_checkpoint(dbname, old)
        result = self._checkpoint()
        self.assertEqual(result["state"], "not_anchored", result["message"])
        self.assertRegex(result["message"], "belong to another database of the same name")
        result = self.log._gsp_verify()
        self.assertEqual((result["state"], result["checkpoints"]), ("intact", 1))

    # --- deletions ---------------------------------------------------------------

    def test_tail_deleted_after_a_checkpoint_is_found(self):
        self._checkpoint()
        kept = self.entries[2]
        self._sql("DELETE FROM gsp_audit_log WHERE sequence > %s", [kept["sequence"]])
        # the attacker also moves the head back onto the last entry kept
        self._sql(
            "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s",
            [kept["sequence"], kept["hash"]],
        )
        first, last = kept["sequence"] + 1, self.entries[-1]["sequence"]
        result = self._assert_broken(
            first,
            rf"Entries {first}\.\.{last} were deleted after the checkpoint of "
            r"\d{4}-\d{2}-\d{2}T",
            entry=False,
        )
        self.log._check_chain_and_record()
        head = self.env["gsp.audit.chain"].search([])
        self.assertEqual((head.last_check_state, head.broken_sequence), ("broken", first))
        self.assertEqual(head.last_check_message, result["message"])

    def test_tail_deleted_without_moving_the_head_is_found(self):
        kept = self.entries[2]
        self._sql("DELETE FROM gsp_audit_log WHERE sequence > %s", [kept["sequence"]])
        first = kept["sequence"] + 1
        self._assert_broken(
            first,
            rf"Entries {first}\.\.{self.entries[-1]['sequence']} were "
            "deleted: the chain head records",
            entry=False,
        )

    def test_middle_deletion_is_reported_at_the_first_missing_entry(self):
        gone = self.entries[1]["sequence"], self.entries[2]["sequence"]
        self._sql("DELETE FROM gsp_audit_log WHERE sequence IN %s", [gone])
        self._assert_broken(gone[0], rf"Entries {gone[0]}\.\.{gone[1]} are missing", entry=False)
        action = self.log.with_user(self.user_quality_officer).action_verify_chain()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(f"{gone[0]}..{gone[1]}", action["params"]["message"])

    # --- rewrites ----------------------------------------------------------------

    def test_chain_rehashed_with_a_wrong_key_or_without_key_is_found(self):
        rows = self._rows()
        first_keyed = next(row for row in rows if row["hash_version"] != HASH_LEGACY)
        forged = [row for row in rows if row["sequence"] >= first_keyed["sequence"]]
        forged[0]["new_value"] = "Forged"
        self._rehash(forged, HASH_KEYED, secret="not-the-server-secret")
        self._assert_broken(first_keyed["sequence"], "its content does not match its hash")
        # as legacy (plain sha256) entries: refused after the legacy part of the chain
        self._rehash(forged, HASH_LEGACY)
        self._assert_broken(first_keyed["sequence"], "claims the legacy unkeyed hash")

    def test_chain_rewritten_as_unkeyed_after_a_checkpoint_is_found(self):
        self._checkpoint()
        rows = self._rows()
        target = self.entries[1]
        forged = [row for row in rows if row["sequence"] >= target["sequence"]]
        forged[0]["new_value"] = "Forged"
        self._rehash(forged, HASH_UNKEYED)
        last = self.entries[-1]["sequence"]
        self._assert_broken(last, "differs from the checkpoint of .*rewritten")

    def test_every_column_is_covered_by_the_keyed_hash(self):
        victim = self.entries[2]
        edits = {
            "res_name": "Somebody Else Ltd",
            "old_value": "Forged",
            "new_value": "Forged",
            "user_id": self.user_admin.id,
            "date": "2020-01-01 00:00:00",
            "reason": "Forged",
            "model": "res.users",
            "res_id": victim["res_id"] + 1,
            "field_name": "gsp_uscc",
            "operation": "create",
            "sequence": 10**8,
            "prev_hash": "f" * 64,
            "hash_version": 9,
        }
        for column, value in edits.items():
            with self.subTest(column=column):
                self._sql(
                    f"UPDATE gsp_audit_log SET {column} = %s WHERE id = %s", [value, victim["id"]]
                )
                if column == "sequence":  # the entry seems gone from its place
                    self._assert_broken(victim["sequence"], "are missing", entry=False)
                else:
                    self._assert_broken(
                        victim["sequence"], f"Entry {victim['sequence']} .* was altered"
                    )
                self._sql(
                    f"UPDATE gsp_audit_log SET {column} = %s WHERE id = %s",
                    [victim[column], victim["id"]],
                )
                self.assertEqual(self.log._gsp_verify()["state"], "intact")

    def test_edited_chain_head_is_found(self):
        last = self.entries[-1]
        self._sql("UPDATE gsp_audit_chain SET last_hash = %s", ["e" * 64])
        self._assert_broken(last["sequence"], "The chain head was altered", entry=False)
        self._sql(
            "UPDATE gsp_audit_chain SET last_hash = %s, last_sequence = %s",
            [last["hash"], last["sequence"] - 1],
        )
        self._assert_broken(
            last["sequence"], "The chain head was altered: it records entry", entry=False
        )
        self._sql("UPDATE gsp_audit_chain SET last_sequence = %s", [last["sequence"]])
        self.assertEqual(self.log._gsp_verify()["state"], "intact")

    def test_edited_checkpoint_file_is_found(self):
        self._checkpoint()
        path = os.path.join(self.folder, os.listdir(self.folder)[0])
        with open(path, encoding="utf-8") as stream:
            data = json.loads(stream.readline())
        data["sequence"] -= 2  # hides the two last entries from the anchor
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(data) + "\n")
        result = self._assert_broken(
            0, "Checkpoint .*jsonl line 1 .* was altered: its signature does not match", entry=False
        )
        self.assertIn(self.folder, result["message"])

    # --- no secret and legacy entries ---------------------------------------------

    def test_without_secret_entries_are_chained_but_not_anchored(self):
        self._config({"med_audit_secret": ""})
        result = self._checkpoint()
        self.assertEqual(result["state"], "not_anchored", result["message"])
        self.assertRegex(result["message"], r"NOT anchored: .* no secret \(med_audit_secret\)")
        self.assertFalse(os.path.exists(self.folder), "no checkpoint can be signed")
        # business goes on: the entry is appended, chained, marked unkeyed
        self.partner.with_user(self.user_quality_officer).write({"gsp_quality_contact": "X"})
        last = self._rows()[-1]
        self.assertEqual(
            (last["hash_version"], last["prev_hash"]), (HASH_UNKEYED, self.entries[-1]["hash"])
        )
        action = self.log.with_user(self.user_quality_officer).action_verify_chain()
        self.assertEqual(action["params"]["type"], "warning")
        # with the secret back, the unkeyed entry is still named as not verifiable
        self._config({"med_audit_secret": self.secret})
        result = self.log._gsp_verify()
        self.assertEqual((result["state"], result["sequence"]), ("not_anchored", last["sequence"]))
        self.assertRegex(
            result["message"],
            rf"from entry {last['sequence']} on were written "
            "while the server had no secret",
        )
        # and a broken link is still found without the secret
        self._config({"med_audit_secret": ""})
        self._sql("UPDATE gsp_audit_log SET prev_hash = %s WHERE id = %s", ["a" * 64, last["id"]])
        self._assert_broken(last["sequence"], "does not link to entry")

    def test_legacy_entries_stay_valid_and_are_anchored_by_the_upgrade(self):
        """A trail written before 18.0.1.2.0 (plain sha256, record name not hashed) is
        verified by its old scheme after the upgrade, and its head is anchored by the
        upgrade's checkpoint: rewriting it later is found."""
        rows = self._rows()
        self._rehash(rows, HASH_LEGACY)  # the trail as the old version wrote it
        self._sql("UPDATE gsp_audit_log SET hash_version = NULL")
        self._sql("UPDATE gsp_audit_chain SET legacy_sequence = NULL")
        _migration("pre-migrate").migrate(self.env.cr, "18.0.1.1.0")
        _migration("post-migrate").migrate(self.env.cr, "18.0.1.1.0")
        self.env.cr.postcommit.run()
        self.env.invalidate_all()
        self.assertEqual({row["hash_version"] for row in self._rows()}, {HASH_LEGACY})
        result = self.log._gsp_verify()
        self.assertEqual((result["state"], result["checkpoints"]), ("intact", 1))
        # the legacy hash does not cover res_name: the checkpoint does
        victim = self.entries[1]
        rewritten = [row for row in self._rows() if row["sequence"] >= victim["sequence"]]
        rewritten[0]["new_value"] = "Forged"
        self._rehash(rewritten, HASH_LEGACY)
        self._assert_broken(self.entries[-1]["sequence"], "differs from the checkpoint")
        self._rehash(rows, HASH_LEGACY)  # put back
        self.assertEqual(self.log._gsp_verify()["state"], "intact")
        # new entries are keyed; a legacy entry after them is a tamper
        self.partner.with_user(self.user_quality_officer).write({"gsp_quality_contact": "Y"})
        new = self._rows()[-1]
        self.assertEqual(new["hash_version"], HASH_KEYED)
        self.assertEqual(self.log._gsp_verify()["state"], "intact")
        self._rehash([new], HASH_LEGACY)
        self._assert_broken(new["sequence"], "claims the legacy unkeyed hash")
