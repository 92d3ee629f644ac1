"""Bookings and charges as HIS exports write them: CSV in UTF-8 (with or without a
byte-order mark) or GB 18030, comma, semicolon or tab separated, Chinese or English
headers.
"""

import csv
import io

from .case import Booking, Charge
from .errors import HisError
from .hl7dates import parse_ts

MAX_BYTES = 50 * 1024 * 1024

BOOKING_COLUMNS = {
    "his_case_id": (
        "手术申请单号",
        "手术单号",
        "申请单号",
        "case id",
        "booking id",
        "appointment id",
    ),
    "patient_id": ("住院号", "病案号", "患者id", "患者编号", "patient id", "mrn"),
    "visit_number": ("就诊号", "住院流水号", "visit number", "encounter"),
    "start": ("手术时间", "计划手术时间", "开始时间", "planned start", "start", "date"),
    "duration_minutes": ("预计时长", "时长(分钟)", "duration", "minutes"),
    "procedure_code": ("手术编码", "手术代码", "procedure code"),
    "procedure_name": ("手术名称", "procedure", "procedure name"),
    "operating_room": ("手术间", "手术室", "operating room", "room", "theatre"),
    "department_code": ("科室编码", "科室代码", "department code"),
    "department_name": ("科室", "申请科室", "department"),
    "surgeon_id": ("主刀医生工号", "医生工号", "surgeon id"),
    "surgeon_name": ("主刀医生", "主刀", "surgeon"),
    "status": ("状态", "status"),
}
CHARGE_COLUMNS = {
    "charge_code": ("收费编码", "收费项目编码", "项目编码", "charge code", "item code"),
    "description": ("收费项目", "项目名称", "名称", "description", "item"),
    "quantity": ("数量", "quantity", "qty"),
    "unit_price": ("单价", "unit price", "price"),
    "amount": ("金额", "总金额", "amount"),
    "date": ("计费时间", "收费时间", "日期", "date", "charged at"),
    "patient_id": BOOKING_COLUMNS["patient_id"],
    "visit_number": BOOKING_COLUMNS["visit_number"],
    "his_case_id": BOOKING_COLUMNS["his_case_id"],
    "department_code": ("执行科室编码", "科室编码", "department code"),
    "udi": ("udi", "唯一标识", "医疗器械唯一标识"),
    "di": ("di", "产品标识"),
    "lot": ("批号", "生产批号", "lot", "batch"),
    "serial": ("序列号", "serial", "serial number"),
    "transaction_id": ("计费流水号", "流水号", "transaction id"),
}
_REQUIRED = {"booking": ("his_case_id",), "charge": ("charge_code",)}


def _text(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise HisError("hl7_too_large", size=len(data), maximum=MAX_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="strict")


def _rows(data, columns, kind):
    text = _text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None) or []
    names = [h.strip().lower() for h in header]
    index = {}
    for field, aliases in columns.items():
        for alias in aliases:
            if alias.lower() in names:
                index[field] = names.index(alias.lower())
                break
    for field in _REQUIRED[kind]:
        if field not in index:
            raise HisError(
                "his_csv_column",
                kind=kind,
                column=" / ".join(columns[field][:2]),
                columns=", ".join(h for h in header if h) or "-",
            )
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: (row[i].strip() if i < len(row) else "") for f, i in index.items()}
        yield number, header, index, values


def _date(values, field, number, header, index):
    try:
        return parse_ts(values.get(field, "").replace("-", "").replace(":", "").replace(" ", ""))
    except HisError as error:
        raise HisError(
            "his_csv_value",
            row=number,
            column=header[index[field]],
            value=values.get(field),
            problem="is not a date and time (2026-12-07 08:30).",
        ) from error


def _number(values, field, number, header, index, default=None):
    value = values.get(field, "")
    if not value:
        return default
    try:
        return float(value.replace(",", ""))
    except ValueError as error:
        raise HisError(
            "his_csv_value",
            row=number,
            column=header[index[field]],
            value=value,
            problem="is not a number.",
        ) from error


def read_bookings_csv(data):
    bookings = []
    for number, header, index, values in _rows(data, BOOKING_COLUMNS, "booking"):
        duration = _number(values, "duration_minutes", number, header, index)
        status = values.get("status", "")
        bookings.append(
            Booking(
                his_case_id=values["his_case_id"],
                action="cancel" if status in ("取消", "已取消", "cancelled", "canceled") else "new",
                patient_id=values.get("patient_id", ""),
                visit_number=values.get("visit_number", ""),
                start=_date(values, "start", number, header, index),
                duration_minutes=int(duration) if duration is not None else None,
                procedure_code=values.get("procedure_code", ""),
                procedure_name=values.get("procedure_name", ""),
                operating_room=values.get("operating_room", ""),
                department_code=values.get("department_code", ""),
                department_name=values.get("department_name", ""),
                surgeon_id=values.get("surgeon_id", ""),
                surgeon_name=values.get("surgeon_name", ""),
                status=status,
                source=f"row {number}",
            )
        )
    return bookings


def read_charges_csv(data):
    charges = []
    for number, header, index, values in _rows(data, CHARGE_COLUMNS, "charge"):
        quantity = _number(values, "quantity", number, header, index, default=1.0)
        charges.append(
            Charge(
                charge_code=values["charge_code"],
                description=values.get("description", ""),
                quantity=quantity,
                unit_price=_number(values, "unit_price", number, header, index),
                amount=_number(values, "amount", number, header, index),
                date=_date(values, "date", number, header, index),
                transaction_type="CD" if quantity < 0 else "CG",
                transaction_id=values.get("transaction_id", ""),
                patient_id=values.get("patient_id", ""),
                visit_number=values.get("visit_number", ""),
                his_case_id=values.get("his_case_id", ""),
                department_code=values.get("department_code", ""),
                udi=values.get("udi", ""),
                di=values.get("di", ""),
                lot=values.get("lot", ""),
                serial=values.get("serial", ""),
                source=f"row {number}",
            )
        )
    return charges
