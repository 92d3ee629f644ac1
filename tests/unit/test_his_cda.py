"""The 高值耗材使用记录 CDA document (WS/T 500 C0022) of a closed case.

Its shape is checked against the public renderings of C0022 named in
tests/data/SOURCES.md (bzrrr/cda template22.ftl, wangk4i/LangZhongGit C0022.xsl).
The CDA schema set of bzrrr/cda (sdschemas/SDA.xsd) is not copied: that repository
states no licence.  The structure the schema requires (element order of the entries,
``manufacturerOrganization`` inside ``manufacturedProduct``) is asserted here instead.
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtrace.his import CaseDevice, HisError, SurgeryCase, write_c0022

NS = {"v3": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 7, 15, 30, tzinfo=CST)
ORG = ("12100000400000000X", "第一人民医院")
NURSE = ("nurse.li", "李护士")


def _case(**values):
    stent = CaseDevice(
        product_code="STENT-01",
        product_name="冠脉支架",
        quantity=1,
        unit="个",
        outcome="implanted",
        udi="(01)06901234567892(17)281231(10)LOT7(21)SN001",
        di="06901234567892",
        lot="LOT7",
        serial="SN001",
        expiry=dt.date(2028, 12, 31),
        manufacturer="微创医疗",
        model="3.0x18mm",
        registration="国械注准20193130001",
        supplier="国药控股",
        implantable=True,
    )
    catheter = CaseDevice(
        product_code="CATH-02",
        product_name="导管",
        quantity=2,
        outcome="used",
        lot="CL9",
        implantable=False,
    )
    unused = CaseDevice(product_code="STENT-01", lot="LOT8", serial="SN002", outcome="unused")
    wasted = CaseDevice(product_code="STENT-01", lot="LOT9", serial="SN003", outcome="wasted")
    return SurgeryCase(
        **dict(
            {
                "reference": "SC/2026/0001",
                "patient_id": "ZY20261207001",
                "department_code": "CARD",
                "department_name": "心内科",
                "start": dt.datetime(2026, 12, 7, 9, 0, tzinfo=CST),
                "end": dt.datetime(2026, 12, 7, 11, 0, tzinfo=CST),
                "devices": [stent, unused, catheter, wasted],
            },
            **values,
        )
    )


def _doc(case=None):
    content = write_c0022(_case() if case is None else case, "DOC-1", NOW, ORG, NURSE)
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return content, ET.fromstring(content)


def _one(node, path):
    (found,) = node.findall(path, NS)
    return found


def _observation(entry, label):
    """The value of the entry's observation coded ``label`` (a DE code or a text)."""
    for obs in entry.findall("v3:entryRelationship/v3:observation", NS):
        code = _one(obs, "v3:code")
        text = code.findtext("v3:originalText", default="", namespaces=NS)
        if label in (code.get("code"), text):
            return _one(obs, "v3:value")
    return None


def test_header_codes_and_oids():
    _content, doc = _doc()
    assert doc.tag == "{urn:hl7-org:v3}ClinicalDocument"
    assert _one(doc, "v3:realmCode").get("code") == "CN"
    type_id = _one(doc, "v3:typeId")
    assert (type_id.get("root"), type_id.get("extension")) == (
        "2.16.840.1.113883.1.3",
        "POCD_MT000040",
    )
    assert _one(doc, "v3:templateId").get("root") == "2.16.156.10011.2.1.1.42"
    doc_id = _one(doc, "v3:id")
    assert (doc_id.get("root"), doc_id.get("extension")) == ("2.16.156.10011.1.1", "DOC-1")
    code = _one(doc, "v3:code")
    assert (code.get("code"), code.get("codeSystem")) == ("C0022", "2.16.156.10011.2.4")
    assert doc.findtext("v3:title", namespaces=NS) == "高值耗材使用记录"
    assert _one(doc, "v3:effectiveTime").get("value") == "20261207153000+0800"
    assert _one(doc, "v3:confidentialityCode").get("code") == "N"
    assert _one(doc, "v3:languageCode").get("code") == "zh-CN"
    # header order of POCD_MT000040.ClinicalDocument
    tags = [child.tag.split("}")[1] for child in doc]
    assert tags == [
        "realmCode",
        "typeId",
        "templateId",
        "id",
        "code",
        "title",
        "effectiveTime",
        "confidentialityCode",
        "languageCode",
        "setId",
        "versionNumber",
        "recordTarget",
        "author",
        "custodian",
        "componentOf",
        "component",
    ]


