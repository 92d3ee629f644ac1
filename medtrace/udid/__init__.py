"""UDI database downloads (NMPA UDID, FDA GUDID) read as streams of devices, no Odoo.

>>> from medtrace.udid import read
>>> for device in read("UDID_FULL_RELEASE_20240101.zip"):  # doctest: +SKIP
...     device.primary_di, device.name, device.unit_counts()

Each reader yields one :class:`UdidDevice` per primary DI and never holds a whole
file in memory; a damaged file raises :class:`UdidError` (code, English template,
params), like every medtrace error.
"""

from pathlib import Path

from .errors import MESSAGES, UdidError
from .gudid import read_gudid, sniff
from .nmpa import read_nmpa
from .record import Package, Storage, UdidDevice, normalize_di

__all__ = [
    "MESSAGES",
    "Package",
    "Storage",
    "UdidDevice",
    "UdidError",
    "normalize_di",
    "read",
    "read_gudid",
    "read_nmpa",
    "sniff",
]


def read(path, *, source=None, name=None, on_error=None):
    """The devices of the download at ``path``; ``source`` ("nmpa"/"gudid") or sniffed.

    ``name``: the file's name in messages (default: the last part of ``path``).
    """
    path = Path(path)
    if not path.exists():
        raise UdidError("not_found", file=name or path.name)
    source = source or sniff(path)
    if source == "nmpa":
        return read_nmpa(path, name=name, on_error=on_error)
    if source == "gudid":
        return read_gudid(path, name=name, on_error=on_error)
    raise UdidError("unknown_format", file=name or path.name)
