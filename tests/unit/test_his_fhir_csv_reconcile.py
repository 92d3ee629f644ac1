"""A closed case as FHIR R4 (checked by fhir.resources, the maintained FHIR models),
the HIS's CSV exports, and the three-way reconciliation with a planted mismatch of
every kind."""

import datetime as dt
import json

import pytest

from medtrace.his import (
    CaseDevice,
    HisError,
    Line,
    SurgeryCase,
    case_bundle,
    read_bookings_csv,
    read_charges_csv,
    reconcile,
    summary,
)

bundle_model = pytest.importorskip("fhir.resources.bundle")

SYSTEM = "https://his.example-hospital.cn/id"


def _case(**values):
    fields = {
        "reference": "SC/2026/0007",
        "patient_id": "ZY20261207001",
        "visit_number": "V77",
        "procedure_code": "81.5101",
        "procedure_name": "全髋关节置换术",
        "procedure_system": "urn:oid:2.16.156.10011.2.3.3.12",
        "surgeon_id": "D012",
        "surgeon_name": "王医生",
        "operating_room": "OR-3",
        "start": dt.datetime(2026, 12, 7, 8, 30),
        "end": dt.datetime(2026, 12, 7, 10, 45),
        "devices": [
            CaseDevice(
                "HIP-STEM-12",
                "髋关节股骨柄 12号",
                udi="(01)06901234567892(17)281231(10)L2026A(21)SN0001",
                di="06901234567892",
                lot="L2026A",
                serial="SN0001",
                expiry=dt.date(2028, 12, 31),
                manufactured=dt.date(2026, 1, 5),
                manufacturer="ACME Orthopaedics",
                model="STEM-12",
                unit_reference="lot-4711",
            ),
            CaseDevice("DRAPE", "手术巾", outcome="used", implantable=False),
            CaseDevice("CUP-52", "髋臼杯 52", outcome="unused"),
        ],
    }
    fields.update(values)
    return SurgeryCase(**fields)


def test_bundle_is_valid_fhir_r4():
    bundle = case_bundle(_case(), SYSTEM)
    parsed = bundle_model.Bundle.parse_obj(json.loads(json.dumps(bundle)))
    kinds = [entry.resource.resource_type for entry in parsed.entry]
    # the implant and the used drape; the unused cup is not in the record
    assert kinds == ["Device", "Device", "Procedure"]
    assert parsed.type == "transaction"


def test_implant_device_has_what_the_implantable_device_profile_asks():
    implant = case_bundle(_case(), SYSTEM)["entry"][0]["resource"]
    carrier = implant["udiCarrier"][0]
    assert carrier["deviceIdentifier"] == "06901234567892"
    assert carrier["carrierHRF"] == "(01)06901234567892(17)281231(10)L2026A(21)SN0001"
    assert carrier["issuer"] == "http://hl7.org/fhir/NamingSystem/gs1-di"
    assert (implant["lotNumber"], implant["serialNumber"]) == ("L2026A", "SN0001")
    assert (implant["expirationDate"], implant["manufactureDate"]) == ("2028-12-31", "2026-01-05")
    assert implant["type"]["text"] == "髋关节股骨柄 12号"
    assert implant["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-implantable-device"
    ]
    assert implant["patient"] == {
        "type": "Patient",
        "identifier": {"system": f"{SYSTEM}/patient", "value": "ZY20261207001"},
    }


def test_procedure_links_implanted_and_used_devices():
    entries = case_bundle(_case(), SYSTEM)["entry"]
    procedure = entries[-1]["resource"]
    assert procedure["status"] == "completed"
    assert procedure["focalDevice"] == [
        {"action": {"text": "implanted"}, "manipulated": {"reference": entries[0]["fullUrl"]}}
    ]
    assert procedure["usedReference"] == [{"reference": entries[1]["fullUrl"]}]
    assert procedure["performedPeriod"] == {
        "start": "2026-12-07T08:30:00Z",
        "end": "2026-12-07T10:45:00Z",
    }


def test_no_personal_data_and_resending_creates_nothing_twice():
    bundle = case_bundle(_case(), SYSTEM)
    text = json.dumps(bundle, ensure_ascii=False)
    assert '"Patient"' in text and '"resourceType": "Patient"' not in text
    assert "name" not in json.dumps([e["resource"].get("patient") for e in bundle["entry"]])
    again = case_bundle(_case(), SYSTEM)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]
    assert bundle["entry"][0]["request"] == {
        "method": "POST",
        "url": "Device",
        "ifNoneExist": f"identifier={SYSTEM}/unit|lot-4711",
    }


def test_bundle_refuses_a_case_without_patient():
    with pytest.raises(HisError, match="no patient identifier"):
        case_bundle(_case(patient_id=""), SYSTEM)


# --- CSV exports of the HIS -------------------------------------------------------

BOOKINGS = (
    "手术申请单号,住院号,手术时间,预计时长,手术名称,手术间,科室,主刀医生,状态\n"
    "SS-889,ZY20261207001,2026-12-08 08:30,120,全髋关节置换术,OR-3,骨科,王医生,已排程\n"
    "SS-890,ZY20261207002,2026-12-08 13:00,90,膝关节置换术,OR-2,骨科,李医生,已取消\n"
)


def test_bookings_csv_in_gb18030_with_chinese_headers():
    first, second = read_bookings_csv(BOOKINGS.encode("gb18030"))
    assert (first.his_case_id, first.patient_id) == ("SS-889", "ZY20261207001")
    assert first.start == dt.datetime(2026, 12, 8, 8, 30)
    assert (first.duration_minutes, first.operating_room, first.surgeon_name) == (
        120,
        "OR-3",
        "王医生",
    )
    assert (first.action, second.action) == ("new", "cancel")
    assert first.source == "row 2"


