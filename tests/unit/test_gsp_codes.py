"""medtrace.gsp: GB 32100 credit codes, device registration/filing numbers, catalogue codes."""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from stdnum.cn import ric, uscc

from medtrace import gsp
from medtrace.gsp import GspCodeError


def _make_uscc(prefix8, org8):
    """Builds a code the way GB 32100 does: org code check char, then the code's."""
    org = org8 + gsp._org_check_char(org8)
    body = prefix8 + org
    return body + gsp._uscc_check_char(body)


# --- unified social credit code ------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # stdnum's own example
        "914403001922038216",  # Huawei Technologies
        "9144030071526726XG",  # Tencent (check X in the organisation code)
    ],
)
def test_real_enterprise_codes_are_valid(code):
    assert gsp.validate_uscc(code) == code
    assert uscc.is_valid(code)  # stdnum agrees on ordinary enterprise codes


def test_separators_and_lower_case_are_normalised():
    assert gsp.validate_uscc(" 9144 0300-7152 6726xg ") == "9144030071526726XG"


@pytest.mark.parametrize("prefix", ["N2150502", "Y1110108", "A1100000"])
def test_letter_authorities_are_valid_although_stdnum_rejects_them(prefix):
    code = _make_uscc(prefix, "50008132")
    assert gsp.validate_uscc(code) == code
    assert not uscc.is_valid(code)  # the reason we do not rely on stdnum alone


def test_check_character_is_verified():
    with pytest.raises(GspCodeError) as err:
        gsp.validate_uscc("91110000600037341M")
    assert err.value.code == "uscc_check"
    assert err.value.params["expected"] == "L"
    assert "91110000600037341M" in str(err.value)


def test_organisation_code_check_is_verified():
    # organisation code 600037342 is wrong (check is 1); recompute the last char so
    # only the GB 11714 check can catch it
    body = "91110000600037342"
    code = body + gsp._uscc_check_char(body)
    with pytest.raises(GspCodeError) as err:
        gsp.validate_uscc(code)
    assert err.value.code == "uscc_org_check"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("9111000060003734", "uscc_length"),
        ("91110000600037341I", "uscc_charset"),
        ("9111000060003734OL", "uscc_charset"),
        ("B1110000600037341L", "uscc_authority"),
        ("94110000600037341L", "uscc_category"),
        ("Y2110000600037341L", "uscc_category"),
        ("91990000600037341L", "uscc_division"),
        ("", "uscc_length"),
    ],
)
def test_malformed_codes_are_refused_with_their_reason(code, error):
    with pytest.raises(GspCodeError) as err:
        gsp.validate_uscc(code)
    assert err.value.code == error
    assert not gsp.is_valid_uscc(code)


def test_every_message_keeps_its_placeholders():
    for code, template in GspCodeError.MESSAGES.items():
        assert "%(" in template, code


# --- device registration and filing numbers ------------------------------------


@pytest.mark.parametrize(
    ("number", "kind", "cls", "origin", "category"),
    [
        ("国械注准20153460735", "registration", "III", "domestic", "46"),
        ("国械注进20173664447", "registration", "III", "imported", "66"),
        ("国械注许20162220011", "registration", "II", "hk_mo_tw", "22"),
        ("粤械注准20192140123", "registration", "II", "domestic", "14"),
        ("国食药监械(准)字2012第3460735号", "registration", "III", "domestic", "46"),
        ("京海械备20150012", "filing", "I", "domestic", ""),
        ("粤深械备20180123号", "filing", "I", "domestic", ""),
        ("国械备20150049", "filing", "I", "imported", ""),
    ],
)
def test_real_shaped_numbers_parse(number, kind, cls, origin, category):
    parsed = gsp.validate_device_number(number, today_year=2025)
    assert (parsed.kind, parsed.device_class, parsed.origin, parsed.category) == (
        kind,
        cls,
        origin,
        category,
    )


def test_registration_parts():
    parsed = gsp.validate_device_number("国械注准20153460735")
    assert (parsed.year, parsed.serial, parsed.authority) == (2015, "0735", "国")


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("粤械注准20193140123", "device_number_class"),  # a province registers Class II only
        ("国械注准20152140123", "device_number_class"),  # state domestic = Class III
        ("粤械注进20172664447", "device_number_class"),  # imports are registered by 国
        ("国械注准20151460735", "device_number_class"),  # Class I is filed, not registered
        ("国械注准20103460735", "device_number_year"),  # the format dates from 2014
        ("国械注准20993460735", "device_number_year"),
        ("国械注准20153000735", "device_number_category"),
        ("京械备20150049", "device_filing_city"),  # domestic filing names the city too
        ("沪械注准2019214012", "device_number_format"),
        ("ABC123", "device_number_format"),
        ("", "device_number_format"),
    ],
)
def test_wrong_numbers_are_refused(number, error):
    with pytest.raises(GspCodeError) as err:
        gsp.validate_device_number(number, today_year=2025)
    assert err.value.code == error


