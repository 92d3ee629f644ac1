"""UDI labels in ZPL II, the language of Zebra label printers.

The symbol is sent as a ``^GFA`` graphic field drawn dot by dot from the module
matrix of :mod:`medtrace.udi.symbols`, so the printer prints exactly the symbol
our tested encoder made, whatever its firmware.  ``native=True`` writes the
printer's own barcode commands instead (``^BX`` GS1 DataMatrix with FNC1,
``^BC`` GS1-128 in UCC/EAN mode, ``^BQ`` QR): smaller, but the printer encodes
it, so that variant is NOT checked by rendering it back and decoding it.

Text lines use font ``0`` (or a font stored on the printer, e.g.
``font="E:SIMSUN.TTF"`` for Chinese product names, which font 0 has no glyphs
for), ``^CI28`` (UTF-8) and ``^FH`` hex escapes for ``^``, ``~`` and ``\\``.
"""

from __future__ import annotations

import math

from .build import gs1_elements
from .errors import UdiError
from .gs1 import GS
from .render import SYMBOLOGIES, symbol_data

DPIS = (152, 203, 300, 600)
#: module size in mm: GS1 healthcare symbols, X-dimension 0.25 mm (GS1-128) and
#: 0.255-0.615 mm (DataMatrix); QR as DataMatrix.
_MODULE_MM = {"datamatrix": 0.375, "gs1-128": 0.25, "qr": 0.375}
_QUIET = {"datamatrix": 1, "gs1-128": 10, "qr": 4}  # modules of blank kept inside the graphic
_BAR_MM = 12.0  # GS1-128 bar height
_MARGIN_MM = 2.0
_TEXT_MM = 2.5  # height of the human-readable lines
_TITLE_MM = 3.0


def dots(mm: float, dpi: int) -> int:
    """Printer dots in ``mm`` millimetres (at least one)."""
    return max(1, round(mm * dpi / 25.4))


def module_dots(symbology: str, dpi: int) -> int:
    """Dots per module of ``symbology`` at ``dpi``: never below the GS1 minimum size."""
    size = _MODULE_MM[symbology] * dpi / 25.4
    return max(1, math.ceil(size - 0.01) if symbology == "gs1-128" else round(size))