def test_charges_csv_semicolons_bom_and_a_credit():
    text = (
        "\ufeffcharge code;description;qty;unit price;amount;date;mrn;case id;lot;serial\n"
        "HIP-STEM-12;Femoral stem;1;12800;12800;2026-12-07 10:50;ZY1;SS-889;L2026A;SN0001\n"
        "DRAPE;Drape;-1;15.5;-15.5;2026-12-07 11:20;ZY1;SS-889;;\n"
    )
    stem, credit = read_charges_csv(text.encode("utf-8"))
    assert (stem.charge_code, stem.serial, stem.amount) == ("HIP-STEM-12", "SN0001", 12800)
    assert stem.date == dt.datetime(2026, 12, 7, 10, 50)
    assert (credit.quantity, credit.transaction_type) == (-1, "CD")


def test_csv_problems_name_the_column_and_the_value():
    with pytest.raises(HisError, match="no 收费编码 / 收费项目编码 column") as info:
        read_charges_csv("名称,数量\n手术巾,1\n".encode())
    assert info.value.code == "his_csv_column"
    with pytest.raises(HisError, match=r"Row 2, column 数量: 'two' is not a number"):
        read_charges_csv("收费编码,数量\nDRAPE,two\n".encode())
    with pytest.raises(HisError, match=r"Row 2, column 手术时间: 'tomorrow' is not a date"):
        read_bookings_csv("手术申请单号,手术时间\nSS-1,tomorrow\n".encode())


# --- three-way reconciliation -----------------------------------------------------


def _period():
    """A test period with one mismatch of every kind planted in it."""
    return [
        # matched unit by unit (serial)
        Line("scanned", "STENT", serial="S1", lot="L1", unit_price=5000),
        Line("charged", "STENT", serial="S1", unit_price=5000),
        Line("billed", "STENT", serial="S1", lot="L1", unit_price=5000),
        # charged by serial, but the scan was of another unit: the HIS charged S2,
        # nobody scanned it; S3 was scanned and not charged
        Line("charged", "STENT", serial="S2", unit_price=5000),
        Line("billed", "STENT", serial="S2", unit_price=5000),
        Line("scanned", "STENT", serial="S3", unit_price=5000),
        # lot-tracked: 3 used, 2 charged, 3 billed
        Line("scanned", "SCREW", lot="B7", quantity=3, unit_price=800),
        Line("charged", "SCREW", lot="B7", quantity=2, unit_price=800),
        Line("billed", "SCREW", lot="B7", quantity=3, unit_price=800),
        # price: the consignor bills more than the charge (zero mark-up policy)
        Line("scanned", "PLATE", lot="P1", unit_price=2000),
        Line("charged", "PLATE", lot="P1", unit_price=2000),
        Line("billed", "PLATE", lot="P1", unit_price=2100),
        # billed by the consignor, neither scanned nor charged
        Line("billed", "CUP", lot="C9", quantity=1, unit_price=9000),
        # scanned and charged, missing from the consignor's bill
        Line("scanned", "NAIL", serial="N1", unit_price=3000),
        Line("charged", "NAIL", serial="N1", unit_price=3000),
    ]


def test_every_planted_mismatch_is_shown():
    rows = reconcile(_period())
    found = {(r.product, r.serial or r.lot, r.status) for r in rows}
    assert found == {
        ("STENT", "S1", "matched"),
        ("STENT", "S2", "charged_not_scanned"),
        ("STENT", "S3", "scanned_not_charged"),
        ("SCREW", "B7", "quantity_difference"),
        ("PLATE", "P1", "price_difference"),
        ("CUP", "C9", "billed_not_used"),
        ("NAIL", "N1", "not_billed"),
    }
    (s3,) = [r for r in rows if r.status == "scanned_not_charged"]
    assert [line.serial for line in s3.lines] == ["S3"]


def test_a_charge_without_serial_matches_the_scanned_unit_of_its_product():
    rows = reconcile(
        [
            Line("scanned", "STENT", serial="S1", lot="L1", unit_price=5000),
            Line("charged", "stent ", unit_price=5000),
        ],
        compare_bills=False,
    )
    assert [(r.status, r.level) for r in rows] == [("matched", "product")]


def test_a_period_of_units_only_scanned_and_only_charged():
    rows = reconcile(
        [
            Line("scanned", "STENT", serial="S3", unit_price=5000),
            Line("charged", "BALLOON", serial="B1", unit_price=700),
        ],
        compare_bills=False,
    )
    assert [(r.product, r.status, r.unmatched_value) for r in rows] == [
        ("BALLOON", "charged_not_scanned", 700),
        ("STENT", "scanned_not_charged", 5000),
    ]


def test_summary_counts_and_unmatched_value():
    result = summary(reconcile(_period()))
    assert result["counts"]["matched"] == 1
    assert result["counts"]["price_difference"] == 1
    assert result["counts"]["billed_not_used"] == 1
    # STENT S2 and S3 5000 each, SCREW 1 x 800, PLATE 100 x 1, CUP 9000, NAIL 3000
    assert result["unmatched_value"] == 5000 + 5000 + 800 + 100 + 9000 + 3000


def test_two_units_named_by_different_serials_never_match():
    """The HIS charged stent S2, the nurse scanned S3: two gaps, not one match."""
    rows = reconcile(
        [
            Line("scanned", "STENT", serial="S3", lot="L1", unit_price=5000),
            Line("charged", "STENT", serial="S2", lot="L1", unit_price=5000),
        ],
        compare_bills=False,
    )
    assert [(r.serial, r.status) for r in rows] == [
        ("S2", "charged_not_scanned"),
        ("S3", "scanned_not_charged"),
    ]
