"""How long GSP records must be kept (one rule for every kind of record).

Purchase inspection and sales records are kept until 2 years after the expiry of
the goods they record, 5 years at least; records of implantable devices forever.
"""

from dateutil.relativedelta import relativedelta
from odoo import _
from odoo.exceptions import UserError

YEARS_AFTER_EXPIRY = 2
MIN_YEARS = 5


def keep_until(start, items):
    """The date until which a record started on ``start`` must be kept, or None for
    forever; ``items`` are ``(product.template, expiry date or None)`` pairs."""
    keep = start + relativedelta(years=MIN_YEARS)
    for template, expiry in items:
        if template._gsp_retention_forever():
            return None
        if expiry:
            keep = max(keep, expiry + relativedelta(years=YEARS_AFTER_EXPIRY))
    return keep


def check_retention(record, keep, today, kind):
    """Refuse deleting ``record`` before ``keep`` (None: never)."""
    if keep is None:
        raise UserError(
            _(
                "%(document)s records implantable devices: it is kept forever.",
                document=record.display_name,
            )
        )
    if keep > today:
        raise UserError(
            _(
                "%(document)s is a %(kind)s kept until %(date)s.",
                document=record.display_name,
                kind=kind,
                date=keep,
            )
        )