# --- classification catalogue ---------------------------------------------------


def test_catalogue_has_22_subjects():
    assert sorted(gsp.CATALOGUE_SUBJECTS) == [f"{n:02d}" for n in range(1, 23)]
    assert gsp.CATALOGUE_SUBJECTS["13"] == "无源植入器械"


@pytest.mark.parametrize("code", ["13", "13-04", "13-04-01", " 22-01 "])
def test_classification_codes(code):
    assert gsp.validate_classification_code(code) == code.strip()


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("23-01", "classification_subject"),
        ("00", "classification_subject"),
        ("13-4", "classification_format"),
        ("1304", "classification_format"),
        ("6846", "classification_format"),
    ],
)
def test_wrong_classification_codes(code, error):
    with pytest.raises(GspCodeError) as err:
        gsp.validate_classification_code(code)
    assert err.value.code == error


def test_scope_covers_its_sub_codes_only():
    assert gsp.classification_covers("13", "13-04-01")
    assert gsp.classification_covers("13-04", "13-04")
    assert not gsp.classification_covers("13-04", "13-05-01")
    assert not gsp.classification_covers("1", "13-04")
    assert not gsp.classification_covers("", "13")


def test_resident_id_numbers_use_stdnum():
    # the addon validates sales representatives' ID numbers with stdnum's cn.ric
    assert ric.is_valid("360426199101010071")
    assert not ric.is_valid("360426199101010072")


# --- the catalogue data shipped by med_gsp_quality ------------------------------

CATALOGUE_XML = (
    Path(__file__).resolve().parents[2]
    / "med_gsp_quality"
    / "data"
    / "gsp_device_category_data.xml"
)


def _catalogue_records():
    root = ElementTree.parse(CATALOGUE_XML).getroot()
    records = []
    for record in root.iter("record"):
        assert record.get("model") == "gsp.device.category"
        fields = {field.get("name"): field for field in record.iter("field")}
        records.append(
            {
                "id": record.get("id"),
                "code": fields["code"].text,
                "name": fields["name"].text,
                "name_en": fields["name_en"].text if "name_en" in fields else None,
                "parent": fields["parent_id"].get("ref") if "parent_id" in fields else None,
            }
        )
    return root, records


def test_shipped_catalogue_codes_all_validate():
    root, records = _catalogue_records()
    assert root.get("noupdate") == "1"
    codes = [rec["code"] for rec in records]
    assert len(codes) == len(set(codes)), "a catalogue code is shipped twice"
    for rec in records:
        assert gsp.validate_classification_code(rec["code"]) == rec["code"]
        assert re.fullmatch(r"\d{2}(-\d{2})?", rec["code"]), rec["code"]
        assert rec["name"] and rec["name_en"], rec["id"]


def test_shipped_catalogue_matches_the_subject_table_and_xml_ids():
    _root, records = _catalogue_records()
    subjects = {rec["code"]: rec for rec in records if len(rec["code"]) == 2}
    assert {code: rec["name"] for code, rec in subjects.items()} == gsp.CATALOGUE_SUBJECTS
    for rec in records:
        assert rec["id"] == "gsp_device_category_" + rec["code"].replace("-", "_")
        if len(rec["code"]) == 2:
            assert rec["parent"] is None
        else:
            # a first-level category hangs under its own subject
            assert rec["parent"] == "gsp_device_category_" + rec["code"][:2]


# --- provincial-level divisions --------------------------------------------------


def test_34_provincial_divisions_agree_with_the_uscc_division_codes():
    assert len(gsp.PROVINCIAL_DIVISIONS) == 34
    assert set(gsp.PROVINCIAL_DIVISIONS) <= gsp._PROVINCE_CODES
    assert gsp.PROVINCIAL_DIVISIONS["11"] == "北京市"
    assert gsp.PROVINCIAL_DIVISIONS["65"] == "新疆维吾尔自治区"


@pytest.mark.parametrize(
    ("value", "codes"),
    [("11", ("11",)), ("31, 11；44", ("11", "31", "44")), ("12 12", ("12",)), ("", ())],
)
def test_region_codes_parse(value, codes):
    assert gsp.parse_region_codes(value) == codes


@pytest.mark.parametrize("value", ["11,99", "Beijing", "10", "1"])
def test_unknown_region_codes_are_refused(value):
    with pytest.raises(GspCodeError) as err:
        gsp.parse_region_codes(value)
    assert err.value.code == "region_code"
    assert err.value.params["value"] == value