def test_author_custodian_and_department():
    _content, doc = _doc()
    author = _one(doc, "v3:author/v3:assignedAuthor")
    assert _one(author, "v3:id").get("root") == "2.16.156.10011.1.7"
    assert _one(author, "v3:id").get("extension") == "nurse.li"
    assert author.findtext("v3:assignedPerson/v3:name", namespaces=NS) == "李护士"
    assert _one(doc, "v3:author/v3:time").get("value") == "20261207153000+0800"
    custodian = _one(doc, "v3:custodian/v3:assignedCustodian/v3:representedCustodianOrganization")
    assert _one(custodian, "v3:id").get("extension") == ORG[0]
    assert custodian.findtext("v3:name", namespaces=NS) == "第一人民医院"
    encounter = _one(doc, "v3:componentOf/v3:encompassingEncounter")
    assert _one(encounter, "v3:effectiveTime/v3:low").get("value") == "20261207090000+0800"
    assert _one(encounter, "v3:effectiveTime/v3:high").get("value") == "20261207110000+0800"
    # bed, room and ward unknown, then the department, nested as the templates do
    orgs = encounter.findall(".//v3:wholeOrganization", NS)
    roots = [_one(org, "v3:id").get("root") for org in orgs]
    assert roots == [
        "2.16.156.10011.1.22",
        "2.16.156.10011.1.21",
        "2.16.156.10011.1.27",
        "2.16.156.10011.1.26",
    ]
    assert [_one(org, "v3:id").get("nullFlavor") for org in orgs[:3]] == ["NI"] * 3
    department = orgs[3]
    assert _one(department, "v3:id").get("extension") == "CARD"
    assert department.findtext("v3:name", namespaces=NS) == "心内科"


def test_patient_is_identified_by_the_hospital_identifier_only():
    content, doc = _doc()
    role = _one(doc, "v3:recordTarget/v3:patientRole")
    patient_id = _one(role, "v3:id")
    assert (patient_id.get("root"), patient_id.get("extension")) == (
        "2.16.156.10011.1.12",
        "ZY20261207001",
    )
    patient = _one(role, "v3:patient")
    assert _one(patient, "v3:id").get("root") == "2.16.156.10011.1.3"
    for tag in ("id", "name", "administrativeGenderCode"):
        element = _one(patient, f"v3:{tag}")
        assert element.get("nullFlavor") == "NI"
        assert element.get("extension") is None and element.get("code") is None
        assert not (element.text or "").strip()
    assert patient.find("v3:age", NS) is None
    assert patient.find("v3:birthTime", NS) is None
    # the identifier appears once, nowhere else
    assert content.count(b"ZY20261207001") == 1


def test_one_entry_per_used_or_implanted_device():
    content, doc = _doc()
    section = _one(doc, "v3:component/v3:structuredBody/v3:component[2]/v3:section")
    assert _one(section, "v3:code").get("code") == "10160-0"
    assert _one(section, "v3:code").get("codeSystem") == "2.16.840.1.113883.6.1"
    entries = section.findall("v3:entry/v3:substanceAdministration", NS)
    assert len(entries) == 2
    stent, catheter = entries
    assert stent.findtext("v3:routeCode/v3:originalText", namespaces=NS) == "植入"
    dose = _one(stent, "v3:doseQuantity")
    assert (dose.get("value"), dose.get("unit")) == ("1", "个")
    product = _one(stent, "v3:consumable/v3:manufacturedProduct")
    assert _one(product, "v3:id").get("extension") == "STENT-01"
    material = _one(product, "v3:manufacturedMaterial")
    assert material.findtext("v3:name", namespaces=NS) == "冠脉支架"
    assert material.findtext("v3:lotNumberText", namespaces=NS) == "LOT7"
    maker = _one(product, "v3:manufacturerOrganization")
    assert maker.findtext("v3:name", namespaces=NS) == "微创医疗"
    assert (
        maker.findtext("v3:asOrganizationPartOf/v3:wholeOrganization/v3:name", namespaces=NS)
        == "国药控股"
    )
    assert _observation(stent, "DE08.50.035.00").text == "国药控股"
    flag = _observation(stent, "DE08.50.058.00")
    assert (flag.get(XSI_TYPE), flag.get("value")) == ("BL", "true")
    assert _observation(stent, "医疗器械唯一标识 UDI").text == (
        "(01)06901234567892(17)281231(10)LOT7(21)SN001"
    )
    assert _observation(stent, "序列号").text == "SN001"
    assert _observation(stent, "失效日期").get("value") == "20281231"
    assert _observation(stent, "规格型号").text == "3.0x18mm"
    assert _observation(stent, "医疗器械注册证编号").text == "国械注准20193130001"
    # the used catheter: quantity 2 counted, not an implant, no UDI to write
    assert catheter.findtext("v3:routeCode/v3:originalText", namespaces=NS) == "术中使用"
    dose = _one(catheter, "v3:doseQuantity")
    assert (dose.get("value"), dose.get("unit")) == ("2", "1")
    assert _observation(catheter, "DE08.50.058.00").get("value") == "false"
    assert _observation(catheter, "医疗器械唯一标识 UDI") is None
    # the unused and the wasted units are not in the record
    for absent in (b"LOT8", b"SN002", b"LOT9", b"SN003"):
        assert absent not in content


