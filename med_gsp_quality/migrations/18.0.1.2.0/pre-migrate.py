def migrate(cr, version):
    """Entries written before 18.0.1.2.0 keep their legacy hash (sha256, no secret, record
    name not covered): they are marked version 1 before the ORM adds the column, and the
    chain head remembers where they end.  Every later entry is keyed (HMAC); a version 1
    entry after that point is reported as a tamper."""
    if not version:
        return
    cr.execute("ALTER TABLE gsp_audit_log ADD COLUMN IF NOT EXISTS hash_version integer")
    cr.execute("UPDATE gsp_audit_log SET hash_version = 1 WHERE hash_version IS NULL")
    cr.execute("ALTER TABLE gsp_audit_chain ADD COLUMN IF NOT EXISTS legacy_sequence integer")
    cr.execute(
        "UPDATE gsp_audit_chain SET legacy_sequence = last_sequence WHERE legacy_sequence IS NULL"
    )
