"""Legacy stock lists (a hospital's spreadsheets and old system's exports) read,
normalised and checked before anything is imported.

* :mod:`.table` reads CSV (UTF-8 or GBK) and XLSX files, finds the header row
  (merged header rows too) and proposes a column mapping from Chinese or English
  header words;
* :mod:`.normalise` makes cell values comparable (full-width characters, spaces,
  dates such as 2026/3/1, 2026年3月1日, 20260301 or Excel serial numbers);
* :mod:`.check` checks each row and the rows against each other and against a
  :class:`~.check.Catalog` of what the database knows; every problem names the
  row, the column and the value (:data:`.errors.MESSAGES`).

Nothing here writes: the Odoo wizard shows the result and imports what the user
confirms.
"""

from .check import (
    Catalog,
    Department,
    Place,
    Problem,
    Product,
    Row,
    UdiRecord,
    check,
    records_from_rows,
)
from .errors import MESSAGES, LegacyError
from .table import FIELDS, field_of, find_header, header_key, propose_mapping, read_rows

__all__ = [
    "FIELDS",
    "MESSAGES",
    "Catalog",
    "Department",
    "LegacyError",
    "Place",
    "Problem",
    "Product",
    "Row",
    "UdiRecord",
    "check",
    "field_of",
    "find_header",
    "header_key",
    "propose_mapping",
    "read_rows",
    "records_from_rows",
]
