from collections import defaultdict

from markupsafe import Markup
from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: the mixin's draft / done / cancel, with the recall's own steps
RECALL_STATES = [("draft",), ("open", "Open"), ("closed", "Closed"), ("done",)]

#: the dispositions after which a recall line needs nothing more
FINAL_DISPOSITIONS = ("returned_supplier", "destroyed", "patient_informed", "released")

#: units listed in the body of a supplier's recall notice; all of them are in an
#: attached file when there are more
SUPPLIER_MAIL_ROWS = 200

#: where units are, in one query (see ``MedRecall._med_impact``): the quants in stock or in
#: transit, with the device department whose sub-store is the nearest parent of their
#: location; the uses on patients; the net quantity of the done move lines in and out of
#: supplier / customer locations other than patient use. Kept in a PL/pgSQL function
#: (``init``) so that its plan is made once per database session, not on every call.
IMPACT_FUNCTION = """
CREATE FUNCTION med_recall_impact(lot_ids integer[])
RETURNS TABLE (section integer, lot_id integer, location_id integer, owner_id integer,
               usage varchar, in_quarantine boolean, department_id integer,
               use_id integer, patient varchar, encounter varchar, surgery varchar,
               quantity double precision)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT 1 AS section, q.lot_id, q.location_id, q.owner_id, l.usage,
           l.id = ANY(ARRAY(SELECT med_quarantine_location_id FROM res_company
                             WHERE active AND med_quarantine_location_id IS NOT NULL)),
           (SELECT d.id FROM hr_department d
              JOIN stock_location dl ON dl.id = d.med_location_id
             WHERE d.active AND l.parent_path LIKE dl.parent_path || '%'
             ORDER BY length(dl.parent_path) DESC, d.id LIMIT 1),
           NULL::integer, NULL::varchar, NULL::varchar, NULL::varchar,
           SUM(q.quantity)::float
      FROM stock_quant q
      JOIN stock_location l ON l.id = q.location_id
     WHERE q.lot_id = ANY(lot_ids) AND l.usage IN ('internal', 'transit')
     GROUP BY q.lot_id, q.location_id, q.owner_id, l.id
    HAVING SUM(q.quantity) > 0
    UNION ALL
    SELECT 2, u.lot_id, c.med_patient_location_id, NULL, NULL, NULL, u.department_id,
           u.id, u.patient_identifier, u.encounter_ref, u.surgery_ref, u.quantity
      FROM med_device_use u
      JOIN res_company c ON c.id = u.company_id
     WHERE u.lot_id = ANY(lot_ids) AND u.state = 'done' AND u.reversal_of_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM med_device_use r
                        WHERE r.reversal_of_id = u.id AND r.state = 'done')
    UNION ALL
    SELECT 3, ml.lot_id, l.id,
           MAX(p.partner_id) FILTER (WHERE l.id = ml.location_dest_id), l.usage,
           NULL, NULL, NULL, NULL, NULL, NULL,
           SUM(CASE WHEN l.id = ml.location_dest_id THEN ml.quantity
                    ELSE -ml.quantity END)::float
      FROM stock_move_line ml
      JOIN stock_location l ON l.id IN (ml.location_id, ml.location_dest_id)
      LEFT JOIN stock_picking p ON p.id = ml.picking_id
     WHERE ml.lot_id = ANY(lot_ids) AND ml.state = 'done'
       AND l.usage IN ('supplier', 'customer')
       AND l.id != ALL(ARRAY(SELECT med_patient_location_id FROM res_company
                              WHERE active AND med_patient_location_id IS NOT NULL))
     GROUP BY ml.lot_id, l.id
    HAVING SUM(CASE WHEN l.id = ml.location_dest_id THEN ml.quantity
                    ELSE -ml.quantity END) > 0
     ORDER BY 1, 2, 3;
END
$function$
"""