def bitmap(symbology: str, matrix: list[list[int]], dpi: int) -> list[list[int]]:
    """Rows of 0/1 dots of the symbol, quiet zone included (a 1-D symbol gets bar height)."""
    module = module_dots(symbology, dpi)
    quiet = _QUIET[symbology]
    rows = [matrix[0]] * max(1, dots(_BAR_MM, dpi) // module) if len(matrix) == 1 else matrix
    blank = [0] * (len(rows[0]) + 2 * quiet)
    padded = [blank] * (quiet if len(matrix) > 1 else 0)
    padded = padded + [[0] * quiet + list(row) + [0] * quiet for row in rows] + padded
    out = []
    for row in padded:
        line = [dot for dot in row for _ in range(module)]
        out.extend([line] * module)
    return out


def _run(count: int, char: str) -> str:
    """ZPL repeat count for ``count`` copies of hex digit ``char`` (G-Y: 1-19, g-z: 20-400)."""
    parts = []
    while count > 400:
        parts.append("z" + char)
        count -= 400
    if count > 2:
        code = (chr(ord("f") + count // 20) if count >= 20 else "") + (
            chr(ord("F") + count % 20) if count % 20 else ""
        )
        parts.append(code + char)
    else:
        parts.append(char * count)
    return "".join(parts)


def _compress(hex_row: str, previous: str | None) -> str:
    """One row of ``^GFA`` data in ZPL's ASCII compression."""
    if hex_row == previous:
        return ":"
    body, end = hex_row, ""
    if hex_row.endswith("0"):
        body, end = hex_row.rstrip("0"), ","
    elif hex_row.endswith("F"):
        body, end = hex_row.rstrip("F"), "!"
    out, index = [], 0
    while index < len(body):
        stop = index
        while stop < len(body) and body[stop] == body[index]:
            stop += 1
        out.append(_run(stop - index, body[index]))
        index = stop
    return "".join(out) + end


def graphic_field(rows: list[list[int]], compress: bool = True) -> tuple[str, int, int]:
    """(``^GFA,...`` command, width in dots, height in dots) of a 0/1 bitmap."""
    width = len(rows[0])
    per_row = (width + 7) // 8
    data, previous = [], None
    for row in rows:
        bits = "".join("1" if dot else "0" for dot in row).ljust(per_row * 8, "0")
        hex_row = "".join(f"{int(bits[i : i + 8], 2):02X}" for i in range(0, len(bits), 8))
        data.append(_compress(hex_row, previous) if compress else hex_row)
        previous = hex_row
    total = per_row * len(rows)
    return f"^GFA,{total},{total},{per_row},{''.join(data)}", width, len(rows)


def field_data(text: str) -> str:
    """``^FH\\^FD...`` of ``text``: ``^``, ``~`` and ``\\`` as hex escapes, controls as spaces."""
    escaped = []
    for char in str(text):
        if char in "^~\\":
            escaped.append(f"\\{ord(char):02X}")
        else:
            escaped.append(" " if ord(char) < 32 or ord(char) == 127 else char)
    return "^FH\\^FD" + "".join(escaped)


def _native(symbology: str, data: str, fields: tuple, dpi: int) -> str:
    """The printer's own barcode command for the symbol (the printer encodes it)."""
    module = module_dots(symbology, dpi)
    if symbology == "datamatrix":
        # ECC 200, escape character "#" (GS1 data cannot hold it): "#1" is FNC1
        return f"^BXN,{module},200,0,0,,#,1^FD#1{data.replace(GS, '#1')}^FS"
    if symbology == "gs1-128":
        # UCC/EAN mode: the printer adds the leading FNC1; ">8" is FNC1 after a lot/serial
        elements = gs1_elements(*fields)
        last = len(elements) - 1
        text = "".join(
            f"({ai}){value}" + (">8" if ai in ("10", "21") and index < last else "")
            for index, (ai, value) in enumerate(elements)
        )
        return f"^BY{module}^BCN,{dots(_BAR_MM, dpi)},N,N,N,D^FD{text}^FS"
    return f"^BQN,2,{module}^FDMA,{data}^FS"  # error correction M, automatic mode


def zpl_label(
    symbology: str = "datamatrix",
    *,
    gtin,
    lot=None,
    serial=None,
    expiry=None,
    manufactured=None,
    title=None,
    dpi: int = 203,
    width_mm: float = 100.0,
    height_mm: float = 60.0,
    font: str | None = None,
    native: bool = False,
    domain: str = "https://id.gs1.org",
) -> str:
    """ZPL II label of one unit: title, symbol and the ``(AI) value`` lines.

    Raises :class:`UdiError` for data GS1 cannot carry, an unknown symbology or
    printer resolution, and a symbol larger than the label.
    """
    if symbology not in SYMBOLOGIES:
        raise UdiError("render_symbology", symbology=symbology)
    if dpi not in DPIS:
        raise UdiError(
            "build_bad",
            field="dpi",
            data=str(dpi),
            reason="must be one of 152, 203, 300 or 600 (printer resolution)",
        )
    fields = (gtin, lot, serial, expiry, manufactured)
    matrix, data, _lines = symbol_data(symbology, *fields, domain=domain)
    lines = [f"({ai}) {value}" for ai, value in gs1_elements(*fields)]
    symbol, width, height = graphic_field(bitmap(symbology, matrix, dpi))
    if native:  # sized as our own encoder's symbol of the same data
        symbol = _native(symbology, data, fields, dpi)
    label_w, label_h, margin = dots(width_mm, dpi), dots(height_mm, dpi), dots(_MARGIN_MM, dpi)
    text_h, title_h = dots(_TEXT_MM, dpi), dots(_TITLE_MM, dpi)
    top = margin + (2 * title_h + 8 if title else 0)
    if width + 2 * margin > label_w or top + height + margin > label_h:
        raise UdiError(
            "build_bad",
            field="label size",
            data=f"{width_mm} x {height_mm} mm",
            reason=f"is too small for the {symbology} symbol "
            f"({width * 25.4 / dpi:.1f} x {height * 25.4 / dpi:.1f} mm)",
        )
    font_cmd = (
        (lambda size: f"^A@N,{size},{size},{font}")
        if font
        else (lambda size: f"^A0N,{size},{size}")
    )
    out = ["^XA", "^CI28", f"^PW{label_w}", f"^LL{label_h}", "^LH0,0"]
    if title:
        out.append(
            f"^FO{margin},{margin}{font_cmd(title_h)}^FB{label_w - 2 * margin},2,0,L"
            f"{field_data(title)}^FS"
        )
    out.append(f"^FO{margin},{top}{symbol}" + ("" if native else "^FS"))
    if len(matrix) == 1:  # text under the bars
        x, y = margin, top + height + text_h // 2
    else:  # text beside the symbol
        x, y = margin + width + margin, top
    for line in lines:
        if y + text_h > label_h:
            raise UdiError(
                "build_bad",
                field="label size",
                data=f"{width_mm} x {height_mm} mm",
                reason="is too small for the human-readable text",
            )
        out.append(f"^FO{x},{y}{font_cmd(text_h)}{field_data(line)}^FS")
        y += text_h + text_h // 3
    out.append("^XZ")
    return "\n".join(out) + "\n"
