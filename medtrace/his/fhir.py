"""A closed case as a FHIR R4 transaction bundle: one ``Procedure``, one ``Device``
per implanted or used unit (after the implantable-device profiles: ``udiCarrier``
with the DI and the human-readable UDI, lot, serial, dates, manufacturer, type and
the patient), the patient as a reference by identifier only (no ``Patient``
resource, no name). Posting the bundle twice creates nothing twice: every entry
is a conditional create on its identifier.
"""

import datetime as dt
import uuid

from .case import CHARGED_OUTCOMES
from .errors import HisError

#: Device.udiCarrier.issuer per issuing agency (FHIR R4's NamingSystem examples)
ISSUERS = {
    "GS1": "http://hl7.org/fhir/NamingSystem/gs1-di",
    "HIBCC": "http://hl7.org/fhir/NamingSystem/hibcc-dI",
    "ICCBBA": "http://hl7.org/fhir/NamingSystem/iccbba-other-di",
}
PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-implantable-device"
_NAMESPACE = uuid.UUID("6f1f3f0e-3c59-4a4e-9d8c-6d2f0b7c5a11")


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + ("" if value.tzinfo else "Z")
    return value.isoformat()


def _urn(*parts):
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _clean(value):
    """Drop empty values (FHIR forbids empty strings, arrays and objects)."""
    if isinstance(value, dict):
        out = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        out = [_clean(v) for v in value]
        return [v for v in out if v not in (None, "", [], {})]
    return value


def case_bundle(case, system, jurisdiction=None, outcomes=CHARGED_OUTCOMES):
    """The bundle (a ``dict`` ready for ``json.dumps``) of ``case``.

    ``system`` is the hospital's identifier namespace (a URL or ``urn:oid:``); the
    case, the units, the patient and the surgeon are identified under it.
    """
    if not case.patient_id:
        raise HisError("his_patient_identifier", case=case.reference)
    devices = [d for d in case.devices if d.outcome in outcomes]
    if not devices:
        raise HisError("his_no_items", case=case.reference)
    system = system.rstrip("/")
    patient = {
        "type": "Patient",
        "identifier": {
            "system": f"{system}/patient"
            + (f"/{case.patient_id_authority}" if case.patient_id_authority else ""),
            "value": case.patient_id,
        },
    }
    entries, focal, used = [], [], []
    for index, device in enumerate(devices, start=1):
        unit_key = device.unit_reference or f"{case.reference}-{index}"
        full_url = _urn(system, "device", unit_key)
        identifier = {"system": f"{system}/unit", "value": unit_key}
        resource = {
            "resourceType": "Device",
            "meta": {"profile": [PROFILE]} if device.implantable else None,
            "identifier": [identifier],
            "udiCarrier": [
                {
                    "deviceIdentifier": device.di,
                    "issuer": ISSUERS.get((device.issuer or "").upper()),
                    "jurisdiction": jurisdiction,
                    "carrierHRF": device.udi,
                    "entryType": "barcode" if device.udi else None,
                }
            ]
            if (device.di or device.udi)
            else None,
            "status": "active" if device.outcome == "implanted" else "inactive",
            "manufacturer": device.manufacturer,
            "manufactureDate": _iso(device.manufactured),
            "expirationDate": _iso(device.expiry),
            "lotNumber": device.lot,
            "serialNumber": device.serial,
            "deviceName": [{"name": device.product_name, "type": "user-friendly-name"}]
            if device.product_name
            else None,
            "modelNumber": device.model,
            "type": {
                "coding": [{"system": f"{system}/product", "code": device.product_code}],
                "text": device.product_name or device.product_code,
            },
            "patient": patient,
            "note": [{"text": f"Registration certificate {device.registration}"}]
            if device.registration
            else None,
        }
        entries.append(
            {
                "fullUrl": full_url,
                "resource": _clean(resource),
                "request": {
                    "method": "POST",
                    "url": "Device",
                    "ifNoneExist": f"identifier={identifier['system']}|{unit_key}",
                },
            }
        )
        if device.outcome == "implanted":
            focal.append({"action": {"text": "implanted"}, "manipulated": {"reference": full_url}})
        else:
            used.append({"reference": full_url})
    procedure = {
        "resourceType": "Procedure",
        "identifier": [{"system": f"{system}/surgery-case", "value": case.reference}],
        "status": "completed",
        "code": {
            "coding": [
                {
                    "system": case.procedure_system or f"{system}/procedure",
                    "code": case.procedure_code,
                    "display": case.procedure_name,
                }
            ]
            if case.procedure_code
            else None,
            "text": case.procedure_name or case.procedure_code or "surgery",
        },
        "subject": patient,
        "encounter": {
            "type": "Encounter",
            "identifier": {"system": f"{system}/visit", "value": case.visit_number},
        }
        if case.visit_number
        else None,
        "performedPeriod": {"start": _iso(case.start), "end": _iso(case.end)}
        if case.start
        else None,
        "performer": [
            {
                "function": {"text": "surgeon"},
                "actor": {
                    "type": "Practitioner",
                    "identifier": {"system": f"{system}/practitioner", "value": case.surgeon_id}
                    if case.surgeon_id
                    else None,
                    "display": case.surgeon_name,
                },
            }
        ]
        if (case.surgeon_id or case.surgeon_name)
        else None,
        "location": {"display": case.operating_room} if case.operating_room else None,
        "focalDevice": focal,
        "usedReference": used,
    }
    entries.append(
        {
            "fullUrl": _urn(system, "procedure", case.reference),
            "resource": _clean(procedure),
            "request": {
                "method": "POST",
                "url": "Procedure",
                "ifNoneExist": f"identifier={system}/surgery-case|{case.reference}",
            },
        }
    )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
