from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .gsp_change_request import CHANGEABLE_FIELDS
from .stock_lot import LOT_CHANGEABLE_FIELDS

SUPPORTED = (
    "char",
    "text",
    "selection",
    "boolean",
    "integer",
    "float",
    "date",
    "datetime",
    "many2one",
    "many2many",
)


class GspChangeRequestLine(models.Model):
    """One field of a change request: its old value and the requested new one."""

    _name = "gsp.change.request.line"
    _description = "GSP Change Request Line"

    request_id = fields.Many2one(
        "gsp.change.request", required=True, ondelete="cascade", index=True
    )
    res_model = fields.Selection(related="request_id.res_model")
    field_id = fields.Many2one(
        "ir.model.fields",
        required=True,
        ondelete="cascade",
        domain=f"[('model', '=', res_model), ('ttype', 'in', {list(SUPPORTED)}), "
        "('store', '=', True), '|', '&', ('model', '!=', 'stock.lot'), ('readonly', '=', False), "
        f"'&', ('model', '=', 'stock.lot'), ('name', 'in', {list(LOT_CHANGEABLE_FIELDS)})]",
    )
    field_name = fields.Char(related="field_id.name")
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(
        help="Many2one: the ID of the new record; many2many: the whole "
        "new list, IDs or exact names (a catalogue category also by "
        "its code) separated by commas; boolean: 1 or 0; date: "
        "YYYY-MM-DD; date and time: YYYY-MM-DD HH:MM:SS "
        "(UTC)."
    )
    old_display = fields.Char(string="Old", compute="_compute_display_values")
    new_display = fields.Char(string="New", compute="_compute_display_values")

    @api.depends("old_value", "new_value", "field_id")
    def _compute_display_values(self):
        """The records a many2many list names, for the people deciding; other fields
        show their value as written."""
        for line in self:
            line.old_display = line.old_value
            line.new_display = line.new_value
            if not line.field_id or not line.request_id.res_model:
                continue
            field = self.env[line.request_id.res_model]._fields.get(line.field_id.sudo().name)
            if not field or field.type != "many2many":
                continue
            Comodel = self.env[field.comodel_name].sudo()
            ids = [int(i) for i in (line.old_value or "").split(",") if i.strip().isdigit()]
            line.old_display = ", ".join(Comodel.browse(ids).exists().mapped("display_name"))
            try:
                new = line._gsp_resolve_records(field, (line.new_value or "").strip())
            except ValidationError:
                continue  # shown as written; refused when saved
            line.new_display = ", ".join(new.mapped("display_name"))

    @api.constrains("field_id", "new_value")
    def _check_value(self):
        for line in self:
            model = line.request_id.res_model
            if line.field_id.sudo().model != model:
                raise ValidationError(
                    _(
                        "Field %(field)s does not belong to %(model)s.",
                        field=line.field_id.sudo().name,
                        model=model,
                    )
                )
            allowed = CHANGEABLE_FIELDS.get(model)
            if allowed is not None and line.field_name not in allowed:
                raise ValidationError(
                    _(
                        "Field %(field)s of %(model)s is not changed through change requests; "
                        "only %(allowed)s are.",
                        field=line.field_id.sudo().field_description,
                        model=self.env[model]._description,
                        allowed=", ".join(self.env[model]._fields[name].string for name in allowed),
                    )
                )
            line._gsp_parsed_value()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.request_id._gsp_check_requester_access()
        return lines

    def write(self, vals):
        capturing = self.env.su and self.env.context.get("gsp_capture_old_values")
        if not capturing and any(line.request_id.state != "draft" for line in self):
            raise UserError(_("Only draft change requests can be edited."))
        result = super().write(vals)
        if "field_id" in vals:
            self.request_id._gsp_check_requester_access()
        return result

    def _gsp_capture_old_values(self):
        mixin = self.env["gsp.audited.mixin"]
        for line in self.sudo().with_context(gsp_capture_old_values=True):
            record = line.request_id._record()
            line.write({"old_value": mixin._gsp_format_value(record, line.field_name)})
        return True

    def _gsp_parsed_value(self):
        self.ensure_one()
        field = self.env[self.request_id.res_model]._fields[self.field_name]
        raw = (self.new_value or "").strip()
        try:
            if field.type not in SUPPORTED:
                raise ValueError(field.type)
            if not raw:
                return [Command.clear()] if field.type == "many2many" else False
            if field.type == "boolean":
                return raw.lower() in ("1", "true", "yes")
            if field.type == "integer":
                return int(raw)
            if field.type == "float":
                return float(raw)
            if field.type == "date":
                return fields.Date.to_date(raw)
            if field.type == "datetime":
                return fields.Datetime.to_datetime(raw)
            if field.type == "many2one":
                record = self.env[field.comodel_name].browse(int(raw)).exists()
                if not record:
                    raise ValueError(raw)
                return record.id
            if field.type == "many2many":
                return [Command.set(self._gsp_resolve_records(field, raw).ids)]
            if field.type == "selection":
                allowed = [key for key, _label in field._description_selection(self.env)]
                if raw not in allowed:
                    raise ValueError(raw)
            return raw
        except ValueError:
            raise ValidationError(
                _(
                    "%(value)s is not a valid value for field %(field)s.",
                    value=raw,
                    field=self.field_id.sudo().field_description,
                )
            )

    def _gsp_resolve_records(self, field, raw):
        """The records of a many2many list: each comma-separated item an ID or the exact
        name of one record (searched on the model's name fields, e.g. a catalogue
        category's code).  An item naming none or several is refused with its value."""
        Comodel = self.env[field.comodel_name].sudo()
        records = Comodel.browse()
        for item in (part.strip() for part in raw.replace("，", ",").split(",")):
            if not item:
                continue
            if item.isdigit():
                found = Comodel.browse(int(item)).exists()
            else:
                names = Comodel._rec_names_search or [Comodel._rec_name or "id"]
                domain = ["|"] * (len(names) - 1) + [(name, "=", item) for name in names]
                found = Comodel.search(domain, limit=2)
            if len(found) != 1:
                raise ValidationError(
                    _(
                        "%(value)s in field %(field)s: no single %(model)s has this ID or name.",
                        value=item,
                        field=self.field_id.sudo().field_description,
                        model=Comodel._description,
                    )
                )
            records |= found
        return records
