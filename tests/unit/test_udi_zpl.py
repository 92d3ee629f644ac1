"""ZPL labels: printed back by an independent ZPL reader (zebrafy) and decoded by zxing-cpp.

zebrafy turns each ``^GFA`` graphic field into an image (hex data and ZPL's
G-Y/g-z repeat counts, ``,`` ``!`` ``:`` row codes); the images are pasted on
a blank label at their ``^FO`` origins, as the printer would print them, and
zxing-cpp reads the symbols.  The text fields are read back from the UTF-8
bytes a printer receives (``^FH`` hex escapes undone).
"""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.cli import main
from medtrace.udi import UdiError, gs1_digital_link, gs1_element_string
from medtrace.udi.gs1 import mod10_check_digit
from medtrace.udi.symbols import datamatrix, gs1_128
from medtrace.udi.zpl import module_dots, zpl_label

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")
zebrafy = pytest.importorskip("zebrafy")

GS = "\x1d"
GTIN = "09506000134352"
TITLE = "髋关节柄 Hip stem 12"  # a Chinese product name


def render_back(zpl: str):
    """The label as a printer would print it: a white page, each ^GF image at its ^FO."""
    width = int(re.search(r"\^PW(\d+)", zpl).group(1))
    height = int(re.search(r"\^LL(\d+)", zpl).group(1))
    page = Image.new("L", (width, height), 255)
    origins = [(int(x), int(y)) for x, y in re.findall(r"\^FO(\d+),(\d+)\^GF", zpl)]
    images = zebrafy.ZebrafyZPL(zpl).to_images()
    for origin, image in zip(origins, images, strict=True):
        page.paste(image.convert("L"), origin)
    return page


def decode(zpl: str):
    """(text with FNC1 as GS, symbology identifier) of each symbol on the printed label."""
    return [
        (found.text, found.symbology_identifier)
        for found in zxingcpp.read_barcodes(render_back(zpl), text_mode=zxingcpp.TextMode.Plain)
    ]


def printed_texts(zpl: str) -> list[str]:
    """Text of each ^FH field as the printer prints it from the UTF-8 bytes it receives."""
    raw = zpl.encode("utf-8")
    return [
        re.sub(rb"\\([0-9A-Fa-f]{2})", lambda m: bytes.fromhex(m.group(1).decode()), data).decode(
            "utf-8"
        )
        for data in re.findall(rb"\^FH\\\^FD(.*?)\^FS", raw, re.DOTALL)
    ]


UNITS = {
    "serial unit": {"gtin": GTIN, "serial": "SN42", "expiry": "2027-05-31"},
    "lot unit with expiry": {
        "gtin": GTIN,
        "lot": "LOT-2025A",
        "expiry": "2027-05-31",
        "manufactured": datetime.date(2025, 1, 15),
    },
    "lot and serial (GS between)": {
        "gtin": GTIN,
        "lot": "L1",
        "serial": "S/0001",
        "expiry": datetime.date(2030, 12, 31),
    },
}


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_datamatrix_label_decodes_to_the_element_string(unit, dpi):
    zpl = zpl_label("datamatrix", title=TITLE, dpi=dpi, **unit)
    assert decode(zpl) == [(gs1_element_string(**unit), "]d2")]


@pytest.mark.parametrize("dpi", [152, 203, 300])
def test_gs1_128_label_decodes_to_the_element_string(dpi):
    unit = {"gtin": GTIN, "lot": "LOT1", "expiry": "2027-05-31"}
    zpl = zpl_label("gs1-128", dpi=dpi, **unit)
    assert decode(zpl) == [("01095060001343521727053110LOT1", "]C1")]
    assert decode(zpl_label("gs1-128", gtin=GTIN, lot="L1", serial="7")) == [
        ("010950600013435210L1" + GS + "217", "]C1")
    ]


