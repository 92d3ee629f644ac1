"""Lists medtrace.gsp's error templates as literals so Odoo's export translates them."""

from odoo import _lt

GSP_CODE_MESSAGES = {
    "uscc_length": _lt(
        "Unified social credit code %(value)s must have 18 characters, it has %(length)s."
    ),
    "uscc_charset": _lt(
        "Unified social credit code %(value)s contains %(char)s, which is not allowed "
        "(digits and capital letters except I, O, S, V, Z)."
    ),
    "uscc_authority": _lt(
        "Unified social credit code %(value)s: %(char)s is not a registration authority "
        "code of GB 32100."
    ),
    "uscc_category": _lt(
        "Unified social credit code %(value)s: %(char)s is not an entity category of "
        "registration authority %(authority)s."
    ),
    "uscc_division": _lt(
        "Unified social credit code %(value)s: %(division)s is not an administrative division code."
    ),
    "uscc_org_check": _lt(
        "Unified social credit code %(value)s: the organisation code %(org)s has a wrong "
        "check character (expected %(expected)s)."
    ),
    "uscc_check": _lt(
        "Unified social credit code %(value)s has a wrong check character (expected %(expected)s)."
    ),
    "device_number_format": _lt(
        "%(value)s is neither a device registration certificate number "
        "(e.g. 国械注准20153460735) nor a Class I filing number (e.g. 京海械备20150012)."
    ),
    "device_number_authority": _lt(
        "Device number %(value)s: %(authority)s is not a province or the state (国)."
    ),
    "device_number_class": _lt(
        "Device number %(value)s: a %(kind)s certificate cannot be for a Class "
        "%(device_class)s device."
    ),
    "device_number_year": _lt("Device number %(value)s: %(year)s is not a plausible year."),
    "device_number_category": _lt(
        "Device number %(value)s: classification %(category)s is not a catalogue code."
    ),
    "device_filing_city": _lt(
        "Filing number %(value)s: a domestic Class I filing names the province and the "
        "city that filed it (e.g. 京海械备20150012); an imported one starts with 国械备."
    ),
    "classification_format": _lt(
        "Classification code %(value)s must look like SS, SS-FF or SS-FF-NN (digits)."
    ),
    "classification_subject": _lt(
        "Classification code %(value)s: subject %(subject)s is not one of the 22 subjects "
        "01 to 22 of the 2017 catalogue."
    ),
    "legacy_code_format": _lt(
        "2002 catalogue code %(value)s must look like 68NN, 68NN-N or 68NN-N-N (e.g. 6846-1)."
    ),
    "insurance_code_length": _lt(
        "Medical insurance consumable code %(value)s must have 20 characters, it has %(length)s."
    ),
    "insurance_code_prefix": _lt(
        "Medical insurance consumable code %(value)s must start with the letter C "
        "(consumable), not %(char)s."
    ),
    "insurance_code_digits": _lt(
        "Medical insurance consumable code %(value)s: after the C, only digits are allowed; "
        "%(char)s is not one."
    ),
    "insurance_code_classification": _lt(
        "Medical insurance consumable code %(value)s: the first level of its classification "
        "(characters 2 and 3) is %(level)s, which is not a category."
    ),
    "region_code": _lt(
        "Region list %(value)s: %(region)s is not the code of a provincial-level division "
        "(e.g. 11 for Beijing, 31 for Shanghai)."
    ),
}


def translate_code_error(env, err):
    """The translated message of a medtrace.gsp.GspCodeError."""
    return env._(err.template, **err.params)


#: medtrace.gsp.SCOPE_MESSAGES: what parse_business_scope could not read
GSP_SCOPE_MESSAGES = {
    "no_code": _lt(
        'Business scope "%(text)s" names Class %(device_class)s but no catalogue code could '
        "be read from it."
    ),
    "unread": _lt('Business scope, Class %(device_class)s: "%(text)s" was not understood.'),
    "unknown_code": _lt(
        'Business scope "%(text)s": %(code)s is a code of neither the 2017 catalogue (01 to '
        "22) nor the former 2002 catalogue (68xx)."
    ),
    "no_class": _lt(
        'Business scope "%(text)s" lists %(code)s without naming its class; it was not read.'
    ),
    "name_mismatch": _lt(
        'Business scope "%(text)s": code %(code)s is printed with the name of %(other)s; it '
        "was not read."
    ),
    "range": _lt(
        'Business scope "%(text)s" gives a range of codes; only codes listed one by one are read.'
    ),
    "restriction": _lt(
        'Business scope "%(text)s" restricts Class %(device_class)s; the restriction was not '
        "applied to the scope categories."
    ),
    "ivd_conflict": _lt(
        "Business scope both lists and excludes in vitro diagnostic reagents for Class "
        "%(device_class)s; they are taken as excluded."
    ),
}
