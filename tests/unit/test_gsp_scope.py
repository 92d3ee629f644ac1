"""medtrace.gsp.parse_business_scope: the business scope (经营范围) of a device licence.

The corpus mixes scope texts quoted from public pages (their source is given) with texts
written in the same printed forms (marked "constructed"), because few complete licence
scopes are published as text: licences are printed certificates.
"""

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace import gsp
from medtrace.gsp import (
    CATALOGUE_SUBJECTS,
    LEGACY_CATALOGUE,
    SCOPE_MESSAGES,
    BusinessScope,
    ScopeIssue,
    parse_business_scope,
    validate_classification_code,
)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _reasons(scope):
    return sorted(issue.reason for issue in scope.unread)


# --- corpus -----------------------------------------------------------------------
# (text, 2017 codes by class, 2002 codes by class, IVD reagents by class, unread reasons)
CORPUS = [
    pytest.param(
        # the first example of the project's brief (a licence in the 2017 catalogue,
        # with subject names after the codes, 、 inside 注输、护理和防护器械)
        "2017年分类目录：Ⅲ类：01-有源手术器械,02-无源手术器械,03-神经和心血管手术器械,"
        "06-医用成像器械,07-医用诊察和监护器械,13-无源植入器械,14-注输、护理和防护器械；"
        "Ⅱ类：07-医用诊察和监护器械,08-呼吸、麻醉和急救器械,22-临床检验器械",
        {"III": ("01", "02", "03", "06", "07", "13", "14"), "II": ("07", "08", "22")},
        {},
        {},
        [],
        id="brief-2017-subjects",
    ),
    pytest.param(
        # the second example of the brief: a licence still in the 2002 catalogue
        "Ⅲ类：6815注射穿刺器械，6821医用电子仪器设备，6866医用高分子材料及制品",
        {},
        {"III": ("6815", "6821", "6866")},
        {},
        [],
        id="brief-2002-codes",
    ),
    pytest.param(
        # the third example of the brief: 第三类医疗器械 and a first-level category
        "第三类医疗器械：03-13神经和心血管介入器械, 13-05",
        {"III": ("03-13", "13-05")},
        {},
        {},
        [],
        id="brief-first-level",
    ),
    pytest.param(
        # https://m.007swz.com/xinxi/ciztftg.html: the business categories of a class III
        # licence as printed there, each with its class ("三类-6821 ...")
        "三类-6821医用电子仪器设备、三类-6846植入材料人工器官、三类-6863口腔科材料、"
        "三类-6877介入器材",
        {},
        {"III": ("6821", "6846", "6863", "6877")},
        {},
        [],
        id="007swz-class-per-item",
    ),
    pytest.param(
        # https://m.bankerbay.com.cn/g87836710.html (also http://74525.cc/news/7306749.asp):
        # a business licence scope "包含III类医疗器械销售(批发和零售)" - a class, no code
        "III类医疗器械销售(批发和零售)",
        {},
        {},
        {},
        ["no_code"],
        id="bankerbay-class-without-code",
    ),
    pytest.param(
        # https://m.bankerbay.com.cn/g87836710.html: contact lenses, "6822角膜接触镜", class
        # III; constructed as a licence line with the usual restriction in brackets
        "经营范围：III类:6822医用光学器具、仪器及内窥镜设备(仅限角膜接触镜及护理液)",
        {},
        {"III": ("6822",)},
        {},
        ["restriction"],
        id="contact-lenses-restricted",
    ),
    pytest.param(
        # a public GitHub seed file of the 22 subjects (catchAdmin EquipmentClassSeeds, PHP)
        # writes them "01 - 有源手术器械,02 - 无源手术器械": spaces around the dash
        "Ⅱ类：01 - 有源手术器械,02 - 无源手术器械,22 - 临床检验器械",
        {"II": ("01", "02", "22")},
        {},
        {},
        [],
        id="github-seed-spaced-dashes",
    ),
    pytest.param(
        # constructed: a business licence (营业执照) scope in the wording of the 2021
        # business scope standard: classes without codes, and non-device text
        "许可项目：第三类医疗器械经营；一般项目：第一类医疗器械销售；第二类医疗器械销售；"
        "日用百货销售；化妆品批发（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
        {},
        {},
        {},
        ["no_code", "no_code", "no_code"],
        id="business-licence",
    ),
    pytest.param(
        # constructed: IVD reagents listed for class III and excluded for class II
        "III类：6840体外诊断试剂；Ⅱ类：6840临床检验分析仪器（不含体外诊断试剂）",
        {},
        {"III": ("6840",), "II": ("6840",)},
        {"III": "included", "II": "excluded"},
        [],
        id="ivd-in-and-out",
    ),
    pytest.param(
        # constructed: full-width digits, punctuation and dash, 2017 codes without names
        "Ⅲ类：１４－０１，１３；二类：０７、０８",
        {"III": ("13", "14-01"), "II": ("07", "08")},
        {},
        {},
        [],
        id="full-width",
    ),
    pytest.param(
        # constructed: one heading for two classes, a class in brackets after an item
        "Ⅱ、Ⅲ类：07；体外诊断试剂（Ⅲ类）",
        {"II": ("07",), "III": ("07",)},
        {},
        {"III": "included"},
        [],
        id="shared-heading",
    ),
    pytest.param(
        # constructed: both catalogues on one licence, lines, then non-device text
        "2002年分类目录：Ⅲ类：6815注射穿刺器械\n2017年分类目录：Ⅲ类：14-注输、护理和防护器械\n"
        "二类：6820普通诊察器械\n日用百货、五金交电",
        {"III": ("14",)},
        {"III": ("6815",), "II": ("6820",)},
        {},
        [],
        id="both-catalogues",
    ),
    pytest.param(
        # constructed: circled list numbers and the old code with its sub-item (6822-1)
        "Ⅲ类：①6815注射穿刺器械②6822-1角膜接触镜及护理用液",
        {},
        {"III": ("6815", "6822-1")},
        {},
        [],
        id="circled-numbers",
    ),
    pytest.param(
        # constructed: what cannot be read is reported, not dropped
        "Ⅲ类：13-有源植入器械,23,01~05,6811,植入材料,12",
        {"III": ("12",)},
        {},
        {},
        ["name_mismatch", "range", "unknown_code", "unknown_code", "unread"],
        id="unreadable-items",
    ),
    pytest.param(
        # constructed: a licence-wide exclusion of IVD reagents after the lists
        "第二类、第三类医疗器械：07,13；（不含体外诊断试剂）",
        {"II": ("07", "13"), "III": ("07", "13")},
        {},
        {"II": "excluded", "III": "excluded"},
        [],
        id="licence-wide-exclusion",
    ),
    pytest.param(
        # constructed: a code before any class is named
        "经营范围：6815注射穿刺器械；Ⅲ类：13",
        {"III": ("13",)},
        {},
        {},
        ["no_class"],
        id="code-without-class",
    ),
    pytest.param(
        # constructed: exact subject names without codes (read), and a bare word (not read)
        "第三类：有源手术器械，注输、护理和防护器械，高值耗材",
        {"III": ("01", "14")},
        {},
        {},
        ["unread"],
        id="names-without-codes",
    ),
]


