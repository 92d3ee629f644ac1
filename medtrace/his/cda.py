"""A closed case as the 高值耗材使用记录 CDA document (WS/T 500 电子病历共享文档规范,
document C0022, template ``2.16.156.10011.2.1.1.42``).

The shape follows two public renderings of C0022: the FreeMarker template
``src/main/resources/templates/template22.ftl`` of github.com/bzrrr/cda and the XSLT
``lzihe/xslt/CDA/C0022.xsl`` of github.com/wangk4i/LangZhongGit (none of their code is
used here).  Header: realm CN, ``POCD_MT000040``, the template, the document id, code
C0022 in ``2.16.156.10011.2.4``, the author (the nurse who closed the case), the
custodian (the hospital) and the encounter (the department).  Body: the diagnosis
section (LOINC 29548-5, ``nullFlavor`` NI: the case carries no diagnosis) and the
consumables section (LOINC 10160-0): one ``substanceAdministration`` per implanted or
used unit (never the unused or wasted ones) with its quantity and unit, product code,
name, lot, manufacturer and supplier, the supplier (DE08.50.035.00) and the implant
flag (植入性耗材标志 DE08.50.058.00, ``BL``) as both templates write them, and the UDI,
serial, expiry, model and registration certificate as observations whose code is
``nullFlavor="OTH"`` with the label as ``originalText`` (WS 363 has no data element
for them that the templates use; no code is invented).

The patient is identified by the hospital identifier only (住院号, root
``2.16.156.10011.1.12``): the suite keeps no other personal data, so the name, the
identity card number and the gender the templates carry are written
``nullFlavor="NI"`` and the age is left out.
"""

import xml.etree.ElementTree as ET

from .case import CHARGED_OUTCOMES
from .errors import HisError
from .hl7dates import format_ts

V3 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TEMPLATE_ID = "2.16.156.10011.2.1.1.42"
DOCUMENT_CODE = "C0022"
DOCUMENT_SYSTEM = "2.16.156.10011.2.4"
TITLE = "高值耗材使用记录"
#: OIDs of the WS/T 500 identifier table the templates use
OID = {
    "document": "2.16.156.10011.1.1",
    "inpatient_number": "2.16.156.10011.1.12",
    "id_card": "2.16.156.10011.1.3",
    "organization": "2.16.156.10011.1.5",
    "author": "2.16.156.10011.1.7",
    "bed": "2.16.156.10011.1.22",
    "room": "2.16.156.10011.1.21",
    "ward": "2.16.156.10011.1.27",
    "department": "2.16.156.10011.1.26",
}
DATA_ELEMENTS = "2.16.156.10011.2.2.1"
LOINC = "2.16.840.1.113883.6.1"
#: what became of the unit, as 使用途径 (routeCode originalText)
ROUTES = {"implanted": "植入", "used": "术中使用"}

ET.register_namespace("", V3)
ET.register_namespace("xsi", XSI)


