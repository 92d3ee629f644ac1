from odoo import _, api, models
from odoo.exceptions import AccessError

QUALITY_GROUP = "med_gsp_quality.group_gsp_quality_officer"
_SKIPPED = {"id", "create_uid", "create_date", "write_uid", "write_date"}


class GspAuditedMixin(models.AbstractModel):
    """GSP-critical records: operator/time fields only the system sets, fields only
    quality staff may change, and an audit trail entry for every change."""

    _name = "gsp.audited.mixin"
    _description = "GSP Audited Record"

    #: operator and time fields: set by the system from the user and the clock
    _gsp_system_fields = ()
    #: fields written only by quality staff (None: not guarded)
    _gsp_guarded_fields = None
    #: audited fields (None: every stored field)
    _gsp_audit_fields = None

    # --- helpers -------------------------------------------------------------

    def _gsp_audit_field_names(self):
        if self._gsp_audit_fields is not None:
            return [name for name in self._gsp_audit_fields if name in self._fields]
        return [
            name
            for name, field in self._fields.items()
            if field.store and name not in _SKIPPED and field.type not in ("binary", "one2many")
        ]

    def _gsp_audited(self, vals=None):
        """The records of ``self`` whose changes are audited (hook; ``vals``: the values
        being written, if any)."""
        return self

    def _gsp_apply_change(self, vals, reason):
        """Applies the values of a change request quality approved, as the system, with
        the request's reason in the audit trail (hook: a model whose fields only the
        system writes overrides it)."""
        return self.with_context(gsp_audit_reason=reason).write(vals)

    def _gsp_is_quality(self):
        return self.env.su or self.env.user.has_group(QUALITY_GROUP)

    def _gsp_system_write(self):
        """The environment in which the system sets operator and time fields."""
        return self.sudo().with_context(gsp_system_write=True)

    def _gsp_check_vals(self, vals, creating=False):
        system = set(self._gsp_system_fields) & set(vals)
        if system and not (self.env.su and self.env.context.get("gsp_system_write")):
            names = ", ".join(sorted(self._fields[name].string for name in system))
            raise AccessError(
                _(
                    "%(fields)s of %(model)s are recorded by the system from the logged-in "
                    "user and the clock; nobody can set them.",
                    fields=names,
                    model=self._description,
                )
            )
        guarded = set(self._gsp_guarded_fields or ()) & set(vals)
        if creating and guarded:
            # a new record holding the field's default (filled in by Odoo, e.g.
            # for product.product -> product.template) is not a user's change
            defaults = self.default_get(list(guarded))
            guarded = {name for name in guarded if vals[name] and vals[name] != defaults.get(name)}
        if guarded and not self._gsp_is_quality():
            names = ", ".join(sorted(self._fields[name].string for name in guarded))
            raise AccessError(
                _(
                    "Only quality staff may change %(fields)s of %(model)s; submit a change "
                    "request instead.",
                    fields=names,
                    model=self._description,
                )
            )

    @api.model
    def _gsp_format_value(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return f"{value.display_name} ({value.id})" if value else ""
        if field.type in ("many2many", "one2many"):
            return ",".join(str(i) for i in value.ids)
        if field.type == "boolean":
            return "1" if value else "0"
        if value is False or value is None:
            return ""
        if field.type in ("date", "datetime"):
            return field.to_string(value)
        return str(value)

    def _gsp_snapshot(self, names):
        return {
            record.id: {name: self._gsp_format_value(record, name) for name in names}
            for record in self
        }

    def _gsp_entry(self, record, operation, name, old, new):
        return {
            "model": self._name,
            "res_id": record.id,
            "res_name": (record.display_name or "")[:200],
            "operation": operation,
            "field_name": name,
            "old_value": old,
            "new_value": new,
            "reason": self.env.context.get("gsp_audit_reason"),
        }

    # --- ORM -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._gsp_check_vals(vals, creating=True)
        records = super().create(vals_list)
        names = records._gsp_audit_field_names()
        touched = {name for vals in vals_list for name in vals}
        if self._gsp_audit_fields is not None and not touched & set(names):
            return records
        audited = records._gsp_audited()
        entries = []
        for record_id, values in audited._gsp_snapshot(names).items():
            record = records.browse(record_id)
            entries += [
                records._gsp_entry(record, "create", name, "", value)
                for name, value in values.items()
                if value
            ]
        self.env["gsp.audit.log"]._append(entries)
        return records

    def write(self, vals):
        self._gsp_check_vals(vals)
        names = [name for name in self._gsp_audit_field_names() if name in vals]
        audited = self._gsp_audited(vals) if names else self.browse()
        if not audited:
            return super().write(vals)
        before = audited._gsp_snapshot(names)
        result = super().write(vals)
        after = audited._gsp_snapshot(names)
        entries = [
            self._gsp_entry(record, "write", name, before[record.id][name], new)
            for record in audited
            for name, new in after[record.id].items()
            if new != before[record.id][name]
        ]
        self.env["gsp.audit.log"]._append(entries)
        return result

    def unlink(self):
        names = self._gsp_audit_field_names()
        audited = self._gsp_audited()
        snapshot = audited._gsp_snapshot(names)
        entries = []
        for record in audited:
            values = {name: value for name, value in snapshot[record.id].items() if value}
            if values or self._gsp_audit_fields is None:
                entries.append(self._gsp_entry(record, "unlink", False, repr(values), ""))
        result = super().unlink()
        self.env["gsp.audit.log"]._append(entries)
        return result