@pytest.mark.parametrize("text, codes, legacy, ivd, reasons", CORPUS)
def test_corpus(text, codes, legacy, ivd, reasons):
    scope = parse_business_scope(text)
    assert dict(scope.codes) == codes
    assert dict(scope.legacy_codes) == legacy
    assert dict(scope.ivd_reagents) == ivd
    assert _reasons(scope) == sorted(reasons)
    for issue in scope.unread:
        if issue.text:
            assert issue.text in text  # shown as printed, so the user can find it


# --- behaviour ------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Ⅲ类：",
        "III类:",
        "ⅲ类：",
        "三类：",
        "第三类：",
        "第三类医疗器械：",
        "3类：",
        "Ⅲ类医疗器械：",
        "III 类 ：",
        "三类-",
    ],
)
def test_printed_forms_of_class_three(heading):
    scope = parse_business_scope(heading + "13-05,14")
    assert dict(scope.codes) == {"III": ("13-05", "14")}
    assert scope.classes == ("III",)
    assert not scope.unread


@pytest.mark.parametrize(
    "heading, classes",
    [
        ("Ⅱ类：", ("II",)),
        ("二类：", ("II",)),
        ("第二类医疗器械：", ("II",)),
        ("Ⅱ类、Ⅲ类：", ("II", "III")),
        ("二、三类：", ("II", "III")),
        ("II/III类：", ("II", "III")),
        ("第一类：", ("I",)),
    ],
)
def test_class_headings(heading, classes):
    assert parse_business_scope(heading + "07").classes == classes


