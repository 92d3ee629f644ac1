import functools
import logging

from markupsafe import Markup
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from .gsp_audit_chain import (
    GENESIS_HASH,
    HASH_KEYED,
    HASH_LEGACY,
    HASH_UNKEYED,
    HASH_VERSIONS,
    audit_secret,
    compute_hash,
)
from .gsp_audit_checkpoint import (
    checkpoint_dir,
    make_checkpoint,
    read_checkpoints,
    write_checkpoint_safely,
)

_logger = logging.getLogger(__name__)

BATCH = 5000
_COLUMNS = (
    "id, sequence, model, res_id, res_name, operation, field_name, old_value, new_value, "
    "user_id, date, reason, prev_hash, hash, hash_version"
)
#: the server log warns once per process that entries are written without a secret
_warned_unkeyed = []


class GspAuditLog(models.Model):
    """Append-only, hash-chained trail of changes to GSP-critical records."""

    _name = "gsp.audit.log"
    _description = "GSP Audit Trail Entry"
    _order = "sequence desc"
    _rec_name = "sequence"

    sequence = fields.Integer(readonly=True, required=True, index=True)
    model = fields.Char(readonly=True, required=True)
    res_id = fields.Integer(string="Record ID", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    operation = fields.Selection(
        [("create", "Create"), ("write", "Write"), ("unlink", "Delete")],
        readonly=True,
        required=True,
    )
    field_name = fields.Char(string="Field", readonly=True)
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    date = fields.Datetime(readonly=True, required=True)
    reason = fields.Char(readonly=True)
    prev_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True, index=True)
    hash_version = fields.Integer(
        readonly=True,
        help="1: legacy (sha256, before 18.0.1.2.0); 2: HMAC-SHA256 with the server's "
        "secret over every column; 3: written while no secret was configured.",
    )

    _sql_constraints = [
        ("sequence_unique", "unique(sequence)", "An audit chain position is used only once."),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS gsp_audit_log_model_res_id_idx "
            "ON gsp_audit_log (model, res_id)"
        )

    @api.model
    def _append(self, entries):
        """Appends entries (dicts: model, res_id, res_name, operation, field_name,
        old_value, new_value, reason) in one create; chained under the head lock."""
        if not entries:
            return self.browse()
        chain = self.env["gsp.audit.chain"]
        head_id, sequence, last_hash = chain._lock_head()
        now = fields.Datetime.now()
        user_id = self.env.uid
        secret = audit_secret()
        version = HASH_KEYED if secret else HASH_UNKEYED
        if not secret and not _warned_unkeyed:
            _warned_unkeyed.append(True)
            _logger.warning(
                "GSP audit trail: no med_audit_secret in the server configuration; entries "
                "are chained but not keyed and the chain cannot be anchored."
            )
        vals_list = []
        for entry in entries:
            sequence += 1
            vals = dict(
                entry,
                sequence=sequence,
                user_id=user_id,
                date=now,
                prev_hash=last_hash,
                hash_version=version,
            )
            for key in ("old_value", "new_value"):
                if vals.get(key) is not None and not isinstance(vals[key], str):
                    vals[key] = str(vals[key])
            last_hash = vals["hash"] = compute_hash(vals, version, secret)
            vals_list.append(vals)
        logs = self.sudo().with_context(gsp_audit_append=True).create(vals_list)
        chain._advance(head_id, sequence, last_hash)
        return logs

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("gsp_audit_append") or not self.env.su:
            raise UserError(_("Audit trail entries are written by the system only."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(_("Audit trail entries cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Audit trail entries cannot be deleted."))

    # --- verification ----------------------------------------------------------

    @api.model
    def _gsp_verify(self):
        """Verifies the whole trail against its keyed hashes, the chain head and the
        signed checkpoints outside the database.

        Returns a dict: ``state`` (``intact``, ``not_anchored``: chained but without a
        secret to check it by, or ``broken``), ``sequence`` (of the first bad entry,
        present or missing), ``entry_id`` (that entry, when it is still there),
        ``message``, ``count`` (entries), ``checkpoints`` (read)."""
        secret = audit_secret()
        head = self.env["gsp.audit.chain"]._head_row() or {
            "last_sequence": 0,
            "last_hash": GENESIS_HASH,
            "legacy_sequence": 0,
        }
        dbname = self.env.cr.dbname
        checkpoints, problems = read_checkpoints(dbname, secret) if secret else ([], [])
        uuid = self._gsp_database_uuid()
        foreign = [cp for cp in checkpoints if cp.get("uuid") != uuid]
        checkpoints = [cp for cp in checkpoints if cp.get("uuid") == uuid]

        def broken(message, sequence=0, entry_id=False):
            return {
                "state": "broken",
                "sequence": sequence,
                "entry_id": entry_id,
                "message": message,
                "count": 0,
                "checkpoints": len(checkpoints),
            }

        if problems:
            name, number = problems[0]
            return broken(
                _(
                    "Checkpoint %(file)s line %(line)s in %(folder)s was altered: its signature "
                    "does not match (or it is not a checkpoint).",
                    file=name,
                    line=number,
                    folder=checkpoint_dir(dbname),
                )
            )
        legacy_until = head["legacy_sequence"] or 0
        if checkpoints:
            anchored_legacy = min(cp["legacy_sequence"] for cp in checkpoints)
            if anchored_legacy != legacy_until:
                return broken(
                    _(
                        "The chain head was altered: it says the legacy (unkeyed) entries end at "
                        "%(head)s, the signed checkpoints say %(anchored)s.",
                        head=legacy_until,
                        anchored=anchored_legacy,
                    )
                )
        by_sequence = {}
        for cp in checkpoints:
            by_sequence.setdefault(cp["sequence"], []).append(cp)
        walk = self._gsp_walk(secret, legacy_until, by_sequence, broken)
        if walk.get("state") == "broken":
            return walk
        last_sequence, last_hash = walk["last_sequence"], walk["last_hash"]
        latest = max(checkpoints, key=lambda cp: cp["sequence"], default=None)
        if latest and latest["sequence"] > last_sequence:
            return broken(
                _(
                    "Entries %(first)s..%(last)s were deleted after the checkpoint of %(date)s "
                    "(the trail ends at entry %(end)s).",
                    first=last_sequence + 1,
                    last=latest["sequence"],
                    date=latest["time"],
                    end=last_sequence,
                ),
                sequence=last_sequence + 1,
            )
        if head["last_sequence"] > last_sequence:
            return broken(
                _(
                    "Entries %(first)s..%(last)s were deleted: the chain head records entry "
                    "%(last)s, the trail ends at entry %(end)s.",
                    first=last_sequence + 1,
                    last=head["last_sequence"],
                    end=last_sequence,
                ),
                sequence=last_sequence + 1,
            )
        if head["last_sequence"] != last_sequence or head["last_hash"] != last_hash:
            return broken(
                _(
                    "The chain head was altered: it records entry %(head)s with hash %(hash)s, "
                    "the trail ends at entry %(end)s with hash %(last_hash)s.",
                    head=head["last_sequence"],
                    hash=head["last_hash"],
                    end=last_sequence,
                    last_hash=last_hash,
                ),
                sequence=min(head["last_sequence"] + 1, last_sequence),
            )
        result = {
            "state": "intact",
            "sequence": 0,
            "entry_id": False,
            "count": last_sequence,
            "checkpoints": len(checkpoints),
        }
        if not secret:
            result["state"] = "not_anchored"
            result["message"] = _(
                "The audit trail is chained but NOT anchored: the server configuration has no "
                "secret (med_audit_secret), so its keyed hashes and signed checkpoints cannot "
                "be verified (%(count)s entries).",
                count=last_sequence,
            )
        elif foreign and not checkpoints:
            result["state"] = "not_anchored"
            result["message"] = _(
                "The audit trail is chained but NOT anchored: the %(count)s checkpoints in "
                "%(folder)s belong to another database of the same name (not to database "
                "%(uuid)s); move them away if the database was recreated.",
                count=len(foreign),
                folder=checkpoint_dir(dbname),
                uuid=uuid,
            )
        elif walk["unkeyed"]:
            first, count = walk["unkeyed"]
            result["state"] = "not_anchored"
            result["sequence"] = first
            result["message"] = _(
                "The audit trail is chained but NOT anchored: %(count)s entries from entry "
                "%(first)s on were written while the server had no secret (med_audit_secret) "
                "and cannot be verified.",
                count=count,
                first=first,
            )
        else:
            result["message"] = _(
                "The audit trail is intact: %(count)s entries, anchored by %(checkpoints)s "
                "signed checkpoints.",
                count=last_sequence,
                checkpoints=len(checkpoints),
            )
        return result

    @api.model
    def _gsp_walk(self, secret, legacy_until, by_sequence, broken):
        """Walks the trail in order; the first bad entry as ``broken(...)``, else the
        last sequence and hash and the unkeyed entries (first, count) or None."""
        cr = self.env.cr
        prev_hash, expected, keyed_from = GENESIS_HASH, 1, None
        unkeyed_first, unkeyed_count = None, 0
        while True:
            cr.execute(
                f"SELECT {_COLUMNS} FROM gsp_audit_log WHERE sequence >= %s "
                "ORDER BY sequence LIMIT %s",
                [expected, BATCH],
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            for row in rows:
                sequence, version = row["sequence"], row["hash_version"]
                where = {"sequence": sequence, "model": row["model"], "record": row["res_id"]}
                if sequence != expected:
                    return broken(
                        _(
                            "Entries %(first)s..%(last)s are missing: they were deleted from the "
                            "trail.",
                            first=expected,
                            last=sequence - 1,
                        ),
                        sequence=expected,
                    )
                if version not in HASH_VERSIONS:
                    return broken(
                        _(
                            "Entry %(sequence)s (%(model)s %(record)s) was altered: unknown hash "
                            "version %(version)s.",
                            version=version,
                            **where,
                        ),
                        sequence,
                        row["id"],
                    )
                if version == HASH_LEGACY and (sequence > legacy_until or keyed_from):
                    return broken(
                        _(
                            "Entry %(sequence)s (%(model)s %(record)s) was altered: it claims the "
                            "legacy unkeyed hash, but legacy entries end at %(legacy)s.",
                            legacy=legacy_until,
                            **where,
                        ),
                        sequence,
                        row["id"],
                    )
                if row["prev_hash"] != prev_hash:
                    return broken(
                        _(
                            "Entry %(sequence)s (%(model)s %(record)s) was altered: it does not "
                            "link to entry %(previous)s.",
                            previous=sequence - 1,
                            **where,
                        ),
                        sequence,
                        row["id"],
                    )
                checkable = version != HASH_KEYED or secret
                if checkable and compute_hash(row, version, secret) != row["hash"]:
                    return broken(
                        _(
                            "Entry %(sequence)s (%(model)s %(record)s) was altered: its content "
                            "does not match its hash.",
                            **where,
                        ),
                        sequence,
                        row["id"],
                    )
                for cp in by_sequence.get(sequence, ()):
                    if cp["hash"] != row["hash"]:
                        return broken(
                            _(
                                "Entry %(sequence)s (%(model)s %(record)s) differs from the "
                                "checkpoint of %(date)s: the trail up to it was rewritten.",
                                date=cp["time"],
                                **where,
                            ),
                            sequence,
                            row["id"],
                        )
                if version != HASH_LEGACY and keyed_from is None:
                    keyed_from = sequence
                if version == HASH_UNKEYED:
                    unkeyed_first = unkeyed_first or sequence
                    unkeyed_count += 1
                prev_hash, expected = row["hash"], expected + 1
        unkeyed = (unkeyed_first, unkeyed_count) if unkeyed_first else None
        return {"last_sequence": expected - 1, "last_hash": prev_hash, "unkeyed": unkeyed}

    @api.model
    def _gsp_database_uuid(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.uuid") or ""

    @api.model
    def _verify_chain(self):
        """The first bad entry still in the trail (empty if there is none); see
        ``_gsp_verify`` for the whole result, missing entries included."""
        return self.browse(self._gsp_verify()["entry_id"])

    @api.model
    def _check_chain_and_record(self):
        """Verifies the trail, records the result on the chain head and, when it is not
        broken and a secret is configured, writes a signed checkpoint of the head once
        the transaction is committed.  Returns the result of ``_gsp_verify``."""
        result = self._gsp_verify()
        head = self.env["gsp.audit.chain"]._head_row()
        state = result["state"]
        if state == "broken":
            _logger.error("GSP audit trail broken: %s", result["message"])
        elif state == "not_anchored":
            _logger.warning("GSP audit trail: %s", result["message"])
        self.env.cr.execute(
            "UPDATE gsp_audit_chain SET last_check_date = now() at time zone 'UTC', "
            "last_check_ok = %s, last_check_state = %s, broken_entry_id = %s, "
            "broken_sequence = %s, last_check_message = %s WHERE id = %s",
            [
                state == "intact",
                state,
                result["entry_id"] or None,
                result["sequence"] or None,
                result["message"],
                head["id"],
            ],
        )
        self.env["gsp.audit.chain"].invalidate_model()
        secret = audit_secret()
        result["checkpoint"] = False
        if state != "broken" and secret:
            dbname = self.env.cr.dbname
            line = make_checkpoint(
                dbname,
                self._gsp_database_uuid(),
                head["last_sequence"],
                head["last_hash"],
                head["legacy_sequence"] or 0,
                secret,
            )
            # written once committed: a checkpoint never anchors what is rolled back
            self.env.cr.postcommit.add(functools.partial(write_checkpoint_safely, dbname, line))
            result["checkpoint"] = line
        return result

    @api.model
    def action_verify_chain(self):
        result = self._check_chain_and_record()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Audit trail verification"),
                "message": result["message"],
                "type": {"intact": "success", "not_anchored": "warning"}.get(
                    result["state"], "danger"
                ),
                "sticky": result["state"] != "intact",
            },
        }

    @api.model
    def _cron_verify_chain(self):
        """Daily: verify, and anchor the head in a signed checkpoint (also mailed to the
        server option ``med_audit_checkpoint_email``, when set, as a second copy out of
        the server's reach)."""
        result = self._check_chain_and_record()
        address = config.get("med_audit_checkpoint_email")
        if result["checkpoint"] and address:
            self.env["mail.mail"].sudo().create(
                {
                    "subject": _("GSP audit trail checkpoint of %(db)s", db=self.env.cr.dbname),
                    "email_to": address,
                    "body_html": Markup("<pre>%s</pre>") % result["checkpoint"],
                    "auto_delete": False,
                }
            )
        return result
