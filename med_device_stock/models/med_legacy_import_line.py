from odoo import _, fields, models
from odoo.exceptions import UserError

LINE_STATUSES = [
    ("ready", "Ready"),
    ("to_fix", "To Fix"),
    ("duplicate", "Duplicate"),
    ("dropped", "Dropped"),
]


class MedLegacyImportLine(models.Model):
    """One row of a legacy list, normalised: the user fixes values here and checks
    again; nothing reaches the stock until the import is confirmed."""

    _name = "med.legacy.import.line"
    _description = "Legacy Stock Import Row"
    _order = "import_id, row"

    import_id = fields.Many2one("med.legacy.import", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="import_id.company_id", store=True)
    row = fields.Integer(readonly=True, help="The row number in the file.")
    status = fields.Selection(LINE_STATUSES, readonly=True, index=True)
    duplicate_of = fields.Integer(string="Repeats Row", readonly=True)
    problems = fields.Text(readonly=True)
    product_code = fields.Char()
    product_name = fields.Char()
    di = fields.Char(string="DI")
    udi = fields.Char(string="UDI")
    lot = fields.Char()
    serial = fields.Char()
    expiry = fields.Char(help="As normalised: 2026-03-01.")
    manufactured = fields.Char(help="As normalised: 2026-03-01.")
    quantity = fields.Char()
    supplier = fields.Char()
    location = fields.Char()
    department = fields.Char()
    product_id = fields.Many2one("product.product", string="Product Found", readonly=True)
    new_product = fields.Boolean(readonly=True, help="The product will be created.")
    udi_record_id = fields.Many2one(
        "med.udi.record",
        string="UDI Database Record",
        readonly=True,
        help="The product will be created from this record of the UDI database.",
    )
    supplier_id = fields.Many2one("res.partner", string="Supplier Found", readonly=True)
    location_id = fields.Many2one("stock.location", string="Location Found", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department Found", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", readonly=True)

    def write(self, vals):
        if any(line.import_id.state == "done" for line in self):
            raise UserError(
                _(
                    "Import %(document)s is done: its rows are the record of what was imported "
                    "and cannot be changed.",
                    document=self.import_id[:1].display_name,
                )
            )
        return super().write(vals)

    def action_check_again(self):
        """Check the import these rows belong to again (from its rows list: the import
        of the list's context when no row is selected)."""
        imports = self.import_id or self.env["med.legacy.import"].browse(
            self.env.context.get("med_import_id")
        )
        for legacy_import in imports.exists():
            legacy_import.action_check()
        # the rows were checked again as new rows: the list reads them again
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_drop(self):
        """Leave this row out of the import (it stays listed, as dropped)."""
        self.import_id._med_check_open()
        self.write({"status": "dropped"})

    def action_merge(self):
        """Add a repeated row's quantity to the row it repeats (a lot counted on two
        rows), then leave it out; a repeated unit with a serial is only dropped."""
        self.import_id._med_check_open()
        for line in self.filtered(lambda line: line.status == "duplicate"):
            original = line.import_id.line_ids.filtered(
                lambda other, row=line.duplicate_of: other.row == row
            )
            if original and not line.serial:
                total = _as_number(original.quantity, 1.0) + _as_number(line.quantity, 1.0)
                original.quantity = f"{total:g}"
            line.status = "dropped"
        for legacy_import in self.import_id:
            legacy_import.action_check()


def _as_number(text, default):
    try:
        return float(text) if text not in (None, False, "") else default
    except ValueError:
        return default
