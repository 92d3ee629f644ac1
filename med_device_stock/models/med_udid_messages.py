"""The English templates of medtrace.udid errors, listed as literals for the .pot.

``medtrace.udid`` raises ``UdidError`` whose ``template`` is English with named
placeholders; the UDI database import shows it with ``_(err.template, **err.params)``.
Odoo's translation export only finds literal strings, so every template is repeated
here.  ``tests/test_udi_records.py`` compares this list with
``medtrace.udid.errors.MESSAGES``.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

UDID_MESSAGES = {
    "not_found": _lt("UDI database file %(file)s: not found"),
    "unknown_format": _lt(
        "UDI database file %(file)s: neither an NMPA UDI database XML download nor an FDA "
        "GUDID delimited release (a .xml, .txt or .zip file, or a folder of .txt files)"
    ),
    "empty": _lt("UDI database file %(file)s: the file is empty"),
    "encoding": _lt(
        "UDI database file %(file)s: line %(line)s is not %(encoding)s text (byte %(byte)s); "
        "the file may be damaged or saved in another encoding"
    ),
    "xml_dtd": _lt(
        "NMPA UDI database file %(file)s: a document type declaration (DTD) is refused: NMPA "
        "downloads have none, and its entities could expand without limit"
    ),
    "xml_bad": _lt(
        "NMPA UDI database file %(file)s: not well-formed XML at line %(line)s, column "
        "%(column)s (%(reason)s)"
    ),
    "xml_truncated": _lt(
        "NMPA UDI database file %(file)s: the file ends inside an element at line %(line)s: "
        "the download is incomplete"
    ),
    "xml_root": _lt(
        "NMPA UDI database file %(file)s: the root element is <%(tag)s>, <udid> expected"
    ),
    "xml_too_deep": _lt(
        "NMPA UDI database file %(file)s: elements nested deeper than %(maximum)s levels"
    ),
    "xml_too_big": _lt(
        "NMPA UDI database file %(file)s: device %(index)s holds more than %(maximum)s elements"
    ),
    "no_di": _lt(
        "UDI database file %(file)s: device %(index)s (record key %(key)r) has no primary "
        "device identifier (%(field)s)"
    ),
    "bad_quantity": _lt(
        "UDI database file %(file)s: device %(di)s, package %(package)s: quantity %(value)r "
        "is not a positive whole number"
    ),
    "gudid_no_device_file": _lt(
        "GUDID release %(file)s: no device.txt, the file every delimited release holds"
    ),
    "gudid_column": _lt(
        "GUDID file %(file)s: its header has no %(column)s column (header: %(header)s)"
    ),
    "gudid_row": _lt(
        "GUDID file %(file)s, line %(line)s: %(found)s fields, %(expected)s expected (a "
        "damaged or truncated file)"
    ),
    "gudid_csv": _lt("GUDID file %(file)s, line %(line)s: %(reason)s"),
}
