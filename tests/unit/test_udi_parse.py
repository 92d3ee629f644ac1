"""Behaviour of medtrace.udi.parse beyond the corpus: rules, errors, result type."""

import dataclasses
import datetime
import json

import pytest

from medtrace.udi import UdiError, UdiResult, parse
from medtrace.udi.errors import MESSAGES

GS = "\x1d"
TODAY = datetime.date(2025, 6, 1)


def test_lot_and_serial_kept_apart():
    result = parse("0109506000134352" + "10LOT1" + GS + "21SER1", today=TODAY)
    assert (result.lot, result.serial) == ("LOT1", "SER1")


def test_variable_field_runs_to_end_without_separator():
    # What looks like AI 21 inside a lot with no GS after it is part of the lot.
    assert parse("1014J1021SN1").lot == "14J1021SN1"
    assert parse("1014J1021SN1").serial is None


def test_parentheses_delimit_human_readable_text():
    result = parse("(10)14J10(21)SN1")
    assert (result.lot, result.serial) == ("14J10", "SN1")


@pytest.mark.parametrize(
    "raw",
    [
        "]d2010950600013435210ABC",
        "]C1010950600013435210ABC",
        "]Q3010950600013435210ABC",
        "]e0010950600013435210ABC",
        "]J1010950600013435210ABC",
        GS + "010950600013435210ABC",
        "]d2" + GS + "010950600013435210ABC",
    ],
)
def test_symbology_identifiers_and_leading_fnc1(raw):
    result = parse(raw)
    assert (result.gtin, result.lot) == ("09506000134352", "ABC")


@pytest.mark.parametrize("separator", ["|", "~", "^", "#", "@"])
def test_substitute_separator(separator):
    result = parse("0109506000134352" + f"10ABC{separator}21XYZ", separator=separator)
    assert (result.lot, result.serial) == ("ABC", "XYZ")


@pytest.mark.parametrize("separator", ["A", "1", "%", "||"])
def test_separator_that_could_be_data_is_refused(separator):
    with pytest.raises(UdiError) as info:
        parse("0109506000134352", separator=separator)
    assert info.value.code == "bad_separator"


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ("17250200", datetime.date(2025, 2, 28)),
        ("17240200", datetime.date(2024, 2, 29)),
        ("11231100", datetime.date(2023, 11, 30)),
    ],
)
def test_day_00_is_last_day_of_month(element, expected):
    result = parse("0109506000134352" + element, today=TODAY)
    assert (result.expiry or result.manufactured) == expected


def test_7003_gives_expiry_when_17_absent():
    result = parse("0109506000134352" + "70032512310000", today=TODAY)
    assert result.expiry == datetime.date(2025, 12, 31)
    assert result.elements["7003"] == "2512310000"


def test_century_sliding_window():
    assert parse("17991231", today=TODAY).expiry.year == 1999
    assert parse("17751231", today=TODAY).expiry.year == 2075
    assert parse("17761231", today=TODAY).expiry.year == 1976


def test_quantity_from_ai_30_and_37():
    assert parse("0109506000134352" + "3012", today=TODAY).quantity == 12
    assert parse("0209506000134352" + "3725", today=TODAY).quantity == 25


def test_duplicate_elements():
    assert parse("10ABC" + GS + "10ABC").lot == "ABC"
    with pytest.raises(UdiError) as info:
        parse("10ABC" + GS + "10ABD")
    assert info.value.code == "gs1_duplicate"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("0109506000134352172513401", "gs1_bad_date", ["(17)", "'251340'", "month 13"]),
        ("0109506000134352172502301", "gs1_bad_date", ["(17)", "day 30"]),
        ("0109506000134351", "gs1_check_digit", ["(01)", "'09506000134351'", "2 expected"]),
        ("00106141412345678907", "gs1_check_digit", ["(00)", "SSCC"]),
        ("4149506000134350", "gs1_check_digit", ["(414)", "'9506000134350'"]),
        ("10" + "A" * 21, "gs1_too_long", ["(10)", "20 characters", "separator"]),
        ("010950600013", "gs1_truncated", ["(01)", "14 characters"]),
        ("10AB\u00e9", "gs1_bad_chars", ["(10)", "'\u00e9'"]),
        ("09123", "gs1_unknown_ai", ["'09123'"]),
        ("", "empty", ["empty"]),
        ("+A99912345/$$52001510X34", "hibcc_check", ["'4'", "'3' expected"]),
        ("+1999912345/$$52001510X3", "hibcc_check", []),
        ("+A99912345/$$2133225LOT" + "", "hibcc_check", []),
    ],
)
def test_error_messages_name_element_value_and_problem(raw, code, words):
    with pytest.raises(UdiError) as info:
        parse(raw, today=TODAY)
    assert info.value.code == code
    for word in words:
        assert word in str(info.value)


