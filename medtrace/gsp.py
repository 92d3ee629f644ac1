"""GSP identifiers: structure checks for the numbers on Chinese qualification documents.

* :func:`validate_uscc` -- the unified social credit code of GB 32100-2015
  (统一社会信用代码), including the registration authority codes that begin with a
  letter (A, N, Y), which ``stdnum.cn.uscc`` rejects, and the GB 11714 check
  character of the embedded organisation code.
* :func:`validate_device_number` -- a medical device registration certificate
  number (医疗器械注册证编号, ``×1械注×2YYYY×4××5××××6``) or a Class I filing number
  (备案编号, ``×1械备YYYY××××``), following the State Council's device registration
  and filing rules (CFDA order 4/2014, SAMR order 47/2021), plus the registration
  number format of the former rules (``国食药监械(准)字2012第3460735号``).
* :func:`validate_classification_code` -- a code of the 2017 classification
  catalogue (医疗器械分类目录), ``SS``, ``SS-FF`` or ``SS-FF-NN`` with subject 01..22.
* :func:`parse_region_codes` -- a list of provincial-level division codes (GB/T 2260),
  e.g. the regions of a sales representative authorisation.

Each function returns a normalised value or raises :class:`GspCodeError` with a
stable code, an English template and its parameters (see medtrace.errors).
"""

import re
from dataclasses import dataclass

from medtrace.errors import MedtraceError


class GspCodeError(MedtraceError):
    MESSAGES = {
        "uscc_length": "Unified social credit code %(value)s must have 18 characters, "
        "it has %(length)s.",
        "uscc_charset": "Unified social credit code %(value)s contains %(char)s, which is "
        "not allowed (digits and capital letters except I, O, S, V, Z).",
        "uscc_authority": "Unified social credit code %(value)s: %(char)s is not a "
        "registration authority code of GB 32100.",
        "uscc_category": "Unified social credit code %(value)s: %(char)s is not an entity "
        "category of registration authority %(authority)s.",
        "uscc_division": "Unified social credit code %(value)s: %(division)s is not an "
        "administrative division code.",
        "uscc_org_check": "Unified social credit code %(value)s: the organisation code "
        "%(org)s has a wrong check character (expected %(expected)s).",
        "uscc_check": "Unified social credit code %(value)s has a wrong check character "
        "(expected %(expected)s).",
        "device_number_format": "%(value)s is neither a device registration certificate "
        "number (e.g. 国械注准20153460735) nor a Class I filing number "
        "(e.g. 京海械备20150012).",
        "device_number_authority": "Device number %(value)s: %(authority)s is not a "
        "province or the state (国).",
        "device_number_class": "Device number %(value)s: a %(kind)s certificate cannot be "
        "for a Class %(device_class)s device.",
        "device_number_year": "Device number %(value)s: %(year)s is not a plausible year.",
        "device_number_category": "Device number %(value)s: classification %(category)s "
        "is not a catalogue code.",
        "device_filing_city": "Filing number %(value)s: a domestic Class I filing names "
        "the province and the city that filed it (e.g. 京海械备20150012); "
        "an imported one starts with 国械备.",
        "classification_format": "Classification code %(value)s must look like SS, "
        "SS-FF or SS-FF-NN (digits).",
        "classification_subject": "Classification code %(value)s: subject %(subject)s is "
        "not one of the 22 subjects 01 to 22 of the 2017 catalogue.",
        "region_code": "Region list %(value)s: %(region)s is not the code of a provincial-level "
        "division (e.g. 11 for Beijing, 31 for Shanghai).",
    }


