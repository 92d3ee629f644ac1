"""The English templates of medtrace.udi errors, listed as literals for the .pot.

``medtrace.udi`` raises ``UdiError`` whose ``template`` is English with named
placeholders; the scan service shows it with ``_(err.template, **err.params)``.
Odoo's translation export only finds literal strings, so every template is
repeated here.  A unit test compares this list with ``medtrace.udi.errors.MESSAGES``.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

UDI_MESSAGES = {
    "empty": _lt("UDI: the input is empty"),
    "not_text": _lt("UDI: the input must be text, got %(kind)s"),
    "unknown_format": _lt(
        "UDI %(value)r: not a GS1 element string, GS1 human-readable text, GS1 Digital Link "
        "URI nor HIBCC code (it starts with %(start)r)"
    ),
    "unsupported": _lt(
        "UDI %(value)r: %(issuer)s data is recognised but not supported: %(reason)s"
    ),
    "bad_separator": _lt(
        "UDI: the FNC1 substitute %(separator)r must be one character that GS1 data cannot "
        "contain (not a letter, digit or one of !\"%%&'()*+,-./:;<=>?_)"
    ),
    "bad_symbology": _lt(
        "UDI %(value)r: symbology identifier %(symbology)s does not carry %(what)s"
    ),
    "gs1_unknown_ai": _lt(
        "GS1 element string %(value)r: no known application identifier starts at %(rest)r "
        "(position %(position)s)"
    ),
    "gs1_truncated": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r is cut short: %(expected)s characters expected"
    ),
    "gs1_bad_length": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r has %(length)s characters, %(expected)s "
        "expected (a FNC1 separator must follow this element when more data comes after it)"
    ),
    "gs1_too_long": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r is longer than the %(maximum)s characters "
        "allowed: a FNC1 separator (GS) is missing after it"
    ),
    "gs1_bad_chars": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r contains %(chars)s, not allowed by its "
        "format %(format)s"
    ),
    "gs1_bad_format": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r does not match its format %(format)s"
    ),
    "gs1_empty": _lt("GS1 element (%(ai)s) %(title)s: the value is empty"),
    "gs1_check_digit": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r has check digit %(found)s, %(expected)s expected"
    ),
    "gs1_bad_date": _lt(
        "GS1 element (%(ai)s) %(title)s: %(data)r is not a valid date (%(reason)s)"
    ),
    "gs1_duplicate": _lt(
        "GS1 element (%(ai)s) %(title)s appears twice with different values: %(first)r and %(data)r"
    ),
    "gs1_no_element": _lt("GS1 element string %(value)r holds no element"),
    "gs1_bad_gtin": _lt(
        "GS1 %(what)s %(data)r is not a GTIN: 8, 12, 13 or 14 digits with a valid check digit "
        "expected"
    ),
    "hri_bad": _lt("GS1 human-readable text %(value)r: %(reason)s"),
    "dl_no_key": _lt(
        "GS1 Digital Link %(value)r: no primary key (such as /01/ followed by a GTIN) in the path"
    ),
    "dl_bad_path": _lt(
        "GS1 Digital Link %(value)r: path segment %(segment)r is not a GS1 application "
        "identifier (or its short name) followed by a value"
    ),
    "dl_bad_query": _lt(
        "GS1 Digital Link %(value)r: query parameter %(name)r has no value or is repeated"
    ),
    "hibcc_chars": _lt(
        "HIBCC %(value)r: character %(char)r is not in the HIBC character set "
        "(0-9, A-Z, - . space $ / + %%)"
    ),
    "hibcc_check": _lt(
        "HIBCC %(value)r: check character %(found)r is wrong, %(expected)r expected (Mod 43)"
    ),
    "hibcc_short": _lt("HIBCC %(value)r: too short for %(part)s"),
    "hibcc_lic": _lt(
        "HIBCC primary %(value)r: labeler identification code %(lic)r must be a letter followed "
        "by 3 letters or digits"
    ),
    "hibcc_pcn": _lt(
        "HIBCC primary %(value)r: product or catalogue number %(pcn)r must be 1 to 18 letters "
        "or digits"
    ),
    "hibcc_uom": _lt("HIBCC primary %(value)r: unit of measure %(uom)r must be a digit 0-9"),
    "hibcc_date": _lt(
        "HIBCC %(value)r: %(field)s %(data)r is not a valid %(format)s date (%(reason)s)"
    ),
    "hibcc_field": _lt("HIBCC %(value)r: %(field)s %(data)r %(reason)s"),
    "hibcc_link": _lt(
        "HIBCC %(value)r: the secondary's link character %(found)r does not match the primary's "
        "check character %(expected)r"
    ),
    "hibcc_segment": _lt(
        "HIBCC %(value)r: supplemental field %(segment)r is not one of S (serial), 14D (expiry), "
        "16D (manufacture date), Q (quantity), $+ or $$+ (serial)"
    ),
    "hibcc_duplicate": _lt("HIBCC %(value)r: %(field)s is given twice (%(first)r and %(second)r)"),
    "hibcc_ambiguous": _lt(
        "HIBCC %(value)r: the primary and secondary symbols cannot be told apart "
        "(%(count)s ways to split it pass the check characters)"
    ),
    "isbt_unknown": _lt(
        "ISBT 128 %(value)r: no ICCBBA data identifier starts at %(rest)r (position %(position)s)"
    ),
    "isbt_truncated": _lt(
        "ISBT 128 data structure %(di)s %(title)s: %(data)r is cut short: %(expected)s "
        "characters expected"
    ),
    "isbt_bad_format": _lt(
        "ISBT 128 data structure %(di)s %(title)s: %(data)r does not match its format "
        "%(format)s: %(reason)s"
    ),
    "isbt_bad_date": _lt(
        "ISBT 128 data structure %(di)s %(title)s: %(data)r is not a valid %(format)s date "
        "(%(reason)s)"
    ),
    "isbt_check": _lt(
        "ISBT 128 data structure %(di)s %(title)s: %(data)r carries check value %(found)s, "
        "%(expected)s expected (ISO/IEC 7064 mod 37-2)"
    ),
    "isbt_duplicate": _lt(
        "ISBT 128 %(value)r: %(field)s is given twice with different values (%(first)r and "
        "%(second)r)"
    ),
    "isbt_compound": _lt("ISBT 128 compound message %(value)r: %(reason)s"),
    "ma_structure": _lt("MA (IDcode) %(value)r: %(part)s %(data)r %(reason)s"),
    "ma_date": _lt(
        "MA (IDcode) %(value)r: %(field)s %(data)r is not a valid YYMMDD or YYYYMMDD date "
        "(%(reason)s)"
    ),
    "ma_duplicate": _lt(
        "MA (IDcode) %(value)r: data unit %(unit)s is given twice (%(first)r and %(second)r)"
    ),
    "build_missing": _lt("UDI label: %(field)s is required"),
    "build_bad": _lt("UDI label: %(field)s %(data)r %(reason)s"),
    "render_symbology": _lt(
        "UDI label: symbology %(symbology)r is not one of datamatrix, gs1-128, qr"
    ),
    "render_format": _lt("UDI label: output %(path)r must end in .png or .svg"),
    "render_too_long": _lt(
        "UDI label: %(data)r is too long for %(symbology)s (%(length)s characters, at most "
        "%(maximum)s)"
    ),
}
