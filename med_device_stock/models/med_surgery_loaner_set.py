import datetime

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from medtrace.udi import UdiResult
from medtrace.udi.result import FrozenDict

from .med_device_operation_mixin import SYSTEM_WRITE

#: states of a unit that is in the hospital's hands: such a unit cannot arrive again
#: from a supplier (a unit returned to its supplier may come back in a later set)
IN_HOSPITAL_STATES = (
    "in_stock",
    "quarantined",
    "issued",
    "borrowed",
    "used",
    "scrapped",
    "recalled",
    "expired",
)


class MedSurgeryLoanerSet(models.Model):
    """A loaner set (跟台): the units a supplier's representative brings for one surgery
    case.  They are received by the suite's receipt check into the case's department,
    owned by the supplier (``owner_id`` on the quants) until the close-out: the units
    used are bought on use, the unused ones go back to the supplier in one return.

    Written by the receipt and the close-out only (as the system): a set records what
    arrived and what went back."""

    _name = "med.surgery.loaner.set"
    _description = "Surgery Loaner Set"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    case_id = fields.Many2one(
        "med.surgery.case", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    department_id = fields.Many2one(related="case_id.department_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Supplier", required=True, readonly=True, index=True
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Receipt", readonly=True, check_company=True, index=True
    )
    check_id = fields.Many2one(
        "med.receipt.check", string="Receipt Check", readonly=True, check_company=True
    )
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return to Supplier", readonly=True, check_company=True
    )
    line_ids = fields.One2many("med.surgery.case.line", "loaner_set_id", string="Units")
    unit_count = fields.Integer(compute="_compute_unit_count")
    user_id = fields.Many2one("res.users", string="Received By", readonly=True)
    date_received = fields.Datetime(string="Received On", readonly=True)

    @api.depends("line_ids")
    def _compute_unit_count(self):
        for loaner in self:
            loaner.unit_count = len(loaner.line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("med_system_write") is not SYSTEM_WRITE:
            raise UserError(_("Loaner sets are recorded by Receive Loaner Set on a surgery case."))
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("med_system_write") is not SYSTEM_WRITE:
            raise UserError(
                _(
                    "%(sets)s records what a supplier brought and took back: it is not "
                    "changed by hand.",
                    sets=", ".join(self.mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Loaner sets are never deleted."))

    # ------------------------------------------------------------------ receipt
    @api.model
    def _med_receive(self, case, partner, units, certificate_number):
        """Receive the ``units`` of ``partner``'s loaner set for ``case``: a receipt from
        the supplier into the case department's sub-store, owned by the supplier, each
        unit accepted by the receipt check's scan (``receipt``: every check of a receipt
        applies), then the case's lines.  ``units``: dicts with ``raw`` (a scanned UDI),
        or ``product`` (product.product), ``lot``, ``serial``, ``expiry`` (date) for a unit
        without UDI (it gets an internal label).  All of it, or nothing."""
        case.check_access("write")
        case._med_check_open()
        if not (
            self.env.user.has_group("med_device_stock.group_med_storekeeper")
            or self.env.user.has_group("med_device_stock.group_med_department_user")
        ):
            raise UserError(_("Only storekeepers and theatre nurses receive loaner sets."))
        if not units:
            raise UserError(_("Scan or enter the units of the loaner set first."))
        if case.loaner_set_ids.filtered(lambda s: s.partner_id == partner):
            raise UserError(
                _(
                    "%(case)s already has the loaner set of %(supplier)s.",
                    case=case.display_name,
                    supplier=partner.display_name,
                )
            )
        # the user may receive the set: the receipt runs as the system, the operator
        # recorded is still the user
        with self.env.cr.savepoint():
            loaner = self.sudo()._med_receive_units(case.sudo(), partner, units, certificate_number)
        return loaner.sudo(False)

    @api.model
    def _med_receive_units(self, case, partner, units, certificate_number):
        parsed_units = [self._med_loaner_parsed(unit) for unit in units]
        for parsed in parsed_units:
            self._med_check_arriving(case, parsed)
        picking = self._med_make_receipt(case, partner, parsed_units)
        loaner = self.with_context(med_system_write=SYSTEM_WRITE).create(
            {
                "name": _(
                    "%(case)s: loaner set of %(supplier)s",
                    case=case.name,
                    supplier=partner.display_name,
                ),
                "case_id": case.id,
                "partner_id": partner.id,
                "picking_id": picking.id,
                "user_id": self.env.uid,
                "date_received": fields.Datetime.now(),
            }
        )
        check = self.env["med.receipt.check"].create(
            {"picking_id": picking.id, "company_id": case.company_id.id}
        )
        loaner.with_context(med_system_write=SYSTEM_WRITE).check_id = check
        values = {
            "picking_id": picking.id,
            "document_id": check.id,
            "certificate_number": certificate_number,
        }
        lots = self.env["stock.lot"]
        for parsed in parsed_units:
            result = self._med_scan_loaner_unit(parsed, values)
            if not result["ok"]:
                raise UserError(result["message"])
            lots |= self.env["stock.lot"].browse(result["lot_id"])
        self._med_check_recalls(lots)
        check.action_done()
        quantities = {}
        for line in check.line_ids:
            quantities[line.lot_id] = quantities.get(line.lot_id, 0.0) + line.quantity_accepted
        # the units were checked by the receipt just now (med_case_scanned: not again)
        self.env["med.surgery.case.line"].with_context(
            med_system_write=SYSTEM_WRITE, med_case_scanned=True
        ).create(
            [
                {
                    "case_id": case.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "loaner_set_id": loaner.id,
                }
                for lot, quantity in quantities.items()
            ]
        )
        case._message_log(
            body=_(
                "Loaner set of %(supplier)s received (%(receipt)s): %(count)s units.",
                supplier=partner.display_name,
                receipt=picking.name,
                count=len(check.line_ids),
            )
        )
        return loaner

    @api.model
    def _med_check_arriving(self, case, parsed):
        """A unit may arrive in a loaner set: not expired, not a unit the hospital holds."""
        product = parsed["product"]
        udi = parsed["udi"]
        name = udi.serial if product.tracking == "serial" else udi.lot
        unit = _("%(product)s unit %(unit)s", product=product.display_name, unit=name or "-")
        if udi.expiry and udi.expiry <= fields.Date.context_today(self):
            raise UserError(
                _(
                    "%(unit)s expired on %(date)s: an expired unit is not received.",
                    unit=unit,
                    date=udi.expiry.isoformat(),
                )
            )
        lot = self.env["stock.lot"].sudo()._med_find_unit(product, udi.lot, udi.serial)
        if lot and lot.med_state == "recalled":
            raise UserError(_("%(unit)s is recalled: it is not received.", unit=unit))
        if lot and lot.med_state in IN_HOSPITAL_STATES:
            labels = dict(lot._fields["med_state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(unit)s is already in the hospital (%(state)s at %(location)s): a loaner "
                    "unit arrives from its supplier.",
                    unit=unit,
                    state=labels.get(lot.med_state, lot.med_state),
                    location=lot.med_location_id.display_name or "-",
                )
            )

    @api.model
    def _med_check_recalls(self, lots):
        """Refuse units an open recall designates (by its criteria or its units)."""
        recalls = self.env["med.recall"].sudo().search([("state", "=", "open")])
        for recall in recalls:
            hit = lots & recall.lot_ids
            if not hit:
                try:
                    domain = recall._med_lot_domain()
                except UserError:
                    continue
                hit = lots.sudo().filtered_domain(domain)
            if hit:
                raise UserError(
                    _(
                        "%(unit)s is under recall %(recall)s: it is not received.",
                        unit=hit[0].display_name,
                        recall=recall.name,
                    )
                )

    @api.model
    def _med_make_receipt(self, case, partner, parsed_units):
        """The confirmed receipt of the set: from the supplier into the department's
        sub-store, the supplier owning what it brings."""
        warehouse = case.company_id._med_warehouse()
        location_dest = case.department_id.med_location_id
        if not location_dest:
            raise UserError(
                _(
                    "%(department)s has no device sub-store to receive the loaner set into.",
                    department=case.department_id.display_name,
                )
            )
        source = self.env.ref("stock.stock_location_suppliers")
        quantities = {}
        for parsed in parsed_units:
            quantities.setdefault(parsed["product"], 0.0)
            quantities[parsed["product"]] += parsed["quantity"]
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "partner_id": partner.id,
                    "owner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": location_dest.id,
                    "origin": case.name,
                    "company_id": case.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": case.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": location_dest.id,
                                "company_id": case.company_id.id,
                            }
                        )
                        for product, quantity in quantities.items()
                    ],
                }
            )
        )
        picking.action_confirm()
        return picking.sudo(False)

    # ------------------------------------------------------------------ units
    @api.model
    def _med_loaner_parsed(self, unit):
        """``{"product", "udi", "quantity"}`` of a unit of a loaner set: its scanned UDI
        read, or what was typed in for a unit without UDI (then its product's DI)."""
        if unit.get("raw"):
            udi = self.env["med.device.scan"]._parse(unit["raw"])
            identifier = self.env["med.product.di"]._find_by_di(udi.di)
            if not identifier:
                raise UserError(
                    _(
                        "No device product has the identifier %(di)s (UDI %(raw)s).",
                        di=udi.di,
                        raw=unit["raw"],
                    )
                )
            product = identifier.product_id
            quantity = 1.0 if product.tracking == "serial" else identifier.quantity
            return {"product": product, "udi": udi, "quantity": quantity * (udi.quantity or 1)}
        product = unit["product"]
        dis = product.product_tmpl_id.med_udi_di_ids.filtered(
            lambda di: di.product_id == product or not di.product_id
        ).sorted(lambda di: (di.packaging_level != "each", di.quantity))
        if not dis:
            raise UserError(
                _(
                    "%(product)s has no UDI device identifier: give it one, so the unit "
                    "without UDI can get its internal label.",
                    product=product.display_name,
                )
            )
        expiry = unit.get("expiry")
        if isinstance(expiry, datetime.datetime):
            expiry = expiry.date()
        udi = UdiResult(
            raw="",
            issuer="GS1",
            di=dis[0].di,
            gtin=dis[0].di,
            lot=(unit.get("lot") or "").strip() or None,
            serial=(unit.get("serial") or "").strip() or None,
            expiry=expiry or None,
            manufactured=None,
            # a lot typed in comes with its quantity, as a label may carry one
            quantity=None if product.tracking == "serial" else unit.get("quantity") or 1.0,
            elements=FrozenDict(),
        )
        quantity = 1.0 if product.tracking == "serial" else udi.quantity * dis[0].quantity
        return {"product": product, "udi": udi, "quantity": quantity}

    @api.model
    def _med_scan_loaner_unit(self, parsed, values):
        """The ``receipt`` scan of one unit of a loaner set (a result as ``scan``)."""
        Scan = self.env["med.device.scan"]
        scan = {"operation": "receipt", "raw": parsed["udi"].raw}
        try:
            with self.env.cr.savepoint():
                return Scan._scan_parsed(parsed["udi"], "receipt", values, scan)
        except UserError as error:
            return Scan._scan_result(scan, False, error.args[0])

    # ------------------------------------------------------------------ close-out
    def _med_return_unused(self, lines):
        """Send the unused ``lines`` of this set back to its supplier: one outgoing
        transfer, validated (the representative confirms the close-out)."""
        self.ensure_one()
        case = self.case_id
        company = case.company_id
        pickings = case._med_move_units(
            [(line.lot_id, line.quantity) for line in lines],
            self.env.ref("stock.stock_location_suppliers"),
            case._med_event_info(
                "return_supplier",
                partner_id=self.partner_id.id,
                department_id=False,
                note=_("Unused loaner unit of surgery case %(case)s.", case=case.name),
            ),
            picking_type=company._med_warehouse().out_type_id,
            source=case.department_id.med_location_id,
            origin=case.name,
        )
        self.sudo().with_context(med_system_write=SYSTEM_WRITE).return_picking_id = pickings[:1]
        return pickings


class MedReceiptCheckLoaner(models.Model):
    """The receipt check of a loaner set writes "received as loaner" in the timelines."""

    _inherit = "med.receipt.check"

    def _med_event_info(self, event_type, **values):
        loaner = (
            self.env["med.surgery.loaner.set"].sudo().search([("check_id", "=", self.id)], limit=1)
        )
        if loaner and event_type == "receipt":
            event_type = "loaner_receipt"
            values.setdefault(
                "note",
                _("Received as loaner for surgery case %(case)s.", case=loaner.case_id.name),
            )
        return super()._med_event_info(event_type, **values)