def test_entries_follow_the_cda_schema_order():
    """POCD_MT000040's sequences (the schema of bzrrr/cda cannot be copied here)."""
    _content, doc = _doc()
    for entry in doc.findall(".//v3:substanceAdministration", NS):
        tags = [child.tag.split("}")[1] for child in entry]
        assert tags[:4] == ["text", "routeCode", "doseQuantity", "consumable"]
        assert set(tags[4:]) == {"entryRelationship"}
        product = _one(entry, "v3:consumable/v3:manufacturedProduct")
        assert [child.tag.split("}")[1] for child in product] == [
            "id",
            "manufacturedMaterial",
            "manufacturerOrganization",
        ]
        material = _one(product, "v3:manufacturedMaterial")
        assert [child.tag.split("}")[1] for child in material][0] == "name"
        for obs in entry.findall("v3:entryRelationship/v3:observation", NS):
            assert [child.tag.split("}")[1] for child in obs] == ["code", "value"]
            assert _one(obs, "v3:value").get(XSI_TYPE) in ("ST", "BL", "TS")
    diagnosis = _one(doc, "v3:component/v3:structuredBody/v3:component[1]/v3:section")
    assert _one(diagnosis, "v3:code").get("code") == "29548-5"
    value = _one(diagnosis, "v3:entry/v3:observation/v3:value")
    assert (value.get(XSI_TYPE), value.get("nullFlavor")) == ("CD", "NI")


def test_naive_time_is_written_without_offset():
    content = write_c0022(_case(), "DOC-2", dt.datetime(2026, 12, 7, 15, 30), ORG, NURSE)
    doc = ET.fromstring(content)
    assert _one(doc, "v3:effectiveTime").get("value") == "20261207153000"


def test_refusals_name_the_case():
    with pytest.raises(HisError, match="SC/2026/0001 has no patient identifier"):
        write_c0022(_case(patient_id=""), "D", NOW, ORG, NURSE)
    unused = _case(devices=[CaseDevice(product_code="X", outcome="unused")])
    with pytest.raises(HisError, match="SC/2026/0001 has no implanted or used device"):
        write_c0022(unused, "D", NOW, ORG, NURSE)


def _xml_chars(text):
    return "".join(
        ch
        for ch in text.replace("\r\n", "\n").replace("\r", "\n")
        if ch in "\t\n\r"
        or "\x20" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
    )


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
    | st.sampled_from(["<b>&amp;</b>", "a]]>b", "冠脉支架\x00\x1b", "\"'<&>"]),
    lot=st.text(max_size=20),
)
def test_any_text_round_trips(name, lot):
    device = CaseDevice(product_code="P1", product_name=name, lot=lot, model=name)
    case = _case(devices=[device], department_name=name, patient_id="ID" + lot)
    _content, doc = _doc(case)
    material = _one(doc, ".//v3:manufacturedMaterial")
    if _xml_chars(name):
        assert material.findtext("v3:name", namespaces=NS) == _xml_chars(name)
    if _xml_chars(lot):
        assert material.findtext("v3:lotNumberText", namespaces=NS) == _xml_chars(lot)
    role_id = _one(doc, "v3:recordTarget/v3:patientRole/v3:id")
    assert role_id.get("extension") == _xml_chars("ID" + lot)
    # the schema's attribute types (st, cs) have no empty value
    assert all(value for node in doc.iter() for value in node.attrib.values())


def test_a_device_without_product_code_has_a_null_id():
    device = CaseDevice(product_code="", product_name="导丝", outcome="used")
    _content, doc = _doc(_case(devices=[device]))
    product_id = _one(doc, ".//v3:manufacturedProduct/v3:id")
    assert dict(product_id.attrib) == {"nullFlavor": "NI"}