def test_full_width_and_half_width_read_the_same():
    text = "Ⅲ类：01-有源手术器械，13-05；Ⅱ类：07（不含体外诊断试剂）"
    half = unicodedata.normalize("NFKC", text)
    assert half != text
    assert parse_business_scope(text) == parse_business_scope(half)


def test_names_containing_a_list_separator_are_not_split():
    scope = parse_business_scope("Ⅲ类：08-呼吸、麻醉和急救器械、10-输血、透析和体外循环器械")
    assert dict(scope.codes) == {"III": ("08", "10")}
    assert not scope.unread


def test_dates_and_units_are_not_codes():
    scope = parse_business_scope("Ⅲ类：6840体外诊断试剂(2-8℃冷藏)，自2019年12月起：13")
    assert dict(scope.codes) == {"III": ("13",)}
    assert dict(scope.legacy_codes) == {"III": ("6840",)}


def test_a_major_separator_ends_the_class_list():
    # "日用百货" after the semicolon is not device text: no report, and the class list
    # does not swallow the code after it (which names no class)
    scope = parse_business_scope("Ⅲ类：13；日用百货；6815")
    assert dict(scope.codes) == {"III": ("13",)}
    assert [(i.reason, i.code) for i in scope.unread] == [("no_class", "6815")]


def test_a_code_printed_with_another_subjects_name_is_not_read():
    scope = parse_business_scope("Ⅲ类：18-无源植入器械")  # 18 is 妇产科...: misread 13?
    assert not scope.codes
    [issue] = scope.unread
    assert (issue.reason, issue.code, issue.other) == ("name_mismatch", "18", "13 无源植入器械")
    assert "18-无源植入器械" in str(issue)


def test_unknown_codes_are_reported_with_their_value():
    scope = parse_business_scope("二类：00,25,6899,681")
    assert not scope.codes and not scope.legacy_codes
    assert sorted(i.code for i in scope.unread) == ["00", "25", "681", "6899"]
    assert {i.device_class for i in scope.unread} == {"II"}


def test_listing_and_excluding_ivd_reagents_for_one_class_is_reported():
    scope = parse_business_scope("Ⅲ类：体外诊断试剂，22（不含体外诊断试剂）")
    assert dict(scope.ivd_reagents) == {"III": "excluded"}
    assert _reasons(scope) == ["ivd_conflict"]


def test_ivd_reagents_without_class_are_reported():
    scope = parse_business_scope("体外诊断试剂")
    assert not scope.ivd_reagents
    assert _reasons(scope) == ["no_class"]


def test_empty_and_none():
    for text in (None, "", "   ", "日用百货、化妆品"):
        scope = parse_business_scope(text)
        assert scope == parse_business_scope("")
        assert scope.classes == () and scope.all_codes == () and scope.unread == ()


def test_result_is_immutable_and_hashable():
    scope = parse_business_scope("Ⅲ类：13")
    with pytest.raises(AttributeError):
        scope.unread = ()
    with pytest.raises(TypeError):
        scope.codes["II"] = ("07",)
    assert hash(scope) == hash(parse_business_scope("III类:13"))
    assert isinstance(scope, BusinessScope)


def test_every_message_fills_with_an_issue_params():
    for reason in SCOPE_MESSAGES:
        message = str(ScopeIssue(reason, "Ⅲ类：x", "III", code="99", other="13 无源植入器械"))
        assert "%(" not in message


def test_legacy_catalogue_has_its_43_categories():
    assert len(LEGACY_CATALOGUE) == 43
    assert all(re.fullmatch(r"68[0-9]{2}", code) for code in LEGACY_CATALOGUE)


