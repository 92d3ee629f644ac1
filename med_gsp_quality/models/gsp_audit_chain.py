import hashlib
import hmac
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

_logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64

#: how an entry's hash is computed (``gsp.audit.log.hash_version``)
HASH_LEGACY = 1  # before 18.0.1.2.0: sha256, no secret, res_name not covered
HASH_KEYED = 2  # HMAC-SHA256 with the server's secret over every stored column
HASH_UNKEYED = 3  # as 2, but written while no secret was configured: sha256 only
HASH_VERSIONS = (HASH_LEGACY, HASH_KEYED, HASH_UNKEYED)

#: every stored column of an entry that means something, in the keyed hash
ENTRY_KEYS = (
    "sequence",
    "prev_hash",
    "model",
    "res_id",
    "res_name",
    "operation",
    "field_name",
    "old_value",
    "new_value",
    "user_id",
    "date",
    "reason",
)
LEGACY_KEYS = (
    "sequence",
    "model",
    "res_id",
    "operation",
    "field_name",
    "old_value",
    "new_value",
    "user_id",
    "date",
    "reason",
)


def audit_secret():
    """The secret keying the chain (server option ``med_audit_secret``), or ''."""
    return str(config.get("med_audit_secret") or "").strip()


def _canonical(vals, keys, **extra):
    data = {}
    for key in keys:
        value = vals.get(key)
        data[key] = None if value is False or value == "" else value
    if data.get("date") and not isinstance(data["date"], str):
        data["date"] = fields.Datetime.to_string(data["date"])
    data.update(extra)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_content(vals):
    """The canonical JSON of a legacy (version 1) entry: what its hash protected."""
    return _canonical(vals, LEGACY_KEYS)


def entry_hash(prev_hash, content):
    """Legacy (version 1): sha256 of the previous hash followed by the content."""
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def keyed_digest(secret, message):
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def compute_hash(vals, version, secret=None):
    """The hash of an entry (``vals``: its columns, ``prev_hash`` included) under
    ``version``; None when a keyed hash is asked for without a secret."""
    if version == HASH_LEGACY:
        return entry_hash(vals.get("prev_hash") or GENESIS_HASH, canonical_content(vals))
    content = _canonical(vals, ENTRY_KEYS, hash_version=version)
    if version == HASH_KEYED:
        return keyed_digest(secret, "gsp-audit-entry:" + content) if secret else None
    if version == HASH_UNKEYED:
        return hashlib.sha256(content.encode("utf-8")).hexdigest()
    return None


class GspAuditChain(models.Model):
    """The head of the audit chain: one row, locked while entries are appended."""

    _name = "gsp.audit.chain"
    _description = "GSP Audit Chain Head"

    last_sequence = fields.Integer(readonly=True)
    last_hash = fields.Char(readonly=True, default=GENESIS_HASH)
    legacy_sequence = fields.Integer(
        readonly=True,
        help="Last entry hashed by the legacy scheme (before 18.0.1.2.0); every later "
        "entry is keyed. Also recorded in every signed checkpoint.",
    )
    last_check_date = fields.Datetime(readonly=True)
    last_check_ok = fields.Boolean(readonly=True)
    last_check_state = fields.Selection(
        [("intact", "Intact"), ("not_anchored", "Not anchored"), ("broken", "Broken")],
        readonly=True,
    )
    broken_entry_id = fields.Many2one("gsp.audit.log", readonly=True)
    broken_sequence = fields.Integer(readonly=True)
    last_check_message = fields.Char(readonly=True)

    def init(self):
        self.env.cr.execute(
            """INSERT INTO gsp_audit_chain (last_sequence, last_hash, legacy_sequence,
                                            create_date, write_date)
               SELECT 0, %s, 0, now() at time zone 'UTC', now() at time zone 'UTC'
               WHERE NOT EXISTS (SELECT 1 FROM gsp_audit_chain)""",
            [GENESIS_HASH],
        )

    @api.model
    def _lock_head(self):
        """Locks the head row for the transaction; returns (id, last_sequence, last_hash)."""
        self.env.cr.execute(
            "SELECT id, last_sequence, last_hash FROM gsp_audit_chain "
            "ORDER BY id LIMIT 1 FOR UPDATE"
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(_("The audit chain head is missing."))
        return row

    @api.model
    def _head_row(self):
        self.env.cr.execute(
            "SELECT id, last_sequence, last_hash, legacy_sequence FROM gsp_audit_chain "
            "ORDER BY id LIMIT 1"
        )
        return self.env.cr.dictfetchone()

    @api.model
    def _advance(self, head_id, sequence, last_hash):
        self.env.cr.execute(
            "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s WHERE id = %s",
            [sequence, last_hash, head_id],
        )
        self.invalidate_model(["last_sequence", "last_hash"])

    def write(self, vals):
        if self:
            raise UserError(_("The audit chain head is maintained by the system only."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The audit chain head cannot be deleted."))
