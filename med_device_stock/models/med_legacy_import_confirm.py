import datetime

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from .med_device_operation_mixin import MedEventInfo

SHOWN_PROBLEMS = 10


class MedLegacyImport(models.Model):
    """Confirming a legacy import: what is missing is created, then the opening stock."""

    _inherit = "med.legacy.import"

    # ------------------------------------------------------------------ confirming
    def action_confirm(self):
        """Check once more, then create what is missing and the opening stock."""
        self.ensure_one()
        self._med_check_open()
        if not self.env.user.has_group("med_device_stock.group_med_manager"):
            raise AccessError(_("Only device managers confirm a legacy stock import."))
        self.action_check()
        lines = self.line_ids
        to_fix = lines.filtered(lambda line: line.status == "to_fix")
        if to_fix:
            raise UserError(
                _(
                    "%(count)s rows must be fixed or dropped before the import:\n%(problems)s",
                    count=len(to_fix),
                    problems="\n".join(to_fix[:SHOWN_PROBLEMS].mapped("problems")),
                )
            )
        duplicates = lines.filtered(lambda line: line.status == "duplicate")
        if duplicates:
            raise UserError(
                _(
                    "Rows %(rows)s repeat other rows: merge or drop them first.",
                    rows=", ".join(str(row) for row in duplicates[:SHOWN_PROBLEMS].mapped("row")),
                )
            )
        ready = lines.filtered(lambda line: line.status == "ready")
        if ready.filtered("new_product") and not self.allow_new_products:
            raise UserError(_("Rows name unknown products: allow creating them or fix the rows."))
        self._med_create_products(ready.filtered("new_product"))
        self._med_create_units(ready)
        moves = self._med_apply_stock(ready)
        self._med_system_write(
            {"state": "done", "date_done": fields.Datetime.now(), "move_count": moves}
        )
        # a note in the import's history (logged: a manager without an email address
        # imports too)
        self._message_log(
            body=_(
                "Imported %(rows)s rows of %(file)s: %(moves)s stock moves.",
                rows=len(ready),
                file=self.name,
                moves=moves,
            )
        )
        return True

    def _med_create_products(self, lines):
        """One product per new product named by the rows: from its UDI database record
        when there is one (name, model, class, DIs of every packaging level...), else
        from the row (code, DI or name)."""
        created = {}
        Template = self.env["product.template"]
        for record in lines.udi_record_id:
            action = record.action_med_create_product()
            product = Template.browse(action["res_id"]).product_variant_id
            lines.filtered(lambda line, r=record: line.udi_record_id == r).product_id = product
        for line in lines.filtered(lambda line: not line.udi_record_id):
            key = line.di or line.product_code or line.product_name.casefold()
            if key in created:
                line.product_id = created[key]
                continue
            tracking = "serial" if line.serial else ("lot" if line.lot else "none")
            template = Template.create(
                {
                    "name": line.product_name,
                    "default_code": line.product_code or False,
                    "is_storable": True,
                    "tracking": tracking,
                    "use_expiration_date": bool(line.expiry),
                    "med_is_device": True,
                    "company_id": self.company_id.id,
                    "med_udi_di_ids": [fields.Command.create({"di": line.di})] if line.di else [],
                }
            )
            created[key] = template.product_variant_id
            line.product_id = created[key]

    def _med_create_units(self, lines):
        """The lots and serial units the rows name, created once (set-based)."""
        lines = lines.filtered(lambda line: line.product_id.tracking != "none")
        names = {(line.product_id.id, _lot_name(line)) for line in lines}
        Lot = self.env["stock.lot"]
        existing = {
            (lot.product_id.id, lot.name): lot
            for lot in Lot.search(
                [
                    ("product_id", "in", list({product for product, _name in names})),
                    ("name", "in", list({name for _product, name in names})),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
        }
        vals_list, seen = [], set()
        for line in lines:
            key = (line.product_id.id, _lot_name(line))
            if key in existing or key in seen:
                continue
            seen.add(key)
            vals_list.append(
                {
                    "name": key[1],
                    "product_id": key[0],
                    "company_id": self.company_id.id,
                    "expiration_date": _datetime(line.expiry),
                    "med_manufactured_date": line.manufactured or False,
                    "med_mfr_lot": line.lot or False,
                    "med_serial": line.serial or False,
                    "med_di": line.di or False,
                    "med_supplier_id": line.supplier_id.id or False,
                }
            )
        for lot in Lot.create(vals_list):
            existing[(lot.product_id.id, lot.name)] = lot
        for line in lines:
            line.lot_id = existing[(line.product_id.id, _lot_name(line))]

    def _med_apply_stock(self, lines):
        """Set the quantity of each product, unit and location the rows give, in one
        inventory adjustment; quantities already right are not touched, so the same
        file imported again moves nothing."""
        target = {}
        for line in lines:
            key = (line.product_id.id, line.lot_id.id or False, line.location_id.id)
            target[key] = target.get(key, 0.0) + float(line.quantity or 1.0)
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        quants = Quant.search(
            [
                ("product_id", "in", list({key[0] for key in target})),
                ("location_id", "in", list({key[2] for key in target})),
            ]
        )
        by_key = {}
        for quant in quants:
            key = (quant.product_id.id, quant.lot_id.id or False, quant.location_id.id)
            by_key[key] = by_key.get(key, Quant) | quant
        to_apply = Quant
        create_vals = []
        for key, quantity in target.items():
            current = by_key.get(key, Quant)
            if abs(sum(current.mapped("quantity")) - quantity) < 1e-6:
                continue
            if current:
                current[:1].inventory_quantity = quantity - sum(current[1:].mapped("quantity"))
                to_apply |= current[:1]
            else:
                product, lot, location = key
                create_vals.append(
                    {
                        "product_id": product,
                        "lot_id": lot,
                        "location_id": location,
                        "inventory_quantity": quantity,
                    }
                )
        to_apply |= Quant.create(create_vals)
        if not to_apply:
            return 0
        info = MedEventInfo(
            event_type="migrated", res_model=self._name, res_id=self.id, note=self.name
        )
        to_apply.with_context(
            inventory_name=_("Opening stock: %(file)s", file=self.name),
            med_event=info,
        )._apply_inventory()
        return len(to_apply)


def _lot_name(line):
    return line.serial if line.product_id.tracking == "serial" else line.lot


def _datetime(text):
    if not text:
        return False
    return datetime.datetime.combine(fields.Date.to_date(text), datetime.time())
