"""Write then read: builders, rendered labels decoded by zxing-cpp, random input."""

import datetime
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.udi import (
    UdiError,
    gs1_digital_link,
    gs1_element_string,
    gs1_hri,
    hibcc_string,
    parse,
    render_label,
)
from medtrace.udi.gs1 import mod10_check_digit
from medtrace.udi.symbols import datamatrix

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

GS = "\x1d"
# GS1 AI encodable character set 82
X_CHARS = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
HIBC_DATA = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-."


@st.composite
def gtins(draw):
    body = draw(st.text("0123456789", min_size=13, max_size=13))
    return body + str(mod10_check_digit(body))


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2049, 12, 31))
units = st.fixed_dictionaries(
    {"gtin": gtins()},
    optional={
        "lot": st.text(X_CHARS, min_size=1, max_size=20),
        "serial": st.text(X_CHARS, min_size=1, max_size=20),
        "expiry": dates,
        "manufactured": dates,
    },
)


def _fields(result):
    return {
        "gtin": result.gtin,
        "lot": result.lot,
        "serial": result.serial,
        "expiry": result.expiry,
        "manufactured": result.manufactured,
    }


def _expected(unit):
    return {name: unit.get(name) for name in ("gtin", "lot", "serial", "expiry", "manufactured")}


@settings(max_examples=300)
@given(units)
def test_element_string_round_trip(unit):
    text = gs1_element_string(**unit)
    assert _fields(parse(text)) == _expected(unit)
    # separators only where needed: never before a fixed-length element, never at the end
    assert not text.endswith(GS)
    assert text.count(GS) == (1 if unit.get("lot") and unit.get("serial") else 0)


@settings(max_examples=200)
@given(units)
def test_digital_link_round_trip(unit):
    assert _fields(parse(gs1_digital_link(**unit))) == _expected(unit)


@settings(max_examples=200)
@given(units.filter(lambda u: "(" not in u.get("lot", "") + u.get("serial", "")))
def test_hri_round_trip(unit):
    assert _fields(parse(gs1_hri(**unit))) == _expected(unit)


@settings(max_examples=200)
@given(
    lic=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1).flatmap(
        lambda first: st.text(HIBC_DATA[:36], min_size=3, max_size=3).map(lambda r: first + r)
    ),
    pcn=st.text(HIBC_DATA[:36], min_size=1, max_size=18),
    uom=st.sampled_from("0123456789"),
    lot=st.none() | st.text(HIBC_DATA, min_size=1, max_size=18),
    serial=st.none() | st.text(HIBC_DATA, min_size=1, max_size=18),
    expiry=st.none() | dates,
    manufactured=st.none() | dates,
    quantity=st.none() | st.integers(0, 99999),
)
def test_hibcc_round_trip(lic, pcn, uom, lot, serial, expiry, manufactured, quantity):
    text = hibcc_string(
        lic,
        pcn,
        uom,
        lot=lot,
        serial=serial,
        expiry=expiry,
        manufactured=manufactured,
        quantity=quantity,
    )
    result = parse(text)
    assert result.di == lic + pcn + uom
    assert (result.lot, result.serial, result.expiry, result.manufactured, result.quantity) == (
        lot,
        serial,
        expiry,
        manufactured,
        quantity,
    )


def _decode(png_bytes):
    image = Image.open(io.BytesIO(png_bytes)).convert("L")
    return zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Escaped)


def _plain(result):
    """zxing-cpp's escaped text with <GS> turned back into ASCII 29."""
    return result.text.replace("<GS>", GS)


LABEL_UNITS = units.filter(lambda u: len(gs1_element_string(**u)) <= 48)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LABEL_UNITS, st.sampled_from(["datamatrix", "gs1-128", "qr"]))
def test_rendered_png_decodes_to_same_data(unit, symbology):
    symbols = _decode(render_label(symbology, "png", **unit))
    assert len(symbols) == 1
    symbol = symbols[0]
    if symbology == "qr":
        assert symbol.text == gs1_digital_link(**unit)
        assert symbol.symbology_identifier == "]Q1"
    else:
        assert _plain(symbol) == gs1_element_string(**unit)
        assert symbol.symbology_identifier == ("]d2" if symbology == "datamatrix" else "]C1")
    assert _fields(parse(symbol.symbology_identifier + _plain(symbol))) == _expected(unit)


