from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

CASE_STATES = [
    ("draft", "Planned"),
    ("in_progress", "In Progress"),
    ("done", "Closed"),
    ("cancel", "Cancelled"),
]


class MedSurgeryCase(models.Model):
    """A surgery case (手术): the devices brought for one operation and, at close-out,
    what became of each (implanted, used, opened and wasted, unused).

    Closing records the uses on the patient through ``med.device.use`` (so every check of
    a use applies: expired, recalled, GSP locks), the permanent implant records, a draft
    return of the unused units and a draft quarantine of the wasted ones for the store,
    and the messages for the hospital information system.  The patient is known by the
    hospital's identifier only."""

    _name = "med.surgery.case"
    _inherit = [
        # before the operation mixin whose cancel it extends
        "med.surgery.case.store.mixin",
        "med.device.operation.mixin",
        "med.surgery.case.his.mixin",
        "med.surgery.case.cda.mixin",
        "med.surgery.case.close.scan.mixin",
        "mail.thread",
    ]
    _description = "Surgery Case"
    _order = "planned_date desc, id desc"
    _med_sequence_code = "med.surgery.case"
    _med_system_fields = (
        "user_id",
        "date_done",
        "reversal_reason",
        "date_start",
        "nurse_confirm_user_id",
        "nurse_confirm_date",
        "supplier_confirm_date",
        "return_id",
        "his_dft_message",
        "his_fhir_bundle",
    )
    #: a closed case is a clinical record: it is not corrected as a whole (its uses are)
    _med_correction_group = False

    state = fields.Selection(
        selection_add=CASE_STATES, ondelete={"in_progress": "set default"}, tracking=True
    )
    his_case_id = fields.Char(
        string="HIS Case ID",
        index="btree_not_null",
        copy=False,
        help="The operation's booking number in the hospital information system.",
    )
    patient_identifier = fields.Char(
        string="Patient ID",
        required=True,
        index=True,
        help="The hospital's patient identifier (medical record number); no name is kept.",
    )
    encounter_ref = fields.Char(string="Encounter / Admission")
    department_id = fields.Many2one(
        "hr.department",
        required=True,
        check_company=True,
        index=True,
        domain="[('med_is_device_department', '=', True)]",
        help="The department holding the units for the operation (the operating theatre).",
    )
    operating_room = fields.Char()
    procedure_code = fields.Char()
    procedure_name = fields.Char(string="Procedure")
    surgeon_id = fields.Many2one("hr.employee", check_company=True)
    planned_date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    date_start = fields.Datetime(string="Started On", readonly=True, copy=False)
    line_ids = fields.One2many("med.surgery.case.line", "case_id", string="Devices")
    implant_ids = fields.One2many(
        "med.implant.record", "case_id", string="Implant Records", readonly=True
    )
    use_ids = fields.Many2many(
        "med.device.use",
        compute="_compute_documents",
        string="Uses on Patient",
    )
    quarantine_ids = fields.Many2many(
        "med.device.quarantine", compute="_compute_documents", string="Quarantines"
    )
    return_id = fields.Many2one(
        "med.device.issue", string="Return to Store", readonly=True, copy=False
    )
    implant_count = fields.Integer(compute="_compute_counts")
    line_count = fields.Integer(compute="_compute_counts")
    supplier_rep_name = fields.Char(
        string="Supplier Representative",
        help="The supplier's representative who confirms the close-out of units owned by "
        "a supplier (loaner or consignment units).",
    )
    supplier_confirm_date = fields.Datetime(
        string="Supplier Confirmed On", readonly=True, copy=False
    )
    nurse_confirm_user_id = fields.Many2one(
        "res.users", string="Closed By", readonly=True, copy=False
    )
    nurse_confirm_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    needs_supplier_confirmation = fields.Boolean(compute="_compute_needs_supplier")

    _sql_constraints = [
        (
            "his_case_id_company_unique",
            "unique(company_id, his_case_id)",
            "A HIS case ID names one surgery case per company.",
        ),
    ]

    @api.depends("line_ids.use_id", "line_ids.quarantine_id")
    def _compute_documents(self):
        for case in self:
            case.use_ids = case.line_ids.use_id
            case.quarantine_ids = case.line_ids.quarantine_id

    @api.depends("line_ids", "implant_ids")
    def _compute_counts(self):
        for case in self:
            case.line_count = len(case.line_ids)
            case.implant_count = len(case.implant_ids)

    @api.depends("line_ids.owner_id")
    def _compute_needs_supplier(self):
        for case in self:
            case.needs_supplier_confirmation = bool(case.line_ids.owner_id)

    # ------------------------------------------------------------------ workflow
    def action_start(self):
        self.check_access("write")
        for case in self:
            if case.state != "draft":
                raise UserError(
                    _(
                        "%(case)s is %(state)s: only a planned case is started.",
                        case=case.display_name,
                        state=case._med_state_label(),
                    )
                )
        self._med_system_write({"state": "in_progress", "date_start": fields.Datetime.now()})
        return True

    def action_open_scan_wizard(self):
        self.ensure_one()
        self._med_check_open()
        return self.env["med.scan.wizard"]._open_for(self, "case")

    def _med_check_open(self):
        for case in self:
            if case.state not in ("draft", "in_progress"):
                raise UserError(
                    _(
                        "%(case)s is %(state)s: its devices cannot change any more.",
                        case=case.display_name,
                        state=case._med_state_label(),
                    )
                )

    def _med_scan_context(self):
        self.ensure_one()
        return {"document_id": self.id, "department_id": self.department_id.id}

    def _med_close_problems(self):
        """Why the case cannot be closed yet (one line per problem, each naming the unit)."""
        self.ensure_one()
        problems = []
        if not self.line_ids:
            problems.append(_("%(case)s has no devices.", case=self.display_name))
        for line in self.line_ids:
            if line.outcome == "pending":
                problems.append(
                    _(
                        "%(unit)s: say whether it was implanted, used, wasted or unused.",
                        unit=line.lot_id.display_name,
                    )
                )
            elif line.outcome == "wasted" and not (line.waste_reason or "").strip():
                problems.append(
                    _(
                        "%(unit)s was opened and wasted: give the reason.",
                        unit=line.lot_id.display_name,
                    )
                )
            elif line.outcome == "implanted" and not line.product_id.med_implantable:
                problems.append(
                    _(
                        "%(unit)s is not an implantable device: record it as used.",
                        unit=line.lot_id.display_name,
                    )
                )
        if self.needs_supplier_confirmation and not (self.supplier_rep_name or "").strip():
            problems.append(
                _(
                    "Units of %(suppliers)s are in the case: their representative confirms "
                    "the close-out (Supplier Representative).",
                    suppliers=", ".join(self.line_ids.owner_id.mapped("display_name")),
                )
            )
        return problems

    def action_close(self):
        """Close-out: every unit's outcome recorded at once, or nothing (one transaction)."""
        self.check_access("write")
        for case in self:
            case._med_check_open()
            problems = case._med_close_problems()
            if problems:
                raise UserError("\n".join(problems))
            # all of it or nothing, for callers that go on after a refusal too
            with self.env.cr.savepoint():
                case._med_close()
        return True

    def _med_close(self):
        self.ensure_one()
        now = fields.Datetime.now()
        used = self.line_ids.filtered(lambda ln: ln.outcome in ("implanted", "used"))
        Use = self.env["med.device.use"]
        for line in used:
            use = Use.create(
                {
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                    "patient_identifier": self.patient_identifier,
                    "encounter_ref": self.encounter_ref or False,
                    "surgery_ref": self.name,
                    "surgeon_id": self.surgeon_id.id,
                    "department_id": self.department_id.id,
                    "date_use": now,
                    "company_id": self.company_id.id,
                }
            )
            try:
                use.action_done()
            except UserError as error:
                raise UserError(
                    _(
                        "%(unit)s cannot be recorded as used on the patient: %(why)s",
                        unit=line.lot_id.display_name,
                        why=error.args[0],
                    )
                ) from error
            line._med_system_write({"use_id": use.id})
        self._med_make_implant_records(used.filtered(lambda ln: ln.outcome == "implanted"))
        self._med_prepare_store_documents()
        self._med_release_store_requests()
        self._med_system_write(
            {
                "state": "done",
                "date_done": now,
                "nurse_confirm_user_id": self.env.uid,
                "nurse_confirm_date": now,
                "supplier_confirm_date": now if self.needs_supplier_confirmation else False,
            }
        )
        self._med_write_his_messages()
        self._message_log(
            body=_(
                "Closed by %(user)s: %(implanted)s implanted, %(used)s used, %(wasted)s wasted, "
                "%(unused)s unused.",
                user=self.env.user.name,
                implanted=len(self.line_ids.filtered(lambda ln: ln.outcome == "implanted")),
                used=len(self.line_ids.filtered(lambda ln: ln.outcome == "used")),
                wasted=len(self.line_ids.filtered(lambda ln: ln.outcome == "wasted")),
                unused=len(self.line_ids.filtered(lambda ln: ln.outcome == "unused")),
            )
        )

    def _med_make_implant_records(self, lines):
        if not lines:
            return
        self.env["med.implant.record"]._med_create_from_lines(lines)

    def _med_prepare_store_documents(self):
        """The store's part of the close-out, as drafts for a storekeeper to validate: the
        unused units back to the store, each wasted unit to quarantine (quality decides
        whether it is scrapped)."""
        self.ensure_one()
        unused = self._med_unused_for_store()
        if unused:
            ret = (
                self.env["med.device.issue"]
                .sudo()
                .create(
                    {
                        "operation_type": "return",
                        "department_id": self.department_id.id,
                        "company_id": self.company_id.id,
                        "note": _("Unused in surgery case %(case)s.", case=self.name),
                        "line_ids": [
                            Command.create({"lot_id": ln.lot_id.id, "quantity": ln.quantity})
                            for ln in unused
                        ],
                    }
                )
            )
            self._med_system_write({"return_id": ret.id})
        Quarantine = self.env["med.device.quarantine"].sudo()
        for line in self.line_ids.filtered(lambda ln: ln.outcome == "wasted"):
            quarantine = Quarantine.create(
                {
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                    "company_id": self.company_id.id,
                    "reason": _(
                        "Opened and wasted in surgery case %(case)s: %(reason)s",
                        case=self.name,
                        reason=line.waste_reason,
                    ),
                }
            )
            line._med_system_write({"quarantine_id": quarantine.id})

    def _med_unused_for_store(self):
        """The unused lines going back to the store (loaner units go back to their
        supplier instead: ``med_surgery_case_loaner``)."""
        return self.line_ids.filtered(lambda ln: ln.outcome == "unused")

    def action_view_implants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_implant_record_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        return action
