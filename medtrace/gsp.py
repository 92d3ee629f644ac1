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
* :func:`normalise_legacy_code` -- a code of the former 2002 catalogue (68NN-N).
* :func:`validate_insurance_code` -- a national medical insurance consumable code
  (医保医用耗材代码, 20 characters).
* :func:`parse_region_codes` -- a list of provincial-level division codes (GB/T 2260),
  e.g. the regions of a sales representative authorisation.
* :func:`parse_business_scope` -- the business scope (经营范围) of a device licence:
  the catalogue codes listed for each class, codes of the former 2002 catalogue, in
  vitro diagnostic reagents, and what could not be read (it never raises).

Each validating function returns a normalised value or raises :class:`GspCodeError` with a
stable code, an English template and its parameters (see medtrace.errors).
"""

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

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
        "legacy_code_format": "2002 catalogue code %(value)s must look like 68NN, 68NN-N or "
        "68NN-N-N (e.g. 6846-1).",
        "insurance_code_length": "Medical insurance consumable code %(value)s must have 20 "
        "characters, it has %(length)s.",
        "insurance_code_prefix": "Medical insurance consumable code %(value)s must start with "
        "the letter C (consumable), not %(char)s.",
        "insurance_code_digits": "Medical insurance consumable code %(value)s: after the C, "
        "only digits are allowed; %(char)s is not one.",
        "insurance_code_classification": "Medical insurance consumable code %(value)s: the "
        "first level of its classification (characters 2 and 3) is %(level)s, which is not "
        "a category.",
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


_LEGACY_CODE = re.compile(r"^(68[0-9]{2})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$")


def normalise_legacy_code(value):
    """Return a code of the former catalogue (2002, and the 2012 revision of some of its
    categories) in the form its cross-reference to the 2017 catalogue uses: ``6846``,
    ``6846-1`` (for 6846-01 or ６８４６－１), ``6823-3-4``; raise GspCodeError otherwise."""
    code = unicodedata.normalize("NFKC", value or "")
    code = re.sub(r"\s", "", code).replace("—", "-").replace("–", "-")
    match = _LEGACY_CODE.match(code)
    if not match:
        raise GspCodeError("legacy_code_format", value=code)
    return "-".join([match[1]] + [str(int(part)) for part in match.groups()[1:] if part])


@dataclass(frozen=True)
class InsuranceCode:
    """The five parts of a medical insurance consumable code (医保医用耗材代码)."""

    code: str
    classification: str  # 6 digits: three levels of 2 (学科/用途, 部位/功能 ...)
    generic_name: str  # 3 digits: 通用名码
    features: str  # 5 digits: 产品特征码 (material, specification ...)
    manufacturer: str  # 5 digits: 生产企业码


def validate_insurance_code(value):
    """Check a national medical insurance consumable code (医保医用耗材分类与代码,
    NHSA): 20 characters, ``C`` (耗材标识码), 6 digits of classification (分类码),
    3 of generic name (通用名码), 5 of product features (产品特征码: material,
    specification) and 5 of manufacturer (生产企业码), e.g. ``C01010100100000100001``.
    Spaces are ignored and a lower-case c is read as C. Returns an :class:`InsuranceCode`."""
    code = unicodedata.normalize("NFKC", value or "")
    code = re.sub(r"\s", "", code)
    if code[:1] == "c":
        code = "C" + code[1:]
    if len(code) != 20:
        raise GspCodeError("insurance_code_length", value=code, length=len(code))
    if code[0] != "C":
        raise GspCodeError("insurance_code_prefix", value=code, char=code[0])
    bad = next((char for char in code[1:] if char not in "0123456789"), None)
    if bad is not None:
        raise GspCodeError("insurance_code_digits", value=code, char=bad)
    if code[1:3] == "00":
        raise GspCodeError("insurance_code_classification", value=code, level=code[1:3])
    return InsuranceCode(
        code=code,
        classification=code[1:7],
        generic_name=code[7:10],
        features=code[10:15],
        manufacturer=code[15:20],
    )


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


# --- business scope (经营范围) of a device licence ------------------------------

#: the 43 categories of the former catalogue (医疗器械分类目录, 国药监械〔2002〕302号,
#: replaced by the 2017 catalogue on 2018-08-01), still printed on older licences.
#: They are reported, never mapped: a 68xx category is split over several 2017 subjects.
LEGACY_CATALOGUE = {
    "6801": "基础外科手术器械",
    "6802": "显微外科手术器械",
    "6803": "神经外科手术器械",
    "6804": "眼科手术器械",
    "6805": "耳鼻喉科手术器械",
    "6806": "口腔科手术器械",
    "6807": "胸腔心血管外科手术器械",
    "6808": "腹部外科手术器械",
    "6809": "泌尿肛肠外科手术器械",
    "6810": "矫形外科(骨科)手术器械",
    "6812": "妇产科用手术器械",
    "6813": "计划生育手术器械",
    "6815": "注射穿刺器械",
    "6816": "烧伤(整形)科手术器械",
    "6820": "普通诊察器械",
    "6821": "医用电子仪器设备",
    "6822": "医用光学器具、仪器及内窥镜设备",
    "6823": "医用超声仪器及有关设备",
    "6824": "医用激光仪器设备",
    "6825": "医用高频仪器设备",
    "6826": "物理治疗及康复设备",
    "6827": "中医器械",
    "6828": "医用磁共振设备",
    "6830": "医用X射线设备",
    "6831": "医用X射线附属设备及部件",
    "6832": "医用高能射线设备",
    "6833": "医用核素设备",
    "6834": "医用射线防护用品、装置",
    "6840": "临床检验分析仪器",
    "6841": "医用化验和基础设备器具",
    "6845": "体外循环及血液处理设备",
    "6846": "植入材料和人工器官",
    "6854": "手术室、急救室、诊疗室设备及器具",
    "6855": "口腔科设备及器具",
    "6856": "病房护理设备及器具",
    "6857": "消毒和灭菌设备及器具",
    "6858": "医用冷疗、低温、冷藏设备及器具",
    "6863": "口腔科材料",
    "6864": "医用卫生材料及敷料",
    "6865": "医用缝合材料及粘合剂",
    "6866": "医用高分子材料及制品",
    "6870": "软件",
    "6877": "介入器材",
}

#: what :func:`parse_business_scope` could not read, by reason: English templates with
#: named placeholders (text: the fragment as printed; device_class; code; other)
SCOPE_MESSAGES = {
    "no_code": 'Business scope "%(text)s" names Class %(device_class)s but no catalogue '
    "code could be read from it.",
    "unread": 'Business scope, Class %(device_class)s: "%(text)s" was not understood.',
    "unknown_code": 'Business scope "%(text)s": %(code)s is a code of neither the 2017 '
    "catalogue (01 to 22) nor the former 2002 catalogue (68xx).",
    "no_class": 'Business scope "%(text)s" lists %(code)s without naming its class; it was '
    "not read.",
    "name_mismatch": 'Business scope "%(text)s": code %(code)s is printed with the name of '
    "%(other)s; it was not read.",
    "range": 'Business scope "%(text)s" gives a range of codes; only codes listed one by '
    "one are read.",
    "restriction": 'Business scope "%(text)s" restricts Class %(device_class)s; the '
    "restriction was not applied to the scope categories.",
    "ivd_conflict": "Business scope both lists and excludes in vitro diagnostic reagents for "
    "Class %(device_class)s; they are taken as excluded.",
}
_CLASS_ORDER = {"I": 1, "II": 2, "III": 3}


@dataclass(frozen=True)
class ScopeIssue:
    """A fragment of a business scope that was not read (see SCOPE_MESSAGES)."""

    reason: str
    text: str  # as printed (a slice of the parsed text)
    device_class: str = ""  # "II", "III", "II/III" or "" when no class applies
    code: str = ""
    other: str = ""

    @property
    def template(self):
        return SCOPE_MESSAGES[self.reason]

    @property
    def params(self):
        return {
            "text": self.text,
            "device_class": self.device_class or "-",
            "code": self.code,
            "other": self.other,
        }

    def __str__(self):
        return self.template % self.params


@dataclass(frozen=True)
class BusinessScope:
    """What a business scope text says, as read by :func:`parse_business_scope`.

    ``codes`` and ``legacy_codes`` map a class ("I", "II", "III") to the sorted tuple
    of codes listed for it (2017 catalogue ``SS``/``SS-FF``/``SS-FF-NN``, and 68xx
    codes of the 2002 catalogue, e.g. ``6815`` or ``6822-1``); ``ivd_reagents`` maps a
    class to "included" or "excluded" (in vitro diagnostic reagents, 体外诊断试剂,
    classified outside the 22 subjects); ``unread`` lists what was not read.
    """

    codes: MappingProxyType
    legacy_codes: MappingProxyType
    ivd_reagents: MappingProxyType
    unread: tuple

    @property
    def classes(self):
        """The classes the text lists something for (codes, 68xx codes, IVD reagents)."""
        found = set(self.codes) | set(self.legacy_codes)
        found |= {cls for cls, state in self.ivd_reagents.items() if state == "included"}
        return tuple(sorted(found, key=_CLASS_ORDER.get))

    @property
    def all_codes(self):
        """Every 2017 code listed, whatever its class."""
        return tuple(sorted({code for codes in self.codes.values() for code in codes}))

    def __hash__(self):
        return hash(
            (
                tuple(self.codes.items()),
                tuple(self.legacy_codes.items()),
                tuple(self.ivd_reagents.items()),
                self.unread,
            )
        )


# separators: major ones end a class's list unless a code follows
_SCOPE_MAJOR = ";。\n"
_SCOPE_MINOR = ",、:"
_SCOPE_OPEN = "([{【〔"
_SCOPE_CLOSE = ")]}】〕"
_SCOPE_DASHES = "‐‑‒–—―−﹘"
# enclosed list numbers (①, ⑴, ⒈, ❶, ㈠ ...) would run into the code after them
_SCOPE_ENCLOSED = re.compile(
    "[\u2460-\u24ff\u2776-\u2793\u3220-\u3229\u3251-\u325f\u3280-\u3289\u32b1-\u32bf]"
)
# bounded and deterministic: no nested unbounded repetition (linear on any input)
_SCOPE_CLASS = r"(?:[Ii]{3}|[Ii]{2}|[Ii])(?![Ii])|[一二三123]"
_SCOPE_MARKER = re.compile(
    r"(?<![A-Za-z0-9同另每这那此某任单])第? ?(?:" + _SCOPE_CLASS + r")(?: ?类)?"
    r"(?: ?[、,/和及与] ?第? ?(?:" + _SCOPE_CLASS + r")(?: ?类)?){0,3} ?类"
)
_SCOPE_CLASS_WORD = re.compile(_SCOPE_CLASS)
_SCOPE_CLASS_OF = {
    "I": "I",
    "II": "II",
    "III": "III",
    "一": "I",
    "二": "II",
    "三": "III",
    "1": "I",
    "2": "II",
    "3": "III",
}
_SCOPE_TOKEN = re.compile(r"(?<![0-9])[0-9]+(?: ?- ?[0-9]+)*(?![0-9]|\.[0-9])")
# a number followed by a unit (2018年, 2-8℃, 22号) or preceded by 第 is not a code
_SCOPE_UNITS = "年月日号个度°%‰版期届条款项层楼室元万岁天周小"
_SCOPE_RANGE = re.compile(r"[0-9] ?[~〜至到] ?[0-9]")
_SCOPE_GROUP = re.compile(r"[(\[{【〔]([^()\[\]{}【】〔〕]*)[)\]}】〕]")
_SCOPE_EXCLUSION = re.compile(r"^ ?(?:不含|不包含|不包括|不经营)|^ ?除.*外 ?$|除外 ?$")
_SCOPE_LIMIT = re.compile(r"^ ?(?:仅限|仅|只限|限于|限)")
_SCOPE_IVD = re.compile(r"诊断试剂")
_SCOPE_CATALOGUE_HEADER = re.compile(r"分类目录|(?:19|20)[0-9]{2} ?[年版]")
_SCOPE_NOISE = re.compile(
    r"^(?:经营范围|许可项目|一般项目|许可经营项目|一般经营项目|.*依法须经批准.*|.*方可开展.*"
    r"|(?:医疗器械|器械)?(?:产品)?(?:的)?(?:经营|销售|批发|零售|批零兼营|和|及|与)*"
    r"|[0-9]{1,2}|[一二三四五六七八九十]{1,3})$"
)
_SCOPE_STRIP = " -_.:,;、*#/\\'\"“”‘’"
_SCOPE_HEADER = re.compile(r" ?(?:医疗器械|器械)?(?:产品)? ?")


def _scope_normalise(text):
    """NFKC (full-width forms, Ⅲ -> III), dashes to '-', one space per blank run;
    returns the text and, for each of its characters, its index in ``text``."""
    chars, origin = [], []
    blank = False
    for index, char in enumerate(text):
        norm = "," if _SCOPE_ENCLOSED.match(char) else unicodedata.normalize("NFKC", char)
        for out in norm:
            if out in _SCOPE_DASHES:
                out = "-"
            elif out == "\r":
                out = "\n"
            if out.isspace() and out != "\n":
                if blank:
                    continue
                out, blank = " ", True
            else:
                blank = False
            chars.append(out)
            origin.append(index)
    return "".join(chars), origin


def _scope_classes(marker_text):
    words = _SCOPE_CLASS_WORD.findall(marker_text)
    return frozenset(_SCOPE_CLASS_OF[word.upper()] for word in words)


def _scope_class_label(classes):
    return "/".join(sorted(classes, key=_CLASS_ORDER.get))


def _scope_names_with_separators():
    """Positions of 、 inside catalogue names (呼吸、麻醉和急救器械) are not list separators."""
    names = [
        name for name in (*CATALOGUE_SUBJECTS.values(), *LEGACY_CATALOGUE.values()) if "、" in name
    ]
    parts = [re.escape(name).replace("、", "[、,]") for name in names]
    parts = [part.replace(r"\(", "[(]").replace(r"\)", "[)]") for part in parts]
    return re.compile("|".join(parts))


_SCOPE_SEPARATED_NAMES = _scope_names_with_separators()
_SUBJECT_BY_NAME = {name: code for code, name in CATALOGUE_SUBJECTS.items()}
# names are compared without their bracketed words: 矫形外科(骨科)手术器械 -> 矫形外科手术器械
_LEGACY_BY_NAME = {re.sub(r"\(.*?\)", "", name): code for code, name in LEGACY_CATALOGUE.items()}


class _ScopeReader:
    """One pass over a normalised scope text (see parse_business_scope)."""

    def __init__(self, text):
        self.source = text
        self.norm, self.origin = _scope_normalise(text)
        self.codes = {}
        self.legacy = {}
        self.ivd = {}  # class (or "*": every class) -> set of states
        self.issues = {}  # ScopeIssue -> None: ordered, without duplicates
        self.segment = None

    # --- helpers ---------------------------------------------------------------

    def printed(self, start, end):
        """The printed text of the normalised span [start, end), trimmed."""
        while start < end and self.norm[start] in _SCOPE_STRIP:
            start += 1
        while end > start and self.norm[end - 1] in _SCOPE_STRIP:
            end -= 1
        if start >= end:
            return ""
        return self.source[self.origin[start] : self.origin[end - 1] + 1].strip()

    def issue(self, reason, start, end, classes=(), **params):
        text = self.printed(start, end)
        self.issues[ScopeIssue(reason, text, _scope_class_label(classes), **params)] = None

    def depths(self):
        depth, depths = 0, []
        for char in self.norm:
            if char in _SCOPE_MAJOR:
                depth = 0
            depths.append(depth)
            if char in _SCOPE_OPEN:
                depth += 1
            elif char in _SCOPE_CLOSE and depth:
                depth -= 1
        return depths

    # --- events: class markers and pieces between separators ---------------------

    def events(self):
        depths = self.depths()
        keep = {
            match.start() + offset
            for match in _SCOPE_SEPARATED_NAMES.finditer(self.norm)
            for offset, char in enumerate(match.group())
            if char in "、,"
        }
        markers = [m for m in _SCOPE_MARKER.finditer(self.norm) if depths[m.start()] == 0]
        position = 0
        for marker in [*markers, None]:
            end = marker.start() if marker else len(self.norm)
            major = False
            start = position
            for index in range(position, end):
                char = self.norm[index]
                if char in _SCOPE_MAJOR or (
                    char in _SCOPE_MINOR and depths[index] == 0 and index not in keep
                ):
                    if self.printed(start, index):
                        yield "piece", start, index, major
                        major = False
                    major = major or char in _SCOPE_MAJOR
                    start = index + 1
            if self.printed(start, end):
                yield "piece", start, end, major
            if marker:
                yield "marker", marker.start(), marker.end(), _scope_classes(marker.group())
                position = marker.end()

    # --- reading -----------------------------------------------------------------

    def read(self):
        context = None
        for kind, start, end, extra in self.events():
            if kind == "marker":
                self.close_segment()
                context = extra
                self.segment = {
                    "classes": extra,
                    "start": start,
                    "end": end,
                    "read": False,
                    "pending": [],
                }
                continue
            first = start == (self.segment or {}).get("end")
            if first:
                # the rest of "第三类医疗器械：" / "三类-6821": drop the header words
                header = _SCOPE_HEADER.match(self.norm, start, end)
                start = header.end() if header else start
            piece = self.piece(start, end)
            if context is not None and extra and not piece["device"]:
                self.close_segment()  # "...；日用百货" after a major separator
                context = None
            self.apply(piece, context, start, end)
            if self.segment is not None and context is not None:
                self.segment["end"] = end
        self.close_segment()
        return self.result()

    def close_segment(self):
        segment, self.segment = self.segment, None
        if segment is None:
            return
        if not segment["read"]:
            self.issue("no_code", segment["start"], segment["end"], segment["classes"])
            return
        for start, end in segment["pending"]:
            self.issue("unread", start, end, segment["classes"])

    def piece(self, start, end):
        """What one piece between separators holds (no side effects)."""
        text = self.norm[start:end]
        blanked = list(text)
        override, exclusions = frozenset(), []
        for group in _SCOPE_GROUP.finditer(text):
            content = group.group(1)
            inner = content.strip()
            marker = _SCOPE_MARKER.fullmatch(re.sub(r" ?(?:医疗器械|器械)$", "", inner))
            if marker and inner:
                override |= _scope_classes(marker.group())
            elif _SCOPE_EXCLUSION.search(content) or _SCOPE_LIMIT.search(content):
                ivd = bool(_SCOPE_IVD.search(content)) and not _SCOPE_LIMIT.search(content)
                exclusions.append((start + group.start(), start + group.end(), ivd))
            blanked[group.start() : group.end()] = " " * (group.end() - group.start())
        bare = "".join(blanked)
        plain = re.sub(r" +", "", bare).strip(_SCOPE_STRIP)
        if plain and _SCOPE_EXCLUSION.search(plain):
            exclusions.append((start, end, bool(_SCOPE_IVD.search(text))))
            plain = bare = ""
        tokens = []
        for match in _SCOPE_TOKEN.finditer(bare):
            after = bare[match.end() : match.end() + 2].lstrip()[:1]
            before = bare[max(0, match.start() - 1) : match.start()]
            digits = match.group().replace(" ", "")
            if after and after in _SCOPE_UNITS or before == "第" or len(digits) == 1:
                continue
            tokens.append((start + match.start(), start + match.end(), digits))
        name_code = _SUBJECT_BY_NAME.get(plain) or _LEGACY_BY_NAME.get(plain)
        return {
            "bare": bare,
            "plain": plain,
            "tokens": tokens,
            "override": override,
            "exclusions": exclusions,
            "range": bool(tokens) and bool(_SCOPE_RANGE.search(bare)),
            "ivd": bool(_SCOPE_IVD.search(bare)),
            "name_code": name_code,
            "noise": not plain
            or bool(_SCOPE_NOISE.match(plain))
            or bool(_SCOPE_CATALOGUE_HEADER.search(plain)),
            "device": bool(
                tokens or override or exclusions or name_code or _SCOPE_IVD.search(bare)
            ),
        }

    def mark_read(self):
        if self.segment is not None:
            self.segment["read"] = True

    def apply(self, piece, context, start, end):
        classes = piece["override"] or context or frozenset()
        in_segment = context is not None and not piece["override"]
        for excl_start, excl_end, ivd in piece["exclusions"]:
            if ivd:
                for cls in classes or ("*",):
                    self.ivd.setdefault(cls, set()).add("excluded")
            elif classes:
                self.issue("restriction", excl_start, excl_end, classes)
        if piece["range"]:
            self.issue("range", start, end, classes)
            if in_segment:
                self.mark_read()
            return
        if piece["tokens"]:
            self.apply_codes(piece, classes, in_segment, start, end)
        elif piece["name_code"]:
            self.add(piece["name_code"], classes, start, end, in_segment)
        elif piece["ivd"]:
            if classes:
                for cls in classes:
                    self.ivd.setdefault(cls, set()).add("included")
                if in_segment:
                    self.mark_read()
            else:
                self.issue("no_class", start, end, code="体外诊断试剂")
        elif not piece["noise"] and in_segment:
            self.segment["pending"].append((start, end))

    def apply_codes(self, piece, classes, in_segment, start, end):
        tokens = piece["tokens"]
        prefix = piece["bare"][: tokens[0][0] - start].strip(_SCOPE_STRIP + " ")
        if (
            prefix
            and in_segment
            and not (_SCOPE_NOISE.match(prefix) or _SCOPE_CATALOGUE_HEADER.search(prefix))
        ):
            self.segment["pending"].append((start, tokens[0][0]))
        for index, (tok_start, tok_end, code) in enumerate(tokens):
            item_end = tokens[index + 1][0] if index + 1 < len(tokens) else end
            name = re.sub(r" +", "", piece["bare"][tok_end - start : item_end - start])
            name = name.strip(_SCOPE_STRIP)
            self.add(code, classes, tok_start, item_end, in_segment, name=name)

    def add(self, code, classes, start, end, in_segment, name=""):
        kind = _scope_code_kind(code)
        if kind is None:
            if classes:
                self.issue("unknown_code", start, end, classes, code=code)
                if in_segment:
                    self.mark_read()
            return
        if not classes:
            self.issue("no_class", start, end, code=code)
            return
        if in_segment:
            self.mark_read()
        names, by_name = (
            (CATALOGUE_SUBJECTS, _SUBJECT_BY_NAME)
            if kind == "2017"
            else (LEGACY_CATALOGUE, _LEGACY_BY_NAME)
        )
        other = by_name.get(name)
        if other and other != code.split("-")[0] and code in names:
            self.issue(
                "name_mismatch", start, end, classes, code=code, other=f"{other} {names[other]}"
            )
            return
        target = self.codes if kind == "2017" else self.legacy
        for cls in classes:
            target.setdefault(cls, set()).add(code)
        if _SCOPE_IVD.search(name):
            for cls in classes:
                self.ivd.setdefault(cls, set()).add("included")

    def result(self):
        listed = set(self.codes) | set(self.legacy) | {c for c in self.ivd if c != "*"}
        every = self.ivd.pop("*", set())  # excluded with no class named: for every class
        for cls in listed if every else ():
            self.ivd.setdefault(cls, set()).update(every)
        ivd = {}
        for cls, states in self.ivd.items():
            if len(states) > 1:
                self.issues[ScopeIssue("ivd_conflict", "", _scope_class_label({cls}))] = None
            ivd[cls] = "excluded" if "excluded" in states else "included"

        def frozen(mapping):
            return MappingProxyType(
                {cls: tuple(sorted(values)) for cls, values in sorted(mapping.items())}
            )

        return BusinessScope(
            codes=frozen(self.codes),
            legacy_codes=frozen(self.legacy),
            ivd_reagents=MappingProxyType(dict(sorted(ivd.items()))),
            unread=tuple(self.issues),
        )


def _scope_code_kind(code):
    """ "2017", "2002" or None (not a catalogue code) for a code read from a scope."""
    if re.fullmatch(r"68[0-9]{2}(?:-[0-9]{1,2})?", code):
        return "2002" if code[:4] in LEGACY_CATALOGUE else None
    if _CLASSIFICATION.match(code) and code[:2] in CATALOGUE_SUBJECTS:
        return "2017"
    return None


def parse_business_scope(text):
    """Read the classes and catalogue codes of a licence's business scope (经营范围).

    Understood: class headings in their printed forms (Ⅲ类, III类, 三类, 第三类医疗器械,
    3类, Ⅱ、Ⅲ类, 三类-6821, and a class in brackets after an item, "体外诊断试剂(Ⅲ类)"),
    full-width and half-width punctuation, codes of the 2017 catalogue with or without
    their names (``14``, ``14-01``, ``03-13神经和心血管介入器械``, exact subject names
    without a code), codes of the 2002 catalogue (``6815注射穿刺器械``, ``6822-1``),
    in vitro diagnostic reagents listed or excluded (``(不含体外诊断试剂)``), and any
    text outside the device lists (日用百货 ...), which is skipped.

    Never guesses: what names a class but could not be read, codes that are in neither
    catalogue, codes listed without a class, codes printed with another category's name,
    ranges (01~22) and restrictions (不含 ...) come back in ``unread``.

    Never raises for a ``str`` (or None): every problem is reported in the result.
    """
    return _ScopeReader(text or "").read()
