"""``DFT^P03`` (post detail financial transaction), HL7 v2.5: charges of a case.

Writing: one ``FT1`` per charged device of a closed case (implanted and used by
default), each followed by ``OBX`` segments carrying the device's UDI, DI, lot,
serial, dates, registration certificate and supplier (the ``FINANCIAL_OBSERVATION``
group of the v2.5 structure), the operation as ``PR1`` under the first ``FT1``.
The patient is named by identifier only (``PID-3``); ``PID-5``, required by the
standard, carries the name type *U* (unspecified) and no name.

Reading: the charges a HIS posts for a case (its 医嘱计费), ``FT1`` by ``FT1``, with
UDI, lot and serial when the HIS sent them back in ``OBX`` (in this module's codes
or as text).
"""

from . import er7
from .case import CHARGED_OUTCOMES, Charge
from .errors import HisError
from .hl7dates import format_ts, parse_number, parse_ts

#: coding system of the OBX observations below (HL7's prefix for local tables)
CODING_SYSTEM = "99MTR"
#: OBX-3 code -> (text, CaseDevice attribute)
OBSERVATIONS = (
    ("UDI", "Unique device identifier", "udi"),
    ("DI", "Device identifier", "di"),
    ("ISSUER", "UDI issuing agency", "issuer"),
    ("LOT", "Lot number", "lot"),
    ("SN", "Serial number", "serial"),
    ("EXP", "Expiry date", "expiry"),
    ("MFD", "Manufacturing date", "manufactured"),
    ("REG", "Registration certificate", "registration"),
    ("MFR", "Manufacturer", "manufacturer"),
    ("MODEL", "Model", "model"),
    ("SUP", "Supplier", "supplier"),
    ("OUTCOME", "Device outcome", "outcome"),
    ("IMPLANT", "Implantable", "implantable"),
    ("UNIT", "Unit reference", "unit_reference"),
)
_READ_OBX = {"UDI": "udi", "DI": "di", "LOT": "lot", "SN": "serial"}


def _obx_value(value):
    if isinstance(value, bool):
        return "Y" if value else "N"
    if hasattr(value, "strftime"):
        return format_ts(value)
    return str(value)


def write_dft_p03(
    case,
    control_id,
    now,
    sending=("MEDTRACE", ""),
    receiving=("HIS", ""),
    charged_outcomes=CHARGED_OUTCOMES,
    processing_id="P",
):
    """The ``DFT^P03`` text (``\\r`` terminated segments) of a closed case."""
    if not case.patient_id:
        raise HisError("his_patient_identifier", case=case.reference)
    devices = [d for d in case.devices if d.outcome in charged_outcomes]
    if not devices:
        raise HisError("his_no_items", case=case.reference)
    seg = er7.segment
    stamp = format_ts(now)
    # MSH-3..6 are HD namespace ids: 20 characters at most in v2.5 (receivers refuse more)
    sending = [value[:20] for value in sending]
    receiving = [value[:20] for value in receiving]
    # so are the coded values of places (IS: authority, point of care, room, service);
    # texts (ST) hold 199: longer names are cut there, as receivers would
    authority, room = case.patient_id_authority[:20], case.operating_room[:20]
    department = case.department_code[:20]
    out = [
        seg(
            "MSH",
            "",
            sending[0],
            sending[1],
            receiving[0],
            receiving[1],
            stamp,
            "",
            ("DFT", "P03", "DFT_P03"),
            control_id,
            processing_id,
            "2.5",
            "",
            "",
            "AL",
            "NE",
            "CHN",
            "UNICODE UTF-8",
        ),
        seg("EVN", "P03", stamp),
        seg(
            "PID",
            "1",
            "",
            (case.patient_id[:199], "", "", authority, "MR"),
            "",
            ("", "", "", "", "", "", "U"),
        ),
        seg(
            "PV1",
            "1",
            "I",
            (department, room),
            *[""] * 6,
            department,
            *[""] * 8,
            case.visit_number,
        ),
    ]
    day = case.end or case.start or now
    for index, device in enumerate(devices, start=1):
        quantity = device.quantity
        unit = device.unit_price
        amount = round(unit * quantity, 2) if unit is not None else None
        out.append(
            seg(
                "FT1",
                str(index),
                f"{case.reference}-{index}",
                case.reference,
                format_ts(day),
                stamp,
                "CG",
                (
                    (device.charge_code or device.product_code)[:199],
                    device.product_name[:199],
                    CODING_SYSTEM,
                ),
                device.product_name[:199],
                "",
                _number(quantity),
                _number(amount),
                _number(unit),
                department,
                *[""] * 6,
                (case.surgeon_id[:199], case.surgeon_name[:199]),
                "",
                "",
                case.his_case_id,
                "",
                (case.procedure_code, case.procedure_name, case.procedure_system)
                if case.procedure_code
                else "",
            )
        )
        if index == 1 and case.procedure_code:
            out.append(
                seg(
                    "PR1",
                    "1",
                    "",
                    (case.procedure_code, case.procedure_name, case.procedure_system),
                    case.procedure_name,
                    format_ts(case.start or day),
                    "",
                    _minutes(case),
                    "",
                    "",
                    "",
                    (case.surgeon_id, case.surgeon_name),
                )
            )
        set_id = 0
        for code, text, attribute in OBSERVATIONS:
            value = getattr(device, attribute)
            if value in (None, "") or (attribute == "issuer" and not (device.di or device.udi)):
                continue
            set_id += 1
            value_type = "DT" if attribute in ("expiry", "manufactured") else "ST"
            out.append(
                seg(
                    "OBX",
                    str(set_id),
                    value_type,
                    (code, text, CODING_SYSTEM),
                    "",
                    _obx_value(value)[:199],
                    *[""] * 5,
                    "F",
                )
            )
    return er7.message(out)


