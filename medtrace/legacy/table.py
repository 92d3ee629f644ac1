"""Read a legacy list (CSV in UTF-8 or GBK, or XLSX) into rows of cells, find its
header row (merged header rows included) and propose which column is which field."""

import csv
import io
import zipfile

from . import normalise
from .errors import LegacyError

#: the fields a legacy row can give, in the order a preview shows them
FIELDS = (
    "product_code",
    "product_name",
    "di",
    "udi",
    "lot",
    "serial",
    "expiry",
    "manufactured",
    "quantity",
    "supplier",
    "location",
    "department",
)

#: header words per field (compared case-folded, without spaces, after NFKC)
HEADERS = {
    "product_code": (
        "产品编码 产品代码 物资编码 物资代码 物料编码 物料代码 耗材编码 耗材代码 商品编码 "
        "材料编码 院内编码 货号 品号 编码 productcode internalreference itemcode itemno "
        "article articleno sku code reference ref defaultcode product/internalreference"
    ),
    "product_name": (
        "产品名称 品名 名称 耗材名称 物资名称 商品名称 器械名称 材料名称 通用名称 product "
        "productname name itemname description designation"
    ),
    "di": (
        "di udidi 产品标识 器械标识 最小销售单元产品标识 最小销售单元标识 gtin ean 条码 "
        "条形码 barcode 商品条码 deviceidentifier"
    ),
    "udi": "udi udi码 追溯码 跟踪码 唯一标识 完整udi udistring fulludi 扫码内容",
    "lot": (
        "批号 生产批号 批次 批次号 lot lotno lotnumber batch batchno batchnumber "
        "lot/serialnumber lot/serial"
    ),
    "serial": "序列号 sn 产品序列号 serial serialno serialnumber 序列码",
    "expiry": (
        "有效期 有效期至 失效日期 有效截止日期 效期 失效期 有效日期 expiry expirydate "
        "expiration expirationdate exp useby usebydate bestbefore"
    ),
    "manufactured": (
        "生产日期 制造日期 mfg mfgdate manufacturingdate productiondate manufactured "
        "dateofmanufacture"
    ),
    "quantity": (
        "数量 库存数量 库存 结存数量 在库数量 现存量 实盘数量 配送数量 qty quantity onhand "
        "stock stockqty quantityonhand onhandquantity countedquantity inventoriedquantity"
    ),
    "supplier": "供应商 供货单位 供货商 供应商名称 supplier vendor suppliername",
    "location": "库位 货位 库房 仓库 存放位置 位置 储位 location bin warehouse storage",
    "department": (
        "科室 使用科室 部门 病区 所属科室 科室名称 接收科室 接收科室名称 department ward dept"
    ),
}

_WORDS = {word: field for field, words in HEADERS.items() for word in words.split()}

MAX_ROWS = 200_000
HEADER_SCAN = 15


def header_key(label) -> str:
    return normalise.key(label).replace(" ", "").replace("_", "").replace("-", "").rstrip(":：")


def field_of(label):
    """The field a header label names, or ``None``."""
    word = header_key(label)
    if word in _WORDS:
        return _WORDS[word]
    for suffix in ("(yyyy-mm-dd)", "（yyyy-mm-dd）", "*"):
        if word.endswith(suffix) and word[: -len(suffix)] in _WORDS:
            return _WORDS[word[: -len(suffix)]]
    return None


def read_rows(data: bytes, filename: str = "", max_rows: int = MAX_ROWS):
    """The file's rows, each a list of cell values (text, or numbers and dates from XLSX)."""
    if not data:
        raise LegacyError("legacy_empty", file=filename or "-")
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data, filename, max_rows)
    else:
        rows = _csv_rows(data, filename, max_rows)
    rows = [row for row in rows if any(normalise.text(cell) for cell in row)]
    if not rows:
        raise LegacyError("legacy_empty", file=filename or "-")
    return rows


def _decode(data: bytes, filename):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LegacyError("legacy_encoding", file=filename or "-") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LegacyError("legacy_encoding", file=filename or "-")


def _csv_rows(data, filename, max_rows):
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise LegacyError("legacy_format", file=filename or "-", reason="binary data")
    content = _decode(data, filename)
    sample = content[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for row in csv.reader(io.StringIO(content), dialect):
        rows.append(row)
        if len(rows) > max_rows:
            raise LegacyError("legacy_too_many_rows", file=filename or "-", maximum=max_rows)
    return rows


def _xlsx_rows(data, filename, max_rows):
    import openpyxl  # only files that are XLSX need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
        if size > 100 * 1024 * 1024 or size > 200 * max(len(data), 1):
            raise LegacyError(
                "legacy_format", file=filename or "-", reason="the archive unpacks too large"
            )
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except LegacyError:
        raise
    except Exception as error:  # openpyxl raises many kinds
        raise LegacyError(
            "legacy_format", file=filename or "-", reason=type(error).__name__
        ) from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > max_rows:
                raise LegacyError("legacy_too_many_rows", file=filename or "-", maximum=max_rows)
        return rows
    finally:
        book.close()


def _fill_right(row):
    """A merged cell's value, which only its first cell holds, spread to the right."""
    filled, last = [], ""
    for cell in row:
        value = normalise.text(cell)
        last = value or last
        filled.append(last)
    return filled


def find_header(rows, scan=HEADER_SCAN):
    """``(index, labels)``: the row (0-based) whose cells name the most fields, and
    each column's label.  Two-row headers (a merged group label above, e.g. 效期 over
    生产日期 / 有效期至) give labels of the lower row, the upper one where the lower
    is empty.  ``(None, [])`` when no row names two fields."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:scan]):
        score = len({field_of(cell) for cell in row} - {None})
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None, []
    labels = [normalise.text(cell) for cell in rows[best]]
    if best > 0:
        above = _fill_right(rows[best - 1])
        for column, label in enumerate(labels):
            if not label and column < len(above):
                labels[column] = above[column]
    # a lower row of sub-labels merged under this one (库存 / 数量)
    if best + 1 < len(rows):
        below = [normalise.text(cell) for cell in rows[best + 1]]
        filled = [cell for cell in below if cell]
        recognised = [cell for cell in filled if field_of(cell)]
        if len(recognised) >= 2 and len(recognised) * 2 > len(filled):
            upper = _fill_right(rows[best])
            labels = [
                below[column] if column < len(below) and below[column] else upper[column]
                for column in range(len(upper))
            ]
            return best + 1, labels
    return best, labels


def propose_mapping(labels, saved=None):
    """``{column index: field}`` for the labels recognised (``saved``: a template's
    ``{header_key(label): field}`` wins over the built-in words); a field is given to
    its first column only."""
    saved = saved or {}
    mapping, taken = {}, set()
    for column, label in enumerate(labels):
        field = saved.get(header_key(label)) if label else None
        if field is None and label and header_key(label) not in saved:
            field = field_of(label)
        if field and field not in taken:
            mapping[column] = field
            taken.add(field)
    return mapping
