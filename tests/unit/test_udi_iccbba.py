"""ICCBBA ISBT 128 and MA (IDcode) reading, beyond the corpus entries."""

import datetime
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.udi import UdiError, parse
from medtrace.udi.iccbba import STRUCTURES, mod37_2

TODAY = datetime.date(2025, 6, 1)
# ICCBBA ST-017 section 5: the full compound message of a tissue device.
ST017 = "=+06000=/A9999XYZ100T0476=,000025=A99971712345600=>019032=}017032&,1000000000000XYZ123"


def test_st017_compound_message_maps_to_the_udi_fields():
    result = parse(ST017, today=TODAY)
    assert result.issuer == "ICCBBA"
    assert result.di == "A9999XYZ100T0476"  # FIN(P) A9999, FPC XYZ100, PDC T0476
    assert result.serial == "A999717123456" + "000025"  # DIN (flags dropped) + divisions
    assert result.lot == "000000000000XYZ123"
    assert result.expiry == datetime.date(2019, 2, 1)  # day 032 of 2019
    assert result.manufactured == datetime.date(2017, 2, 1)
    assert result.gtin is None and result.quantity is None
    assert list(result.elements) == ["=+", "=/", "=,", "=", "=>", "=}", "&,1"]
    assert result.elements["="] == "A99971712345600"  # the DIN with its flag characters


def test_scanner_concatenation_and_single_symbols_read_alike():
    """Compound message, concatenated linear symbols and one symbol at a time."""
    parts = ["=/A9997XYZ100T0479", "=A99991712345600", "=,000012", "=>019031"]
    compound = parse("=+04000" + "".join(parts))
    concatenated = parse("]C4" + "".join(parts))
    assert concatenated.symbology == "]C4"
    for name in ("di", "serial", "expiry"):
        assert getattr(compound, name) == getattr(concatenated, name)
    assert parse(parts[0]).di == "A9997XYZ100T0479"
    assert parse(parts[1]).serial == "A999917123456"
    assert parse(parts[2]).serial == "000012"  # divisions alone: the serial as printed
    assert parse(parts[3]).expiry == datetime.date(2019, 1, 31)


def test_date_and_time_structures():
    result = parse("&>0183652359&}0180010800")
    assert result.expiry == datetime.date(2018, 12, 31)
    assert result.manufactured == datetime.date(2018, 1, 1)
    assert parse("=>020366").expiry == datetime.date(2020, 12, 31)  # leap year
    assert parse("=]202402").expiry == datetime.date(2024, 2, 29)  # month and year: last day


def test_same_date_twice_must_agree():
    assert parse("=>019031&>0190312359").expiry == datetime.date(2019, 1, 31)
    with pytest.raises(UdiError) as info:
        parse("=>019031&>0190322359")
    assert info.value.code == "isbt_duplicate"


def test_mod37_2_matches_iccbba_examples():
    assert mod37_2("G123417654321") == 10  # ST-001 appendix A.1
    assert mod37_2("A9990ABC123T0480") == 8  # ST-017 appendix 1 (Basic UDI-DI "08")


def test_din_flags_other_than_type_3_are_not_check_values():
    assert parse("=G12341765432100").serial == "G123417654321"
    assert parse("=G123417654321A1").elements["="].endswith("A1")


def test_global_registration_identifier_checksum():
    body = "1234" + "ABCDEFGHJKLMN"
    good = f"&:{body}{mod37_2(body):02d}"
    assert parse(good).elements["&:"] == good[2:]
    bad = f"&:{body}{(mod37_2(body) + 1) % 37:02d}"
    with pytest.raises(UdiError) as info:
        parse(bad)
    assert info.value.code == "isbt_check"


def test_variable_length_structures():
    result = parse("&#0105ABC12=A99991712345600")  # patient id: location 01, 5 characters
    assert result.elements["&#"] == "0105ABC12"
    assert result.serial == "A999917123456"
    assert parse("&$01" + "A" * 14).elements["&$"] == "01" + "A" * 14
    with pytest.raises(UdiError) as info:
        parse("&#01xxABC")
    assert info.value.code == "isbt_bad_format"


def test_structure_not_defined_by_iccbba_runs_to_the_end():
    result = parse("=A99991712345600&xSOME-LOCAL-DATA")
    assert result.elements["&x"] == "SOME-LOCAL-DATA"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        (
            "=/A999OAB3456T0123",
            "isbt_bad_format",
            ["=/", "Processor Product", "'A999OAB3456T0123'"],
        ),
        ("=A99991712345671", "isbt_check", ["Donation Identification Number", "71", "mod 37-2"]),
        ("=>019000", "isbt_bad_date", ["=>", "'019000'", "day 0 of 2019"]),
        ("=,00001", "isbt_truncated", ["=,", "Product Divisions", "6 characters"]),
        ("=/A9997AB3456T0123X", "isbt_unknown", ["'X'", "position 18"]),
        ("=0A9991712345600", "isbt_unknown", ["position 0"]),
        ("&,5ABC", "isbt_unknown", ["'&,5ABC'"]),
        ("=+01000=/A9997AB3456T0123=,000001", "isbt_compound", ["announces 1", "2 follow"]),
        ("=,000001=+01000=/A9997AB3456T0123", "isbt_compound", ["must come first"]),
        ("=,00001a", "isbt_bad_format", ["=,", "'00001a'"]),
        ("&,1000000000000xYZ123", "isbt_bad_format", ["&,1", "MPHO Lot Number"]),
    ],
)
def test_isbt_errors_name_structure_value_and_problem(raw, code, words):
    with pytest.raises(UdiError) as info:
        parse(raw, today=TODAY)
    assert info.value.code == code
    for word in words:
        assert word in str(info.value), str(info.value)


