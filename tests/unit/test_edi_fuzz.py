"""Whatever bytes arrive, decode raises EdiError or returns a message validate can check."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace import edi

FORMATS = [None, *edi.FORMATS]
SEEDS = {fmt: edi.encode(edi.example_message("shipment_confirmation"), fmt) for fmt in edi.FORMATS}
SEEDS["csv-zh"] = edi.encode(
    edi.example_message("shipment_confirmation"), "csv", lang="zh_CN", encoding="gb18030"
)
BUGS = (
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    AssertionError,
    NameError,
    UnboundLocalError,
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _survives(data, fmt):
    try:
        message = edi.decode(
            data,
            "shipment_confirmation",
            format=fmt,
            limits=edi.Limits(max_lines=50, max_bytes=100_000),
        )
    except edi.EdiError as exc:
        assert exc.code in edi.MESSAGES
        # the last-resort net of decode must not be hiding a bug of ours
        assert not isinstance(exc.__cause__, BUGS), repr(exc.__cause__)
        assert str(exc)  # the template fills with its params
        return
    for problem in edi.validate(message):
        assert problem.message


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(fmt, data):
    _survives(data, fmt)


@pytest.mark.parametrize("seed", list(SEEDS))
@FUZZ
@given(data=st.data())
def test_damaged_files(seed, data):
    """A real file cut short, with bytes flipped or spliced in."""
    original = bytearray(SEEDS[seed])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip":
            original[position] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del original[position:]
        elif action == "insert":
            original[position:position] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del original[position : position + data.draw(st.integers(1, 20))]
        if not original:
            break
    fmt = data.draw(st.sampled_from([None, seed.split("-")[0]]))
    _survives(bytes(original), fmt)


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list(",;|\t\"'\r\n+:?UNABHT报文编号数量0123456789-")), max_size=400
    )
)
def test_text_made_of_separators(text):
    for fmt in FORMATS:
        _survives(text.encode("utf-8"), fmt)


def test_deeply_nested_json():
    _survives(b"[" * 100_000 + b"]" * 100_000, "json")
    _survives(b'{"lines": ' + b"[" * 50_000, None)


def test_huge_integer_in_json():
    _survives(b'{"message_id": "x", "lines": [{"quantity": ' + b"9" * 50_000 + b"}]}", "json")