def _number(value):
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _minutes(case):
    if case.start and case.end:
        return str(int((case.end - case.start).total_seconds() // 60))
    return ""


def read_dft_p03(data):
    """The charges of every ``DFT^P03`` message in ``data`` (bytes or text)."""
    charges = []
    for msg in er7.parse_messages(data):
        if msg.type not in ("DFT^P03", "DFT^P11"):
            raise HisError("hl7_type", found=msg.type or "?", expected="DFT^P03")
        pid = msg.first("PID")
        pv1 = msg.first("PV1")
        patient = pid.get(3) if pid else ""
        visit = pv1.get(19) if pv1 else ""
        current = None
        for segment in msg.segments:
            if segment.name == "FT1":
                current = _charge(segment, msg, patient, visit)
                charges.append(current)
            elif segment.name == "OBX" and current is not None:
                code = segment.get(3).upper()
                attribute = _READ_OBX.get(code)
                if attribute:
                    setattr(current, attribute, segment.get(5))
    return charges


def _charge(ft1, msg, patient, visit):
    where = "FT1"
    code = ft1.get(7)
    if not code:
        raise HisError("hl7_required", segment=where, field="FT1-7", name="transaction code")
    kind = ft1.get(6) or "CG"
    quantity = parse_number(ft1.get(10), where, "FT1-10")
    amount = parse_number(ft1.get(11), where, "FT1-11")
    unit = parse_number(ft1.get(12), where, "FT1-12")
    quantity = 1.0 if quantity is None else quantity
    if kind.upper() in ("CD", "CR") and quantity > 0:
        quantity = -quantity
        amount = -amount if amount else amount
    return Charge(
        charge_code=code,
        description=ft1.get(7, 2) or ft1.get(8),
        quantity=quantity,
        amount=amount,
        unit_price=unit,
        date=parse_ts(ft1.get(4), where, "FT1-4"),
        transaction_type=kind,
        transaction_id=ft1.get(2),
        patient_id=patient,
        visit_number=visit,
        his_case_id=ft1.get(23) or ft1.get(3),
        department_code=ft1.get(13),
        source=f"{msg.control_id}/FT1-{ft1.get(1) or ft1.position}",
    )
