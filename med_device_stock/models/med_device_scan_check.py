from odoo import _, api, fields, models


class MedDeviceScanCheckMixin(models.AbstractModel):
    """The checks of a scan, mixed into ``med.device.scan``: ``_check_scan`` (the hook
    other addons extend on ``med.device.scan``) answers why a unit may not go through an
    operation, and where an operation takes a unit from (``_med_source_location``), both
    read from the operation's description (``_med_scan_operations``)."""

    _name = "med.device.scan.check.mixin"
    _description = "Medical Device Scan Checks"

    # ------------------------------------------------------------------ the hook
    def _check_scan(self, scan):
        """Why the scanned unit may not go through ``scan["operation"]``.

        Returns a list of translated messages (empty: allowed).  Extend it with
        ``problems = super()._check_scan(scan)`` then append your own messages.
        ``scan`` keys: operation, parsed (medtrace UdiResult, None when a document is
        validated), product, lot (may be empty at receipt), quantity, partner, location,
        department, company, document, values (the caller's context dict).

        It dispatches per operation: ``_check_scan_<operation>`` where the operation has
        one (receipt, receipt_reject, count, trace), else ``_check_scan_unit``, which
        checks a unit in stock against the operation's description.
        """
        check = getattr(self, f"_check_scan_{scan['operation']}", None)
        return check(scan) if check else self._check_scan_unit(scan)

    def _check_scan_count(self, scan):
        return self._check_scan_known(scan)

    def _check_scan_trace(self, scan):
        return self._check_scan_known(scan)

    def _check_scan_known(self, scan):
        """A unit looked at (traced, counted): it must have been received."""
        if not scan["lot"]:
            return [self._unknown_unit_message(scan)]
        return self._check_scan_agrees(scan)

    def _check_scan_agrees(self, scan):
        """Where the scanned UDI disagrees with the unit found (same product and serial,
        or lot): its manufacturer lot, expiry or manufacturing date, for the operations
        refusing a label that does not match the record (their description's ``agrees``)."""
        parsed = scan.get("parsed")
        lot = scan.get("lot")
        operation = self._med_scan_operation(scan["operation"])
        if not parsed or not lot or not (operation and operation["agrees"]):
            return []
        return lot._med_udi_disagreements(parsed)

    def _unknown_unit_message(self, scan):
        parsed = scan.get("parsed")
        return _(
            "%(product)s %(unit)s is unknown: it was never received.",
            product=scan["product"].display_name,
            unit=(parsed.serial or parsed.lot) if parsed else "",
        )

    def _unit_label(self, scan):
        return _(
            "%(product)s unit %(unit)s", product=scan["product"].display_name, unit=scan["lot"].name
        )

    def _check_scan_unit(self, scan):
        lot = scan["lot"]
        description = self._med_scan_operation(scan["operation"])
        if not lot:
            return [self._unknown_unit_message(scan)]
        problems = []
        unit = self._unit_label(scan)
        state = lot.med_state
        if (
            lot.expiration_date
            and lot.expiration_date <= fields.Datetime.now()
            and description["puts_to_use"]
        ):
            return [
                _(
                    "%(unit)s expired on %(date)s.",
                    unit=unit,
                    date=fields.Date.to_string(lot.expiration_date.date()),
                )
            ]
        disagreements = self._check_scan_agrees(scan)
        if disagreements:
            return disagreements
        by_lot = lot.product_id.tracking != "serial"
        if description["from_store"]:
            problem = self._med_reception_problem(scan, unit)
            if problem:
                return [problem]
        if by_lot and state not in ("recalled", "expired"):
            # a lot spreads over several places: its quantity at the source decides
            allowed = (state,)
        else:
            allowed = description["states"] or ()
        if state not in allowed:
            labels = dict(lot._fields["med_state"]._description_selection(self.env))
            if state == "recalled":
                problems.append(_("%(unit)s is recalled.", unit=unit))
            elif state == "quarantined":
                problems.append(_("%(unit)s is in quarantine.", unit=unit))
            elif state == "used":
                problems.append(_("%(unit)s was already used on a patient.", unit=unit))
            elif state == "expired":
                problems.append(_("%(unit)s is expired.", unit=unit))
            else:
                problems.append(
                    _(
                        "%(unit)s is %(state)s at %(location)s: "
                        "%(operation)s expects it %(where)s.",
                        unit=unit,
                        state=labels.get(state, state or "-"),
                        location=lot.med_location_id.display_name or "-",
                        operation=description["label"],
                        where=", ".join(labels[s] for s in description["states"] or ()),
                    )
                )
            return problems
        department = scan["department"]
        if description["department"] and not department:
            problems.append(
                _("Choose the department for %(operation)s.", operation=description["label"])
            )
        elif (
            description["department"] == "from"
            and not by_lot
            and lot.med_department_id != department
        ):
            problems.append(
                _(
                    "%(unit)s is held by %(holder)s, not by %(department)s.",
                    unit=unit,
                    holder=lot.med_department_id.display_name or _("the store"),
                    department=department.display_name,
                )
            )
        values = scan["values"]
        if not scan.get("document"):
            problems += [
                field["missing"]
                for field in description["fields"]
                if field.get("missing") and not values.get(field["name"])
            ]
        if description["to_department"]:
            document = scan.get("document")
            dest = (
                document.dest_department_id
                if document
                else self.env["hr.department"].browse(values.get("dest_department_id") or [])
            )
            if not dest:
                problems.append(_("Choose the department the unit is transferred to."))
            elif dest == lot.med_department_id:
                problems.append(
                    _(
                        "%(unit)s is already at %(department)s.",
                        unit=unit,
                        department=dest.display_name,
                    )
                )
        if by_lot:
            source = self._med_source_location(lot, scan["operation"], department)
            available = source and sum(
                self.env["stock.quant"]
                .sudo()
                ._gather(lot.product_id, source, lot_id=lot, strict=True)
                .mapped("quantity")
            )
            if scan["quantity"] > (available or 0.0):
                problems.append(
                    _(
                        "%(unit)s: %(quantity)s requested, only %(available)s at %(location)s.",
                        unit=unit,
                        quantity=scan["quantity"],
                        available=available or 0.0,
                        location=source.display_name or "-",
                    )
                )
        document = scan.get("document")
        if (
            document
            and not scan.get("validating")
            and "line_ids" in document._fields
            and lot in document.line_ids.lot_id
            and lot.product_id.tracking == "serial"
        ):
            problems.append(
                _("%(unit)s is already on %(document)s.", unit=unit, document=document.display_name)
            )
        return problems

    @api.model
    def _med_reception_locations(self, company):
        """The input and quality control locations of ``company``'s warehouses that
        receive in two or three steps: units there are not put away yet."""
        warehouses = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", company.id), ("reception_steps", "!=", "one_step")])
        )
        return warehouses.wh_input_stock_loc_id | warehouses.wh_qc_stock_loc_id

    @api.model
    def _med_in_reception(self, locations, company):
        """The part of ``locations`` inside the reception steps of ``company``."""
        reception = self._med_reception_locations(company)
        return locations.filtered(
            lambda loc: any(loc.parent_path.startswith(step.parent_path) for step in reception)
        )

    def _med_reception_problem(self, scan, unit):
        """Why a unit cannot leave the store yet: all of it (a serial unit, or the
        quantity asked of a lot) still sits in reception, waiting to be put away."""
        lot = scan["lot"]
        company = lot.company_id or scan["company"] or self.env.company
        if not self._med_reception_locations(company):
            return None  # every warehouse receives straight into stock
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ]
            )
        )
        waiting = quants.filtered(
            lambda q: q.location_id in self._med_in_reception(q.location_id, company)
        )
        if not waiting:
            return None
        if lot.product_id.tracking != "serial":
            # a lot leaves from the store holding it (see _med_source_location)
            source = self._med_source_location(lot, scan["operation"], scan["department"])
            if (
                sum(quants.filtered(lambda q: q.location_id == source).mapped("quantity"))
                >= scan["quantity"]
            ):
                return None
        transfers = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "not in", ("done", "cancel")),
                    ("location_id", "in", waiting.location_id.ids),
                ]
            )
            .picking_id
        )
        return _(
            "%(unit)s is still being received at %(location)s: put it away first (%(transfer)s).",
            unit=unit,
            location=", ".join(waiting.location_id.mapped("display_name")),
            transfer=", ".join(transfers.mapped("name")) or _("no transfer planned"),
        )

    @api.model
    def _med_source_location(self, lot, operation, department=None):
        """Where the operation takes the unit from.  A serial unit is in one place; a lot
        is taken from the main store (issue, borrow, quarantine, scrap) or, for the
        operations whose description's ``department`` is "from" (return, transfer, use),
        from the department's sub-store."""
        if lot.product_id.tracking == "serial":
            return lot.med_location_id
        description = self._med_scan_operation(operation) or {}
        if description.get("department") == "from" and department:
            return department.med_location_id
        company = lot.company_id or self.env.company
        if operation == "release":
            return company.med_quarantine_location_id
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ]
            )
        )
        sub_store = self.env["hr.department"]._med_from_locations(quants.location_id)
        reception = self._med_in_reception(quants.location_id, company)
        store = quants.filtered(
            lambda q: (
                q.location_id != company.med_quarantine_location_id
                and q.location_id not in sub_store
                and q.location_id not in reception
            )
        )
        if description.get("anywhere") and not store:
            store = quants
        return (
            max(store, key=lambda q: q.quantity).location_id
            if store
            else self.env["stock.location"]
        )

    def _check_scan_receipt(self, scan):
        disagreements = self._check_scan_agrees(scan)
        if disagreements:
            return disagreements
        picking = scan.get("picking")
        product = scan["product"]
        parsed = scan["parsed"]
        values = scan["values"]
        if not picking:
            return [_("Scan receipts against a purchase order's incoming shipment.")]
        if picking.state in ("done", "cancel"):
            return [_("Receipt %(picking)s is already closed.", picking=picking.name)]
        moves = picking.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )
        order = picking.purchase_id.name or picking.name
        if not moves:
            return [
                _(
                    "%(product)s is not on purchase order %(order)s.",
                    product=product.display_name,
                    order=order,
                )
            ]
        problems = []
        ordered = sum(moves.mapped("product_uom_qty"))
        accepted = sum(
            self.env["med.receipt.check.line"]
            .search(
                [
                    ("check_id.picking_id", "=", picking.id),
                    ("check_id.state", "!=", "cancel"),
                    ("product_id", "=", product.id),
                ]
            )
            .mapped("quantity_accepted")
        )
        if accepted + scan["quantity"] > ordered:
            problems.append(
                _(
                    "Over quantity: %(product)s ordered %(ordered)s on %(order)s, %(accepted)s "
                    "already accepted, this scan adds %(quantity)s.",
                    product=product.display_name,
                    ordered=ordered,
                    order=order,
                    accepted=accepted,
                    quantity=scan["quantity"],
                )
            )
        lot = scan["lot"]
        # a unit that went back to its supplier may arrive again (a loaner set brought
        # for another operation, a unit back from repair)
        if lot and product.tracking == "serial" and lot.med_state != "returned_supplier":
            problems.append(
                _(
                    "%(product)s serial %(serial)s was already received.",
                    product=product.display_name,
                    serial=lot.name,
                )
            )
        if parsed.expiry:
            days_left = (parsed.expiry - fields.Date.context_today(self)).days
            minimum = product.product_tmpl_id._med_min_shelf_life(scan["company"])
            if days_left < minimum:
                problems.append(
                    _(
                        "%(product)s expires on %(date)s: %(days)s days of shelf life left, at "
                        "least %(minimum)s required.",
                        product=product.display_name,
                        date=parsed.expiry.isoformat(),
                        days=days_left,
                        minimum=minimum,
                    )
                )
        elif product.use_expiration_date:
            problems.append(
                _("The UDI of %(product)s carries no expiry date.", product=product.display_name)
            )
        certificate = values.get("certificate_number") or (lot and lot.med_certificate_number)
        if product.med_is_device and not certificate:
            problems.append(
                _(
                    "The certificate of conformity number of %(product)s is required.",
                    product=product.display_name,
                )
            )
        return problems

    def _check_scan_receipt_reject(self, scan):
        """A unit may be rejected at an open receipt, with the reason of the rejection
        (nothing else: the rejection records what arrived, whatever is wrong with it)."""
        picking = scan.get("picking")
        if not picking:
            return [_("Scan receipts against a purchase order's incoming shipment.")]
        if picking.state in ("done", "cancel"):
            return [_("Receipt %(picking)s is already closed.", picking=picking.name)]
        if not (scan["values"].get("reason") or "").strip():
            return [
                _(
                    "Give the reason of the rejection of %(product)s.",
                    product=scan["product"].display_name,
                )
            ]
        return []
