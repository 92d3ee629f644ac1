"""Symbol encoders: GS1 DataMatrix (ECC 200, written here), GS1-128, QR.

* DataMatrix: ASCII encodation with FNC1 (codeword 232) first, so scanners
  report ``]d2``, and FNC1 for every GS separator; Reed-Solomon over GF(256)
  and the module placement of ISO/IEC 16022 (square symbols 10x10..132x132).
* GS1-128: python-barcode's Code 128 encoder (``Gs1_128``: FNC1 start,
  code set C for digit runs), rendered here from its module string.
* QR: segno's encoder, rendered here from its module matrix.

Every encoder returns a list of rows of 0/1 modules (a 1-D symbol is one row).
"""

from __future__ import annotations

from .errors import UdiError

# (symbol size, data codewords, error correction codewords, data region size, blocks)
_SIZES = (
    (10, 3, 5, 8, 1),
    (12, 5, 7, 10, 1),
    (14, 8, 10, 12, 1),
    (16, 12, 12, 14, 1),
    (18, 18, 14, 16, 1),
    (20, 22, 18, 18, 1),
    (22, 30, 20, 20, 1),
    (24, 36, 24, 22, 1),
    (26, 44, 28, 24, 1),
    (32, 62, 36, 14, 1),
    (36, 86, 42, 16, 1),
    (40, 114, 48, 18, 1),
    (44, 144, 56, 20, 1),
    (48, 174, 68, 22, 1),
    (52, 204, 84, 24, 2),
    (64, 280, 112, 14, 2),
    (72, 368, 144, 16, 4),
    (80, 456, 192, 18, 4),
    (88, 576, 224, 20, 4),
    (96, 696, 272, 22, 4),
    (104, 816, 336, 24, 6),
    (120, 1050, 408, 18, 6),
    (132, 1304, 496, 20, 8),
)

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _i in range(255):
    _EXP[_i] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x12D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _rs_generator(degree: int) -> list[int]:
    poly = [1]
    for power in range(1, degree + 1):
        nxt = [0] * (len(poly) + 1)
        for index, coef in enumerate(poly):
            nxt[index] ^= coef
            nxt[index + 1] ^= _gf_mul(coef, _EXP[power])
        poly = nxt
    return poly


def _rs_ecc(data: list[int], degree: int) -> list[int]:
    gen = _rs_generator(degree)
    ecc = [0] * degree
    for byte in data:
        factor = byte ^ ecc[0]
        ecc = ecc[1:] + [0]
        if factor:
            for index in range(degree):
                ecc[index] ^= _gf_mul(gen[index + 1], factor)
    return ecc


def _ascii_codewords(text: str, gs1: bool) -> list[int]:
    """ASCII encodation; GS becomes FNC1 (232) when ``gs1``."""
    words = [232] if gs1 else []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if (
            char.isdigit()
            and index + 1 < size
            and text[index + 1].isdigit()
            and char.isascii()
            and text[index + 1].isascii()
        ):
            words.append(130 + int(text[index : index + 2]))
            index += 2
            continue
        code = ord(char)
        if gs1 and char == "\x1d":
            words.append(232)
        elif code < 128:
            words.append(code + 1)
        elif code < 256:
            words += [235, code - 127]
        else:
            raise UdiError(
                "build_bad",
                field="DataMatrix data",
                data=text,
                reason="has characters outside Latin-1",
            )
        index += 1
    return words


