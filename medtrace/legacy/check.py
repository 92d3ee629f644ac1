"""Check a legacy stock list row by row and across rows, against what the database
knows (a :class:`Catalog` the caller fills in a few queries), without writing anything.

Every problem names the row, the column (the file's own header label) and the value;
the suggestions for an unknown name are the closest known names.
"""

import datetime
import difflib
from dataclasses import dataclass, field

from ..udi import UdiError
from ..udi import parse as parse_udi
from . import normalise
from .errors import MESSAGES

ERROR, WARNING = "error", "warning"
READY, TO_FIX, DUPLICATE = "ready", "to_fix", "duplicate"

#: fields whose value is a code (no spaces kept)
CODE_FIELDS = ("product_code", "lot", "serial", "di")
NAME_FIELDS = ("product_name", "supplier", "location", "department")
DATE_FIELDS = ("expiry", "manufactured")


@dataclass(frozen=True)
class Product:
    id: object
    name: str
    tracking: str = "none"  # serial | lot | none (Odoo's product tracking)
    implantable: bool = False


@dataclass(frozen=True)
class Place:
    id: object
    name: str
    path: str = ""  # Odoo's parent_path: "1/7/12/"


@dataclass(frozen=True)
class Department:
    id: object
    name: str
    location: Place | None = None


@dataclass(frozen=True)
class UdiRecord:
    """A UDI database record a product can be created from."""

    id: object
    name: str
    tracking: str = "lot"  # serial for an implant


@dataclass
class Catalog:
    """What the database knows, keyed by :func:`normalise.key` (codes by
    :func:`normalise.code`, DIs as 14-digit GTINs)."""

    products_by_di: dict = field(default_factory=dict)
    products_by_code: dict = field(default_factory=dict)
    products_by_name: dict = field(default_factory=dict)  # key -> [Product]
    suppliers: dict = field(default_factory=dict)  # key -> (id, name)
    locations: dict = field(default_factory=dict)  # key -> Place
    departments: dict = field(default_factory=dict)  # key -> Department
    lot_expiries: dict = field(default_factory=dict)  # (product id, lot name) -> date
    units_in_stock: dict = field(default_factory=dict)  # (product id, serial) -> Place
    #: DIs no product has but a UDI database record does: di -> UdiRecord
    udi_records: dict = field(default_factory=dict)
    allow_new_products: bool = False
    today: datetime.date | None = None


@dataclass
class Problem:
    row: int
    field: str
    column: str
    value: object
    code: str
    params: dict
    severity: str = ERROR

    @property
    def template(self):
        return MESSAGES[self.code]

    @property
    def message(self):
        return self.template % self.params


@dataclass
class Row:
    number: int
    raw: dict
    values: dict = field(default_factory=dict)
    product: Product | None = None
    new_product: bool = False
    udi_record: UdiRecord | None = None
    supplier: object = None
    location: Place | None = None
    department: Department | None = None
    problems: list = field(default_factory=list)
    duplicate_of: int | None = None

    @property
    def status(self):
        if self.duplicate_of:
            return DUPLICATE
        if any(problem.severity == ERROR for problem in self.problems):
            return TO_FIX
        return READY

    @property
    def tracking(self):
        """How the unit is tracked: the product's tracking, or for a product to create,
        what the row gives (a serial: by unit; a lot: by lot)."""
        if self.product and not self.new_product:
            if self.product.implantable and self.product.tracking != "serial":
                return "serial"
            return self.product.tracking
        if self.udi_record:
            return self.udi_record.tracking
        if self.values.get("serial"):
            return "serial"
        return "lot" if self.values.get("lot") else "none"

    @property
    def lot_name(self):
        """The name of the Odoo lot/serial this row is: the serial for a unit-tracked
        product, the lot otherwise."""
        if self.tracking == "serial":
            return self.values.get("serial")
        if self.tracking == "lot":
            return self.values.get("lot")
        return None

    @property
    def product_key(self):
        if self.product:
            return ("id", self.product.id)
        return (
            "new",
            self.values.get("di") or self.values.get("product_code") or "",
            normalise.key(self.values.get("product_name")),
        )


