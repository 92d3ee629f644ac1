import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

GENESIS_HASH = "0" * 64


def entry_hash(prev_hash, content):
    """sha256 of the previous hash followed by the entry's canonical content."""
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def canonical_content(vals):
    """The canonical JSON of an audit entry: what the hash protects."""
    keys = (
        "sequence", "model", "res_id", "operation", "field_name", "old_value",
        "new_value", "user_id", "date", "reason",
    )  # fmt: skip
    data = {}
    for key in keys:
        value = vals.get(key)
        data[key] = None if value is False or value == "" else value
    if data["date"] and not isinstance(data["date"], str):
        data["date"] = fields.Datetime.to_string(data["date"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class GspAuditChain(models.Model):
    """The head of the audit chain: one row, locked while entries are appended."""

    _name = "gsp.audit.chain"
    _description = "GSP Audit Chain Head"

    last_sequence = fields.Integer(readonly=True)
    last_hash = fields.Char(readonly=True, default=GENESIS_HASH)
    last_check_date = fields.Datetime(readonly=True)
    last_check_ok = fields.Boolean(readonly=True)
    broken_entry_id = fields.Many2one("gsp.audit.log", readonly=True)
    last_check_message = fields.Char(readonly=True)

    def init(self):
        self.env.cr.execute(
            """INSERT INTO gsp_audit_chain (last_sequence, last_hash, create_date, write_date)
               SELECT 0, %s, now() at time zone 'UTC', now() at time zone 'UTC'
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
