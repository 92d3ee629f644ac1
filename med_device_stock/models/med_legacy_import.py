import base64
import datetime
import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from medtrace.legacy import (
    FIELDS,
    MESSAGES,
    LegacyError,
    check,
    find_header,
    header_key,
    propose_mapping,
    read_rows,
    records_from_rows,
)

from .med_device_operation_mixin import SYSTEM_WRITE, is_system_write
from .med_legacy_catalog import legacy_catalog

#: the line columns that hold a row's values: the fields medtrace.legacy reads
VALUE_FIELDS = FIELDS
SHOWN_PROBLEMS = 10
#: what the import sets itself: never written by a client
SYSTEM_FIELDS = {"state", "checksum", "header_row", "date_done", "move_count", "user_id"}
MAIL_FIELDS = {"message_follower_ids", "message_ids", "activity_ids", "message_main_attachment_id"}


class MedLegacyImport(models.Model):
    """A hospital's legacy stock list brought into the suite: the file is kept, every
    row is normalised and checked and shown as ready / to fix / duplicate; nothing
    reaches the stock until the user confirms, and then the opening stock is one
    inventory adjustment with a *migrated* event per unit naming the file."""

    _name = "med.legacy.import"
    _description = "Legacy Stock Import"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="File Name", required=True, default="-")
    file = fields.Binary(string="File (XLSX or CSV)", attachment=True)
    checksum = fields.Char(readonly=True, index=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Imported By", readonly=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [("draft", "Draft"), ("checked", "Checked"), ("done", "Done")],
        default="draft",
        readonly=True,
        tracking=True,
    )
    template_id = fields.Many2one(
        "med.legacy.import.template", string="Column Template", check_company=True
    )
    allow_new_products = fields.Boolean(
        string="Create Missing Products",
        help="Rows naming an unknown product create it (with its code and DI) instead of "
        "being refused. Only device managers may.",
    )
    header_row = fields.Integer(readonly=True, help="The row of the file holding the headers.")
    column_ids = fields.One2many("med.legacy.import.column", "import_id", string="Columns")
    line_ids = fields.One2many("med.legacy.import.line", "import_id", string="Rows")
    ready_count = fields.Integer(compute="_compute_counts", string="Ready")
    to_fix_count = fields.Integer(compute="_compute_counts", string="To Fix")
    duplicate_count = fields.Integer(compute="_compute_counts", string="Duplicates")
    dropped_count = fields.Integer(compute="_compute_counts", string="Dropped")
    date_done = fields.Datetime(string="Imported On", readonly=True)
    move_count = fields.Integer(string="Stock Moves", readonly=True)

    @api.depends("line_ids.status")
    def _compute_counts(self):
        counts = {
            (imp.id, status): count
            for imp, status, count in self.env["med.legacy.import.line"]._read_group(
                [("import_id", "in", self.ids)], ["import_id", "status"], ["__count"]
            )
        }
        for record in self:
            for status in ("ready", "to_fix", "duplicate", "dropped"):
                record[f"{status}_count"] = counts.get((record.id, status), 0)

    def action_open_rows(self):
        """The rows of one status (``status`` in the context), to fix them in a list of
        their own with its search."""
        self.ensure_one()
        status = self.env.context.get("med_status")
        return {
            "type": "ir.actions.act_window",
            "name": _("Rows of %(file)s", file=self.name),
            "res_model": "med.legacy.import.line",
            "view_mode": "list",
            "domain": [("import_id", "=", self.id)],
            "context": dict(
                {f"search_default_{status}": 1} if status else {}, med_import_id=self.id
            ),
        }

    # ------------------------------------------------------------------ guards
    def _med_check_open(self):
        for record in self:
            if record.state == "done":
                raise UserError(
                    _(
                        "Import %(document)s is done: a corrected file is imported as a new "
                        "import.",
                        document=record.display_name,
                    )
                )

    def _med_system_fields_message(self, fnames):
        return _(
            "The import itself sets these fields of a legacy stock import: %(fields)s.",
            fields=", ".join(self._fields[fname]._description_string(self.env) for fname in fnames),
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            fnames = sorted(SYSTEM_FIELDS & vals.keys() - {"user_id", "company_id"})
            if fnames and not is_system_write(self.env):
                raise UserError(self._med_system_fields_message(fnames))
            vals["user_id"] = self.env.uid  # who imports is who is logged in
        return super().create(vals_list)

    def write(self, vals):
        if not is_system_write(self.env):
            fnames = sorted(SYSTEM_FIELDS & vals.keys())
            if fnames:
                raise UserError(self._med_system_fields_message(fnames))
            if vals.keys() - MAIL_FIELDS:
                self._med_check_open()
        return super().write(vals)

    def _med_system_write(self, vals):
        return self.with_context(med_system_write=SYSTEM_WRITE).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_done(self):
        for record in self:
            if record.state == "done":
                raise UserError(
                    _(
                        "Import %(document)s is done: it is the record of the opening stock "
                        "and cannot be deleted.",
                        document=record.display_name,
                    )
                )

    # ------------------------------------------------------------------ reading
    def _med_file_bytes(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose the legacy stock file (XLSX or CSV) first."))
        return base64.b64decode(self.file)

    def _med_rows(self):
        try:
            return read_rows(self._med_file_bytes(), self.name)
        except LegacyError as error:
            raise UserError(_(error.template, **error.params)) from error  # pylint: disable=translation-required

    def action_read_file(self):
        """Read the file, find its header row and propose what each column holds (from
        the template when one is chosen), then check every row."""
        self._med_check_open()
        self.ensure_one()
        data = self._med_file_bytes()
        checksum = hashlib.sha256(data).hexdigest()
        earlier = self.search(
            [
                ("checksum", "=", checksum),
                ("state", "=", "done"),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if earlier:
            raise UserError(
                _(
                    "This file was already imported as %(document)s on %(date)s: importing it "
                    "again would change nothing.",
                    document=earlier.display_name,
                    date=earlier.date_done,
                )
            )
        rows = self._med_rows()
        index, labels = find_header(rows)
        if index is None:
            index, labels = 0, [str(cell or "") for cell in rows[0]]
        mapping = propose_mapping(labels, self.template_id.mapping or {})
        sample = rows[index + 1] if index + 1 < len(rows) else []
        self.column_ids.unlink()
        self.line_ids.unlink()
        self._med_system_write(
            {
                "checksum": checksum,
                "header_row": index + 1,
                "column_ids": [
                    fields.Command.create(
                        {
                            "index": column,
                            "label": label or _("(column %(number)s)", number=column + 1),
                            "sample": _shown(sample[column]) if column < len(sample) else "",
                            "field": mapping.get(column),
                        }
                    )
                    for column, label in enumerate(labels)
                ],
            }
        )
        if not mapping:
            # nothing recognised: the user says what the columns hold, then applies them
            self._med_system_write({"state": "checked"})
            return True
        return self._med_check_file(rows)

    def _med_mapping(self):
        mapping, seen = {}, {}
        for column in self.column_ids.filtered("field"):
            if column.field in seen:
                raise UserError(
                    _(
                        "Columns %(first)s and %(second)s both hold %(field)s: keep one.",
                        first=seen[column.field],
                        second=column.label,
                        field=dict(column._fields["field"]._description_selection(self.env))[
                            column.field
                        ],
                    )
                )
            seen[column.field] = column.label
            mapping[column.index] = column.field
        return mapping

    def _med_labels(self):
        return {column.field: column.label for column in self.column_ids if column.field}

    def _med_check_file(self, rows=None):
        rows = rows if rows is not None else self._med_rows()
        mapping = self._med_mapping()
        if not mapping:
            raise UserError(_("Say which column holds what before checking the rows."))
        records = records_from_rows(rows, self.header_row - 1, mapping)
        return self._med_check_records(records, dropped=set())

    def action_read_columns(self):
        """Check the rows again from the file, with the columns as now mapped (the
        values fixed by hand are read again from the file)."""
        self._med_check_open()
        self.line_ids.unlink()
        return self._med_check_file()

    def action_check(self):
        """Check the rows again as they are now (after values were fixed by hand)."""
        self._med_check_open()
        self.ensure_one()
        if not self.line_ids:
            return self._med_check_file()
        lines = self.line_ids.read(["row", "status", *VALUE_FIELDS])
        dropped = {line["row"] for line in lines if line["status"] == "dropped"}
        records = [
            (
                line["row"],
                {fname: line[fname] or None for fname in VALUE_FIELDS},
            )
            for line in lines
        ]
        return self._med_check_records(records, dropped)

    def _med_check_records(self, records, dropped):
        kept = [record for record in records if record[0] not in dropped]
        catalog = legacy_catalog(self, [raw for _number, raw in kept])
        rows = check(kept, catalog, self._med_labels())
        Line = self.env["med.legacy.import.line"]
        self.env.cr.execute("DELETE FROM med_legacy_import_line WHERE import_id = %s", [self.id])
        self.invalidate_recordset(["line_ids"])
        vals_list = [self._med_line_values(row) for row in rows]
        vals_list += [
            dict(self._med_dropped_values(number, raw))
            for number, raw in records
            if number in dropped
        ]
        Line.create(vals_list)
        self._med_system_write({"state": "checked"})
        return True

    def _med_problem_text(self, problems):
        texts = []
        field_labels = dict(
            self.env["med.legacy.import.column"]._fields["field"]._description_selection(self.env)
        )
        for problem in problems:
            params = dict(problem.params)
            if problem.field and params.get("column") == problem.field:
                # the file has no such column (e.g. a missing serial): the field's name
                params["column"] = field_labels.get(problem.field, problem.field)
            if params.get("names"):
                suggestion = MESSAGES["legacy_suggestion"]
                params["suggestion"] = _(suggestion, names=params["names"])  # pylint: disable=translation-required
            params.pop("names", None)
            texts.append(_(problem.template, **params))  # pylint: disable=translation-required
        return "\n".join(texts)

    def _med_line_values(self, row):
        # a value that could not be read stays as the file has it, to be fixed in place
        values = {
            fname: _shown(row.values.get(fname)) or _shown(row.raw.get(fname))
            for fname in VALUE_FIELDS
        }
        values.update(
            {
                "import_id": self.id,
                "row": row.number,
                "status": row.status,
                "duplicate_of": row.duplicate_of or 0,
                "problems": self._med_problem_text(row.problems) or False,
                "product_id": row.product.id if row.product and not row.new_product else False,
                "new_product": row.new_product,
                "udi_record_id": row.udi_record.id if row.udi_record else False,
                "supplier_id": row.supplier or False,
                "location_id": row.location.id if row.location else False,
                "department_id": row.department.id if row.department else False,
            }
        )
        return values

    def _med_dropped_values(self, number, raw):
        values = {fname: _shown(raw.get(fname)) for fname in VALUE_FIELDS}
        values.update({"import_id": self.id, "row": number, "status": "dropped"})
        return values

    def action_save_template(self):
        """Keep this column mapping as a template (the file's header labels are its keys)."""
        self.ensure_one()
        mapping = {header_key(column.label): column.field or None for column in self.column_ids}
        if self.template_id:
            self.template_id.mapping = dict(self.template_id.mapping or {}, **mapping)
        else:
            self.template_id = self.env["med.legacy.import.template"].create(
                {"name": self.name, "mapping": mapping, "company_id": self.company_id.id}
            )
        return True


def _shown(value):
    if value is None or value is False:
        return False
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
