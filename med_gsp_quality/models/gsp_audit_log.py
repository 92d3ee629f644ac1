import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .gsp_audit_chain import GENESIS_HASH, canonical_content, entry_hash

_logger = logging.getLogger(__name__)

BATCH = 5000


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
        vals_list = []
        for entry in entries:
            sequence += 1
            vals = dict(entry, sequence=sequence, user_id=user_id, date=now, prev_hash=last_hash)
            for key in ("old_value", "new_value"):
                if vals.get(key) is not None and not isinstance(vals[key], str):
                    vals[key] = str(vals[key])
            last_hash = vals["hash"] = entry_hash(last_hash, canonical_content(vals))
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

    @api.model
    def _verify_chain(self):
        """Recomputes every hash in order; returns the first broken entry (or empty)."""
        cr = self.env.cr
        prev_hash, expected_seq, last_id = GENESIS_HASH, 1, 0
        while True:
            cr.execute(
                """SELECT id, sequence, model, res_id, operation, field_name, old_value,
                          new_value, user_id, date, reason, prev_hash, hash
                     FROM gsp_audit_log WHERE sequence >= %s ORDER BY sequence LIMIT %s""",
                [expected_seq, BATCH],
            )
            rows = cr.dictfetchall()
            if not rows:
                return self.browse()
            for row in rows:
                if row["sequence"] != expected_seq or row["prev_hash"] != prev_hash:
                    return self.browse(row["id"] if row["sequence"] == expected_seq else last_id)
                if entry_hash(prev_hash, canonical_content(row)) != row["hash"]:
                    return self.browse(row["id"])
                prev_hash, expected_seq, last_id = row["hash"], expected_seq + 1, row["id"]

    @api.model
    def _check_chain_and_record(self):
        broken = self._verify_chain()
        head = self.env["gsp.audit.chain"].search([], limit=1)
        if broken:
            message = _(
                "The audit trail is broken at entry %(sequence)s (%(model)s %(record)s).",
                sequence=broken.sequence,
                model=broken.model,
                record=broken.res_id,
            )
            _logger.error("GSP audit trail broken at entry %s", broken.sequence)
        else:
            message = _("The audit trail is intact.")
        self.env.cr.execute(
            "UPDATE gsp_audit_chain SET last_check_date = now() at time zone 'UTC', "
            "last_check_ok = %s, broken_entry_id = %s, last_check_message = %s WHERE id = %s",
            [not broken, broken.id or None, message, head.id],
        )
        head.invalidate_recordset()
        return broken, message

    @api.model
    def action_verify_chain(self):
        broken, message = self._check_chain_and_record()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Audit trail verification"),
                "message": message,
                "type": "danger" if broken else "success",
                "sticky": bool(broken),
            },
        }

    @api.model
    def _cron_verify_chain(self):
        self._check_chain_and_record()
