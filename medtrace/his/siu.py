"""Operation bookings from the HIS: ``SIU^S12`` (new), ``S13``/``S14`` (rescheduled,
changed), ``S15``/``S17`` (cancelled, deleted), versions 2.3 to 2.5.

Where the booking's parts are, as scheduling systems send them:

- the case: ``SCH-1`` placer appointment id, else ``SCH-2`` filler appointment id;
- the time: ``TQ1-7``/``TQ1-8`` (2.5), else ``SCH-11.4``/``SCH-11.5`` (timing
  quantity, 2.3/2.4), else ``AIS-4``; the duration ``SCH-9`` in ``SCH-10`` units;
- the procedure: ``AIS-3`` (service), else ``SCH-7`` (appointment reason);
- the room: ``AIL-3`` (its point of care and room); the surgeon: the ``AIP-3`` whose
  ``AIP-4`` role says surgeon (or the first ``AIP``), else ``PV1-7``;
- the patient: ``PID-3`` (first identifier, or the one of type ``MR``), the visit
  ``PV1-19``, the department ``PV1-10`` (hospital service) or ``PV1-3.1``;
- the status ``SCH-25``.
"""

import datetime as dt

from . import er7
from .case import Booking
from .errors import HisError
from .hl7dates import parse_number, parse_ts

ACTIONS = {"S12": "new", "S13": "update", "S14": "update", "S15": "cancel", "S17": "cancel"}
_SURGEON_ROLES = ("SURGEON", "SURG", "OP", "PRIMARY", "PS", "ATTENDING", "主刀")
_MINUTES = {"MIN": 1, "M": 1, "MINUTES": 1, "S": 1 / 60, "SEC": 1 / 60, "H": 60, "HR": 60}


def read_siu(data):
    """The bookings of every ``SIU`` message in ``data`` (bytes or text)."""
    return [_booking(msg) for msg in er7.parse_messages(data)]


def _patient_id(pid):
    if pid is None:
        return "", ""
    for rep in range(1, len(pid.repetitions(3)) + 1):
        if pid.get(3, 5, repetition=rep).upper() == "MR":
            return pid.get(3, 1, repetition=rep), pid.get(3, 4, repetition=rep)
    return pid.get(3, 1) or pid.get(2, 1), pid.get(3, 4) or pid.get(2, 4)


def _booking(msg):
    code, event = msg.msh.get(9, 1), msg.msh.get(9, 2)
    if code != "SIU" or event not in ACTIONS:
        raise HisError("hl7_type", found=msg.type or "?", expected="SIU^S12")
    sch = msg.require("SCH")
    case_id = sch.get(1) or sch.get(2)
    if not case_id:
        raise HisError("hl7_required", segment="SCH", field="SCH-1", name="appointment id")
    pid, pv1 = msg.first("PID"), msg.first("PV1")
    tq1, ais, ail = msg.first("TQ1"), msg.first("AIS"), msg.first("AIL")
    start = end = None
    if tq1 is not None:
        start = parse_ts(tq1.get(7), "TQ1", "TQ1-7")
        end = parse_ts(tq1.get(8), "TQ1", "TQ1-8")
    if start is None:
        start = parse_ts(sch.get(11, 4), "SCH", "SCH-11.4")
        end = end or parse_ts(sch.get(11, 5), "SCH", "SCH-11.5")
    if start is None and ais is not None:
        start = parse_ts(ais.get(4), "AIS", "AIS-4")
    duration = parse_number(sch.get(9), "SCH", "SCH-9")
    units = (sch.get(10) or "MIN").upper()
    minutes = int(duration * _MINUTES.get(units, 1)) if duration is not None else None
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and end > start:
        # the booked times say it exactly (SCH-9/10 are often left in other units)
        minutes = int((end - start).total_seconds() // 60)
    elif end is None and isinstance(start, dt.datetime) and minutes:
        end = start + dt.timedelta(minutes=minutes)
    procedure_code = procedure_name = ""
    if ais is not None and ais.get(3):
        procedure_code, procedure_name = ais.get(3, 1), ais.get(3, 2)
    elif sch.get(7):
        procedure_code, procedure_name = sch.get(7, 1), sch.get(7, 2) or sch.get(7, 1)
    surgeon_id, surgeon_name = _surgeon(msg, pv1)
    patient, authority = _patient_id(pid)
    room = ""
    if ail is not None:
        room = " ".join(p for p in (ail.get(3, 1), ail.get(3, 2)) if p)
    department = pv1.get(10) if pv1 is not None else ""
    if not department and pv1 is not None:
        department = pv1.get(3, 1)
    return Booking(
        his_case_id=case_id,
        action=ACTIONS[event],
        patient_id=patient,
        patient_id_authority=authority,
        visit_number=pv1.get(19) if pv1 is not None else "",
        start=start,
        end=end,
        duration_minutes=minutes,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        operating_room=room,
        department_code=department,
        surgeon_id=surgeon_id,
        surgeon_name=surgeon_name,
        status=sch.get(25, 1),
        note=" ".join(n.get(3) for n in msg.all("NTE") if n.get(3)),
        source=msg.control_id,
    )


def _person(segment, field, rep=1):
    ident = segment.get(field, 1, repetition=rep)
    family, given = segment.get(field, 2, repetition=rep), segment.get(field, 3, repetition=rep)
    name = " ".join(p for p in (given, family) if p) if given.isascii() else family + given
    return ident, name


def _surgeon(msg, pv1):
    people = msg.all("AIP")
    for aip in people:
        role = (aip.get(4, 1) + " " + aip.get(4, 2)).upper()
        if any(word in role for word in _SURGEON_ROLES):
            return _person(aip, 3)
    if people:
        return _person(people[0], 3)
    if pv1 is not None and pv1.get(7):
        return _person(pv1, 7)
    return "", ""
