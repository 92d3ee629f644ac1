"""The one exception type of ``medtrace.udid`` and every message it can carry.

Each template names the file, where in it (line, device number, column) and what
is wrong, so that a translated message is enough to find the damaged download.
"""

from ..errors import MedtraceError

MESSAGES = {
    "not_found": "UDI database file %(file)s: not found",
    "unknown_format": (
        "UDI database file %(file)s: neither an NMPA UDI database XML download nor an FDA "
        "GUDID delimited release (a .xml, .txt or .zip file, or a folder of .txt files)"
    ),
    "empty": "UDI database file %(file)s: the file is empty",
    "encoding": (
        "UDI database file %(file)s: line %(line)s is not %(encoding)s text (byte %(byte)s); "
        "the file may be damaged or saved in another encoding"
    ),
    # NMPA XML
    "xml_dtd": (
        "NMPA UDI database file %(file)s: a document type declaration (DTD) is refused: "
        "NMPA downloads have none, and its entities could expand without limit"
    ),
    "xml_bad": (
        "NMPA UDI database file %(file)s: not well-formed XML at line %(line)s, column "
        "%(column)s (%(reason)s)"
    ),
    "xml_truncated": (
        "NMPA UDI database file %(file)s: the file ends inside an element at line %(line)s: "
        "the download is incomplete"
    ),
    "xml_root": ("NMPA UDI database file %(file)s: the root element is <%(tag)s>, <udid> expected"),
    "xml_too_deep": (
        "NMPA UDI database file %(file)s: elements nested deeper than %(maximum)s levels"
    ),
    "xml_too_big": (
        "NMPA UDI database file %(file)s: device %(index)s holds more than %(maximum)s elements"
    ),
    "no_di": (
        "UDI database file %(file)s: device %(index)s (record key %(key)r) has no primary "
        "device identifier (%(field)s)"
    ),
    "bad_quantity": (
        "UDI database file %(file)s: device %(di)s, package %(package)s: quantity %(value)r "
        "is not a positive whole number"
    ),
    # GUDID delimited
    "gudid_no_device_file": (
        "GUDID release %(file)s: no device.txt, the file every delimited release holds"
    ),
    "gudid_column": (
        "GUDID file %(file)s: its header has no %(column)s column (header: %(header)s)"
    ),
    "gudid_row": (
        "GUDID file %(file)s, line %(line)s: %(found)s fields, %(expected)s expected (a "
        "damaged or truncated file)"
    ),
    "gudid_csv": "GUDID file %(file)s, line %(line)s: %(reason)s",
}


class UdidError(MedtraceError):
    """A UDI database download that cannot be read.

    ``code`` is a key of :data:`MESSAGES`; ``params`` fill its template.
    """

    MESSAGES = MESSAGES
