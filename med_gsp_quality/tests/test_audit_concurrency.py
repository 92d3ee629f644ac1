"""The audit chain stays linear when separate transactions append to it at the same time:
the head row lock (SELECT ... FOR UPDATE) serialises them.

Odoo's transactions are REPEATABLE READ: a transaction that waited for the head lock
held by another one which then committed fails with a serialization error (it cannot
take the new head from its older snapshot) instead of forking the chain.  Odoo runs
every RPC call, HTTP request and cron job through ``odoo.service.model.retrying`` (or
retries the job), which replays it on a fresh snapshot: the writers here do the same.

These tests need real, committed transactions: they open their own cursors
(``registry.cursor()``, separate database connections, not the test's cursor), commit,
and remove what they committed in a cleanup (SQL: the entries after the chain head as it
was, the partners created, the head restored).  The test class writes nothing in the
test's own transaction, which would otherwise hold the head lock and block them.
"""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase
from psycopg2 import errors

from ..models.gsp_audit_chain import audit_secret, compute_hash

#: a blocked transaction fails instead of hanging the test run
LOCK_TIMEOUT = "30s"
CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


class TestAuditChainConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        if self.registry.in_test_mode():
            self.skipTest("the registry is in test mode: its cursors share the test cursor")
        self.partner_ids = []
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id, last_sequence, last_hash FROM gsp_audit_chain ORDER BY id LIMIT 1"
            )
            self.head_id, self.head_sequence, self.head_hash = cr.fetchone()
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM gsp_audit_log WHERE sequence > %s", [self.head_sequence])
            if self.partner_ids:
                cr.execute("DELETE FROM res_partner WHERE id IN %s", [tuple(self.partner_ids)])
            cr.execute(
                "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s WHERE id = %s",
                [self.head_sequence, self.head_hash, self.head_id],
            )

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        return cr

    def _create_audited(self, cr, name):
        """An audited change (a partner's GSP quality contact) in ``cr``'s transaction."""
        env = api.Environment(cr, SUPERUSER_ID, dict(CONTEXT))
        partner = env["res.partner"].create({"name": name, "gsp_quality_contact": name})
        self.partner_ids.append(partner.id)
        return partner

    def _write_retrying(self, cr, name, attempts=None):
        """The audited change run as Odoo runs a request: replayed on serialization
        failures, then committed."""
        env = api.Environment(cr, SUPERUSER_ID, dict(CONTEXT))

        def attempt():
            if attempts is not None:
                attempts.append(name)
            return self._create_audited(cr, name)

        return retrying(attempt, env)

    def _new_entries(self):
        """The committed entries appended since setUp, in chain order."""
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT id, sequence, model, res_id, res_name, operation, field_name,
                          old_value, new_value, user_id, date, reason, prev_hash, hash,
                          hash_version
                     FROM gsp_audit_log WHERE sequence > %s ORDER BY sequence""",
                [self.head_sequence],
            )
            rows = cr.dictfetchall()
            cr.execute(
                "SELECT last_sequence, last_hash FROM gsp_audit_chain WHERE id = %s", [self.head_id]
            )
            head = cr.fetchone()
        return rows, head

    def _assert_linear(self, rows, head, count):
        """``count`` entries, consecutive, each hashed on its predecessor; the head at
        the last one."""
        self.assertEqual(len(rows), count)
        self.assertEqual(
            [r["sequence"] for r in rows],
            list(range(self.head_sequence + 1, self.head_sequence + 1 + count)),
        )
        prev_hash = self.head_hash
        for row in rows:
            self.assertEqual(row["prev_hash"], prev_hash, f"entry {row['sequence']} forks")
            self.assertEqual(compute_hash(row, row["hash_version"], audit_secret()), row["hash"])
            prev_hash = row["hash"]
        self.assertEqual(head, (rows[-1]["sequence"], rows[-1]["hash"]))

    def test_second_transaction_waits_for_the_head_lock(self):
        waiting = {}
        failures = []
        attempts = []

        def second():
            try:
                with self._cursor() as cr:
                    cr.execute("SELECT pg_backend_pid()")
                    waiting["pid"] = cr.fetchone()[0]
                    self._write_retrying(cr, "Second Ltd", attempts)
            except Exception as error:  # reported by the main thread
                failures.append(error)

        with self._cursor() as cr_first:
            self._create_audited(cr_first, "First Ltd")  # holds the head lock
            thread = threading.Thread(target=second)
            thread.start()
            blocked = False
            with self.registry.cursor() as observer:
                for _attempt in range(100):
                    observer.execute(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                        [waiting.get("pid") or 0],
                    )
                    row = observer.fetchone()
                    if row and row[0] == "Lock":
                        blocked = True
                        break
                    observer.rollback()
                    time.sleep(0.1)
            self.assertTrue(blocked, "the second transaction waits for the first one's lock")
            self.assertTrue(thread.is_alive())
            # leaving the block commits the first transaction and releases the lock
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.assertFalse(failures, failures)
        self.assertEqual(
            len(attempts),
            2,
            "its snapshot predates the first commit: it "
            "fails on the lock and is replayed once, never forks the chain",
        )
        rows, head = self._new_entries()
        self._assert_linear(rows, head, 2)
        self.assertEqual([r["new_value"] for r in rows], ["First Ltd", "Second Ltd"])

    def test_head_lock_refuses_a_second_transaction_past_its_lock_timeout(self):
        """The deterministic form: while a transaction appends, another cannot take the
        head (it would fork the chain); it gets it once the first has committed."""
        with self._cursor() as cr_first:
            self._create_audited(cr_first, "Holder Ltd")
            with self.registry.cursor() as cr_second:
                cr_second.execute("SET lock_timeout = '200ms'")
                chain = api.Environment(cr_second, SUPERUSER_ID, {})["gsp.audit.chain"]
                with self.assertRaises(errors.LockNotAvailable):
                    chain._lock_head()
                cr_second.rollback()
        with self.registry.cursor() as cr_third:
            chain = api.Environment(cr_third, SUPERUSER_ID, {})["gsp.audit.chain"]
            self.assertEqual(chain._lock_head()[1], self.head_sequence + 1)
            cr_third.rollback()

    def test_concurrent_writers_keep_the_chain_linear(self):
        per_thread = 5
        failures = []
        start = threading.Barrier(2, timeout=30)

        def writer(label):
            try:
                start.wait()
                for index in range(per_thread):
                    with self._cursor() as cr:
                        self._write_retrying(cr, f"{label} {index}")
            except Exception as error:  # reported by the main thread
                failures.append(error)

        threads = [threading.Thread(target=writer, args=(label,)) for label in "AB"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertFalse(failures, failures)
        rows, head = self._new_entries()
        self._assert_linear(rows, head, 2 * per_thread)
        self.assertEqual(
            sorted(r["new_value"] for r in rows),
            sorted(f"{label} {index}" for label in "AB" for index in range(per_thread)),
        )
