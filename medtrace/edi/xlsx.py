"""XLSX in the flat layout: read with openpyxl (first worksheet), write with XlsxWriter."""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from .codecs import Limits, check_row, rows_to_message
from .errors import EdiError
from .message import Message
from .schemas import Schema
from .values import format_value

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORKSHEET_REL = "/worksheet"
#: parts smaller than this are not held to the compression ratio (tiny XML compresses well)
_RATIO_FLOOR = 1024 * 1024
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d*)")
_CHUNK = 64 * 1024


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, str):
        return value.strip()
    return value


# -- the zip: declared sizes checked before reading, actual bytes while reading ----------


def check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a workbook whose parts declare more inflated bytes than allowed (each and in
    total) or inflate more times than an ordinary workbook does, before reading any."""
    total = 0
    for info in archive.infolist():
        size, compressed = info.file_size, max(info.compress_size, 1)
        if size > limits.max_unzipped_bytes:
            raise EdiError(
                "unzipped_too_large",
                member=info.filename[:100],
                size=size,
                maximum=limits.max_unzipped_bytes,
            )
        if size > _RATIO_FLOOR and size > limits.max_ratio * compressed:
            raise EdiError(
                "compression_ratio",
                member=info.filename[:100],
                ratio=size // compressed,
                size=size,
                compressed=info.compress_size,
                maximum=limits.max_ratio,
            )
        total += size
    if total > limits.max_unzipped_bytes:
        raise EdiError(
            "unzipped_too_large", member="*", size=total, maximum=limits.max_unzipped_bytes
        )


class _Budget:
    """Inflated bytes actually read from the archive, all parts together."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self.used = 0


class _BoundedPart(io.RawIOBase):
    """A part of the zip read as a stream that counts the bytes it inflates and refuses
    more than the part declared or than the budget left (the declared size alone is
    never trusted)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget):
        super().__init__()
        self._raw = archive.open(info)
        self._info = info
        self._budget = budget
        self._read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self._raw.readinto(buffer)
        self._read += count
        self._budget.used += count
        if self._read > self._info.file_size or self._budget.used > self._budget.maximum:
            raise EdiError(
                "unzipped_too_large",
                member=self._info.filename[:100],
                size=f"> {max(self._read, self._budget.used)}",
                maximum=min(self._info.file_size, self._budget.maximum),
            )
        return count

    def close(self):
        self._raw.close()
        super().close()


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.budget = _Budget(limits.max_unzipped_bytes)
        self.names = {info.filename: info for info in archive.infolist()}

    def part(self, name):
        info = self.names.get(name)
        if info is None:
            return None
        return io.BufferedReader(_BoundedPart(self.archive, info, self.budget), _CHUNK)

    def events(self, name, events=("end",)):
        """ElementTree's streaming parse of a part (none: no events); a part declaring a
        DTD is refused (a workbook never has one; entities could expand it)."""
        stream = self.part(name)
        if stream is None:
            return
        with stream:
            if b"<!DOCTYPE" in stream.peek(4096)[:4096].upper():
                raise EdiError("bad_xlsx", reason=f"{name}: a DTD is not allowed")
            try:
                yield from ElementTree.iterparse(stream, events=events)
            except ElementTree.ParseError as exc:
                raise EdiError("bad_xlsx", reason=f"{name}: {exc}"[:200]) from None

    def relationships(self, part):
        folder, base = posixpath.split(part)
        rels = {}
        for _event, element in self.events(posixpath.join(folder, "_rels", base + ".rels")):
            if element.tag == _PKG + "Relationship":
                target = element.get("Target") or ""
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                rels[element.get("Id")] = (element.get("Type") or "", target)
        return rels

    def main_part(self):
        for rel_type, target in self.relationships("").values():
            if rel_type.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    def first_sheet(self):
        """(path of the first worksheet, its epoch is 1904) from the workbook part."""
        workbook = self.main_part()
        rels = self.relationships(workbook)
        date1904 = False
        for _event, element in self.events(workbook):
            if element.tag == _MAIN + "workbookPr":
                date1904 = element.get("date1904") in ("1", "true")
            elif element.tag == _MAIN + "sheet":
                rel_type, target = rels.get(element.get(_REL + "id"), ("", ""))
                if rel_type.endswith(_WORKSHEET_REL) and target in self.names:
                    return target, date1904
        raise EdiError("empty")

    def shared_strings(self, workbook_rels):
        path = next(
            (
                target
                for rel_type, target in workbook_rels.values()
                if rel_type.endswith("/sharedStrings")
            ),
            "xl/sharedStrings.xml",
        )
        strings = []
        maximum = self.limits.max_field_chars
        for _event, element in self.events(path):
            if element.tag != _MAIN + "si":
                continue
            text = "".join(
                t.text or ""
                for child in element
                if child.tag in (_MAIN + "t", _MAIN + "r")
                for t in ([child] if child.tag == _MAIN + "t" else child.iter(_MAIN + "t"))
            )
            if len(text) > maximum:
                raise EdiError("field_too_large", line=0, size=len(text), maximum=maximum)
            strings.append(text)
            element.clear()
        return strings

    def date_styles(self, workbook_rels):
        """Indexes of the cell styles that show a number as a date or a time."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        path = next(
            (target for rel_type, target in workbook_rels.values() if rel_type.endswith("/styles")),
            "xl/styles.xml",
        )
        codes = dict(BUILTIN_FORMATS)
        styles = []
        in_xfs = False
        for event, element in self.events(path, events=("start", "end")):
            if element.tag == _MAIN + "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and element.tag == _MAIN + "numFmt":
                try:
                    codes[int(element.get("numFmtId", -1))] = element.get("formatCode", "")
                except ValueError:
                    continue
            elif event == "end" and in_xfs and element.tag == _MAIN + "xf":
                try:
                    styles.append(int(element.get("numFmtId", 0)))
                except ValueError:
                    styles.append(0)
        return {
            index
            for index, fmt_id in enumerate(styles)
            if fmt_id in codes and is_date_format(codes[fmt_id])
        }