def test_hibcc_field_errors():
    from medtrace.udi.hibcc import check_character

    def sealed(body):
        return body + check_character(body)

    cases = {
        sealed("+A99912345/$$2133225LOT"): "hibcc_date",  # month 13
        sealed("+A99912345/$$5253670LOT"): "hibcc_date",  # day 367
        sealed("+A99912345/$$4251231250LOT"): "hibcc_date",  # hour 25
        sealed("+A-9912345"): "hibcc_lic",
        sealed("+A999" + "P" * 19 + "0"): "hibcc_pcn",
        sealed("+A999123X"): "hibcc_uom",
        sealed("+A99912345/$" + "L" * 19): "hibcc_field",
        sealed("+A99912345/$LOT/X12"): "hibcc_segment",
        sealed("+A99912345/$$8"): "hibcc_short",
    }
    for raw, code in cases.items():
        with pytest.raises(UdiError) as info:
            parse(raw, today=TODAY)
        assert info.value.code == code, raw
        assert raw in str(info.value)


def test_hibcc_secondary_alone_keeps_link():
    result = parse("+$$3251231LOT1GC")  # link G (the primary's check), Mod 43 check C
    assert result.lot == "LOT1"
    assert result.elements["LINK"] == "G"
    assert result.di is None


def test_hibcc_code39_asterisks():
    assert parse("*+A99912345/$$52001510X33*").lot == "10X3"


def test_unsupported_issuers_are_named():
    with pytest.raises(UdiError) as info:
        parse("MA.156.1003.1629/10.46100000.riseplatform")  # a general IDcode, not a UDI
    assert info.value.code == "unsupported"
    assert "MA (IDcode)" in str(info.value)


def test_result_is_immutable_and_hashable():
    result = parse("0109506000134352" + "10ABC")
    assert isinstance(result, UdiResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.lot = "X"
    with pytest.raises(TypeError):
        result.elements["10"] = "X"
    assert hash(result) == hash(parse("0109506000134352" + "10ABC"))


def test_as_dict_is_json_friendly():
    result = parse("0109506000134352" + "17260131" + "10ABC", today=TODAY)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["expiry"] == "2026-01-31"
    assert data["manufactured"] is None
    assert data["elements"] == {"01": "09506000134352", "17": "260131", "10": "ABC"}


def test_every_message_formats():
    for code, template in MESSAGES.items():
        names = __import__("re").findall(r"%\((\w+)\)", template)
        error = UdiError(code, **dict.fromkeys(names, "x"))
        assert str(error)


def test_hibcc_space_check_character_trimmed_by_the_sender_is_restored():
    # '+H123PS5501/$$3280111LOT42/SSN0007' has the check character ' ' (Mod 43
    # value 38); OCA stock_barcodes rstrips every scan, as do most form fields.
    whole = "+H123PS5501/$$3280111LOT42/SSN0007 "
    trimmed = whole.rstrip()
    for raw in (whole, trimmed):
        result = parse(raw, today=TODAY)
        assert (result.di, result.lot, result.serial) == ("H123PS5501", "LOT42", "SN0007")
        assert result.expiry == datetime.date(2028, 1, 11)
        assert result.elements["CHECK"] == " "
    # a linked secondary symbol whose own check character was the trimmed space
    linked = parse("+H123PS5501%+$$3300104LOT7%", today=TODAY)
    assert (linked.di, linked.lot, linked.expiry) == (
        "H123PS5501",
        "LOT7",
        datetime.date(2030, 1, 4),
    )


def test_hibcc_code_missing_another_check_character_is_still_refused():
    # restoring the space must not make a code without its check character pass
    with pytest.raises(UdiError) as info:
        parse("+H123PS5501/$$3280112LOT42/SSN0007", today=TODAY)
    assert info.value.code == "hibcc_check"
