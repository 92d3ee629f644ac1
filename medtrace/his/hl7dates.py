"""HL7 v2 date/time values (``DTM``/``TS``): ``YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]``."""

import datetime as dt
import re

from .errors import HisError

_DTM = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$")


def format_ts(value, seconds=True):
    """``20261207153000`` (or ``20261207`` for a date); a datetime with a time zone is
    written with its offset (``20261207153000+0800``), so the receiver need not guess
    whether it is local time or UTC."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        stamp = value.strftime("%Y%m%d%H%M%S" if seconds else "%Y%m%d%H%M")
        if value.tzinfo is not None and value.utcoffset() is not None:
            stamp += value.strftime("%z")
        return stamp
    return value.strftime("%Y%m%d")


def parse_ts(value, segment="", field=""):
    """A ``datetime`` (a ``date`` when the value has no time), ``None`` when empty.

    With an offset (``+0800``) the datetime is aware, in UTC; without one it is naive:
    the sender's local time, which only the receiver's configuration knows."""
    value = (value or "").strip()
    if not value:
        return None
    match = _DTM.match(value)
    if not match:
        raise HisError("hl7_date", segment=segment, field=field, value=value)
    year, month, day, hour, minute, second, _fraction, zone = match.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month or 1), int(day or 1))
        stamp = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute or 0), int(second or 0)
        )
    except ValueError as error:
        raise HisError("hl7_date", segment=segment, field=field, value=value) from error
    if zone:
        sign = 1 if zone[0] == "+" else -1
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
        stamp = (stamp - offset).replace(tzinfo=dt.timezone.utc)
    return stamp


def parse_number(value, segment="", field=""):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError as error:
        raise HisError("hl7_number", segment=segment, field=field, value=value) from error