def _column(reference: str, default: int) -> int:
    match = _CELL_REF.match(reference or "")
    if not match:
        return default
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return number


def _value(cell, strings, date_styles, epoch):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        node = cell.find(_MAIN + "is")
        return "".join(t.text or "" for t in node.iter(_MAIN + "t")) if node is not None else None
    node = cell.find(_MAIN + "v")
    text = node.text if node is not None else None
    if text is None:
        return None
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise EdiError("bad_xlsx", reason=f"shared string {text[:20]!r} not found") from None
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    try:
        number = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text
    style = cell.get("s")
    if style is not None and style.isdigit() and int(style) in date_styles:
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError, TypeError):
            return number
    return number


def iter_sheet_rows(data: bytes, limits: Limits):
    """``(row number, cells)`` of the first worksheet of an XLSX file, streamed from the
    zip and parsed one row at a time; the limits on the archive are checked before any
    part is read, those on rows, columns and values as each row is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise EdiError("bad_xlsx", reason=str(exc)[:200]) from None
    with archive:
        check_archive(archive, limits)
        book = _Workbook(archive, limits)
        sheet, date1904 = book.first_sheet()
        workbook_rels = book.relationships(book.main_part())
        strings = book.shared_strings(workbook_rels)
        date_styles = book.date_styles(workbook_rels)
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        row_limit, column_limit = limits.row_limit, limits.max_columns
        number = 0
        sheet_data = None
        for event, element in book.events(sheet, events=("start", "end")):
            if element.tag == _MAIN + "sheetData":
                sheet_data = element if event == "start" else None
                continue
            if event != "end" or element.tag != _MAIN + "row":
                continue
            reference = element.get("r")
            number = int(reference) if reference and reference.isdigit() else number + 1
            if number > row_limit:
                raise EdiError("too_many_rows", maximum=row_limit)
            cells = {}
            position = 0
            for cell in element.iter(_MAIN + "c"):
                position = _column(cell.get("r"), position + 1)
                value = _value(cell, strings, date_styles, epoch)
                if value is None:
                    continue
                if position > column_limit:
                    raise EdiError(
                        "too_many_columns", line=number, count=position, maximum=column_limit
                    )
                cells[position] = value
            element.clear()
            if sheet_data is not None:
                sheet_data.clear()
            if not cells:
                continue
            row = [None] * max(cells)
            for position, value in cells.items():
                row[position - 1] = _cell(value)
            check_row(row, number, limits)
            yield number, row


def decode_xlsx(data: bytes, schema: Schema, mapping, limits: Limits) -> Message:
    try:
        return rows_to_message(iter_sheet_rows(data, limits), schema, mapping, limits, "xlsx")
    except EdiError:
        raise
    except Exception as exc:  # a damaged part of the zip or its XML, met while reading rows
        raise EdiError("bad_xlsx", reason=f"{type(exc).__name__}: {exc}"[:200]) from exc


def _exact_float(value: Decimal) -> float | None:
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else None


def encode_xlsx(message: Message, schema: Schema, lang="en") -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"title": schema.title, "created": datetime.datetime(2000, 1, 1)})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text_format = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(schema.name[:31])
    fields = schema.fields
    for col, field in enumerate(fields):
        title = schema.column_title(field, lang)
        sheet.write_string(0, col, title, required if field.required else bold)
        width = max(len(title.encode("gb18030")) + 2, 12)
        if field.type in ("str", "gtin", "di", "choice", "month"):
            sheet.set_column(col, col, width, text_format)
        elif field.type == "date":
            sheet.set_column(col, col, width, date_format)
        else:
            sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    header = [message.header.get(f.name) for f in schema.header]
    lines = message.lines or [None]
    for row, line in enumerate(lines, start=1):
        values = header + [line.values.get(f.name) if line else None for f in schema.lines]
        for col, (field, value) in enumerate(zip(fields, values, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(row, col, value, date_format)
                continue
            if (
                field.type in ("int", "decimal")
                and isinstance(value, int | Decimal)
                and not isinstance(value, bool)
            ):
                number = _exact_float(Decimal(value))
                if number is not None:
                    sheet.write_number(row, col, number)
                    continue
            sheet.write_string(row, col, format_value(value))
    workbook.close()
    return out.getvalue()
