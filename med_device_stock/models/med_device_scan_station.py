import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

#: an idempotency key as the station makes them (a UUID; letters, digits, - and _)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
#: the most options of one kind the station is given (it is a scanning screen, not a
#: search view: a storeroom has tens of departments and open orders, not thousands)
OPTION_LIMIT = 300


class MedDeviceScanStationMixin(models.AbstractModel):
    """The scan station's server side, mixed into ``med.device.scan``: what the station
    offers the user (``station_setup``: the operations the user's groups allow, what each
    asks before the first scan, the choices), a scan sent with an idempotency key
    (``station_scan``: recorded once however often it is sent, through ``scan`` and so
    ``_check_scan``) and *undo last* (``station_undo``: a correcting document with its
    reason, where the operation's document is corrected so).

    Extension point: the modes are the scan operations' descriptions
    (``_med_scan_operations``); an addon adds a mode or a field there with ``super()``."""

    _name = "med.device.scan.station.mixin"
    _description = "Medical Device Scan Station"

    # ------------------------------------------------------------------ the modes
    def _med_station_operations(self):
        """The station's modes, in the order it shows them: the scan operations
        (``_med_scan_operations``) as the station uses them: ``name``, ``label`` (the
        operation's title), ``help``, ``access``, ``fields``, ``undo``."""
        return [
            {
                "name": op["name"],
                "label": op["title"],
                "help": op.get("help", ""),
                "access": op["access"],
                "fields": op["fields"],
                "undo": op["undo"],
            }
            for op in self._med_scan_operations()
            if op.get("access")
        ]

    def _med_station_allowed(self, operation):
        model, right = operation["access"]
        return self.env[model].has_access(right)

    # ------------------------------------------------------------------ the choices
    def _med_station_options(self, wanted):
        """The choices of the fields of the modes offered: {key: [[id, name], ...]}, each
        read as the user (record rules apply: a nurse chooses among her departments)."""
        readers = {
            "departments": self._med_station_departments,
            "employees": lambda: self._med_station_names(
                "hr.employee.public", [("company_id", "in", [False, *self.env.companies.ids])]
            ),
            "purchase_orders": self._med_station_orders,
            "counts": lambda: self._med_station_names(
                "med.count", [("state", "in", ("draft", "in_progress"))]
            ),
            "surgery_cases": lambda: self._med_station_names(
                "med.surgery.case",
                [("state", "in", ("draft", "in_progress"))],
                order="planned_date, id",
            ),
        }
        return {key: readers[key]() for key in sorted(wanted) if key in readers}

    def _med_station_names(self, model, domain, order=None):
        records = self.env[model]
        if not records.has_access("read"):
            return []
        found = records.search(domain, limit=OPTION_LIMIT, order=order)
        return [[record.id, record.display_name] for record in found]

    def _med_station_departments(self):
        domain = []
        if not self.env.user.has_group("med_device_stock.group_med_storekeeper"):
            domain = [("id", "in", self.env.user.employee_ids.department_id.ids)]
        return self._med_station_names("hr.department", domain)

    def _med_station_orders(self):
        """Confirmed orders with an incoming shipment still to receive."""
        pickings = self.env["stock.picking"]
        if not pickings.has_access("read"):
            return []
        open_pickings = pickings.search(
            [
                ("picking_type_code", "=", "incoming"),
                ("state", "not in", ("done", "cancel")),
                ("purchase_id", "!=", False),
            ],
            limit=OPTION_LIMIT,
            order="scheduled_date, id",
        )
        return [[order.id, order.display_name] for order in open_pickings.purchase_id]

    # ------------------------------------------------------------------ the API
    @api.model
    def station_setup(self):
        """What the station shows this user: the modes allowed (see
        ``_med_station_operations``) with the choices of their fields, and defaults."""
        operations = [op for op in self._med_station_operations() if self._med_station_allowed(op)]
        wanted = {f["options"] for op in operations for f in op["fields"] if f.get("options")}
        departments = self.env.user.employee_ids.department_id
        return {
            "operations": [
                {
                    "name": op["name"],
                    "label": op["label"],
                    "help": op.get("help", ""),
                    "fields": op["fields"],
                    "undo": bool(op.get("undo")),
                }
                for op in operations
            ],
            "options": self._med_station_options(wanted),
            "defaults": {"department_id": departments[:1].id or False},
            "user": self.env.user.name,
            "company": self.env.company.name,
            # *Print ZPL* is offered where the company has a label printer
            "zpl_printer": bool(self.env.company.sudo().med_zpl_printer),
        }

    @api.model
    def station_scan(self, raw, operation, values=None, key=None, scanned_at=None):
        """Scan ``raw`` for ``operation`` with the mode's ``values``, sent by the station
        under the idempotency ``key`` it gave the scan (a scan sent again answers what was
        answered the first time: ``duplicate`` is then true) at ``scanned_at`` (the
        device's time of the scan, ISO 8601, kept with the request).  Returns the scan's
        result (see ``scan``) with the unit as the station shows it."""
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            return self._scan_result(
                {"operation": operation, "raw": raw},
                False,
                _(
                    "The scan's idempotency key %(key)s is not valid: 8 to 64 letters, digits, "
                    "- or _.",
                    key=self._med_value_label(key),
                ),
            )
        if not isinstance(raw, str) or not raw or len(raw) > 512:
            return self._scan_result(
                {"operation": operation},
                False,
                _(
                    "The scanned code %(raw)s is not a code of 1 to 512 characters.",
                    raw=self._med_value_label(raw),
                ),
            )
        nomenclature = self.env.company.sudo().nomenclature_id
        if nomenclature:
            raw = nomenclature._med_fnc1_text(raw)
        when = self._med_station_time(scanned_at)
        if isinstance(when, str):
            return self._scan_result({"operation": operation, "raw": raw}, False, when)
        request_id = self._med_station_claim(key, raw, operation, when)
        if not request_id:
            return self._med_station_replay(key)
        result = self.scan(raw, operation, values if isinstance(values, dict) else {})
        result.update(self._med_station_details(result))
        if not result["ok"]:
            result.update(self._med_station_udi_offer(raw))
        result.update(key=key, duplicate=False)
        self.env["med.scan.request"].sudo().browse(request_id).write(
            {
                "state": "done" if result["ok"] else "refused",
                "message": result["message"],
                "result": result,
                "lot_id": result["lot_id"] or False,
                "res_model": result["res_model"] or False,
                "res_id": result["res_id"] or False,
            }
        )
        return result

    def _med_station_time(self, scanned_at):
        """The device's time of a scan as a naive UTC datetime (None when not given), or
        the refusal naming the value."""
        if not scanned_at:
            return None
        if isinstance(scanned_at, str):
            text = scanned_at.strip().replace("T", " ").removesuffix("Z")
            text = re.sub(r"\.\d+$", "", text)
            try:
                return fields.Datetime.to_datetime(text)
            except ValueError:
                _logger.info("scan time %r is not ISO 8601", scanned_at)
        return _(
            "The scan time %(value)s is not a date and time (ISO 8601 expected).",
            value=self._med_value_label(scanned_at),
        )

    def _med_station_claim(self, key, raw, operation, when):
        """Record the request under (user, key), once: the id of the new request, or None
        when the key was already used.  Two concurrent sends of one key: the second waits
        for the first's transaction on the unique index, and PostgreSQL answers it with a
        serialization failure (a conflict with a row its snapshot does not see), which
        Odoo retries; the retry replays the first's answer."""
        self.env.cr.execute(
            """
            INSERT INTO med_scan_request
                   (user_id, company_id, key, operation, raw, scanned_at, state,
                    create_uid, write_uid, create_date, write_date)
            VALUES (%(uid)s, %(company)s, %(key)s, %(operation)s, %(raw)s, %(when)s,
                    'received', %(uid)s, %(uid)s, now() at time zone 'UTC',
                    now() at time zone 'UTC')
            ON CONFLICT (user_id, key) DO NOTHING
         RETURNING id
        """,
            {
                "uid": self.env.uid,
                "company": self.env.company.id,
                "key": key,
                "operation": str(operation)[:64],
                "raw": raw,
                "when": when,
            },
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    def _med_station_replay(self, key):
        request = (
            self.env["med.scan.request"]
            .sudo()
            .search([("user_id", "=", self.env.uid), ("key", "=", key)], limit=1)
        )
        result = dict(request.result or {}, key=key, duplicate=True)
        if not request.result:  # received, never answered (cannot happen: one transaction)
            result.update(ok=False, message=request.message or "")
        return result

    def _med_station_details(self, result):
        """The unit and the document of a scan's result as the station shows them."""
        details = {"unit": {}, "document": "", "undo": False}
        lot = self.env["stock.lot"].browse(result.get("lot_id") or [])
        try:
            if lot:
                states = dict(lot._fields["med_state"]._description_selection(self.env))
                details["unit"] = {
                    "product": lot.product_id.display_name,
                    "lot": lot.med_mfr_lot or "",
                    "serial": lot.med_serial or "",
                    "name": lot.name,
                    "expiry": fields.Date.to_string(lot.expiration_date.date())
                    if lot.expiration_date
                    else "",
                    "state": lot.med_state or "",
                    "state_label": states.get(lot.med_state, ""),
                    "location": lot.med_location_id.display_name or "",
                    "department": lot.med_department_id.display_name or "",
                    "holder": lot.med_holder_id.display_name or "",
                }
            if result.get("ok") and result.get("res_model"):
                document = self.env[result["res_model"]].browse(result["res_id"])
                details["document"] = document.display_name
                operation = self._med_scan_operation(result.get("operation")) or {}
                details["undo"] = bool(
                    operation.get("undo")
                    and operation.get("document") == document._name
                    and getattr(document, "_med_correction_group", False)
                    and self.env.user.has_group(document._med_correction_group)
                )
        except AccessError:  # the unit left what the user may read (a nurse's return)
            details["unreadable"] = True
        return details

    def _med_station_udi_offer(self, raw):
        """For a device manager, the UDI database's record of a refused DI no product
        has: the station offers to create the product from it."""
        record = self.env["med.udi.record"]._med_offer_for_scan(raw)
        if not record:
            return {}
        return {
            "udi_record": {
                "id": record.id,
                "di": record.di,
                "name": record.name or "",
                "model": record.model or "",
                "registrant": record.registrant or "",
            }
        }

    @api.model
    def station_create_product(self, record_id):
        """Create the product of a refused scan from the UDI database record the station
        offered (device managers; never approved in GSP by this).  Returns {ok, message,
        product}; the station then scans the unit again."""
        record = self.env["med.udi.record"]
        if isinstance(record_id, int) and not isinstance(record_id, bool):
            record = record.browse(record_id).exists()
        if not record:
            return {
                "ok": False,
                "message": _(
                    "UDI database record %(record)s does not exist.",
                    record=self._med_value_label(record_id),
                ),
            }
        try:
            with self.env.cr.savepoint():
                action = record.action_med_create_product()
        except (UserError, AccessError) as error:
            return {"ok": False, "message": error.args[0]}
        template = self.env["product.template"].browse(action["res_id"])
        return {
            "ok": True,
            "product": template.display_name,
            "message": _(
                "Product %(product)s created from the UDI database record %(di)s: the unit "
                "is scanned again.",
                product=template.display_name,
                di=record.di,
            ),
        }

    @api.model
    def station_undo(self, key, reason=None):
        """Undo the scan sent under ``key``: its document is corrected by a correcting
        document with the reason (the original stays done).  Returns {ok, message}."""
        request = (
            self.env["med.scan.request"]
            .sudo()
            .search(
                [("user_id", "=", self.env.uid), ("key", "=", key if isinstance(key, str) else "")],
                limit=1,
            )
        )
        if not request or request.state != "done" or not request.res_model:
            return {"ok": False, "message": _("No recorded scan of yours to undo.")}
        if request.undone_by:
            return {
                "ok": False,
                "message": _(
                    "This scan was already undone by %(document)s.", document=request.undone_by
                ),
            }
        reason = reason.strip() if isinstance(reason, str) else ""
        reason = reason or _("scanned by mistake (undone at the scan station)")
        document = self.env[request.res_model].browse(request.res_id)
        try:
            with self.env.cr.savepoint():
                correction = document._med_correct(reason)
        except UserError as error:  # access errors included
            return {"ok": False, "message": error.args[0]}
        request.write({"undone_by": correction.display_name or document.display_name})
        return {
            "ok": True,
            "message": _(
                "%(document)s undone by %(correction)s: %(reason)s",
                document=document.display_name,
                correction=correction.display_name,
                reason=reason,
            ),
            "document": correction.display_name,
        }
