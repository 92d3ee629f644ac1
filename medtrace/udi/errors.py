"""The one exception type of ``medtrace.udi`` and every message it can carry.

Each template names the element (GS1 application identifier, HIBCC field, ISBT 128
data identifier or MA data unit),
the offending value and what is wrong with it, so a translated message is
enough for a user to fix the label or the scanner setup.
"""

from ..errors import MedtraceError

MESSAGES = {
    # generic
    "empty": "UDI: the input is empty",
    "not_text": "UDI: the input must be text, got %(kind)s",
    "unknown_format": (
        "UDI %(value)r: not a GS1 element string, GS1 human-readable text, GS1 Digital Link "
        "URI nor HIBCC code (it starts with %(start)r)"
    ),
    "unsupported": "UDI %(value)r: %(issuer)s data is recognised but not supported: %(reason)s",
    "bad_separator": (
        "UDI: the FNC1 substitute %(separator)r must be one character that GS1 data cannot "
        "contain (not a letter, digit or one of !\"%%&'()*+,-./:;<=>?_)"
    ),
    "bad_symbology": "UDI %(value)r: symbology identifier %(symbology)s does not carry %(what)s",
    # GS1 element strings
    "gs1_unknown_ai": (
        "GS1 element string %(value)r: no known application identifier starts at %(rest)r "
        "(position %(position)s)"
    ),
    "gs1_truncated": (
        "GS1 element (%(ai)s) %(title)s: %(data)r is cut short: %(expected)s characters expected"
    ),
    "gs1_bad_length": (
        "GS1 element (%(ai)s) %(title)s: %(data)r has %(length)s characters, %(expected)s "
        "expected (a FNC1 separator must follow this element when more data comes after it)"
    ),
    "gs1_too_long": (
        "GS1 element (%(ai)s) %(title)s: %(data)r is longer than the %(maximum)s characters "
        "allowed: a FNC1 separator (GS) is missing after it"
    ),
    "gs1_bad_chars": (
        "GS1 element (%(ai)s) %(title)s: %(data)r contains %(chars)s, not allowed by its "
        "format %(format)s"
    ),
    "gs1_bad_format": (
        "GS1 element (%(ai)s) %(title)s: %(data)r does not match its format %(format)s"
    ),
    "gs1_empty": "GS1 element (%(ai)s) %(title)s: the value is empty",
    "gs1_check_digit": (
        "GS1 element (%(ai)s) %(title)s: %(data)r has check digit %(found)s, %(expected)s expected"
    ),
    "gs1_bad_date": "GS1 element (%(ai)s) %(title)s: %(data)r is not a valid date (%(reason)s)",
    "gs1_duplicate": (
        "GS1 element (%(ai)s) %(title)s appears twice with different values: %(first)r and %(data)r"
    ),
    "gs1_no_element": "GS1 element string %(value)r holds no element",
    "gs1_bad_gtin": (
        "GS1 %(what)s %(data)r is not a GTIN: 8, 12, 13 or 14 digits with a valid check digit "
        "expected"
    ),
    # human-readable text
    "hri_bad": "GS1 human-readable text %(value)r: %(reason)s",
    # Digital Link
    "dl_no_key": (
        "GS1 Digital Link %(value)r: no primary key (such as /01/ followed by a GTIN) in the path"
    ),
    "dl_bad_path": (
        "GS1 Digital Link %(value)r: path segment %(segment)r is not a GS1 application "
        "identifier (or its short name) followed by a value"
    ),
    "dl_bad_query": (
        "GS1 Digital Link %(value)r: query parameter %(name)r has no value or is repeated"
    ),
    # HIBCC
    "hibcc_chars": (
        "HIBCC %(value)r: character %(char)r is not in the HIBC character set "
        "(0-9, A-Z, - . space $ / + %%)"
    ),
    "hibcc_check": (
        "HIBCC %(value)r: check character %(found)r is wrong, %(expected)r expected (Mod 43)"
    ),
    "hibcc_short": "HIBCC %(value)r: too short for %(part)s",
    "hibcc_lic": (
        "HIBCC primary %(value)r: labeler identification code %(lic)r must be a letter followed "
        "by 3 letters or digits"
    ),
    "hibcc_pcn": (
        "HIBCC primary %(value)r: product or catalogue number %(pcn)r must be 1 to 18 letters "
        "or digits"
    ),
    "hibcc_uom": "HIBCC primary %(value)r: unit of measure %(uom)r must be a digit 0-9",
    "hibcc_date": (
        "HIBCC %(value)r: %(field)s %(data)r is not a valid %(format)s date (%(reason)s)"
    ),
    "hibcc_field": "HIBCC %(value)r: %(field)s %(data)r %(reason)s",
    "hibcc_link": (
        "HIBCC %(value)r: the secondary's link character %(found)r does not match the primary's "
        "check character %(expected)r"
    ),
    "hibcc_segment": (
        "HIBCC %(value)r: supplemental field %(segment)r is not one of S (serial), 14D (expiry), "
        "16D (manufacture date), Q (quantity), $+ or $$+ (serial)"
    ),
    "hibcc_duplicate": "HIBCC %(value)r: %(field)s is given twice (%(first)r and %(second)r)",
    "hibcc_ambiguous": (
        "HIBCC %(value)r: the primary and secondary symbols cannot be told apart "
        "(%(count)s ways to split it pass the check characters)"
    ),
    # ICCBBA ISBT 128
    "isbt_unknown": (
        "ISBT 128 %(value)r: no ICCBBA data identifier starts at %(rest)r (position %(position)s)"
    ),
    "isbt_truncated": (
        "ISBT 128 data structure %(di)s %(title)s: %(data)r is cut short: %(expected)s "
        "characters expected"
    ),
    "isbt_bad_format": (
        "ISBT 128 data structure %(di)s %(title)s: %(data)r does not match its format "
        "%(format)s: %(reason)s"
    ),
    "isbt_bad_date": (
        "ISBT 128 data structure %(di)s %(title)s: %(data)r is not a valid %(format)s date "
        "(%(reason)s)"
    ),
    "isbt_check": (
        "ISBT 128 data structure %(di)s %(title)s: %(data)r carries check value %(found)s, "
        "%(expected)s expected (ISO/IEC 7064 mod 37-2)"
    ),
    "isbt_duplicate": (
        "ISBT 128 %(value)r: %(field)s is given twice with different values (%(first)r and "
        "%(second)r)"
    ),
    "isbt_compound": "ISBT 128 compound message %(value)r: %(reason)s",
    # MA (IDcode)
    "ma_structure": "MA (IDcode) %(value)r: %(part)s %(data)r %(reason)s",
    "ma_date": (
        "MA (IDcode) %(value)r: %(field)s %(data)r is not a valid YYMMDD or YYYYMMDD date "
        "(%(reason)s)"
    ),
    "ma_duplicate": (
        "MA (IDcode) %(value)r: data unit %(unit)s is given twice (%(first)r and %(second)r)"
    ),
    # builders and labels
    "build_missing": "UDI label: %(field)s is required",
    "build_bad": "UDI label: %(field)s %(data)r %(reason)s",
    "render_symbology": (
        "UDI label: symbology %(symbology)r is not one of datamatrix, gs1-128, qr"
    ),
    "render_format": "UDI label: output %(path)r must end in .png or .svg",
    "render_too_long": (
        "UDI label: %(data)r is too long for %(symbology)s (%(length)s characters, at most "
        "%(maximum)s)"
    ),
}


class UdiError(MedtraceError):
    """Raised for any UDI input that cannot be read or written exactly.

    ``code`` is a key of :data:`MESSAGES`; ``params`` fill its template.
    """

    MESSAGES = MESSAGES
