"""Three-way reconciliation of a period or a consignor: what was scanned as used,
what the HIS charged, and what the consignor billed, unit by unit.

Lines are matched at the finest level the sources share: by serial number where
two sources name the serial, else by lot, else by product (a line without serial, such
as a charge, then stands for any unit; two units named by different serials are never
matched). A row's status:

- ``matched``: scanned, charged (and billed, when bills are compared), same
  quantity and unit price;
- ``quantity_difference`` / ``price_difference``: all there, but they disagree;
- ``charged_not_scanned``: the HIS charged what no scan recorded (a traceability gap);
- ``scanned_not_charged``: a use the patient was not charged for;
- ``billed_not_used``: the consignor bills what was neither scanned nor charged;
- ``not_billed``: scanned and charged, but not on the consignor's bill.
"""

import dataclasses
from collections import defaultdict

SOURCES = ("scanned", "charged", "billed")
STATUSES = (
    "matched",
    "quantity_difference",
    "price_difference",
    "charged_not_scanned",
    "scanned_not_charged",
    "billed_not_used",
    "not_billed",
)


@dataclasses.dataclass
class Line:
    source: str
    product: str
    quantity: float = 1
    lot: str = ""
    serial: str = ""
    unit_price: float | None = None
    #: what the line is in its source (a scan, a charge, a statement line)
    reference: object = None


@dataclasses.dataclass
class Row:
    product: str
    lot: str
    serial: str
    level: str
    status: str
    quantities: dict
    prices: dict
    lines: list
    #: value of what does not match (the KPI sums it)
    unmatched_value: float = 0.0


def _norm(text):
    return (text or "").strip().upper()


def reconcile(lines, compare_bills=True, price_tolerance=0.005):
    """Rows (in product, lot, serial order) for ``lines`` of the three sources."""
    left = [line for line in lines if line.quantity]
    rows = []
    levels = (
        ("serial", lambda ln: (_norm(ln.product), _norm(ln.serial)) if ln.serial else None),
        ("lot", lambda ln: (_norm(ln.product), _norm(ln.lot)) if ln.lot else None),
        ("product", lambda ln: (_norm(ln.product),)),
    )
    for level, key_of in levels:
        groups = defaultdict(list)
        for line in left:
            key = key_of(line)
            if key is not None:
                groups[key].append(line)
        taken = set()
        for group in groups.values():
            sources = {ln.source for ln in group}
            if level != "product" and len(sources) < 2:
                continue
            if level != "serial" and all(ln.serial for ln in group):
                # units named by serial that did not meet at their serial are different
                # units: never matched by their lot or product
                if level == "lot":
                    continue
                for line in group:
                    rows.append(_row([line], "serial", compare_bills, price_tolerance))
            else:
                rows.append(_row(group, level, compare_bills, price_tolerance))
            taken.update(id(ln) for ln in group)
        left = [ln for ln in left if id(ln) not in taken]
    rows.sort(key=lambda r: (r.product, r.lot, r.serial, r.status))
    return rows


def _row(group, level, compare_bills, tolerance):
    quantities = dict.fromkeys(SOURCES, 0.0)
    prices = {}
    for line in group:
        quantities[line.source] += line.quantity
        if line.unit_price is not None:
            prices.setdefault(line.source, line.unit_price)
    s, c, b = quantities["scanned"], quantities["charged"], quantities["billed"]
    if s and c:
        if compare_bills and not b:
            status = "not_billed"
        elif s != c or (compare_bills and b != s):
            status = "quantity_difference"
        elif prices and max(prices.values()) - min(prices.values()) > tolerance:
            status = "price_difference"
        else:
            status = "matched"
    elif s:
        status = "scanned_not_charged"
    elif c:
        status = "charged_not_scanned"
    else:
        status = "billed_not_used"
    price = max(prices.values()) if prices else 0.0
    if status == "matched":
        value = 0.0
    elif status == "price_difference":
        value = (max(prices.values()) - min(prices.values())) * max(s, c, b)
    else:
        present = [q for q in (s, c, b if compare_bills else None) if q is not None]
        value = (max(present) - min(present)) * price
    first = group[0]
    lots = {_norm(line.lot) for line in group}
    serials = {_norm(line.serial) for line in group}
    return Row(
        product=first.product,
        # a row compared per product still names the lot or unit all its lines share
        lot=first.lot if len(lots) == 1 else "",
        serial=first.serial if len(serials) == 1 else "",
        level=level,
        status=status,
        quantities=quantities,
        prices=prices,
        lines=group,
        unmatched_value=round(abs(value), 2),
    )


def summary(rows):
    """Counts per status and the unmatched value (the reconciliation's KPI)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return {
        "counts": counts,
        "rows": len(rows),
        "unmatched_value": round(sum(r.unmatched_value for r in rows), 2),
    }
