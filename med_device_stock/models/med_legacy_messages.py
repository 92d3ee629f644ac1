"""The English templates of medtrace.legacy problems, listed as literals for the .pot.

The legacy import shows a problem with ``_(problem.template, **problem.params)``;
Odoo's translation export only finds literal strings, so every template is repeated
here.  A unit test compares this list with ``medtrace.legacy.errors.MESSAGES``.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

LEGACY_MESSAGES = {
    "legacy_empty": _lt("File %(file)s holds no rows."),
    "legacy_format": _lt("File %(file)s is neither a CSV nor an XLSX file (%(reason)s)."),
    "legacy_encoding": _lt("File %(file)s is not UTF-8 nor GBK/GB18030 text."),
    "legacy_too_many_rows": _lt("File %(file)s has more than %(maximum)s rows."),
    "legacy_no_header": _lt(
        "File %(file)s: no header row was recognised in the first %(rows)s rows; map "
        "the columns by hand."
    ),
    "legacy_date": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a date (2026-03-01, 2026/3/1, "
        "2026年3月1日, 20260301 or an Excel date)."
    ),
    "legacy_date_ambiguous": _lt(
        "Row %(row)s, column %(column)s: %(value)r could be day/month or month/day; "
        "write it as 2026-03-01."
    ),
    "legacy_quantity": _lt("Row %(row)s, column %(column)s: %(value)r is not a positive quantity."),
    "legacy_serial_quantity": _lt(
        "Row %(row)s, column %(column)s: %(value)r: a row with a serial number is one "
        "unit, its quantity must be 1."
    ),
    "legacy_gtin_check": _lt(
        "Row %(row)s, column %(column)s: %(value)r has check digit %(found)s, "
        "%(expected)s expected."
    ),
    "legacy_di_format": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a GTIN (8, 12, 13 or 14 "
        "digits) nor a HIBCC device identifier."
    ),
    "legacy_udi": _lt(
        "Row %(row)s, column %(column)s: %(value)r cannot be read as a UDI: %(reason)s"
    ),
    "legacy_udi_disagrees": _lt(
        "Row %(row)s, column %(column)s: %(value)r differs from %(udi_value)r that the "
        "row's UDI carries."
    ),
    "legacy_no_product": _lt("Row %(row)s: no product code, name, DI or UDI."),
    "legacy_expiry_before_manufacture": _lt(
        "Row %(row)s, column %(column)s: expiry %(value)s is before the manufacturing "
        "date %(manufactured)s."
    ),
    "legacy_expired": _lt(
        "Row %(row)s, column %(column)s: expiry %(value)s is past: the unit is imported as expired."
    ),
    "legacy_unknown_product": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a known product.%(suggestion)s"
    ),
    "legacy_unknown_di": _lt(
        "Row %(row)s, column %(column)s: device identifier %(value)r belongs to no product."
    ),
    "legacy_product_mismatch": _lt(
        "Row %(row)s, column %(column)s: %(value)r is product %(found)s, but the row's "
        "DI is product %(expected)s."
    ),
    "legacy_new_product": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a known product: it will be created."
    ),
    "legacy_new_product_udi": _lt(
        "Row %(row)s, column %(column)s: device identifier %(value)r is no product yet: "
        "it will be created from the UDI database record %(name)s."
    ),
    "legacy_unknown_di_udi": _lt(
        "Row %(row)s, column %(column)s: device identifier %(value)r belongs to no "
        "product; the UDI database has it (%(name)s): allow creating missing products "
        "to create it from there."
    ),
    "legacy_ambiguous_product": _lt(
        "Row %(row)s, column %(column)s: %(value)r names %(count)s products; give the "
        "product code or DI."
    ),
    "legacy_unknown_supplier": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a known supplier.%(suggestion)s"
    ),
    "legacy_unknown_location": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a known stock location.%(suggestion)s"
    ),
    "legacy_unknown_department": _lt(
        "Row %(row)s, column %(column)s: %(value)r is not a known department.%(suggestion)s"
    ),
    "legacy_no_location": _lt(
        "Row %(row)s: neither a stock location nor a department with a sub-store says "
        "where the unit is."
    ),
    "legacy_department_location": _lt(
        "Row %(row)s, column %(column)s: location %(value)r is not in the sub-store of "
        "department %(department)s."
    ),
    "legacy_implant_without_serial": _lt(
        "Row %(row)s, column %(column)s: %(value)r is tracked unit by unit (an implant "
        "or a serial-tracked device): the row needs its serial number."
    ),
    "legacy_lot_missing": _lt(
        "Row %(row)s, column %(column)s: %(value)r is tracked by lot: the row needs its lot."
    ),
    "legacy_suggestion": _lt(" Did you mean %(names)s?"),
    "legacy_serial_twice": _lt(
        "Row %(row)s, column %(column)s: serial %(value)r of %(product)s is also on row %(other)s."
    ),
    "legacy_unit_two_places": _lt(
        "Row %(row)s, column %(column)s: unit %(value)r of %(product)s is also on row "
        "%(other)s, in %(other_place)s."
    ),
    "legacy_unit_in_stock_elsewhere": _lt(
        "Row %(row)s, column %(column)s: unit %(value)r of %(product)s is already in "
        "stock in %(place)s."
    ),
    "legacy_lot_two_expiries": _lt(
        "Row %(row)s, column %(column)s: lot %(value)r of %(product)s expires "
        "%(expiry)s here and %(other_expiry)s on row %(other)s."
    ),
    "legacy_lot_expiry_differs": _lt(
        "Row %(row)s, column %(column)s: lot %(value)r of %(product)s is known with "
        "expiry %(known)s, the file says %(expiry)s."
    ),
    "legacy_duplicate": _lt("Row %(row)s repeats row %(other)s."),
}