def test_every_fixed_structure_is_consumed_by_its_length():
    for di, (_number, _title, size) in STRUCTURES.items():
        if size is None or di in ("=", "=+"):
            continue
        filler = {
            "=>": "019031",
            "=*": "019031",
            "=}": "019031",
            "&>": "0190312359",
            "&*": "0190312359",
            "&}": "0190312359",
            "=]": "202401",
            "=<": "T0480000",
            "&:": "1234ABCDEFGHJKLMN" + f"{mod37_2('1234ABCDEFGHJKLMN'):02d}",
            "=/": "A9997AB3456T0123",
        }.get(di, "1" * size)
        result = parse(di + filler + "=A99991712345600")
        assert result.elements[di] == filler, di
        assert result.serial.startswith("A999917123456"), di


# -- MA (IDcode) ---------------------------------------------------------------


def test_ma_fields():
    raw = "MA.156.M0.100761.21234561.Sx00008.M220117.L20220117.D20220118.E220130.V220117.C3"
    result = parse(raw, today=TODAY)
    assert (result.issuer, result.di) == ("MA", "MA.156.M0.100761.21234561")
    assert (result.serial, result.lot) == ("x00008", "20220117")
    assert result.expiry == datetime.date(2022, 1, 30)  # E (expiry), not V (use until)
    assert result.manufactured == datetime.date(2022, 1, 17)
    assert result.elements["D"] == "20220118"  # sterilisation lot
    assert result.elements["C"] == "3"  # check character: kept, not verifiable


def test_ma_use_until_date_when_no_expiry_and_eight_digit_dates():
    result = parse("MA.156.M0.100761.21234561.V20261231.M20250102")
    assert result.expiry == datetime.date(2026, 12, 31)
    assert result.manufactured == datetime.date(2025, 1, 2)


def test_ma_older_unit_letters_are_kept_raw():
    result = parse("MA.156.M0.100472.11103316.S1576130942.P190101.LABS20191201.E191201")
    assert result.elements["P"] == "190101"
    assert result.lot == "ABS20191201"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("MA.15.M0.100761.21234561", "ma_structure", ["country code", "'15'"]),
        ("MA.156.M0.100761.2123-4561", "ma_structure", ["product code", "'2123-4561'"]),
        ("MA.156.M0.100761.21234561.E220230", "ma_date", ["expiry date", "'220230'"]),
        ("MA.156.M0.100761.21234561.M2201", "ma_date", ["production date", "6 or 8 digits"]),
        ("MA.156.M0.100761.21234561.L", "ma_structure", ["data unit", "'L'"]),
        ("MA.156.M0.100761.21234561..L1", "ma_structure", ["data unit", "''"]),
        ("MA.156.M0.100761.21234561.S1.S2", "ma_duplicate", ["S", "'1'", "'2'"]),
        ("MA.156.X1.100761.21234561", "unsupported", ["'X1'", "M0"]),
    ],
)
def test_ma_errors(raw, code, words):
    with pytest.raises(UdiError) as info:
        parse(raw, today=TODAY)
    assert info.value.code == code
    for word in words:
        assert word in str(info.value), str(info.value)


# -- robustness and the command line ------------------------------------------------

_ISBT_CHARS = "=&,/<>}*+%-;:)(0123456789AGTZaxO "


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ISBT_CHARS, max_size=80))
def test_isbt_and_ma_shaped_noise_raises_only_udi_error(text):
    for prefix in ("=", "&", "=+03000", "=/A9997AB3456T0123", "MA.156.M0.100761.2123456.", "MA."):
        try:
            parse(prefix + text)
        except UdiError:
            pass


@settings(max_examples=500)
@given(st.text(max_size=60))
def test_isbt_and_ma_prefixed_unicode_raises_only_udi_error(text):
    for prefix in ("=", "&#", "&$", "&%", "&:", "MA.156.M0.100761.1."):
        try:
            parse(prefix + text)
        except UdiError:
            pass


def test_cli_prints_iccbba_and_ma():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "medtrace",
            "udi",
            "parse",
            "--json",
            ST017,
            "MA.156.M0.100204.13351764.L42",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    first, second = (json.loads(line) for line in out)
    assert (first["issuer"], first["di"], first["elements"]["&,1"]) == (
        "ICCBBA",
        "A9999XYZ100T0476",
        "000000000000XYZ123",
    )
    assert (second["issuer"], second["di"], second["lot"]) == (
        "MA",
        "MA.156.M0.100204.13351764",
        "42",
    )
