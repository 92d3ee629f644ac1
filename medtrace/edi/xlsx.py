"""XLSX in the flat layout: read with openpyxl (first worksheet), write with XlsxWriter."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from .codecs import Limits, rows_to_message
from .errors import EdiError
from .message import Message
from .schemas import Schema
from .values import format_value

#: a workbook may unzip to this many times the byte limit (XML is verbose), no more
_UNZIP_FACTOR = 20


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, str):
        return value.strip()
    return value


def decode_xlsx(data: bytes, schema: Schema, mapping, limits: Limits) -> Message:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise EdiError("bad_xlsx", reason=str(exc)[:200])
    if unzipped > limits.max_bytes * _UNZIP_FACTOR:
        raise EdiError("too_large", size=unzipped, maximum=limits.max_bytes * _UNZIP_FACTOR)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise EdiError("bad_xlsx", reason=f"{type(exc).__name__}: {exc}"[:200])
    try:
        if not workbook.worksheets:
            raise EdiError("empty")
        sheet = workbook.worksheets[0]
        rows = ((number, [_cell(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        return rows_to_message(rows, schema, mapping, limits, "xlsx")
    except EdiError:
        raise
    except Exception as exc:  # a damaged part of the zip or its XML, met while reading rows
        raise EdiError("bad_xlsx", reason=f"{type(exc).__name__}: {exc}"[:200])
    finally:
        workbook.close()


def _exact_float(value: Decimal) -> float | None:
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else None


def encode_xlsx(message: Message, schema: Schema, lang="en") -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
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
            if field.type in ("int", "decimal") and isinstance(value, int | Decimal) \
                    and not isinstance(value, bool):
                number = _exact_float(Decimal(value))
                if number is not None:
                    sheet.write_number(row, col, number)
                    continue
            sheet.write_string(row, col, format_value(value))
    workbook.close()
    return out.getvalue()