class _Checker:
    def __init__(self, catalog: Catalog, columns: dict):
        self.catalog = catalog
        self.columns = columns
        self.today = catalog.today or datetime.date.today()
        self._suggestions = {}
        self._names = {}

    # -- helpers
    def problem(self, row, fname, code, severity=ERROR, **params):
        value = params.pop("value", row.raw.get(fname, ""))
        params = {
            "row": row.number,
            "column": self.columns.get(fname, fname),
            "value": value,
            **params,
        }
        row.problems.append(
            Problem(row.number, fname, params["column"], value, code, params, severity)
        )

    def _known_names(self, kind):
        """``{key: name shown}`` of what an unknown value of ``kind`` is compared with,
        built once per check."""
        if kind not in self._names:
            catalog = self.catalog
            build = {
                "product": lambda: {
                    normalise.key(product.name): product.name
                    for group in catalog.products_by_name.values()
                    for product in group
                },
                "product_code": lambda: {
                    key: f"{key} ({product.name})"
                    for key, product in catalog.products_by_code.items()
                },
                "supplier": lambda: {key: name for key, (_id, name) in catalog.suppliers.items()},
                "department": lambda: {key: dep.name for key, dep in catalog.departments.items()},
                "location": lambda: {key: place.name for key, place in catalog.locations.items()},
            }
            self._names[kind] = build[kind]()
        return self._names[kind]

    def suggestion(self, kind, value):
        """``{"suggestion", "names"}``: the closest known names of ``value`` (cached)."""
        cache_key = (kind, value)
        if cache_key not in self._suggestions:
            names = self._known_names(kind)
            close = difflib.get_close_matches(normalise.key(value), list(names), n=5, cutoff=0.6)
            shown = list(dict.fromkeys(names[name] for name in close))
            joined = ", ".join(shown)
            self._suggestions[cache_key] = {
                "suggestion": MESSAGES["legacy_suggestion"] % {"names": joined} if shown else "",
                "names": joined,
            }
        return self._suggestions[cache_key]

    # -- one row
    def normalise(self, row):
        values = row.values
        for fname, raw in row.raw.items():
            if fname in CODE_FIELDS:
                values[fname] = normalise.code(raw) or None
            elif fname in NAME_FIELDS:
                values[fname] = normalise.text(raw) or None
            elif fname in DATE_FIELDS:
                try:
                    values[fname] = normalise.date(raw)
                except normalise.DateAmbiguous:
                    values[fname] = None
                    self.problem(row, fname, "legacy_date_ambiguous")
                except ValueError:
                    values[fname] = None
                    self.problem(row, fname, "legacy_date")
            elif fname == "quantity":
                try:
                    values[fname] = normalise.quantity(raw)
                except ValueError:
                    values[fname] = None
                    self.problem(row, fname, "legacy_quantity")
            elif fname == "udi":
                values[fname] = normalise.udi(raw)
        if values.get("di"):
            self.check_di(row)
        if values.get("udi"):
            self.read_udi(row)

    def check_di(self, row):
        di = row.values["di"]
        if di.isdigit() and len(di) in (8, 12, 13, 14):
            expected = normalise.gtin_check_digit(di[:-1])
            if di[-1] != expected:
                self.problem(row, "di", "legacy_gtin_check", found=di[-1], expected=expected)
                row.values["di"] = None
                return
            row.values["di"] = di.zfill(14)
        elif di[:1].isalpha() and 6 <= len(di) <= 23 and di.isalnum():
            row.values["di"] = di.upper()
        else:
            self.problem(row, "di", "legacy_di_format")
            row.values["di"] = None

    def read_udi(self, row):
        raw = row.values["udi"]
        try:
            udi = parse_udi(raw, today=self.today)
        except UdiError as error:
            self.problem(row, "udi", "legacy_udi", reason=str(error))
            return
        found = {
            "di": udi.gtin or udi.di,
            "lot": udi.lot,
            "serial": udi.serial,
            "expiry": udi.expiry,
            "manufactured": udi.manufactured,
        }
        for fname, udi_value in found.items():
            if udi_value in (None, ""):
                continue
            mine = row.values.get(fname)
            if mine in (None, ""):
                row.values[fname] = udi_value
                self.columns.setdefault(fname, self.columns.get("udi", "udi"))
            elif mine != udi_value:
                self.problem(
                    row,
                    fname,
                    "legacy_udi_disagrees",
                    value=_shown(mine),
                    udi_value=_shown(udi_value),
                )

    def resolve_product(self, row):
        catalog, values = self.catalog, row.values
        by_di = catalog.products_by_di.get(values["di"]) if values.get("di") else None
        code = values.get("product_code")
        by_code = catalog.products_by_code.get(normalise.key(code)) if code else None
        name = values.get("product_name")
        by_name = catalog.products_by_name.get(normalise.key(name), []) if name else []
        if not (values.get("di") or code or name):
            if not any(row.raw.get(f) not in (None, "") for f in ("udi", "di")):
                # an unreadable UDI or a wrong DI is reported as such
                self.problem(row, "product_code", "legacy_no_product")
            return
        if by_di and by_code and by_di != by_code:
            self.problem(
                row,
                "product_code",
                "legacy_product_mismatch",
                found=by_code.name,
                expected=by_di.name,
            )
            return
        product = by_di or by_code
        if not product and not code and len(by_name) == 1 and not values.get("di"):
            product = by_name[0]
        if product:
            row.product = product
            return
        if len(by_name) > 1 and not code and not values.get("di"):
            self.problem(row, "product_name", "legacy_ambiguous_product", count=len(by_name))
            return
        udi_record = catalog.udi_records.get(values.get("di")) if values.get("di") else None
        if udi_record:
            if catalog.allow_new_products:
                row.new_product, row.udi_record = True, udi_record
                self.problem(
                    row,
                    "di",
                    "legacy_new_product_udi",
                    severity=WARNING,
                    value=values["di"],
                    name=udi_record.name,
                )
            else:
                self.problem(
                    row, "di", "legacy_unknown_di_udi", value=values["di"], name=udi_record.name
                )
            return
        if catalog.allow_new_products and name:
            row.new_product = True
            self.problem(row, "product_name", "legacy_new_product", severity=WARNING)
            return
        if values.get("di") and not code:
            self.problem(row, "di", "legacy_unknown_di", value=values["di"])
            return
        fname = "product_code" if code else "product_name"
        if name:
            suggestion = self.suggestion("product", name)
        else:
            suggestion = self.suggestion("product_code", code)
        self.problem(row, fname, "legacy_unknown_product", **suggestion)

    def _known(self, row, fname, known):
        """What ``known`` (``{key: value}``) holds for the row's ``fname``, or ``None``
        with a problem naming the closest known names."""
        value = row.values.get(fname)
        found = known.get(normalise.key(value))
        if found is None:
            self.problem(row, fname, f"legacy_unknown_{fname}", **self.suggestion(fname, value))
        return found

    def resolve_places(self, row):
        catalog, values = self.catalog, row.values
        if values.get("supplier"):
            supplier = self._known(row, "supplier", catalog.suppliers)
            row.supplier = supplier[0] if supplier else None
        if values.get("department"):
            row.department = self._known(row, "department", catalog.departments)
        if values.get("location"):
            row.location = self._known(row, "location", catalog.locations)
            if not row.location:
                return
        department = row.department
        if row.location and department and department.location:
            if not row.location.path.startswith(department.location.path):
                self.problem(
                    row, "location", "legacy_department_location", department=department.name
                )
        elif not row.location:
            if department and department.location:
                row.location = department.location
            elif not values.get("department") or department:
                self.problem(row, "location", "legacy_no_location")

    def check_unit(self, row):
        values = row.values
        expiry, made = values.get("expiry"), values.get("manufactured")
        if expiry and made and expiry < made:
            self.problem(
                row,
                "expiry",
                "legacy_expiry_before_manufacture",
                value=str(expiry),
                manufactured=str(made),
            )
        elif expiry and expiry < self.today:
            self.problem(row, "expiry", "legacy_expired", severity=WARNING, value=str(expiry))
        if not (row.product or row.udi_record):
            return
        shown = row.udi_record.name if row.udi_record else row.product.name
        tracking = row.tracking
        if (
            tracking == "serial"
            and not values.get("serial")
            and values.get("lot")
            and "serial" not in self.columns
            and "serial" in normalise.key(self.columns.get("lot"))
        ):
            # one "Lot/Serial Number" column (Odoo's own export): a unit's name is its serial
            values["serial"], values["lot"] = values["lot"], None
        if tracking == "serial" and not values.get("serial"):
            self.problem(row, "serial", "legacy_implant_without_serial", value=shown)
        if tracking == "lot" and not values.get("lot"):
            self.problem(row, "lot", "legacy_lot_missing", value=shown)
        if values.get("serial") and values.get("quantity") not in (None, 1):
            self.problem(row, "quantity", "legacy_serial_quantity")
        if row.new_product:
            return
        lot = row.lot_name
        known = self.catalog.lot_expiries.get((row.product.id, lot)) if lot else None
        if known and expiry and known != expiry:
            self.problem(
                row,
                "expiry",
                "legacy_lot_expiry_differs",
                value=lot,
                product=shown,
                known=str(known),
                expiry=str(expiry),
            )
        if tracking == "serial" and lot and row.location:
            place = self.catalog.units_in_stock.get((row.product.id, lot))
            if place and place.id != row.location.id:
                self.problem(
                    row,
                    "serial",
                    "legacy_unit_in_stock_elsewhere",
                    value=lot,
                    product=shown,
                    place=place.name,
                )

    # -- across rows
    def across(self, rows):
        first_of = {}
        units, lots = {}, {}
        for row in rows:
            signature = tuple(
                sorted((k, _shown(v)) for k, v in row.values.items() if v not in (None, ""))
            )
            if signature in first_of:
                row.duplicate_of = first_of[signature].number
                row.problems.append(
                    Problem(
                        row.number,
                        "",
                        "",
                        "",
                        "legacy_duplicate",
                        {"row": row.number, "other": row.duplicate_of},
                        WARNING,
                    )
                )
                continue
            first_of[signature] = row
            if not row.product:
                continue  # rows of unknown products are not compared with each other
            product_name = row.product.name if row.product else row.values.get("product_name") or ""
            serial = row.values.get("serial")
            if serial:
                other = units.setdefault((row.product_key, serial), row)
                if other is not row:
                    self._twice(row, other, serial, product_name)
            lot, expiry = row.values.get("lot"), row.values.get("expiry")
            if lot and expiry and not serial:
                other = lots.setdefault((row.product_key, lot), row)
                if other is not row and other.values.get("expiry") != expiry:
                    for this, that in ((row, other), (other, row)):
                        self.problem(
                            this,
                            "expiry",
                            "legacy_lot_two_expiries",
                            value=lot,
                            product=product_name,
                            expiry=str(this.values["expiry"]),
                            other_expiry=str(that.values["expiry"]),
                            other=that.number,
                        )

    def _twice(self, row, other, serial, product_name):
        here = row.location.id if row.location else row.values.get("location")
        there = other.location.id if other.location else other.values.get("location")
        for this, that in ((row, other), (other, row)):
            if here == there:
                self.problem(
                    this,
                    "serial",
                    "legacy_serial_twice",
                    value=serial,
                    product=product_name,
                    other=that.number,
                )
            else:
                place = that.location.name if that.location else that.values.get("location") or "-"
                self.problem(
                    this,
                    "serial",
                    "legacy_unit_two_places",
                    value=serial,
                    product=product_name,
                    other=that.number,
                    other_place=place,
                )


def _shown(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def check(records, catalog: Catalog, columns: dict | None = None):
    """Check ``records``, a list of ``(row number, {field: raw cell value})``; ``columns``
    gives each field's header label for the messages.  Returns a :class:`Row` per record,
    in order."""
    checker = _Checker(catalog, dict(columns or {}))
    rows = []
    for number, raw in records:
        row = Row(number=number, raw=dict(raw))
        checker.normalise(row)
        checker.resolve_product(row)
        checker.resolve_places(row)
        checker.check_unit(row)
        rows.append(row)
    checker.across(rows)
    return rows


def records_from_rows(rows, header_index, mapping):
    """``[(row number, {field: raw})]`` of the rows below the header (row numbers as a
    spreadsheet shows them), and ``{field: label}``, from :func:`table.find_header` and
    :func:`table.propose_mapping`'s results."""
    records = []
    start = (header_index + 1) if header_index is not None else 0
    for index in range(start, len(rows)):
        row = rows[index]
        raw = {
            fname: row[column] if column < len(row) else None for column, fname in mapping.items()
        }
        if any(normalise.text(value) for value in raw.values()):
            records.append((index + 1, raw))
    return records