def _place(nrow: int, ncol: int) -> list[list[int]]:
    """ISO/IEC 16022 Annex F placement: cell value = codeword * 10 + bit (1 = MSB)."""
    array = [[0] * ncol for _ in range(nrow)]

    def module(row, col, chr_, bit):
        if row < 0:
            row += nrow
            col += 4 - ((nrow + 4) % 8)
        if col < 0:
            col += ncol
            row += 4 - ((ncol + 4) % 8)
        array[row][col] = 10 * chr_ + bit

    def utah(row, col, chr_):
        for r, c, bit in (
            (-2, -2, 1),
            (-2, -1, 2),
            (-1, -2, 3),
            (-1, -1, 4),
            (-1, 0, 5),
            (0, -2, 6),
            (0, -1, 7),
            (0, 0, 8),
        ):
            module(row + r, col + c, chr_, bit)

    def corner(chr_, cells):
        for bit, (row, col) in enumerate(cells, start=1):
            module(row, col, chr_, bit)

    n, m = nrow, ncol
    corners = (
        (
            (n - 1, 0),
            (n - 1, 1),
            (n - 1, 2),
            (0, m - 2),
            (0, m - 1),
            (1, m - 1),
            (2, m - 1),
            (3, m - 1),
        ),
        (
            (n - 3, 0),
            (n - 2, 0),
            (n - 1, 0),
            (0, m - 4),
            (0, m - 3),
            (0, m - 2),
            (0, m - 1),
            (1, m - 1),
        ),
        (
            (n - 3, 0),
            (n - 2, 0),
            (n - 1, 0),
            (0, m - 2),
            (0, m - 1),
            (1, m - 1),
            (2, m - 1),
            (3, m - 1),
        ),
        (
            (n - 1, 0),
            (n - 1, m - 1),
            (0, m - 3),
            (0, m - 2),
            (0, m - 1),
            (1, m - 3),
            (1, m - 2),
            (1, m - 1),
        ),
    )
    chr_, row, col = 1, 4, 0
    while True:
        if row == n and col == 0:
            corner(chr_, corners[0])
            chr_ += 1
        if row == n - 2 and col == 0 and m % 4:
            corner(chr_, corners[1])
            chr_ += 1
        if row == n - 2 and col == 0 and m % 8 == 4:
            corner(chr_, corners[2])
            chr_ += 1
        if row == n + 4 and col == 2 and not m % 8:
            corner(chr_, corners[3])
            chr_ += 1
        while True:
            if row < n and col >= 0 and not array[row][col]:
                utah(row, col, chr_)
                chr_ += 1
            row -= 2
            col += 2
            if not (row >= 0 and col < m):
                break
        row += 1
        col += 3
        while True:
            if row >= 0 and col < m and not array[row][col]:
                utah(row, col, chr_)
                chr_ += 1
            row += 2
            col -= 2
            if not (row < n and col >= 0):
                break
        row += 3
        col += 1
        if not (row < n or col < m):
            break
    if not array[n - 1][m - 1]:
        array[n - 1][m - 1] = array[n - 2][m - 2] = 1
    return array


def datamatrix(text: str, gs1: bool = True) -> list[list[int]]:
    """Module matrix (quiet zone excluded) of a square ECC 200 DataMatrix."""
    words = _ascii_codewords(text, gs1)
    fitting = [entry for entry in _SIZES if len(words) <= entry[1]]
    if not fitting:
        raise UdiError(
            "render_too_long",
            data=text,
            symbology="DataMatrix",
            length=len(text),
            maximum=_SIZES[-1][1],
        )
    size, capacity, ecc_total, region, blocks = fitting[0]
    data = list(words)
    if len(data) < capacity:
        data.append(129)
    while len(data) < capacity:
        pad = 129 + (149 * (len(data) + 1)) % 253 + 1
        data.append(pad - 254 if pad > 254 else pad)
    per_block = ecc_total // blocks
    ecc = [0] * ecc_total
    for block in range(blocks):
        block_ecc = _rs_ecc(data[block::blocks], per_block)
        for index, word in enumerate(block_ecc):
            ecc[block + index * blocks] = word
    codewords = data + ecc
    regions = size // (region + 2)
    mapping = _place(regions * region, regions * region)
    bits = [[0] * size for _ in range(size)]
    step = region + 2
    for row in range(size):
        y = row % step
        for col in range(size):
            x = col % step
            if y == step - 1 or x == 0:
                dark = 1
            elif y == 0:
                dark = 1 - x % 2
            elif x == step - 1:
                dark = y % 2
            else:
                cell = mapping[(row // step) * region + y - 1][(col // step) * region + x - 1]
                if cell == 1:
                    dark = 1
                else:
                    word, bit = divmod(cell, 10)
                    dark = (codewords[word - 1] >> (8 - bit)) & 1
            bits[row][col] = dark
    return bits


def gs1_128(text: str) -> list[list[int]]:
    """One-row module list of a GS1-128 symbol for an element string (GS = FNC1)."""
    from barcode.codex import Gs1_128

    code = Gs1_128(text.replace("\x1d", Gs1_128.FNC1_CHAR))
    modules = code.build()[0]
    return [[1 if char == "1" else 0 for char in modules]]


def qr(text: str) -> list[list[int]]:
    """Module matrix of a QR Code (error correction level M, quiet zone excluded)."""
    import segno

    symbol = segno.make_qr(text, error="m", boost_error=False)
    return [[1 if cell else 0 for cell in row] for row in symbol.matrix]