class MedRecall(models.Model):
    """A recall case (召回): the units of a product (or a manufacturer lot, serials,
    a date range) found wherever they are, quarantined while the case is open and
    followed until each one is disposed of."""

    _name = "med.recall"
    _inherit = [
        "med.device.operation.mixin",
        "med.xlsx.export.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Device Recall"
    _order = "id desc"
    _med_sequence_code = "med.recall"
    _med_system_fields = (
        "user_id",
        "date_done",
        "date_opened",
        "date_located",
        "date_closed",
        "supplier_notified",
        "reversal_reason",
    )
    _med_final_states = ("closed", "done", "cancel")
    _med_correction_group = "med_device_stock.group_med_manager"
    _med_correctable_states = ("closed", "done")

    state = fields.Selection(
        selection_add=RECALL_STATES,
        tracking=True,
        ondelete={"open": "set default", "closed": "set default"},
    )
    reference = fields.Char(
        string="Recall Notice",
        help="The manufacturer's or the authority's reference of the recall notice.",
    )
    reason = fields.Text(required=True)
    recall_level = fields.Selection(
        [("1", "Class I"), ("2", "Class II"), ("3", "Class III")],
        string="Recall Class",
    )
    product_id = fields.Many2one(
        "product.product", check_company=True, domain="[('med_is_device', '=', True)]"
    )
    di = fields.Char(string="Device Identifier")
    mfr_lots = fields.Char(
        string="Manufacturer Lots", help="Comma-separated manufacturer lots concerned."
    )
    serials = fields.Char(help="Comma-separated serial numbers concerned.")
    expiry_from = fields.Date(string="Expiring From")
    expiry_to = fields.Date(string="Expiring Until")
    manufactured_from = fields.Date()
    manufactured_to = fields.Date(string="Manufactured Until")
    supplier_id = fields.Many2one("res.partner", string="Supplier / Consignor")
    lot_ids = fields.Many2many("stock.lot", string="Units", readonly=True, copy=False)
    line_ids = fields.One2many("med.recall.line", "recall_id", string="Impact", readonly=True)
    line_count = fields.Integer(compute="_compute_line_count")
    date_received = fields.Datetime(
        string="Recall Received On",
        required=True,
        default=fields.Datetime.now,
        help="When the recall notice arrived: the response time starts here.",
    )
    date_opened = fields.Datetime(string="Opened On", readonly=True, copy=False)
    date_located = fields.Datetime(
        string="All Units Located On",
        compute="_compute_kpi",
        store=True,
        readonly=True,
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    response_hours = fields.Float(
        string="Response Time (h)",
        compute="_compute_kpi",
        store=True,
        aggregator="avg",
        help="Hours from the recall's arrival until every unit was located.",
    )
    closing_hours = fields.Float(
        string="Closing Time (h)",
        compute="_compute_kpi",
        store=True,
        aggregator="avg",
        help="Hours from the recall's arrival until the case closed.",
    )
    unit_quantity = fields.Float(string="Quantity Concerned", compute="_compute_kpi", store=True)
    supplier_notified = fields.Boolean(readonly=True, copy=False)

    @api.depends("line_ids")
    def _compute_line_count(self):
        for recall in self:
            recall.line_count = len(recall.line_ids)

    @api.depends("line_ids.date_located", "line_ids.quantity", "date_received", "date_closed")
    def _compute_kpi(self):
        for recall in self:
            lines = recall.line_ids
            located = lines and all(lines.mapped("date_located"))
            recall.date_located = located and max(lines.mapped("date_located")) or False
            recall.unit_quantity = sum(lines.mapped("quantity"))
            recall.response_hours = recall._med_hours(recall.date_located)
            recall.closing_hours = recall._med_hours(recall.date_closed)

    def _med_hours(self, date):
        if not date or not self.date_received:
            return 0.0
        return max((date - self.date_received).total_seconds() / 3600.0, 0.0)

    # ------------------------------------------------------------------ finding the units
    @api.model
    def _med_split(self, text):
        return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]

    def _med_lot_domain(self):
        """The units the criteria of the case designate (a stock.lot domain)."""
        self.ensure_one()
        # the case's hospital's units only: a catalogue shared by companies has units of
        # the same product in the others
        base = [
            ("product_id.med_is_device", "=", True),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        domain = list(base)
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        if self.di:
            identifier = self.env["med.product.di"]._find_by_di(self.di.strip())
            if not identifier:
                raise UserError(
                    _("Device identifier %(di)s: no device product has it.", di=self.di)
                )
            domain += [
                "|",
                ("med_di", "=", self.di.strip()),
                ("product_id", "=", identifier.product_id.id),
            ]
        if self.mfr_lots:
            lots = self._med_split(self.mfr_lots)
            domain += ["|", ("med_mfr_lot", "in", lots), ("name", "in", lots)]
        if self.serials:
            serials = self._med_split(self.serials)
            domain += ["|", ("med_serial", "in", serials), ("name", "in", serials)]
        if self.expiry_from:
            domain.append(("expiration_date", ">=", fields.Datetime.to_datetime(self.expiry_from)))
        if self.expiry_to:
            domain.append(
                (
                    "expiration_date",
                    "<",
                    fields.Datetime.to_datetime(fields.Date.add(self.expiry_to, days=1)),
                )
            )
        if self.manufactured_from:
            domain.append(("med_manufactured_date", ">=", self.manufactured_from))
        if self.manufactured_to:
            domain.append(("med_manufactured_date", "<=", self.manufactured_to))
        if len(domain) == len(base) and not self.lot_ids:
            raise UserError(
                _(
                    "Give the product, device identifier, lots, serials, dates or "
                    "scanned units the recall concerns."
                )
            )
        return domain

    def _med_find_lots(self):
        self.ensure_one()
        if self.lot_ids and not (
            self.product_id
            or self.di
            or self.mfr_lots
            or self.serials
            or self.expiry_from
            or self.expiry_to
            or self.manufactured_from
            or self.manufactured_to
        ):
            return self.lot_ids
        lots = self.env["stock.lot"].sudo().search(self._med_lot_domain())
        return lots | self.lot_ids.sudo()

    def init(self):
        res = super().init()
        # replaced as a whole on every update: its result columns may have changed
        self.env.cr.execute("DROP FUNCTION IF EXISTS med_recall_impact(integer[])")
        self.env.cr.execute(IMPACT_FUNCTION)
        return res

    @api.model
    def _med_impact(self, lots):
        """Where each unit of ``lots`` is: a list of line values, found set-based (a fixed
        number of queries whatever the number of units).

        - in stock or in transit: the lots' quants (owner = consignor included);
        - used on patients: the use records (patient, encounter, department);
        - returned to a supplier or shipped to customers: the net quantity of the done
          move lines leaving to supplier/customer locations (other than patient use).
        """
        if not lots:
            return []
        self.env.flush_all()
        # one call of a function whose plan PostgreSQL keeps for the session: planning
        # the query took several times longer than running it for a unit or a few
        self.env.cr.execute("SELECT * FROM med_recall_impact(%s)", [lots.ids])
        lines = []
        for (
            section,
            lot_id,
            location_id,
            partner_id,
            usage,
            in_quarantine,
            department_id,
            use_id,
            patient,
            encounter,
            surgery,
            quantity,
        ) in self.env.cr.fetchall():
            if section == 1:  # in stock or in transit (owner = consignor)
                if usage == "transit":
                    place = "transit"
                elif in_quarantine:
                    place = "quarantine"
                elif department_id:
                    place = "department"
                else:
                    place = "stock"
                lines.append(
                    {
                        "lot_id": lot_id,
                        "location_id": location_id,
                        "owner_id": partner_id,
                        "department_id": department_id or False,
                        "place": place,
                        "quantity": quantity,
                    }
                )
            elif section == 2:  # used on patients
                lines.append(
                    {
                        "lot_id": lot_id,
                        "location_id": location_id,
                        "department_id": department_id,
                        "use_id": use_id,
                        "patient_identifier": patient,
                        "encounter_ref": encounter,
                        "surgery_ref": surgery,
                        "place": "patient",
                        "quantity": quantity,
                    }
                )
            else:  # gone to suppliers / customers (net of what came back)
                lines.append(
                    {
                        "lot_id": lot_id,
                        "location_id": location_id,
                        "partner_id": partner_id,
                        "place": "supplier" if usage == "supplier" else "customer",
                        "quantity": quantity,
                    }
                )
        return lines

    # ------------------------------------------------------------------ workflow
    def action_open(self):
        """Find every unit, quarantine those in stock, tell departments and supplier."""
        if not self.env.user.has_group("med_device_stock.group_med_manager"):
            raise UserError(_("Only medical device managers can open a recall."))
        self._med_check_draft()
        now = fields.Datetime.now()
        for recall in self:
            lots = recall._med_find_lots()
            if not lots:
                raise UserError(
                    _(
                        "Recall %(recall)s: no unit matches its criteria.",
                        recall=recall.display_name,
                    )
                )
            impact = recall._med_impact(lots)
            known = {vals["lot_id"] for vals in impact}
            for lot in lots.filtered(lambda lt, seen=known: lt.id not in seen):
                impact.append({"lot_id": lot.id, "place": "unknown", "quantity": 0.0})
            for vals in impact:
                vals.update(
                    recall_id=recall.id,
                    state_found=False,
                    disposition="located" if vals["place"] != "unknown" else "unlocated",
                    date_located=now if vals["place"] != "unknown" else False,
                )
            recall.sudo().lot_ids = lots
            lines = self.env["med.recall.line"].sudo().create(impact)
            recall._med_system_write({"state": "open", "date_opened": now})
            recall._med_quarantine(lines.filtered(lambda ln: ln.place == "stock"))
            lines.filtered(lambda ln: ln.place == "quarantine").write(
                {"disposition": "quarantined"}
            )
            recall._med_notify_departments(lines)
            recall._med_notify_supplier(lots)
        return True

    def _med_quarantine(self, lines):
        """Move the units found in the store to the quarantine location (a recall event)."""
        self.ensure_one()
        if not lines:
            return
        quarantine = self.company_id._med_quarantine_location()
        by_source = defaultdict(lambda: self.env["med.recall.line"])
        for line in lines:
            by_source[line.location_id] |= line
        for source, source_lines in by_source.items():
            self.sudo()._med_move_units(
                [(line.lot_id, line.quantity) for line in source_lines],
                quarantine,
                self._med_event_info("recall", department_id=False, note=self.reason),
                source=source,
            )
            source_lines.write(
                {
                    "disposition": "quarantined",
                    "location_id": quarantine.id,
                    "date_quarantined": fields.Datetime.now(),
                }
            )

    def _med_notify_departments(self, lines):
        """One activity per department listing its units, for the department's manager."""
        self.ensure_one()
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        by_department = defaultdict(lambda: self.env["med.recall.line"])
        for line in lines.filtered("department_id"):
            by_department[line.department_id] |= line
        for department, dept_lines in by_department.items():
            user = department.manager_id.user_id or self.user_id
            units = ", ".join(
                dept_lines.mapped(
                    lambda ln: (
                        f"{ln.lot_id.product_id.display_name} {ln.lot_id.name}"
                        + (f" ({ln.patient_identifier})" if ln.patient_identifier else "")
                    )
                )
            )
            self.sudo().activity_schedule(
                activity_type_id=todo.id if todo else False,
                summary=_(
                    "Recall %(recall)s: units of %(department)s",
                    recall=self.name,
                    department=department.name,
                ),
                note=_(
                    "Recall %(recall)s concerns these units of %(department)s: %(units)s. "
                    "Stop using them and return those still in the department; inform "
                    "the patients concerned.",
                    recall=self.name,
                    department=department.name,
                    units=units,
                ),
                user_id=user.id,
            )
            dept_lines.write({"department_notified": True})

    def _med_recall_suppliers(self, lots):
        """``{partner: its units}``: who must hear of the recall. The recall's supplier
        (the one who issued the notice) about every unit; the supplier each unit came
        from and the consignor owning it in stock about their own units only."""
        self.ensure_one()
        lot_ids = defaultdict(set)
        if self.supplier_id:
            lot_ids[self.supplier_id.id].update(lots.ids)
        for lot in lots.filtered("med_supplier_id"):
            lot_ids[lot.med_supplier_id.id].add(lot.id)
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_read(
                [("lot_id", "in", lots.ids), ("owner_id", "!=", False)], ["lot_id", "owner_id"]
            )
        )
        for quant in quants:
            lot_ids[quant["owner_id"][0]].add(quant["lot_id"][0])
        Partner, Lot = self.env["res.partner"], self.env["stock.lot"]
        return {
            Partner.browse(partner_id): Lot.browse(sorted(ids))
            for partner_id, ids in lot_ids.items()
        }

    def _med_notify_supplier(self, lots, suppliers=None):
        """Tell each supplier and consignor of ``lots`` by email, from the recall's
        chatter, which of its units the recall holds and where they stand (in stock,
        quarantined, used...), never the patients: the first ``SUPPLIER_MAIL_ROWS``
        in the message, all of them in an attached XLSX file when there are more.
        ``suppliers``: ``{partner: units}`` (default ``_med_recall_suppliers``); the EDI
        addon takes out those it reaches by a message.  Partners without an email
        address are named in a note for the manager.  Returns the partners told."""
        self.ensure_one()
        if suppliers is None:
            suppliers = self._med_recall_suppliers(lots)
        told = self.env["res.partner"]
        unreachable = self.env["res.partner"]
        for partner, units in suppliers.items():
            if not partner.email:
                unreachable |= partner
                continue
            rows = self._med_supplier_rows(units)
            attachments = []
            if len(rows) > SUPPLIER_MAIL_ROWS:
                attachments = [
                    (
                        f"{self.name.replace('/', '_')}_units.xlsx",
                        self._med_xlsx_table(_("Units"), self._med_supplier_header(), rows),
                    )
                ]
            self.sudo().message_post(
                subject=_(
                    "Recall %(recall)s (%(reference)s): your units",
                    recall=self.name,
                    reference=self.reference or self.reason,
                ),
                body=self._med_supplier_body(rows),
                attachments=attachments,
                partner_ids=partner.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )
            told |= partner
        if unreachable:
            self.sudo().message_post(
                body=_(
                    "No email address for %(partners)s: tell them of the recall otherwise.",
                    partners=", ".join(unreachable.mapped("display_name")),
                )
            )
        if told:
            self._med_system_write({"supplier_notified": True})
        return told

    def _med_supplier_header(self):
        return [
            _("Product"),
            _("Unit"),
            _("Manufacturer Lot"),
            _("Serial"),
            _("Expiry"),
            _("Where"),
        ]

    def _med_supplier_rows(self, units):
        """Product, unit, manufacturer lot, serial, expiry and where each of ``units``
        stands, without any patient data."""
        places = dict(self.env["med.recall.line"]._fields["place"]._description_selection(self.env))
        place_of = {line.lot_id: places.get(line.place, "") for line in self.line_ids}
        return [
            [
                lot.product_id.display_name,
                lot.name,
                lot.med_mfr_lot or "",
                lot.med_serial or "",
                fields.Date.to_string(lot.expiration_date.date()) if lot.expiration_date else "",
                place_of.get(lot, ""),
            ]
            for lot in units.sorted("name")
        ]

    def _med_supplier_body(self, rows):
        cells = Markup("<td>%s</td>") * 6
        table = Markup("").join(
            Markup("<tr>") + cells % tuple(row) + Markup("</tr>")
            for row in rows[:SUPPLIER_MAIL_ROWS]
        )
        header = Markup("").join(
            Markup("<th>%s</th>") % label for label in self._med_supplier_header()
        )
        intro = _(
            "%(company)s has opened recall %(recall)s (%(reason)s). It holds these "
            "%(count)s units of yours; please tell us how to dispose of them.",
            company=self.company_id.name,
            recall=self.name,
            reason=self.reason,
            count=len(rows),
        )
        more = ""
        if len(rows) > SUPPLIER_MAIL_ROWS:
            more = Markup("<p>%s</p>") % _(
                "%(count)s more units are listed in the attached file.",
                count=len(rows) - SUPPLIER_MAIL_ROWS,
            )
        return Markup(
            "<p>%s</p><table class='table table-sm'><thead><tr>%s</tr></thead>"
            "<tbody>%s</tbody></table>%s"
        ) % (intro, header, table, more)

    def action_close(self):
        if not self.env.user.has_group("med_device_stock.group_med_manager"):
            raise UserError(_("Only medical device managers can close a recall."))
        for recall in self:
            if recall.state != "open":
                raise UserError(_("Recall %(recall)s is not open.", recall=recall.name))
            pending = recall.line_ids.filtered(lambda ln: ln.disposition not in FINAL_DISPOSITIONS)
            if pending:
                raise UserError(
                    _(
                        "Recall %(recall)s cannot close: %(count)s units are still to be "
                        "disposed of (%(units)s).",
                        recall=recall.name,
                        count=len(pending),
                        units=", ".join(pending[:10].mapped("lot_id.name")),
                    )
                )
            recall._med_system_write(
                {
                    "state": "closed",
                    "date_closed": fields.Datetime.now(),
                    "date_done": fields.Datetime.now(),
                }
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        self._med_check_draft()
        self._med_system_write({"state": "cancel"})
        return True

    def _med_make_correction(self, reason):
        """A closed recall moved its units through its lines, each with its own record
        (quarantine, return to supplier, destruction): nothing is reversed; the
        correction is a note in its chatter, kept with the case; a case to follow
        again is a new recall."""
        self.ensure_one()
        self.sudo().message_post(
            body=_("Correction: %(reason)s", reason=reason), subtype_xmlid="mail.mt_note"
        )
        return self.browse()

    @api.readonly
    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_recall_line_action"
        )
        action["domain"] = [("recall_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------ exports
    def _med_export_rows(self):
        self.ensure_one()
        places = dict(self.env["med.recall.line"]._fields["place"]._description_selection(self.env))
        dispositions = dict(
            self.env["med.recall.line"]._fields["disposition"]._description_selection(self.env)
        )
        rows = []
        for line in self.line_ids:
            rows.append(
                [
                    line.product_id.display_name,
                    line.lot_id.name,
                    line.lot_id.med_mfr_lot or "",
                    line.lot_id.med_serial or "",
                    line.quantity,
                    places.get(line.place, ""),
                    line.location_id.display_name or "",
                    line.department_id.name or "",
                    line.owner_id.name or line.partner_id.name or "",
                    line.patient_identifier or "",
                    line.encounter_ref or "",
                    dispositions.get(line.disposition, ""),
                ]
            )
        return rows

    def _med_export_header(self):
        return [
            _("Product"),
            _("Unit"),
            _("Manufacturer Lot"),
            _("Serial"),
            _("Quantity"),
            _("Where"),
            _("Location"),
            _("Department"),
            _("Partner / Owner"),
            _("Patient ID"),
            _("Encounter"),
            _("Disposition"),
        ]

    def _med_xlsx(self):
        self.ensure_one()
        return self._med_xlsx_table(
            _("Recall Impact"),
            self._med_export_header(),
            self._med_export_rows(),
            title=[_("Recall"), self.name, self.reference or "", self.reason or ""],
        )

    def action_export_xlsx(self):
        self.ensure_one()
        return self._med_download_xlsx(
            f"{self.name.replace('/', '_')}_impact.xlsx", self._med_xlsx()
        )

    @api.model
    def _med_open_lots(self):
        """The units of open recall cases (one query)."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT DISTINCT l.lot_id FROM med_recall_line l
              JOIN med_recall r ON r.id = l.recall_id
             WHERE r.state = 'open'
        """)
        return {row[0] for row in self.env.cr.fetchall()}
