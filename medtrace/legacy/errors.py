"""Problems found in a legacy stock list, as stable codes and English templates.

Every template names the row, the column (as the file's header says it) and the
value, so a translated message is enough to find the cell and fix it.  The Odoo
addon repeats each template as a literal (``med_legacy_messages.py``) for its
translation export; a unit test compares both lists.
"""

from ..errors import MedtraceError

_CELL = "Row %(row)s, column %(column)s: "

MESSAGES = {
    # reading the file
    "legacy_empty": "File %(file)s holds no rows.",
    "legacy_format": "File %(file)s is neither a CSV nor an XLSX file (%(reason)s).",
    "legacy_encoding": "File %(file)s is not UTF-8 nor GBK/GB18030 text.",
    "legacy_too_many_rows": "File %(file)s has more than %(maximum)s rows.",
    "legacy_no_header": (
        "File %(file)s: no header row was recognised in the first %(rows)s rows; map the "
        "columns by hand."
    ),
    # one cell
    "legacy_date": _CELL + "%(value)r is not a date (2026-03-01, 2026/3/1, 2026年3月1日, "
    "20260301 or an Excel date).",
    "legacy_date_ambiguous": _CELL + "%(value)r could be day/month or month/day; write it "
    "as 2026-03-01.",
    "legacy_quantity": _CELL + "%(value)r is not a positive quantity.",
    "legacy_serial_quantity": _CELL + "%(value)r: a row with a serial number is one unit, "
    "its quantity must be 1.",
    "legacy_gtin_check": _CELL + "%(value)r has check digit %(found)s, %(expected)s expected.",
    "legacy_di_format": _CELL + "%(value)r is not a GTIN (8, 12, 13 or 14 digits) nor a "
    "HIBCC device identifier.",
    "legacy_udi": _CELL + "%(value)r cannot be read as a UDI: %(reason)s",
    "legacy_udi_disagrees": _CELL + "%(value)r differs from %(udi_value)r that the row's "
    "UDI carries.",
    # one row
    "legacy_no_product": "Row %(row)s: no product code, name, DI or UDI.",
    "legacy_expiry_before_manufacture": _CELL + "expiry %(value)s is before the "
    "manufacturing date %(manufactured)s.",
    "legacy_expired": _CELL + "expiry %(value)s is past: the unit is imported as expired.",
    "legacy_unknown_product": _CELL + "%(value)r is not a known product.%(suggestion)s",
    "legacy_unknown_di": _CELL + "device identifier %(value)r belongs to no product.",
    "legacy_product_mismatch": _CELL + "%(value)r is product %(found)s, but the row's DI "
    "is product %(expected)s.",
    "legacy_new_product": _CELL + "%(value)r is not a known product: it will be created.",
    "legacy_new_product_udi": _CELL + "device identifier %(value)r is no product yet: it will "
    "be created from the UDI database record %(name)s.",
    "legacy_unknown_di_udi": _CELL + "device identifier %(value)r belongs to no product; the "
    "UDI database has it (%(name)s): allow creating missing products to create it from there.",
    "legacy_ambiguous_product": _CELL + "%(value)r names %(count)s products; give the "
    "product code or DI.",
    "legacy_unknown_supplier": _CELL + "%(value)r is not a known supplier.%(suggestion)s",
    "legacy_unknown_location": _CELL + "%(value)r is not a known stock location.%(suggestion)s",
    "legacy_unknown_department": _CELL + "%(value)r is not a known department.%(suggestion)s",
    "legacy_no_location": "Row %(row)s: neither a stock location nor a department with a "
    "sub-store says where the unit is.",
    "legacy_department_location": _CELL + "location %(value)r is not in the sub-store of "
    "department %(department)s.",
    "legacy_implant_without_serial": _CELL + "%(value)r is tracked unit by unit (an implant "
    "or a serial-tracked device): the row needs its serial number.",
    "legacy_lot_missing": _CELL + "%(value)r is tracked by lot: the row needs its lot.",
    "legacy_suggestion": " Did you mean %(names)s?",
    # across rows
    "legacy_serial_twice": _CELL + "serial %(value)r of %(product)s is also on row %(other)s.",
    "legacy_unit_two_places": _CELL + "unit %(value)r of %(product)s is also on row "
    "%(other)s, in %(other_place)s.",
    "legacy_unit_in_stock_elsewhere": _CELL + "unit %(value)r of %(product)s is already in "
    "stock in %(place)s.",
    "legacy_lot_two_expiries": _CELL + "lot %(value)r of %(product)s expires %(expiry)s here "
    "and %(other_expiry)s on row %(other)s.",
    "legacy_lot_expiry_differs": _CELL + "lot %(value)r of %(product)s is known with expiry "
    "%(known)s, the file says %(expiry)s.",
    "legacy_duplicate": "Row %(row)s repeats row %(other)s.",
}


class LegacyError(MedtraceError):
    """A legacy stock file that cannot be read at all."""

    MESSAGES = MESSAGES
