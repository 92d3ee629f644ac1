"""A surgery case and its devices, as the HIS messages carry them (no Odoo)."""

import dataclasses
import datetime as dt

#: what became of a device brought for the case, at close-out
OUTCOMES = ("implanted", "used", "wasted", "unused")
#: outcomes charged to the patient unless the hospital says otherwise
CHARGED_OUTCOMES = ("implanted", "used")


@dataclasses.dataclass
class CaseDevice:
    product_code: str
    product_name: str = ""
    quantity: float = 1
    #: the unit of the quantity as the hospital names it (个, 根, 套); empty: a count
    unit: str = ""
    outcome: str = "implanted"
    #: the UDI as printed, with AIs in parentheses (GS1) or as read (HIBCC, MA)
    udi: str = ""
    di: str = ""
    #: GS1, HIBCC, ICCBBA or MA (the Chinese MA code)
    issuer: str = "GS1"
    lot: str = ""
    serial: str = ""
    expiry: dt.date | None = None
    manufactured: dt.date | None = None
    unit_price: float | None = None
    manufacturer: str = ""
    model: str = ""
    registration: str = ""
    supplier: str = ""
    #: the HIS's charge item code (收费编码), when it differs from the product code
    charge_code: str = ""
    implantable: bool = True
    #: the suite's own identifier of the unit (stock.lot id), for the HIS to quote back
    unit_reference: str = ""
    waste_reason: str = ""


@dataclasses.dataclass
class SurgeryCase:
    reference: str
    patient_id: str
    #: who issued the patient identifier (HIS code, e.g. the hospital's MRN authority)
    patient_id_authority: str = ""
    his_case_id: str = ""
    visit_number: str = ""
    department_code: str = ""
    department_name: str = ""
    operating_room: str = ""
    procedure_code: str = ""
    procedure_name: str = ""
    #: coding system of the procedure code (e.g. ICD-9-CM-3, ICD-10-PCS, or local)
    procedure_system: str = ""
    surgeon_id: str = ""
    surgeon_name: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    devices: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Booking:
    """A planned operation read from the HIS (SIU^S12…S15 or a CSV export)."""

    his_case_id: str
    #: new, update or cancel
    action: str = "new"
    patient_id: str = ""
    patient_id_authority: str = ""
    visit_number: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration_minutes: int | None = None
    procedure_code: str = ""
    procedure_name: str = ""
    operating_room: str = ""
    department_code: str = ""
    department_name: str = ""
    surgeon_id: str = ""
    surgeon_name: str = ""
    status: str = ""
    note: str = ""
    #: the message's control id or the file row, to name in problems
    source: str = ""


@dataclasses.dataclass
class Charge:
    """One charge line of the HIS (医嘱计费), from DFT^P03 or a CSV export."""

    charge_code: str
    description: str = ""
    quantity: float = 1
    amount: float | None = None
    unit_price: float | None = None
    date: dt.datetime | dt.date | None = None
    #: CG charge, CD credit (a credit's quantity and amount are negative)
    transaction_type: str = "CG"
    transaction_id: str = ""
    patient_id: str = ""
    visit_number: str = ""
    his_case_id: str = ""
    department_code: str = ""
    udi: str = ""
    di: str = ""
    lot: str = ""
    serial: str = ""
    source: str = ""