def test_qr_label_decodes_to_the_digital_link():
    zpl = zpl_label("qr", gtin=GTIN, serial="SN42", domain="https://udi.example.cn")
    assert decode(zpl) == [
        (gs1_digital_link(GTIN, serial="SN42", domain="https://udi.example.cn"), "]Q1")
    ]


def test_printed_dots_are_exactly_our_encoders_modules():
    unit = UNITS["lot and serial (GS between)"]
    matrix = datamatrix(gs1_element_string(**unit), gs1=True)
    for dpi in (203, 300):
        module = module_dots("datamatrix", dpi)
        [image] = zebrafy.ZebrafyZPL(zpl_label("datamatrix", dpi=dpi, **unit)).to_images()
        image = image.convert("L")
        side = (len(matrix) + 2) * module  # a quiet zone of one module around the symbol
        assert (image.width, image.height) == (-(-side // 8) * 8, side)  # rows: whole bytes
        sampled = [
            [
                1
                if image.getpixel(((x + 1) * module + module // 2, (y + 1) * module + module // 2))
                < 128
                else 0
                for x in range(len(matrix[0]))
            ]
            for y in range(len(matrix))
        ]
        assert sampled == matrix
    bars = gs1_128(gs1_element_string(**unit))[0]
    module = module_dots("gs1-128", 203)
    [image] = zebrafy.ZebrafyZPL(zpl_label("gs1-128", **unit)).to_images()
    image = image.convert("L")
    for y in range(0, image.height, module):  # every row of dots: the same bars
        assert [
            1 if image.getpixel(((x + 10) * module, y)) < 128 else 0 for x in range(len(bars))
        ] == bars


def test_compressed_graphic_prints_the_same_dots_as_plain_hex():
    from medtrace.udi import zpl as zpl_module

    unit = UNITS["lot unit with expiry"]
    for symbology in ("datamatrix", "gs1-128", "qr"):
        compressed = zpl_label(symbology, dpi=300, **unit)
        plain_field = zpl_module.graphic_field(
            zpl_module.bitmap(symbology, zpl_module.symbol_data(symbology, **unit)[0], 300),
            compress=False,
        )[0]
        assert re.fullmatch(r"\^GFA,\d+,\d+,\d+,[0-9A-F]+", plain_field)
        start = compressed.index("^GFA,")
        plain = compressed[:start] + plain_field + compressed[compressed.index("^FS", start) :]
        assert len(compressed) < len(plain) / 3
        assert list(render_back(compressed).getdata()) == list(render_back(plain).getdata())


@st.composite
def units(draw):
    body = draw(st.text("0123456789", min_size=13, max_size=13))
    unit = {"gtin": body + str(mod10_check_digit(body))}
    chars = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    for name in draw(st.sets(st.sampled_from(["lot", "serial"]), min_size=1)):
        unit[name] = draw(st.text(chars, min_size=1, max_size=20))
    if draw(st.booleans()):
        unit["expiry"] = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2049, 12, 31)))
    return unit


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=units(), dpi=st.sampled_from([152, 203, 300]))
def test_any_unit_prints_a_decodable_datamatrix(unit, dpi):
    assert decode(zpl_label("datamatrix", dpi=dpi, **unit)) == [(gs1_element_string(**unit), "]d2")]


def test_label_frame_size_and_utf8_title():
    zpl = zpl_label(
        "datamatrix", title=TITLE, dpi=300, width_mm=50.8, height_mm=25.4, **UNITS["serial unit"]
    )
    assert zpl.startswith("^XA\n^CI28\n")  # UTF-8 from the first field on
    assert zpl.rstrip("\n").endswith("^XZ")
    assert "^PW600\n" in zpl and "^LL300\n" in zpl  # 2 x 1 inch at 300 dpi
    assert TITLE.encode("utf-8") in zpl.encode("utf-8")
    assert printed_texts(zpl) == [TITLE, "(01) 09506000134352", "(17) 270531", "(21) SN42"]