# --- GB 32100-2015 unified social credit code --------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: registration authority -> entity category codes (GB 32100-2015 annex A and the
#: codes added since: A for the Central Military Commission's establishment office,
#: N for agricultural authorities).
USCC_AUTHORITIES = {
    "1": "1239",  # 机构编制: organs, public institutions, mass organisations, other
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政: social organisations, private non-enterprise units, foundations
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商: enterprises, individual businesses, farmers' cooperatives
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: rural collective economic organisations
    "Y": "1",  # 其他
}
_PROVINCE_CODES = frozenset(
    "10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _uscc_check_char(body):
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_check_char(body):
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(value):
    """Return the compact USCC or raise GspCodeError."""
    code = re.sub(r"[\s-]", "", value or "").upper()
    if len(code) != 18:
        raise GspCodeError("uscc_length", value=value, length=len(code))
    for char in code:
        if char not in USCC_ALPHABET:
            raise GspCodeError("uscc_charset", value=code, char=char)
    authority, category = code[0], code[1]
    if authority not in USCC_AUTHORITIES:
        raise GspCodeError("uscc_authority", value=code, char=authority)
    if category not in USCC_AUTHORITIES[authority]:
        raise GspCodeError("uscc_category", value=code, char=category, authority=authority)
    division = code[2:8]
    if not division.isdigit() or division[:2] not in _PROVINCE_CODES:
        raise GspCodeError("uscc_division", value=code, division=division)
    org = code[8:17]
    expected_org = _org_check_char(org[:8])
    if org[8] != expected_org:
        raise GspCodeError("uscc_org_check", value=code, org=org, expected=expected_org)
    expected = _uscc_check_char(code[:17])
    if code[17] != expected:
        raise GspCodeError("uscc_check", value=code, expected=expected)
    return code


def is_valid_uscc(value):
    try:
        validate_uscc(value)
    except GspCodeError:
        return False
    return True


# --- device registration certificate and Class I filing numbers ---------------

#: abbreviations of the provincial-level divisions (省、自治区、直辖市简称)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

_REGISTRATION = re.compile(
    r"^(?P<authority>国|[" + PROVINCES + r"])械注(?P<kind>[准进许])"
    r"(?P<year>\d{4})(?P<cls>[123])(?P<category>\d{2})(?P<serial>\d{4})$"
)
_REGISTRATION_LEGACY = re.compile(
    r"^(?P<authority>国|[" + PROVINCES + r"])食药监械[(（](?P<kind>[准进许])[)）]字"
    r"(?P<year>\d{4})第(?P<cls>[123])(?P<category>\d{2})(?P<serial>\d{4})号$"
)
_FILING = re.compile(
    r"^(?P<authority>国|[" + PROVINCES + r"][^\W\d_械]{1,2})械备"
    r"(?P<year>\d{4})(?P<serial>\d{4,5})号?$"
)
_KIND_LABELS = {"准": "domestic", "进": "imported", "许": "Hong Kong, Macao or Taiwan"}


@dataclass(frozen=True)
class DeviceNumber:
    """A parsed registration or filing number."""

    number: str
    kind: str  # "registration" or "filing"
    authority: str  # 国, a province, or province + city for a domestic filing
    origin: str  # "domestic", "imported", "hk_mo_tw"
    device_class: str  # "I", "II", "III"
    year: int
    category: str  # 2-digit classification (registrations only), else ""
    serial: str
    legacy: bool = False


def validate_device_number(value, today_year=None):
    """Parse a registration certificate or Class I filing number.

    Rules checked: 国 registers domestic Class III and all imported / Hong Kong,
    Macao, Taiwan Class II and III devices; a province registers domestic Class
    II only; 准/进/许 gives the origin; a domestic Class I filing names the
    province and the city (京海械备), an imported one is 国械备.
    """
    number = re.sub(r"\s", "", value or "")
    match = _REGISTRATION.match(number) or _REGISTRATION_LEGACY.match(number)
    if match:
        return _registration(number, match, today_year)
    match = _FILING.match(number)
    if match:
        return _filing(number, match, today_year)
    if re.match(r"^[" + PROVINCES + r"]械备\d{8}号?$", number):
        raise GspCodeError("device_filing_city", value=number)
    raise GspCodeError("device_number_format", value=number)


def _check_year(number, year, today_year, first=2000):
    if year < first or (today_year and year > today_year):
        raise GspCodeError("device_number_year", value=number, year=year)


def _registration(number, match, today_year):
    legacy = match.re is _REGISTRATION_LEGACY
    authority, kind = match["authority"], match["kind"]
    device_class = {"1": "I", "2": "II", "3": "III"}[match["cls"]]
    year = int(match["year"])
    _check_year(number, year, today_year, first=2000 if legacy else 2014)
    if device_class == "I":
        # Class I devices are filed, not registered (since 2014)
        raise GspCodeError(
            "device_number_class", value=number, kind="registration", device_class="I"
        )
    if authority != "国" and (kind != "准" or device_class != "II"):
        raise GspCodeError(
            "device_number_class",
            value=number,
            kind=f"{authority} {_KIND_LABELS[kind]}",
            device_class=device_class,
        )
    if authority == "国" and kind == "准" and device_class != "III":
        raise GspCodeError(
            "device_number_class", value=number, kind="国 domestic", device_class=device_class
        )
    if match["category"] == "00":
        raise GspCodeError("device_number_category", value=number, category="00")
    origin = {"准": "domestic", "进": "imported", "许": "hk_mo_tw"}[kind]
    return DeviceNumber(
        number=number,
        kind="registration",
        authority=authority,
        origin=origin,
        device_class=device_class,
        year=year,
        category=match["category"],
        serial=match["serial"],
        legacy=legacy,
    )


def _filing(number, match, today_year):
    authority = match["authority"]
    _check_year(number, int(match["year"]), today_year, first=2014)
    return DeviceNumber(
        number=number,
        kind="filing",
        authority=authority,
        origin="imported" if authority == "国" else "domestic",
        device_class="I",
        year=int(match["year"]),
        category="",
        serial=match["serial"],
    )


# --- 2017 classification catalogue --------------------------------------------

#: the 22 subjects of the 2017 catalogue (医疗器械分类目录, CFDA notice 104/2017)
CATALOGUE_SUBJECTS = {
    "01": "有源手术器械",
    "02": "无源手术器械",
    "03": "神经和心血管手术器械",
    "04": "骨科手术器械",
    "05": "放射治疗器械",
    "06": "医用成像器械",
    "07": "医用诊察和监护器械",
    "08": "呼吸、麻醉和急救器械",
    "09": "物理治疗器械",
    "10": "输血、透析和体外循环器械",
    "11": "医疗器械消毒灭菌器械",
    "12": "有源植入器械",
    "13": "无源植入器械",
    "14": "注输、护理和防护器械",
    "15": "患者承载器械",
    "16": "眼科器械",
    "17": "口腔科器械",
    "18": "妇产科、辅助生殖和避孕器械",
    "19": "医用康复器械",
    "20": "中医器械",
    "21": "医用软件",
    "22": "临床检验器械",
}
_CLASSIFICATION = re.compile(r"^(\d{2})(?:-(\d{2})(?:-(\d{2}))?)?$")


def validate_classification_code(value):
    """Return the normalised classification code (``SS``, ``SS-FF``, ``SS-FF-NN``)."""
    code = re.sub(r"\s", "", value or "")
    match = _CLASSIFICATION.match(code)
    if not match:
        raise GspCodeError("classification_format", value=code)
    if match[1] not in CATALOGUE_SUBJECTS:
        raise GspCodeError("classification_subject", value=code, subject=match[1])
    return code


def classification_covers(scope_code, product_code):
    """True when the scope code (a subject or a sub-category) includes the product code."""
    if not scope_code or not product_code:
        return False
    return product_code == scope_code or product_code.startswith(scope_code + "-")


# --- provincial-level divisions -------------------------------------------------

#: China's 34 provincial-level divisions and their GB/T 2260 codes (the first two
#: digits of an administrative division code)
PROVINCIAL_DIVISIONS = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


def parse_region_codes(value):
    """Return the sorted tuple of the provincial division codes listed in ``value``
    (separated by commas, semicolons or spaces); raise GspCodeError on an unknown code."""
    codes = {part for part in re.split(r"[\s,，;；、]+", value or "") if part}
    for code in sorted(codes):
        if code not in PROVINCIAL_DIVISIONS:
            raise GspCodeError("region_code", value=value, region=code)
    return tuple(sorted(codes))
