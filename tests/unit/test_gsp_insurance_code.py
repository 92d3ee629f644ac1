"""medtrace.gsp: the national medical insurance consumable code (医保医用耗材代码) and
codes of the former 2002 device catalogue."""

import pytest

from medtrace import gsp
from medtrace.gsp import GspCodeError

# --- medical insurance consumable code ----------------------------------------------

#: C0301010010000000001 typed with full-width characters
FULL_WIDTH = "".join(chr(ord(char) + 0xFEE0) for char in "C0301010010000000001")


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("C0301010010000000001", "C0301010010000000001"),
        ("c0301010010000000001", "C0301010010000000001"),
        (" C03 0101 001 00000 00001 ", "C0301010010000000001"),
        (FULL_WIDTH, "C0301010010000000001"),
        ("C1403020350000500432", "C1403020350000500432"),
    ],
)
def test_insurance_codes(value, normalised):
    code = gsp.validate_insurance_code(value)
    assert code.code == normalised


def test_insurance_code_parts():
    code = gsp.validate_insurance_code("C1403020350000500432")
    assert (code.classification, code.generic_name, code.features, code.manufacturer) == (
        "140302",
        "035",
        "00005",
        "00432",
    )
    assert len(code.code) == 20


@pytest.mark.parametrize(
    ("value", "error", "params"),
    [
        ("", "insurance_code_length", {"length": 0}),
        ("C030101001000000000", "insurance_code_length", {"length": 19}),
        ("C03010100100000000011", "insurance_code_length", {"length": 21}),
        ("D0301010010000000001", "insurance_code_prefix", {"char": "D"}),
        ("03010100100000000011", "insurance_code_prefix", {"char": "0"}),
        ("C03010100100000000A1", "insurance_code_digits", {"char": "A"}),
        ("C0301-10010000000001", "insurance_code_digits", {"char": "-"}),
        ("C0001010010000000001", "insurance_code_classification", {"level": "00"}),
    ],
)
def test_wrong_insurance_codes(value, error, params):
    with pytest.raises(GspCodeError) as err:
        gsp.validate_insurance_code(value)
    assert err.value.code == error
    assert err.value.params["value"] == value.replace(" ", "")
    for key, expected in params.items():
        assert err.value.params[key] == expected
    # the message is the template filled with its parameters, naming the value
    assert str(err.value) == err.value.template % err.value.params
    if value:
        assert value in str(err.value)


def test_insurance_code_errors_have_templates_with_their_params():
    for code in (
        "insurance_code_length",
        "insurance_code_prefix",
        "insurance_code_digits",
        "insurance_code_classification",
        "legacy_code_format",
    ):
        assert "%(value)s" in GspCodeError.MESSAGES[code]


# --- codes of the former (2002) catalogue ------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("6846", "6846"),
        ("6846-1", "6846-1"),
        ("6846-01", "6846-1"),
        (" 6846 - 01 ", "6846-1"),
        ("６８４６－１", "6846-1"),
        ("6823-03-04", "6823-3-4"),
        ("6821-16", "6821-16"),
    ],
)
def test_legacy_codes(value, normalised):
    assert gsp.normalise_legacy_code(value) == normalised


@pytest.mark.parametrize("value", ["", "6946-1", "684", "6846-", "6846-123", "6846-1-2-3", "13-04"])
def test_wrong_legacy_codes(value):
    with pytest.raises(GspCodeError) as err:
        gsp.normalise_legacy_code(value)
    assert err.value.code == "legacy_code_format"