def test_caret_and_tilde_in_text_are_hex_escaped():
    title = "Stent ^XZ~JR \\ 50%"
    zpl = zpl_label("datamatrix", title=title, gtin=GTIN, serial="S1")
    [field] = re.findall(r"\^FD(.*?)\^FS", zpl.split("\n")[5])
    assert field == "Stent \\5EXZ\\7EJR \\5C 50%"
    assert zpl.count("^XZ") == 1 and "~JR" not in zpl  # no command smuggled in
    assert printed_texts(zpl)[0] == title


@pytest.mark.parametrize("lot", ["A^XZ", "A~JR"])
def test_caret_or_tilde_in_a_lot_is_refused_as_gs1_cannot_carry_it(lot):
    with pytest.raises(UdiError) as error:
        zpl_label("datamatrix", gtin=GTIN, lot=lot)
    assert error.value.code == "gs1_bad_chars"
    assert error.value.params["data"] == lot


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        (
            {"symbology": "pdf417", "gtin": GTIN},
            "render_symbology",
            "UDI label: symbology 'pdf417' is not one of datamatrix, gs1-128, qr",
        ),
        (
            {"gtin": GTIN, "dpi": 250},
            "build_bad",
            "UDI label: dpi '250' must be one of 152, 203, 300 or 600 (printer resolution)",
        ),
        (
            {"gtin": "09506000134353"},
            "build_bad",
            "UDI label: gtin '09506000134353' has a wrong check digit (2 expected)",
        ),
        ({"gtin": ""}, "build_missing", "UDI label: gtin is required"),
        (
            {"symbology": "gs1-128", "gtin": GTIN, "lot": "L1", "width_mm": 40},
            "build_bad",
            "UDI label: label size '40 x 60.0 mm' is too small for the gs1-128 symbol "
            "(49.5 x 12.0 mm)",
        ),
        (
            {"gtin": GTIN, "lot": "L1", "serial": "S1", "expiry": "2027-01-01", "height_mm": 14},
            "build_bad",
            "UDI label: label size '100.0 x 14 mm' is too small for the human-readable text",
        ),
        (
            {"gtin": GTIN, "expiry": "2027-02-30"},
            "build_bad",
            "UDI label: expiry '2027-02-30' is not a date YYYY-MM-DD",
        ),
    ],
)
def test_bad_input_is_refused(kwargs, code, message):
    with pytest.raises(UdiError) as error:
        zpl_label(**kwargs)
    assert error.value.code == code
    assert str(error.value) == message


def test_native_variant_uses_the_printers_gs1_commands():
    unit = UNITS["lot and serial (GS between)"]
    zpl = zpl_label("datamatrix", native=True, **unit)
    assert "^GF" not in zpl
    assert "^BXN,3,200,0,0,,#,1^FD#101095060001343521730123110L1#121S/0001^FS" in zpl
    zpl = zpl_label("gs1-128", native=True, **unit)
    assert "^BY2^BCN,96,N,N,N,D^FD(01)09506000134352(17)301231(10)L1>8(21)S/0001^FS" in zpl


def test_cli_writes_a_zpl_label(tmp_path, capsys):
    out = tmp_path / "unit.zpl"
    status = main(
        [
            "udi",
            "label",
            "--symbology",
            "datamatrix",
            "--out",
            str(out),
            "--gtin",
            GTIN,
            "--serial",
            "SN42",
            "--title",
            TITLE,
            "--dpi",
            "300",
        ]
    )
    assert status == 0
    assert capsys.readouterr().out.strip() == str(out)
    zpl = out.read_bytes().decode("utf-8")
    assert decode(zpl) == [("010950600013435221SN42", "]d2")]
    assert printed_texts(zpl)[0] == TITLE
    assert (
        main(
            [
                "udi",
                "label",
                "--symbology",
                "datamatrix",
                "--out",
                str(out),
                "--gtin",
                GTIN,
                "--lot",
                "A^B",
            ]
        )
        == 2
    )
    assert "contains" in capsys.readouterr().err