@pytest.mark.parametrize(
    "text",
    [
        "三" * 20000,
        "I" * 20000,
        "(" * 20000,
        "1-" * 20000,
        "Ⅱ类、" * 5000,
        "第" * 20000 + "类",
        "Ⅲ类：" + "13," * 20000,
        "1 - " * 20000,
    ],
)
def test_pathological_inputs_are_read(text):
    parse_business_scope(text)  # finishes: the patterns have no nested repetition


# --- fuzzing ------------------------------------------------------------------------

SCOPE_ALPHABET = st.sampled_from(
    list("0123456789-－–—~～,，、;；:：。()（）[]【】 \n\tⅠⅡⅢⅰⅱⅲIil一二三第类医疗器械经营除外不含")
    + ["体外诊断试剂", "仅限", "2017年", "分类目录", "①", "⒈", "6815", "14-01", "13"]
)
SCOPE_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(SCOPE_ALPHABET, max_size=120).map("".join),
)


@FUZZ
@given(text=SCOPE_TEXT)
def test_never_raises_and_never_invents(text):
    """Choice: the parser never raises for a str; whatever it returns is well formed."""
    scope = parse_business_scope(text)
    assert set(scope.codes) | set(scope.legacy_codes) | set(scope.ivd_reagents) <= {
        "I",
        "II",
        "III",
    }
    for code in scope.all_codes:
        assert validate_classification_code(code) == code
    for codes in scope.legacy_codes.values():
        assert all(code[:4] in LEGACY_CATALOGUE for code in codes)
    assert set(scope.ivd_reagents.values()) <= {"included", "excluded"}
    for issue in scope.unread:
        assert issue.reason in SCOPE_MESSAGES
        assert issue.text in text
        str(issue)


CLASS_HEADINGS = {
    "III": ["Ⅲ类：", "III类:", "三类：", "第三类医疗器械：", "3类:"],
    "II": ["Ⅱ类：", "II类:", "二类：", "第二类医疗器械：", "2类:"],
}


@st.composite
def codes_2017(draw):
    code = draw(st.sampled_from(sorted(CATALOGUE_SUBJECTS)))
    for _level in range(draw(st.integers(0, 2))):
        code += f"-{draw(st.integers(1, 20)):02d}"
    return code


LISTED_CODES = st.lists(
    st.one_of(codes_2017(), st.sampled_from(sorted(LEGACY_CATALOGUE))), min_size=1, max_size=8
)


@FUZZ
@given(
    lists=st.dictionaries(st.sampled_from(["II", "III"]), LISTED_CODES, min_size=1),
    data=st.data(),
)
def test_listed_codes_are_read_back_exactly(lists, data):
    parts = []
    for cls, codes in lists.items():
        items = []
        for code in codes:
            name = ""
            if data.draw(st.booleans()):
                name = CATALOGUE_SUBJECTS.get(code) or LEGACY_CATALOGUE.get(code) or ""
            items.append(code + data.draw(st.sampled_from(["", "-", " - "])) * bool(name) + name)
        separator = data.draw(st.sampled_from([",", "，", "、", ", "]))
        parts.append(data.draw(st.sampled_from(CLASS_HEADINGS[cls])) + separator.join(items))
    text = data.draw(st.sampled_from(["；", ";", "\n", "。"])).join(parts)
    if data.draw(st.booleans()):
        text = unicodedata.normalize("NFKC", text)
    if data.draw(st.booleans()):
        text = "经营范围：" + text + "；日用百货销售"
    scope = parse_business_scope(text)
    expected = {
        cls: tuple(sorted({c for c in codes if not c.startswith("68")}))
        for cls, codes in lists.items()
    }
    expected_legacy = {
        cls: tuple(sorted({c for c in codes if c.startswith("68")})) for cls, codes in lists.items()
    }
    assert dict(scope.codes) == {cls: codes for cls, codes in expected.items() if codes}
    assert dict(scope.legacy_codes) == {
        cls: codes for cls, codes in expected_legacy.items() if codes
    }
    assert scope.unread == (), text


def test_module_documents_the_parser():
    assert "parse_business_scope" in gsp.__doc__