@pytest.mark.parametrize("symbology", ["datamatrix", "gs1-128", "qr"])
def test_svg_label_structure_matches_png(symbology):
    unit = {"gtin": "09506000134352", "lot": "ABC", "expiry": datetime.date(2026, 1, 31)}
    svg = render_label(symbology, "svg", **unit).decode()
    assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert "(01) 09506000134352" in svg or "(01)09506000134352" in svg
    # rasterise the SVG's rectangles and decode them
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    image = Image.new("L", (width, height), 255)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    for x, y, w, h in re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/>', svg):
        x, y, w, h = int(x), int(y), int(w), int(h)
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=0)
    symbols = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Escaped)
    assert len(symbols) == 1
    expected = gs1_digital_link(**unit) if symbology == "qr" else gs1_element_string(**unit)
    assert _plain(symbols[0]) == expected


@pytest.mark.parametrize("length", [1, 30, 100, 300, 700])
def test_datamatrix_sizes_decode(length):
    # multi-region and multi-block (interleaved Reed-Solomon) symbols
    text = "10" + ("A1b2" * 200)[:length]
    matrix = datamatrix(text)
    scale, quiet = 4, 2
    size = len(matrix)
    image = Image.new("L", ((size + 2 * quiet) * scale,) * 2, 255)
    pixels = image.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    for dx in range(scale):
                        pixels[(x + quiet) * scale + dx, (y + quiet) * scale + dy] = 0
    symbols = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Escaped)
    assert [(s.text, s.symbology_identifier) for s in symbols] == [(text, "]d2")]


def test_builders_refuse_bad_data():
    with pytest.raises(UdiError):
        gs1_element_string(gtin="09506000134351")  # check digit
    with pytest.raises(UdiError):
        gs1_element_string(gtin="09506000134352", lot="A" * 21)
    with pytest.raises(UdiError):
        gs1_element_string(gtin="09506000134352", lot="caf\u00e9")
    with pytest.raises(UdiError):
        gs1_element_string(gtin="09506000134352", expiry="2026-13-01")
    with pytest.raises(UdiError):
        hibcc_string("A999", "1234", "5", lot="lower")
    with pytest.raises(UdiError) as info:
        render_label("gs1-128", "png", gtin="09506000134352", lot="A" * 20, serial="B" * 20)
    assert info.value.code == "render_too_long"


def test_builder_outputs():
    unit = {
        "gtin": "9506000134352",
        "lot": "ABC",
        "serial": "S/1",
        "expiry": datetime.date(2026, 1, 31),
        "manufactured": "2025-01-15",
    }
    assert gs1_element_string(**unit) == "0109506000134352112501151726013110ABC" + GS + "21S/1"
    assert gs1_hri(**unit) == "(01)09506000134352(11)250115(17)260131(10)ABC(21)S/1"
    assert gs1_digital_link(**unit) == (
        "https://id.gs1.org/01/09506000134352/10/ABC/21/S%2F1?17=260131&11=250115"
    )
    assert hibcc_string("A999", "1234", "5", lot="10X3", expiry=datetime.date(2020, 1, 15)) == (
        "+A99912345/$$320011510X3" + "2"
    )  # Mod 43 as verified by the corpus


@settings(max_examples=2000)
@given(st.text())
def test_random_text_raises_only_udi_error(text):
    for separator in (None, "|"):
        try:
            parse(text, separator=separator)
        except UdiError:
            pass


@settings(max_examples=1000)
@given(st.binary())
def test_random_bytes_raise_only_udi_error(data):
    for text in (
        data.decode("latin-1"),
        "]d2" + data.decode("latin-1"),
        "+" + data.decode("latin-1"),
        "https://x.org/01/" + data.decode("latin-1"),
    ):
        try:
            parse(text)
        except UdiError:
            pass


@settings(max_examples=1000)
@given(st.text(alphabet="0123456789" + GS + "ABC+$/", max_size=60))
def test_gs1_and_hibcc_shaped_noise_raises_only_udi_error(text):
    for prefix in ("", "01", "+A999", "+$$", "(01)"):
        try:
            parse(prefix + text)
        except UdiError:
            pass


def test_non_text_input():
    with pytest.raises(UdiError):
        parse(b"0109506000134352")


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse("0106950000001016" + "7007" + "2"),  # a date shorter than its format
        lambda: parse("0106950000001016" + "17" + "²²²²²²"),  # digits that are not 0-9
        lambda: parse("+H123PROD1/$$3²²²²²LOT"),
        lambda: gs1_element_string("0695000000101²"),
    ],
)
def test_non_ascii_or_short_digits_raise_udi_error(call):
    """Found by hypothesis: "²".isdigit() is true but int("²") fails, and a date AI of
    variable length may hold fewer digits than its date: both are refused as UdiError."""
    with pytest.raises(UdiError):
        call()
