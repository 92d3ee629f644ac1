from odoo import _, models


class MedDeviceScanOperationMixin(models.AbstractModel):
    """The scan operations as data, mixed into ``med.device.scan``: one description per
    operation, read by the scan service (which operations exist, the states a unit must
    be in, where it is taken from, what the scan must carry), by the scan station (its
    modes and what each asks before the first scan) and by the other addons (GSP's
    business locks, the recall's refusals).

    Extension point: an addon adds an operation with one description (``super()`` then
    append) and one step ``_scan_do_<name>`` (optionally ``_check_scan_<name>``, else the
    unit is checked by ``_check_scan_unit`` from its description), or adds its own keys
    to the descriptions it cares about."""

    _name = "med.device.scan.operation.mixin"
    _description = "Medical Device Scan Operations"

    def _med_scan_operations(self):
        """The operations, in the order the station shows them.  Each is a dict:

        - ``name``: the operation's key (``scan(raw, name, ...)``);
        - ``label``: its name in messages (lower case: "use on patient");
        - ``document``: the model of the document a scan creates or fills (a context's
          ``document_id`` must be one), or False;
        - ``states``: the device states a unit must be in (None: not checked as a unit
          in stock, the operation has its own ``_check_scan_<name>``);
        - ``from_store``: takes the unit out of the store (not while it is still being
          received);
        - ``department``: "to" (the unit goes to the department given), "from" (the unit
          is held by the department given, and a lot is taken from its sub-store), or
          False;
        - ``to_department``: also needs the department the unit goes to
          (``dest_department_id``);
        - ``puts_to_use``: issues, lends, moves or uses the unit: refused when it is
          expired or under recall, and business with its supplier (GSP locks);
        - ``anywhere``: a lot is taken from wherever it is when the store has none;
        - ``agrees``: refused when the scanned UDI disagrees with the unit recorded;
        - station: ``title``, ``help``, ``access`` ((model, right) the user must hold to
          be offered it), ``fields`` (what it asks before the first scan: ``name`` (a
          context key), ``label``, ``type`` (many2one, char, date), ``options`` (a key
          of ``_med_station_options``), ``required``, and ``missing``: the refusal of a
          scan without it and without a document giving it), ``undo`` (*undo last*
          corrects the scan's document).
        """
        department = {
            "name": "department_id",
            "label": _("Department"),
            "type": "many2one",
            "options": "departments",
            "required": True,
        }
        order = {
            "name": "purchase_id",
            "label": _("Purchase order"),
            "type": "many2one",
            "options": "purchase_orders",
            "required": True,
        }
        requester = {
            "name": "requester_id",
            "label": _("Requested by"),
            "type": "many2one",
            "options": "employees",
        }

        # translated here: _() in the nested function finds no language (no env in its frame)
        reason_label = _("Reason")

        def reason(missing=None):
            return {
                "name": "reason",
                "label": reason_label,
                "type": "char",
                "required": True,
                "missing": missing,
            }

        unit = {
            "document": False,
            "states": None,
            "from_store": False,
            "department": False,
            "to_department": False,
            "puts_to_use": False,
            "anywhere": False,
            "agrees": False,
            "undo": False,
            "fields": [],
        }
        operations = [
            dict(
                unit,
                name="receipt",
                label=_("receipt"),
                document="med.receipt.check",
                agrees=True,
                title=_("Receive"),
                access=("med.receipt.check", "create"),
                help=_("Scan the units arriving against a purchase order."),
                fields=[
                    order,
                    {
                        "name": "certificate_number",
                        "label": _("Certificate number"),
                        "type": "char",
                    },
                ],
            ),
            dict(
                unit,
                name="receipt_reject",
                label=_("receipt rejection"),
                document="med.receipt.check",
                title=_("Reject at receipt"),
                access=("med.receipt.check", "create"),
                help=_("Record units refused at receipt, with the reason."),
                fields=[order, reason()],
            ),
            dict(
                unit,
                name="issue",
                label=_("issue"),
                document="med.device.issue",
                states=("in_stock",),
                from_store=True,
                department="to",
                puts_to_use=True,
                agrees=True,
                undo=True,
                title=_("Issue"),
                access=("med.device.issue", "create"),
                help=_("Issue units from the store to a department."),
                fields=[department, requester],
            ),
            dict(
                unit,
                name="borrow",
                label=_("borrow"),
                document="med.device.issue",
                states=("in_stock",),
                from_store=True,
                department="to",
                puts_to_use=True,
                agrees=True,
                undo=True,
                title=_("Borrow"),
                access=("med.device.issue", "create"),
                help=_("Lend units to a department until a due date."),
                fields=[
                    department,
                    requester,
                    {
                        "name": "expected_return_date",
                        "label": _("Due back on"),
                        "type": "date",
                        "required": True,
                        "missing": _("Give the expected return date of the borrow."),
                    },
                ],
            ),
            dict(
                unit,
                name="return",
                label=_("return"),
                document="med.device.issue",
                states=("issued", "borrowed"),
                department="from",
                agrees=True,
                undo=True,
                title=_("Return"),
                access=("med.device.issue", "create"),
                help=_("Take back units a department returns to the store."),
                fields=[dict(department, label=_("Returned by department"))],
            ),
            dict(
                unit,
                name="transfer",
                label=_("transfer"),
                document="med.device.issue",
                states=("issued", "borrowed"),
                department="from",
                to_department=True,
                puts_to_use=True,
                agrees=True,
                undo=True,
                title=_("Transfer"),
                access=("med.device.issue", "create"),
                help=_("Move units from one department to another."),
                fields=[
                    dict(department, label=_("From department")),
                    dict(department, name="dest_department_id", label=_("To department")),
                ],
            ),
            dict(
                unit,
                name="use",
                label=_("use on patient"),
                document="med.device.use",
                states=("issued", "borrowed"),
                department="from",
                puts_to_use=True,
                agrees=True,
                undo=True,
                title=_("Use on patient"),
                access=("med.device.use", "create"),
                help=_("Record the units used on a patient."),
                fields=[
                    department,
                    {
                        "name": "patient_identifier",
                        "label": _("Patient identifier"),
                        "type": "char",
                        "required": True,
                        "missing": _("Give the patient identifier of the use on a patient."),
                    },
                    {"name": "encounter_ref", "label": _("Encounter"), "type": "char"},
                    {"name": "surgery_ref", "label": _("Surgery"), "type": "char"},
                    {
                        "name": "surgeon_id",
                        "label": _("Surgeon"),
                        "type": "many2one",
                        "options": "employees",
                    },
                ],
            ),
            dict(
                unit,
                name="case",
                label=_("surgery case"),
                document="med.surgery.case",
                states=("issued", "borrowed"),
                department="from",
                # listed for an operation: refused when expired, recalled or locked now,
                # and checked again when the close-out records its use
                puts_to_use=True,
                agrees=True,
                title=_("Surgery case"),
                access=("med.surgery.case.line", "create"),
                help=_("List the units brought for an operation on its surgery case."),
                fields=[
                    {
                        "name": "document_id",
                        "label": _("Surgery case"),
                        "type": "many2one",
                        "options": "surgery_cases",
                        "required": True,
                        "missing": _("Choose the surgery case the units are for."),
                    }
                ],
            ),
            dict(
                unit,
                name="quarantine",
                label=_("quarantine"),
                document="med.device.quarantine",
                states=("in_stock", "issued", "borrowed", "expired", "recalled"),
                anywhere=True,
                undo=True,
                title=_("Quarantine"),
                access=("med.device.quarantine", "create"),
                help=_("Put units aside until quality decides."),
                fields=[
                    reason(_("Give the reason of the %(operation)s.", operation=_("quarantine")))
                ],
            ),
            dict(
                unit,
                name="scrap",
                label=_("scrap"),
                document="med.device.scrap",
                states=("in_stock", "quarantined", "expired", "recalled"),
                anywhere=True,
                undo=True,
                title=_("Scrap"),
                access=("med.device.scrap", "create"),
                help=_("Scrap damaged, expired or recalled units."),
                fields=[reason(_("Give the reason of the %(operation)s.", operation=_("scrap")))],
            ),
            dict(
                unit,
                name="count",
                label=_("count"),
                agrees=True,
                title=_("Count"),
                access=("med.count", "write"),
                help=_("Count the units of a location for a count in progress."),
                fields=[
                    {
                        "name": "count_id",
                        "label": _("Count"),
                        "type": "many2one",
                        "options": "counts",
                        "required": True,
                    }
                ],
            ),
            dict(
                unit,
                name="trace",
                label=_("trace"),
                title=_("Trace"),
                access=("stock.lot", "read"),
                help=_("Show where a unit is and what happened to it."),
            ),
        ]
        return operations

    def _med_scan_operation(self, name):
        """The description of the operation ``name`` (None: no such operation)."""
        return next((op for op in self._med_scan_operations() if op["name"] == name), None)

    def _med_document_models(self):
        """{operation: the model of its document} of the operations that have one."""
        return {
            op["name"]: op["document"] for op in self._med_scan_operations() if op.get("document")
        }

    def _operation_labels(self):
        """[(operation, label)] of every operation, for messages and selections."""
        return [(op["name"], op["label"]) for op in self._med_scan_operations()]
