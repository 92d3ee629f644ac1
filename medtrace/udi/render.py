"""Draw UDI labels (symbol + human-readable text) as PNG or SVG.

Symbols come from :mod:`medtrace.udi.symbols` as module matrices; this module
draws them: SVG by hand (one ``<rect>`` per run of dark modules, ``<text>``
lines below), PNG with Pillow (imported only when a PNG is asked for).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from . import symbols
from .build import gs1_digital_link, gs1_element_string, gs1_elements, gs1_hri
from .errors import UdiError

SYMBOLOGIES = ("datamatrix", "gs1-128", "qr")
_QUIET = {"datamatrix": 2, "gs1-128": 10, "qr": 4}
_SCALE = {"datamatrix": 8, "gs1-128": 2, "qr": 6}


def symbol_data(
    symbology: str,
    gtin,
    lot=None,
    serial=None,
    expiry=None,
    manufactured=None,
    domain: str = "https://id.gs1.org",
) -> tuple[list[list[int]], str, list[str]]:
    """(module matrix, encoded data, human-readable lines) of a unit's label."""
    fields = (gtin, lot, serial, expiry, manufactured)
    if symbology == "datamatrix":
        data = gs1_element_string(*fields)
        matrix = symbols.datamatrix(data, gs1=True)
        lines = [f"({ai}) {value}" for ai, value in gs1_elements(*fields)]
    elif symbology == "gs1-128":
        data = gs1_element_string(*fields)
        if len(data) > 48:
            raise UdiError(
                "render_too_long", data=data, symbology="GS1-128", length=len(data), maximum=48
            )
        matrix = symbols.gs1_128(data)
        lines = [gs1_hri(*fields)]
    elif symbology == "qr":
        data = gs1_digital_link(*fields, domain=domain)
        matrix = symbols.qr(data)
        lines = [f"({ai}) {value}" for ai, value in gs1_elements(*fields)]
    else:
        raise UdiError("render_symbology", symbology=symbology)
    return matrix, data, lines


def _layout(symbology: str, matrix: list[list[int]], scale: int):
    """Pixel geometry: (module rows, width px, symbol height px, text top px, font px)."""
    quiet = _QUIET[symbology]
    columns = len(matrix[0]) + 2 * quiet
    if len(matrix) == 1:  # linear: stretch the single row into bars
        bar_height = max(50, len(matrix[0]) // 5)
        rows = [matrix[0]] * bar_height
    else:
        rows = matrix
    width = columns * scale
    symbol_height = (len(rows) + 2 * quiet) * scale
    font = max(12, min(24, width // 22))
    return rows, quiet, width, symbol_height, font


def to_svg(symbology: str, matrix: list[list[int]], lines: list[str], scale: int) -> str:
    """SVG document of the symbol with ``lines`` of text under it."""
    rows, quiet, width, symbol_height, font = _layout(symbology, matrix, scale)
    height = symbol_height + len(lines) * (font + 4) + 4
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        '<g fill="#000">',
    ]
    step = len(rows) if len(matrix) == 1 else 1
    for y in range(0, len(rows), step):
        row = rows[y]
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(
                    f'<rect x="{(start + quiet) * scale}" y="{(y + quiet) * scale}" '
                    f'width="{(x - start) * scale}" height="{step * scale}"/>'
                )
            else:
                x += 1
    parts.append("</g>")
    for index, line in enumerate(lines):
        top = symbol_height + (index + 1) * (font + 4)
        parts.append(
            f'<text x="{width // 2}" y="{top}" font-family="monospace" font-size="{font}" '
            f'text-anchor="middle">{escape(line)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: fixed-size bitmap font
        return ImageFont.load_default()


def to_png(symbology: str, matrix: list[list[int]], lines: list[str], scale: int) -> bytes:
    """PNG image of the symbol with ``lines`` of text under it."""
    from PIL import Image, ImageDraw

    rows, quiet, width, symbol_height, font_size = _layout(symbology, matrix, scale)
    font = _font(font_size)
    draw_probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    text_width = max((draw_probe.textlength(line, font=font) for line in lines), default=0)
    width = max(width, int(text_width) + 8)
    offset = (width - (len(matrix[0]) + 2 * quiet) * scale) // 2
    height = symbol_height + len(lines) * (font_size + 4) + 8
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        top = (y + quiet) * scale
        for x, dark in enumerate(row):
            if dark:
                left = offset + (x + quiet) * scale
                draw.rectangle((left, top, left + scale - 1, top + scale - 1), fill=0)
    for index, line in enumerate(lines):
        top = symbol_height + index * (font_size + 4) + 2
        line_width = draw.textlength(line, font=font)
        draw.text(((width - line_width) / 2, top), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_label(
    symbology: str,
    fmt: str = "png",
    *,
    gtin,
    lot=None,
    serial=None,
    expiry=None,
    manufactured=None,
    scale: int | None = None,
    domain: str = "https://id.gs1.org",
) -> bytes:
    """Label of one unit as PNG or SVG bytes.

    ``symbology``: ``datamatrix`` (GS1 DataMatrix, scanners report ``]d2``),
    ``gs1-128`` (``]C1``) or ``qr`` (a GS1 Digital Link URI on ``domain``).
    """
    if symbology not in SYMBOLOGIES:
        raise UdiError("render_symbology", symbology=symbology)
    matrix, _data, lines = symbol_data(
        symbology, gtin, lot, serial, expiry, manufactured, domain=domain
    )
    scale = scale or _SCALE[symbology]
    if fmt == "svg":
        return to_svg(symbology, matrix, lines, scale).encode("utf-8")
    if fmt == "png":
        return to_png(symbology, matrix, lines, scale)
    raise UdiError("render_format", path=fmt)


def save_label(path, symbology: str, **fields) -> Path:
    """Write the label to ``path``; its suffix (.png or .svg) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise UdiError("render_format", path=str(path))
    path.write_bytes(render_label(symbology, fmt, **fields))
    return path
