"""HL7 v2 messages of the HIS: written by medtrace and checked by hl7apy (a maintained
HL7 library), read back, and messages other software wrote read field by field."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtrace.his import (
    CaseDevice,
    HisError,
    SurgeryCase,
    er7,
    read_dft_p03,
    read_siu,
    write_dft_p03,
)
from medtrace.his.hl7dates import format_ts, parse_ts

hl7apy_parser = pytest.importorskip("hl7apy.parser")
from hl7apy.consts import VALIDATION_LEVEL  # noqa: E402

DATA = Path(__file__).parent.parent / "data" / "his"
NOW = dt.datetime(2026, 12, 7, 11, 0)


def _case(**values):
    devices = values.pop(
        "devices",
        [
            CaseDevice(
                "HIP-STEM-12",
                "髋关节股骨柄 12号",
                udi="(01)06901234567892(17)281231(10)L2026A(21)SN0001",
                di="06901234567892",
                lot="L2026A",
                serial="SN0001",
                expiry=dt.date(2028, 12, 31),
                unit_price=12800.0,
                registration="国械注准20173130001",
                supplier="SUP001",
            ),
            CaseDevice(
                "DRAPE", "手术巾", outcome="used", quantity=2, unit_price=15.5, implantable=False
            ),
            CaseDevice("CUP-52", "髋臼杯 52", outcome="unused", unit_price=9000.0),
            CaseDevice("SCREW", "螺钉", outcome="wasted", unit_price=800.0, waste_reason="dropped"),
        ],
    )
    fields = {
        "reference": "SC/2026/0007",
        "patient_id": "ZY20261207001",
        "patient_id_authority": "HOSP",
        "his_case_id": "SS-889",
        "visit_number": "V77",
        "department_code": "ORTH",
        "operating_room": "OR-3",
        "procedure_code": "81.5101",
        "procedure_name": "全髋关节置换术",
        "procedure_system": "ICD-9-CM-3",
        "surgeon_id": "D012",
        "surgeon_name": "王医生",
        "start": dt.datetime(2026, 12, 7, 8, 30),
        "end": dt.datetime(2026, 12, 7, 10, 45),
        "devices": devices,
    }
    fields.update(values)
    return SurgeryCase(**fields)


def _strict(text):
    message = hl7apy_parser.parse_message(
        text, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True
    )
    assert message.validate()
    return message


def test_dft_p03_is_valid_hl7_v25_for_hl7apy():
    message = _strict(write_dft_p03(_case(), "MT0001", NOW))
    assert message.msh.msh_9.to_er7() == "DFT^P03^DFT_P03"
    financial = message.children.get("DFT_P03_FINANCIAL")
    # implanted and used are charged, unused and wasted are not
    assert len(financial) == 2
    assert financial[0].ft1.ft1_7.to_er7() == "HIP-STEM-12^髋关节股骨柄 12号^99MTR"
    assert financial[1].ft1.ft1_10.to_er7() == "2"


def test_a_long_hospital_name_still_makes_a_valid_header():
    text = write_dft_p03(_case(), "MT0012", NOW, sending=("MEDTRACE", "My Company (San Francisco)"))
    message = _strict(text)
    assert message.msh.msh_4.to_er7() == "My Company (San Fran"


def test_long_names_and_places_are_cut_to_what_hl7_v25_holds():
    long = "心血管外科" * 10
    device = CaseDevice("S1", "支架" * 150, manufacturer="M" * 300, unit_price=1.0)
    case = _case(
        devices=[device], department_code=long, operating_room=long, patient_id_authority=long
    )
    message = _strict(write_dft_p03(case, "MT0013", NOW))
    assert message.pid.pid_3.cx_4.to_er7() == long[:20]
    (charge,) = read_dft_p03(message.to_er7())
    assert charge.description == ("支架" * 150)[:199]


def test_dft_p03_carries_udi_lot_serial_and_is_read_back():
    text = write_dft_p03(_case(), "MT0001", NOW)
    implant, drape = read_dft_p03(text.encode())
    assert implant.charge_code == "HIP-STEM-12"
    assert implant.udi == "(01)06901234567892(17)281231(10)L2026A(21)SN0001"
    assert (implant.di, implant.lot, implant.serial) == ("06901234567892", "L2026A", "SN0001")
    assert (implant.quantity, implant.unit_price, implant.amount) == (1, 12800, 12800)
    assert implant.patient_id == "ZY20261207001"
    assert implant.visit_number == "V77"
    assert implant.his_case_id == "SS-889"
    assert (drape.quantity, drape.amount, drape.udi) == (2, 31, "")


def test_dft_p03_names_the_patient_by_identifier_only():
    message = er7.parse_message(write_dft_p03(_case(), "MT0001", NOW))
    pid = message.require("PID")
    assert pid.get(3, 1) == "ZY20261207001"
    assert pid.get(3, 5) == "MR"
    # PID-5 is required by HL7; it carries no name, only the type "unspecified"
    assert pid.components(5) == ["", "", "", "", "", "", "U"]
    assert len(pid.fields) == 6


def test_the_hospital_may_charge_wasted_devices_too():
    text = write_dft_p03(_case(), "MT0002", NOW, charged_outcomes=("implanted", "used", "wasted"))
    assert [c.charge_code for c in read_dft_p03(text)] == ["HIP-STEM-12", "DRAPE", "SCREW"]


def test_names_with_hl7_delimiters_are_escaped_and_read_back():
    hostile = "Stent|^~&\\ 3.0\r\nMSH|^~\\&|EVIL"
    case = _case(devices=[CaseDevice("S1", hostile, lot="L|1^2", unit_price=1.0)])
    text = write_dft_p03(case, "MT0003", NOW)
    _strict(text)
    assert text.count("\r") == len(er7.parse_message(text).segments)
    (charge,) = read_dft_p03(text)
    assert charge.description == hostile.replace("\r\n", "\n")
    assert charge.lot == "L|1^2"


def test_a_case_without_patient_or_charged_device_is_refused():
    with pytest.raises(HisError, match="SC/2026/0007 has no patient identifier") as info:
        write_dft_p03(_case(patient_id=""), "MT0004", NOW)
    assert info.value.code == "his_patient_identifier"
    unused = [CaseDevice("CUP-52", "髋臼杯 52", outcome="unused")]
    with pytest.raises(HisError, match="no implanted or used device") as info:
        write_dft_p03(_case(devices=unused), "MT0005", NOW)
    assert info.value.params == {"case": "SC/2026/0007"}


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_escaping_round_trips_any_text(text):
    seps = er7.Separators()
    assert seps.unescape_text(seps.escape_text(text)) == text.replace("\r\n", "\n").replace(
        "\r", "\n"
    )


# --- the envelope as HIS interfaces send it ---------------------------------------


def test_mllp_frame_bom_and_newline_terminators_are_read():
    text = write_dft_p03(_case(), "MT0006", NOW)
    framed = b"\x0b" + text.encode() + b"\x1c\r"
    assert read_dft_p03(framed)[0].serial == "SN0001"
    bom_lf = b"\xef\xbb\xbf" + text.replace("\r", "\r\n").encode()
    assert read_dft_p03(bom_lf)[0].serial == "SN0001"


def test_gb18030_without_msh18_is_read_and_a_wrong_declaration_is_named():
    text = write_dft_p03(_case(), "MT0007", NOW).replace("|UNICODE UTF-8", "")
    assert read_dft_p03(text.encode("gb18030"))[0].description == "髋关节股骨柄 12号"
    declared = write_dft_p03(_case(), "MT0008", NOW).encode("gb18030")
    with pytest.raises(HisError, match="not utf-8 text") as info:
        read_dft_p03(declared)
    assert info.value.params["declared"] == "UNICODE UTF-8"


def test_batches_of_several_messages_are_all_read():
    one = write_dft_p03(_case(), "MT0009", NOW)
    two = write_dft_p03(_case(reference="SC/2026/0008"), "MT0010", NOW)
    batch = "FHS|^~\\&|HIS\rBHS|^~\\&|HIS\r" + one + two + "BTS|2\rFTS|1\r"
    charges = read_dft_p03(batch)
    assert [c.source for c in charges] == [
        "MT0009/FT1-1",
        "MT0009/FT1-2",
        "MT0010/FT1-1",
        "MT0010/FT1-2",
    ]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "hl7_empty"),
        (b"   \r\n", "hl7_empty"),
        (b"PID|1||X\r", "hl7_no_msh"),
        (b"ISA*00*          *00*\r", "hl7_no_msh"),
        (b"MSH|^~\r", "hl7_separators"),
        (b"MSH|^~\\&|A||B||20261207||DFT^P03|1|P|2.5\rhello world\r", "hl7_segment"),
        (b"MSH|^~\\&|A||B||20261207||ADT^A01|1|P|2.5\rPID|1\r", "hl7_type"),
        (b"MSH|^~\\&|A||B||20261207||DFT^P03|1|P|2.5\rFT1|1|||2026|||\r", "hl7_required"),
        (
            b"MSH|^~\\&|A||B||20261207||DFT^P03|1|P|2.5\rFT1|1|||20261399||CG|X|||2\r",
            "hl7_date",
        ),
        (
            b"MSH|^~\\&|A||B||20261207||DFT^P03|1|P|2.5\rFT1|1|||20261201||CG|X|||two\r",
            "hl7_number",
        ),
    ],
)
def test_what_is_not_a_charge_message_is_refused_by_name(data, code):
    with pytest.raises(HisError) as info:
        read_dft_p03(data)
    assert info.value.code == code
    assert str(info.value) == info.value.template % info.value.params


def test_a_huge_file_is_refused_before_reading():
    with pytest.raises(HisError, match="at most") as info:
        read_dft_p03(b"MSH|" + b"x" * (er7.MAX_BYTES + 1))
    assert info.value.code == "hl7_too_large"


# --- messages written by other software (tests/data/his/SOURCES.md) ---------------


def _read(name):
    return (DATA / name).read_bytes()


def test_microsoft_sample_siu_s12_books_a_procedure():
    (booking,) = read_siu(_read("msfhirconv_SIU-S12-01.hl7"))
    assert booking.action == "new"
    assert booking.his_case_id == "12345"
    assert (booking.patient_id, booking.patient_id_authority) == ("PATID1234", "test1")
    assert booking.visit_number == "5001"
    # TQ1-7/8 20210924093000+0215 .. 102000+0215: the offset applied, the time in UTC
    assert booking.start == dt.datetime(2021, 9, 24, 7, 15, tzinfo=dt.timezone.utc)
    assert booking.end == dt.datetime(2021, 9, 24, 8, 5, tzinfo=dt.timezone.utc)
    assert booking.duration_minutes == 50
    assert (booking.procedure_code, booking.procedure_name) == (
        "76164006",
        "Biopsy of colon (procedure)",
    )
    assert booking.operating_room == "055 Room01"
    assert (booking.surgeon_id, booking.surgeon_name) == ("1210", "Robert GE")
    assert booking.status == "Booked"
    assert booking.source == "MSG00012"


def test_microsoft_sample_siu_s12_with_several_resource_groups():
    (booking,) = read_siu(_read("msfhirconv_SIU-S12-02.hl7"))
    assert booking.start == dt.datetime(2021, 8, 18, 9, 15, tzinfo=dt.timezone.utc)
    assert booking.duration_minutes == 60
    assert booking.procedure_code == "58410-2"
    assert booking.operating_room == "LabUnit101 Lab Room 01"


@pytest.mark.parametrize(
    "name, action, status, room",
    [
        ("msfhirconv_SIU-S13-01.hl7", "update", "Booked", "055 Room01"),
        ("msfhirconv_SIU-S14-01.hl7", "update", "Booked", "055 Room02"),
        ("msfhirconv_SIU-S15-01.hl7", "cancel", "Cancelled", "055 Room01"),
        ("msfhirconv_SIU-S17-01.hl7", "cancel", "Deleted", "055 Room01"),
    ],
)
def test_microsoft_samples_reschedule_change_and_cancel(name, action, status, room):
    (booking,) = read_siu(_read(name))
    assert (booking.his_case_id, booking.action, booking.status) == ("12345", action, status)
    assert booking.operating_room == room


@pytest.mark.parametrize("name", ["msfhirconv_DFT-P03-01.hl7", "msfhirconv_DFT-P03-02.hl7"])
def test_microsoft_sample_dft_p03_charges(name):
    xray, visit = read_dft_p03(_read(name))
    assert (xray.charge_code, xray.description) == ("71045", "Xray exam chest 1 view")
    # FT1-10 2, FT1-11 100&USD, FT1-12 50&USD
    assert (xray.quantity, xray.amount, xray.unit_price) == (2, 100, 50)
    assert xray.date == dt.date(2019, 11, 22)
    assert (xray.transaction_type, xray.transaction_id) == ("CG", "12345")
    assert (xray.patient_id, xray.visit_number, xray.department_code) == (
        "PATID1234",
        "40007716",
        "RAD-1",
    )
    assert (visit.charge_code, visit.quantity, visit.amount, visit.unit_price) == (
        "626.2",
        1,
        120,
        None,
    )


def test_other_software_sees_our_charge_as_we_wrote_it():
    """hl7apy reads the FT1 and OBX fields of our DFT where the standard puts them."""
    message = _strict(write_dft_p03(_case(), "MT0011", NOW))
    first = message.children.get("DFT_P03_FINANCIAL")[0]
    observations = first.children.get("DFT_P03_FINANCIAL_COMMON_ORDER")[0].children
    values = {
        obx.obx.obx_3.ce_1.to_er7(): obx.obx.obx_5.to_er7()
        for obx in observations
        if obx.name == "DFT_P03_FINANCIAL_OBSERVATION"
    }
    assert values["SN"] == "SN0001"
    assert values["LOT"] == "L2026A"
    assert values["EXP"] == "20281231"
    assert values["REG"] == "国械注准20173130001"
    assert first.ft1.ft1_23.to_er7() == "SS-889"


def test_a_time_without_offset_stays_the_senders_local_time():
    # a Chinese HIS writes 08:30 for 08:30 Beijing time: only the receiver knows its zone
    assert parse_ts("202612080830") == dt.datetime(2026, 12, 8, 8, 30)
    assert parse_ts("202612080830").tzinfo is None
    assert parse_ts("202612080830+0800") == dt.datetime(2026, 12, 8, 0, 30, tzinfo=dt.timezone.utc)


def test_a_time_with_a_zone_is_written_with_its_offset():
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert format_ts(dt.datetime(2026, 12, 8, 8, 30, tzinfo=beijing)) == "20261208083000+0800"
    assert format_ts(dt.datetime(2026, 12, 8, 8, 30)) == "20261208083000"
    # and read back as the same instant
    written = format_ts(dt.datetime(2026, 12, 8, 8, 30, tzinfo=beijing))
    assert parse_ts(written) == dt.datetime(2026, 12, 8, 0, 30, tzinfo=dt.timezone.utc)
