import datetime

from odoo import _, fields, models
from odoo.exceptions import AccessError

#: keys of the environment's context the server's own code sets (a recall moving units
#: from where it found them): never taken from a client calling the scan service
INTERNAL_CONTEXT_KEYS = ("med_source_location_id",)

#: the largest record id (PostgreSQL integer)
MAX_ID = 2**31 - 1

#: context keys of a scan naming a record: the model it must be a readable record of
#: (employees are checked as the public employee every internal user may read)
CONTEXT_RECORDS = {
    "picking_id": "stock.picking",
    "purchase_id": "purchase.order",
    "department_id": "hr.department",
    "dest_department_id": "hr.department",
    "requester_id": "hr.employee.public",
    "surgeon_id": "hr.employee.public",
    "location_id": "stock.location",
    "certificate_attachment_id": "ir.attachment",
    "count_id": "med.count",
    "med_count_id": "med.count",
}
#: context keys of a scan holding a date
CONTEXT_DATES = ("expected_return_date",)
#: context keys of a scan holding text
CONTEXT_TEXTS = (
    "certificate_number",
    "patient_identifier",
    "encounter_ref",
    "surgery_ref",
    "reason",
    "note",
)


class MedDeviceScanContextMixin(models.AbstractModel):
    """The check of a scan's context values, mixed into ``med.device.scan``: over
    JSON-RPC a client sends anything, so every value the scan service uses is checked
    first (``_med_scan_values``).  Refusals go through the scan's ``_refuse``."""

    _name = "med.device.scan.context.mixin"
    _description = "Medical Device Scan Context Checks"

    def _med_scan_values(self, operation, values):
        """The scan's context ``values`` checked before anything uses them (over JSON-RPC
        they are anything): each record id (``CONTEXT_RECORDS``, ``document_id``) names a
        record the user may read, each date is a date, each text is text; else the scan
        is refused naming the key and the value.  Returns them with dates as dates (empty
        values, False, None, 0 or "", mean no value, as before)."""
        values = dict(values)
        records = dict(CONTEXT_RECORDS)
        document_model = self._med_document_models().get(operation)
        if document_model:  # a context's document must be a readable one of its model
            records["document_id"] = document_model
        wanted = {}  # model: {key: id}
        for key, model in records.items():
            value = values.get(key)
            if not value:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
                self._refuse(
                    _(
                        "The scan context value %(key)s = %(value)s is not the id of a record.",
                        key=key,
                        value=self._med_value_label(value),
                    )
                )
            wanted.setdefault(model, {})[key] = value
        for model, ids in wanted.items():
            found = self._med_readable_ids(model, set(ids.values()))
            for key, value in ids.items():
                if value not in found:
                    self._refuse(
                        _(
                            "The scan context value %(key)s = %(value)s is unknown: no %(model)s "
                            "with this id that you may read.",
                            key=key,
                            value=value,
                            model=self.env[model]._description,
                        )
                    )
        for key in CONTEXT_DATES:
            value = values.get(key)
            if value and not isinstance(value, datetime.date):
                try:
                    values[key] = fields.Date.to_date(value) if isinstance(value, str) else None
                except ValueError:
                    values[key] = None
                if values[key] is None:
                    self._refuse(
                        _(
                            "The scan context value %(key)s = %(value)s is not a date "
                            "(YYYY-MM-DD expected).",
                            key=key,
                            value=self._med_value_label(value),
                        )
                    )
        for key in CONTEXT_TEXTS:
            value = values.get(key)
            if value and not isinstance(value, str):
                self._refuse(
                    _(
                        "The scan context value %(key)s = %(value)s is not text.",
                        key=key,
                        value=self._med_value_label(value),
                    )
                )
        return values

    def _med_readable_ids(self, model, ids):
        """Those of ``ids`` naming a record of ``model`` the user may read (one query):
        another company's record is unknown, like one that does not exist."""
        try:
            return set(
                self.env[model]
                .with_context(active_test=False)
                .search([("id", "in", list(ids))])
                .ids
            )
        except AccessError:
            return set()

    def _med_value_label(self, value):
        """A context value as a refusal quotes it (cut short: a client sends anything)."""
        label = repr(value)
        return label if len(label) <= 60 else label[:57] + "..."
