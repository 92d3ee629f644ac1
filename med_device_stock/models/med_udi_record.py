"""Device records of the public UDI databases (NMPA UDID, FDA GUDID), one per DI and source.

Shared reference data: the records have no company and no record rule; every company
reads the same database copy. A product created from a record belongs to the company
that created it (its identifiers are ``med.product.di`` rows of that company).
"""

import contextlib
import gc
import json

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from medtrace.udi import UdiError, parse
from medtrace.udid import normalize_di

MANAGER_GROUP = "med_device_stock.group_med_manager"
#: rows written by one INSERT ... ON CONFLICT statement
BATCH_SIZE = 2000
#: columns of ``med_udi_record`` the loader writes, in the order of :meth:`_med_row`
LOAD_COLUMNS = (
    "source",
    "di",
    "name",
    "trade_name",
    "model",
    "catalog_number",
    "description",
    "registrant",
    "registrant_code",
    "certificate",
    "classification_code",
    "device_class",
    "kind",
    "implantable",
    "single_use",
    "sterile",
    "kit",
    "issuing_agency",
    "unit_of_use_di",
    "units_in_base_package",
    "packaging",
    "storage",
    "version_number",
    "version_status",
    "version_date",
    "publish_date",
    "end_date",
    "record_key",
    "checksum",
    "file_name",
)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Without the cyclic garbage collector for the duration of a load.

    A load allocates millions of short-lived objects (parsed elements, devices, rows),
    none in a reference cycle: reference counting frees them. With the collector on,
    each of its passes walks the Odoo process's whole heap (the registry holds some
    200,000 objects), which made a load twice as slow (docs/benchmarks.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class MedUdiRecord(models.Model):
    _name = "med.udi.record"
    _description = "UDI Database Record"
    _order = "di, source"
    _rec_name = "di"

    source = fields.Selection(
        [("nmpa", "NMPA UDI Database"), ("gudid", "FDA GUDID")], required=True, readonly=True
    )
    di = fields.Char(string="Primary DI", required=True, readonly=True)
    name = fields.Char(string="Product Name", readonly=True)
    trade_name = fields.Char(readonly=True)
    model = fields.Char(string="Model / Specification", readonly=True)
    catalog_number = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    registrant = fields.Char(string="Registrant / Labeler", readonly=True)
    registrant_code = fields.Char(
        readonly=True,
        help="Unified social credit code (NMPA) or DUNS number (GUDID).",
    )
    certificate = fields.Char(
        string="Registration / Filing No.",
        readonly=True,
        help="NMPA registration certificate or filing number; GUDID premarket submissions.",
    )
    classification_code = fields.Char(
        readonly=True, help="NMPA catalogue code (flbm); FDA product codes for GUDID."
    )
    device_class = fields.Selection(
        [("I", "Class I"), ("II", "Class II"), ("III", "Class III")], readonly=True
    )
    kind = fields.Char(string="Device Category", readonly=True, help="NMPA: device or IVD.")
    implantable = fields.Boolean(readonly=True)
    single_use = fields.Boolean(readonly=True)
    sterile = fields.Boolean(readonly=True)
    kit = fields.Boolean(readonly=True)
    issuing_agency = fields.Selection(
        [("gs1", "GS1"), ("hibcc", "HIBCC"), ("iccbba", "ICCBBA"), ("maidcode", "MA Code")],
        readonly=True,
    )
    unit_of_use_di = fields.Char(string="Unit of Use DI", readonly=True)
    units_in_base_package = fields.Integer(readonly=True)
    packaging = fields.Json(readonly=True)
    packaging_summary = fields.Text(compute="_compute_packaging_summary")
    storage = fields.Char(string="Storage Conditions", readonly=True)
    version_number = fields.Char(readonly=True)
    version_status = fields.Char(readonly=True)
    version_date = fields.Date(readonly=True)
    publish_date = fields.Date(readonly=True)
    end_date = fields.Date(string="Withdrawn On", readonly=True)
    record_key = fields.Char(readonly=True)
    checksum = fields.Char(readonly=True)
    file_name = fields.Char(string="Loaded From", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", compute="_compute_product_tmpl_id"
    )

    _sql_constraints = [
        # (di, source): the index also serves a lookup by DI alone
        ("di_source_uniq", "unique(di, source)", "A UDI database has one record per DI."),
    ]

    # ------------------------------------------------------------------ display
    @api.depends("packaging")
    def _compute_packaging_summary(self):
        for record in self:
            lines = [
                _(
                    "%(di)s %(level)s: %(quantity)s × %(contains)s (%(units)s units)",
                    di=package.get("di"),
                    level=package.get("level") or "",
                    quantity=package.get("quantity"),
                    contains=package.get("contains_di"),
                    units=package.get("units") or "?",
                )
                for package in record.packaging or []
            ]
            record.packaging_summary = "\n".join(lines)

    @api.depends_context("company")
    def _compute_product_tmpl_id(self):
        identifiers = self.env["med.product.di"].search(
            [
                ("di", "in", [di for record in self for di in record._med_dis()]),
                ("company_id", "in", self.env.company.ids),
            ]
        )
        by_di = {identifier.di: identifier.product_tmpl_id for identifier in identifiers}
        for record in self:
            found = [by_di[di] for di in record._med_dis() if di in by_di]
            record.product_tmpl_id = found[0] if found else False

    def _med_dis(self):
        self.ensure_one()
        return [self.di] + [package["di"] for package in self.packaging or [] if package.get("di")]

    # ------------------------------------------------------------------ lookup
    @api.model
    def _med_find(self, di, source=None):
        """The records of ``di`` (every source, or ``source``'s), NMPA first."""
        di = normalize_di(di)
        if not di:
            return self.browse()
        domain = [("di", "=", di)] + ([("source", "=", source)] if source else [])
        return self.search(domain, order="source desc")

    @api.model
    @api.model
    def _med_offer_for_scan(self, raw):
        """The record of a scanned UDI's DI that no product has, for the users who may
        create products from it (device managers); else None.  The scan dialog and the
        scan station offer it after the refusal."""
        if not self.env.user.has_group(MANAGER_GROUP):
            return None
        try:
            parsed = parse(raw)
        except UdiError:
            return None
        di = parsed.gtin or parsed.di
        if not di or self.env["med.product.di"].search_count([("di", "=", di)], limit=1):
            return None
        return self._med_find(di)[:1] or None

    def _med_unknown_di_hint(self, di):
        """A sentence for the refusal of a scanned DI no product has: the database's
        record of it, for users allowed to create products; otherwise nothing."""
        if not self.env.user.has_group(MANAGER_GROUP):
            return ""
        record = self._med_find(di)[:1]
        if not record:
            return ""
        return " " + _(
            "The UDI database has a record of it: %(name)s %(model)s by %(registrant)s "
            "(%(database)s). Create the product from Medical Devices > Traceability > UDI "
            "Database, record %(di)s.",
            name=record.name or "",
            model=record.model or "",
            registrant=record.registrant or "",
            database=dict(record._fields["source"]._description_selection(self.env))[record.source],
            di=record.di,
        )

    # ------------------------------------------------------------------ loading
    @api.model
    def _med_load(self, devices, file_name, batch_size=BATCH_SIZE):
        """Insert or update the records of ``devices`` (``medtrace.udid.UdidDevice``).

        Set-based: one ``INSERT ... ON CONFLICT (di, source) DO UPDATE`` per batch, and a
        row is rewritten only when its content's checksum changed, so an incremental or
        repeated file touches only the records that differ. Returns counts.
        """
        self.check_access("create")
        self.check_access("write")
        stats = {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0}
        now = fields.Datetime.now()
        batch = {}
        with _cyclic_gc_paused():
            for device in devices:
                stats["read"] += 1
                batch[(device.primary_di, device.source)] = device
                if len(batch) >= batch_size:
                    self._med_upsert(batch.values(), file_name, now, stats)
                    batch = {}
            if batch:
                self._med_upsert(batch.values(), file_name, now, stats)
        stats["unchanged"] = stats["read"] - stats["inserted"] - stats["updated"]
        self.invalidate_model()
        return stats

    def _med_upsert(self, devices, file_name, now, stats):
        """Two statements for the whole batch: read the stored checksums of its DIs, then
        insert or rewrite only the devices whose checksum differs."""
        cr = self.env.cr
        checksums = {(device.primary_di, device.source): device.checksum for device in devices}
        cr.execute(
            "SELECT di, source, checksum FROM med_udi_record WHERE di = ANY(%s)",
            [list({di for di, _source in checksums})],
        )
        for di, source, checksum in cr.fetchall():
            if checksums.get((di, source)) == checksum:
                del checksums[(di, source)]
        devices = [device for device in devices if (device.primary_di, device.source) in checksums]
        if not devices:
            return
        uid = self.env.uid
        rows = [
            self._med_row(device, file_name, checksums[(device.primary_di, device.source)])
            + (uid, now, uid, now)
            for device in devices
        ]
        columns = LOAD_COLUMNS + ("create_uid", "create_date", "write_uid", "write_date")
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}"
            for column in columns
            if column not in ("source", "di", "create_uid", "create_date")
        )
        # column names are this module's constants; every value is a query parameter.
        # The WHERE keeps a row written meanwhile by another import as it is when equal.
        query = (
            f"INSERT INTO med_udi_record ({', '.join(columns)}) "
            f"VALUES {', '.join(['%s'] * len(rows))} "
            f"ON CONFLICT (di, source) DO UPDATE SET {updates} "
            "WHERE med_udi_record.checksum IS DISTINCT FROM EXCLUDED.checksum "
            "RETURNING (xmax = 0)"
        )
        cr.execute(query, rows)
        for (inserted,) in cr.fetchall():
            stats["inserted" if inserted else "updated"] += 1

    @api.model
    def _med_row(self, device, file_name, checksum):
        counts = device.unit_counts()
        packaging = [
            dict(package.as_dict(), units=counts.get(package.di)) for package in device.packages
        ]
        return (
            device.source,
            device.primary_di,
            device.name or None,
            device.trade_name or None,
            device.model or None,
            device.catalog_number or None,
            device.description or None,
            device.registrant or None,
            device.registrant_code or None,
            device.certificate or None,
            device.classification_code or None,
            device.device_class,
            device.kind or None,
            bool(device.implantable),
            bool(device.single_use),
            bool(device.sterile),
            bool(device.kit),
            device.issuing_agency,
            device.unit_of_use_di or None,
            device.units_in_base_package,
            json.dumps(packaging, ensure_ascii=False),
            device.storage_text() or None,
            device.version_number or None,
            device.version_status or None,
            device.version_date,
            device.publish_date,
            device.end_date,
            device.record_key or None,
            checksum,
            file_name,
        )

    # ------------------------------------------------------------------ products
    def _med_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only medical device managers may create products from UDI database records.")
            )

    def _med_identifier_lines(self):
        """``[(di, packaging_level, units)]``: the primary DI, then packages by size."""
        self.ensure_one()
        lines = [(self.di, "each", 1)]
        packages = sorted(
            (package for package in self.packaging or [] if package.get("units")),
            key=lambda package: package["units"],
        )
        for position, package in enumerate(packages):
            lines.append((package["di"], "box" if position == 0 else "case", package["units"]))
        return lines

    def _med_manufacturer(self):
        self.ensure_one()
        if not self.registrant:
            return self.env["res.partner"]
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                ("name", "=", self.registrant),
                ("is_company", "=", True),
                ("company_id", "in", [False, self.env.company.id]),
            ],
            limit=1,
        )
        return partner or Partner.create({"name": self.registrant, "is_company": True})

    def _med_product_values(self):
        self.ensure_one()
        implantable = bool(self.implantable)
        values = {
            "name": self.name or self.trade_name or self.di,
            "type": "consu",
            "is_storable": True,
            "tracking": "serial" if implantable else "lot",
            "use_expiration_date": True,
            "med_is_device": True,
            "med_implantable": implantable,
            "med_model": self.model or False,
            "med_registration_number": self.certificate or False,
            "med_storage_conditions": self.storage or False,
            "med_device_class": self.device_class or False,
            "default_code": self.catalog_number or False,
        }
        if self.issuing_agency:
            values["med_issuing_agency"] = self.issuing_agency
        return values

    #: what completing an existing product may fill in (only where it is empty): its
    #: tracking and implant flag are the product's own and stay as they are
    _med_completed_fields = (
        "med_model",
        "med_registration_number",
        "med_storage_conditions",
        "med_device_class",
        "default_code",
        "med_manufacturer_id",
    )

    def action_med_create_product(self):
        """Create the product of this record, or complete the product that already has
        one of its DIs: the DIs of every packaging level are added with their units."""
        self._med_check_manager()
        self.ensure_one()
        Identifier = self.env["med.product.di"]
        lines = self._med_identifier_lines()
        existing = Identifier.search(
            [
                ("di", "in", [di for di, _level, _units in lines]),
                ("company_id", "=", self.env.company.id),
            ]
        )
        templates = existing.product_tmpl_id
        if len(templates) > 1:
            raise UserError(
                _(
                    "The identifiers of UDI record %(di)s belong to several products "
                    "(%(products)s): correct them before completing a product.",
                    di=self.di,
                    products=", ".join(templates.mapped("display_name")),
                )
            )
        manufacturer = self._med_manufacturer()
        values = dict(self._med_product_values(), med_manufacturer_id=manufacturer.id or False)
        if templates:
            template = templates
            template.write(
                {
                    name: values[name]
                    for name in self._med_completed_fields
                    if values.get(name) and not template[name]
                }
            )
        else:
            template = self.env["product.template"].create(values)
        known = set(existing.mapped("di"))
        new_lines = [
            Command.create(
                {
                    "di": di,
                    "packaging_level": level,
                    "quantity": units,
                    "company_id": self.env.company.id,
                }
            )
            for di, level, units in lines
            if di not in known
        ]
        if new_lines:
            template.write({"med_udi_di_ids": new_lines})
        self._med_product_created(template)
        return {
            "type": "ir.actions.act_window",
            "res_model": "product.template",
            "res_id": template.id,
            "view_mode": "form",
            "target": "current",
        }

    def _med_product_created(self, template):
        """Hook called once ``template`` was created or completed from this record.

        Nothing here; ``med_gsp_quality`` adds a draft registration document for quality
        staff to approve.
        """
        return None