def _text(value):
    """``value`` as XML 1.0 can carry it: the control characters it forbids dropped,
    line ends as a parser reads them back (``\n``)."""
    if value is None:
        return ""
    return "".join(
        ch
        for ch in str(value).replace("\r\n", "\n").replace("\r", "\n")
        if ch in "\t\n\r"
        or ("\x20" <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd")
        or ch >= "\U00010000"
    )


def _number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _unit(value):
    """A ``PQ`` unit (``cs``: no spaces); ``1`` (a count) when the unit is not known."""
    return "".join(_text(value).split()) or "1"


class _Writer:
    def __init__(self):
        self.root = ET.Element(f"{{{V3}}}ClinicalDocument")

    def el(self, parent, tag, text=None, **attrs):
        node = ET.SubElement(parent, f"{{{V3}}}{tag}")
        for key, value in attrs.items():
            value = _text(value)
            if not value:  # the schema's attribute types have no empty value
                continue
            node.set(f"{{{XSI}}}type" if key == "xsi_type" else key, value)
        if text is not None:
            node.text = _text(text)
        return node

    def ident(self, parent, root, extension, tag="id"):
        """An ``II``: ``nullFlavor="NI"`` when there is no value."""
        if _text(extension):
            return self.el(parent, tag, root=root, extension=extension)
        return self.el(parent, tag, root=root, nullFlavor="NI")

    def name(self, parent, value):
        if _text(value):
            return self.el(parent, "name", value)
        return self.el(parent, "name", nullFlavor="NI")

    def coded(self, parent, code, display):
        return self.el(
            parent,
            "code",
            code=code,
            codeSystem=DATA_ELEMENTS,
            codeSystemName="卫生信息数据元目录",
            displayName=display,
        )


def write_c0022(case, document_id, now, organization, author, outcomes=CHARGED_OUTCOMES):
    """The C0022 document (UTF-8 bytes with the XML declaration) of ``case``.

    ``organization`` and ``author`` are ``(code, name)``: the hospital (custodian and
    provider organization) and the nurse who closed the case.  ``now`` is the
    document's time (written with its offset when aware).  Only ``case.patient_id``
    identifies the patient."""
    if not case.patient_id:
        raise HisError("his_patient_identifier", case=case.reference)
    devices = [d for d in case.devices if d.outcome in outcomes]
    if not devices:
        raise HisError("his_no_items", case=case.reference)
    org_code, org_name = organization
    author_code, author_name = author
    stamp = format_ts(now)
    w = _Writer()
    doc = w.root
    w.el(doc, "realmCode", code="CN")
    w.el(doc, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_MT000040")
    w.el(doc, "templateId", root=TEMPLATE_ID)
    w.el(doc, "id", root=OID["document"], extension=document_id)
    w.el(
        doc,
        "code",
        code=DOCUMENT_CODE,
        codeSystem=DOCUMENT_SYSTEM,
        codeSystemName="卫生信息共享文档规范编码体系",
    )
    w.el(doc, "title", TITLE)
    w.el(doc, "effectiveTime", value=stamp)
    w.el(
        doc,
        "confidentialityCode",
        code="N",
        codeSystem="2.16.840.1.113883.5.25",
        codeSystemName="Confidentiality",
        displayName="正常访问保密级别",
    )
    w.el(doc, "languageCode", code="zh-CN")
    # an export is never changed: a correction is a new document (a new id)
    w.el(doc, "setId", root=OID["document"], extension=document_id)
    w.el(doc, "versionNumber", value="1")

    target = w.el(doc, "recordTarget", typeCode="RCT", contextControlCode="OP")
    role = w.el(target, "patientRole", classCode="PAT")
    w.el(role, "id", root=OID["inpatient_number"], extension=case.patient_id)
    patient = w.el(role, "patient", classCode="PSN", determinerCode="INSTANCE")
    # no personal data beyond the hospital identifier is kept by the suite
    w.el(patient, "id", root=OID["id_card"], nullFlavor="NI")
    w.el(patient, "name", nullFlavor="NI")
    w.el(patient, "administrativeGenderCode", nullFlavor="NI")
    provider = w.el(role, "providerOrganization")
    w.ident(provider, OID["organization"], org_code)
    w.name(provider, org_name)

    node = w.el(doc, "author", typeCode="AUT", contextControlCode="OP")
    w.el(node, "time", value=stamp)
    assigned = w.el(node, "assignedAuthor", classCode="ASSIGNED")
    w.ident(assigned, OID["author"], author_code)
    w.el(assigned, "code", displayName="护士")
    w.name(w.el(assigned, "assignedPerson"), author_name)

    custodian = w.el(w.el(doc, "custodian", typeCode="CST"), "assignedCustodian")
    custodian.set("classCode", "ASSIGNED")
    organization_node = w.el(
        custodian, "representedCustodianOrganization", classCode="ORG", determinerCode="INSTANCE"
    )
    w.ident(organization_node, OID["organization"], org_code)
    w.name(organization_node, org_name)

    _encounter(w, doc, case)
    body = w.el(w.el(doc, "component"), "structuredBody")
    _diagnosis(w, body)
    section = w.el(w.el(body, "component"), "section")
    w.el(
        section,
        "code",
        code="10160-0",
        displayName="HISTORY OF MEDICATION USE",
        codeSystem=LOINC,
        codeSystemName="LOINC",
    )
    w.el(section, "text")
    for device in devices:
        _entry(w, section, device)
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)


def _encounter(w, doc, case):
    encounter = w.el(
        w.el(doc, "componentOf", typeCode="COMP"),
        "encompassingEncounter",
        classCode="ENC",
        moodCode="EVN",
    )
    if case.start or case.end:
        period = w.el(encounter, "effectiveTime")
        if case.start:
            w.el(period, "low", value=format_ts(case.start))
        if case.end:
            w.el(period, "high", value=format_ts(case.end))
    else:
        w.el(encounter, "effectiveTime", nullFlavor="NI")
    facility = w.el(
        w.el(encounter, "location", typeCode="LOC"), "healthCareFacility", classCode="SDLOC"
    )
    parent = w.el(
        facility, "serviceProviderOrganization", classCode="ORG", determinerCode="INSTANCE"
    )
    # bed, room and ward as the templates nest them (unknown to the suite), then the
    # department
    for kind, code, name in (
        ("bed", "", ""),
        ("room", "", ""),
        ("ward", "", ""),
        ("department", case.department_code, case.department_name),
    ):
        parent = w.el(
            w.el(parent, "asOrganizationPartOf", classCode="PART"),
            "wholeOrganization",
            classCode="ORG",
            determinerCode="INSTANCE",
        )
        w.ident(parent, OID[kind], code)
        w.name(parent, name)


def _diagnosis(w, body):
    section = w.el(w.el(body, "component"), "section")
    w.el(
        section,
        "code",
        code="29548-5",
        displayName="Diagnosis",
        codeSystem=LOINC,
        codeSystemName="LOINC",
    )
    w.el(section, "text")
    observation = w.el(w.el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    w.coded(observation, "DE05.01.024.00", "疾病诊断编码")
    w.el(observation, "value", xsi_type="CD", nullFlavor="NI")


def _entry(w, section, device):
    sbadm = w.el(
        w.el(section, "entry"), "substanceAdministration", classCode="SBADM", moodCode="EVN"
    )
    w.el(sbadm, "text")
    route = w.el(sbadm, "routeCode", nullFlavor="OTH")
    w.el(route, "originalText", ROUTES.get(device.outcome, device.outcome))
    w.el(sbadm, "doseQuantity", value=_number(device.quantity), unit=_unit(device.unit))
    product = w.el(w.el(sbadm, "consumable"), "manufacturedProduct")
    w.ident(product, None, device.product_code)
    material = w.el(product, "manufacturedMaterial")
    w.name(material, device.product_name)
    if _text(device.lot):
        w.el(material, "lotNumberText", device.lot)
    # inside manufacturedProduct, as the XSLT and the CDA schema have it (the FTL puts it
    # beside manufacturedProduct, where POCD_MT000040.Consumable has no such element)
    maker = w.el(product, "manufacturerOrganization")
    w.name(maker, device.manufacturer)
    if _text(device.supplier):
        part = w.el(maker, "asOrganizationPartOf")
        w.name(w.el(part, "wholeOrganization"), device.supplier)
    if _text(device.supplier):
        _observation(w, sbadm, ("DE08.50.035.00", "产品供应商"), "ST", device.supplier)
    _observation(w, sbadm, ("DE08.50.058.00", "植入性耗材标志"), "BL", device.implantable)
    for label, kind, value in (
        ("医疗器械唯一标识 UDI", "ST", device.udi),
        ("产品标识 DI", "ST", device.di),
        ("序列号", "ST", device.serial),
        ("失效日期", "TS", device.expiry),
        ("生产日期", "TS", device.manufactured),
        ("规格型号", "ST", device.model),
        ("医疗器械注册证编号", "ST", device.registration),
    ):
        if _text(value):
            _observation(w, sbadm, label, kind, value)


def _observation(w, parent, code, kind, value):
    """An ``entryRelationship`` observation: ``code`` is a WS 363 data element
    ``(code, name)`` or a label (``nullFlavor="OTH"`` with the label as text)."""
    relation = w.el(parent, "entryRelationship", typeCode="COMP")
    observation = w.el(relation, "observation", classCode="OBS", moodCode="EVN")
    if isinstance(code, tuple):
        w.coded(observation, *code)
    else:
        w.el(w.el(observation, "code", nullFlavor="OTH"), "originalText", code)
    if kind == "BL":
        w.el(observation, "value", xsi_type="BL", value="true" if value else "false")
    elif kind == "TS":
        w.el(observation, "value", xsi_type="TS", value=format_ts(value))
    else:
        w.el(observation, "value", value, xsi_type="ST")
