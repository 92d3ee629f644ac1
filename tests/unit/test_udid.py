"""medtrace.udid: NMPA UDID and FDA GUDID downloads read as streams."""

import io
import shutil
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest

from medtrace.udid import MESSAGES, UdidError, read, read_gudid, read_nmpa, sniff

DATA = Path(__file__).parent / "data" / "udid"


def _nmpa(text, name="t.xml", **kwargs):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return list(read_nmpa(io.BytesIO(data), name=name, **kwargs))


def _device_xml(di, **fields):
    body = "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields.items())
    return f"<device><zxxsdycpbs>{di}</zxxsdycpbs>{body}</device>"


def _udid(*devices):
    return (
        '<?xml version="1.0" encoding="UTF-8"?><udid><devices>'
        + "".join(devices)
        + ("</devices></udid>")
    )


# ---------------------------------------------------------------- NMPA samples
def test_nmpa_full_sample():
    devices = list(read(DATA / "nmpa_full.xml"))
    assert [d.primary_di for d in devices] == [
        "06970000000017",
        "06970000000024",
        "06970000000031",
    ]
    stent, reagent, glove = devices
    assert stent.source == "nmpa"
    assert stent.name == "冠状动脉药物洗脱支架系统"
    assert stent.model == "DES-3018"
    assert stent.certificate == "国械注准20243130001"
    assert stent.device_class == "III"
    assert stent.implantable is True  # 2017 catalogue subject 13
    assert stent.classification_code == "13-06-02"
    assert stent.registrant == "示例医疗器械有限公司"
    assert stent.issuing_agency == "gs1"
    assert stent.single_use is True and stent.sterile is True and stent.kit is False
    assert stent.version_date == date(2024, 1, 15)
    assert stent.version_status == "新增"
    assert [(p.di, p.quantity, p.contains_di, p.level) for p in stent.packages] == [
        ("16970000000014", 5, "06970000000017", "盒"),
        ("26970000000011", 10, "16970000000014", "箱"),
    ]
    assert stent.unit_counts() == {
        "06970000000017": 1,
        "16970000000014": 5,
        "26970000000011": 50,
    }
    assert stent.storage_text() == "温度 2~30℃; 避光保存"
    assert reagent.kind == "体外诊断试剂"
    assert reagent.device_class == "II"
    assert reagent.implantable is None  # 68xx code: unknown, not "not an implant"
    assert reagent.unit_of_use_di == "06970000000093"
    assert reagent.units_in_base_package == 25
    assert glove.device_class == "I"  # 械备: filed, class I
    assert glove.packages == [] and glove.storage == []


def test_nmpa_incremental_checksums_tell_changed_records():
    full = {d.primary_di: d.checksum for d in read(DATA / "nmpa_full.xml")}
    update = {d.primary_di: d.checksum for d in read(DATA / "nmpa_incremental.xml")}
    assert update["06970000000031"] == full["06970000000031"]
    assert update["06970000000024"] != full["06970000000024"]
    assert "06970000000048" not in full


def test_nmpa_zip_reads_every_xml_member(tmp_path):
    archive = tmp_path / "UDID_DAY_UPDATE.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(DATA / "nmpa_full.xml", "part1.xml")
        out.write(DATA / "nmpa_incremental.xml", "part2.xml")
        out.writestr("readme.txt", "not a device file")
    assert sniff(archive) == "nmpa"
    assert len(list(read(archive))) == 6


def test_nmpa_other_encodings_and_namespaces():
    gbk = _udid(_device_xml("6970000000017", cpmctymc="支架")).replace("UTF-8", "GBK")
    (device,) = _nmpa(gbk.encode("gbk"))
    assert device.name == "支架"
    assert device.primary_di == "06970000000017"  # GTIN-13 padded as med.product.di does
    utf16 = _udid(_device_xml("06970000000017")).replace("UTF-8", "UTF-16")
    assert len(_nmpa(utf16.encode("utf-16"))) == 1
    namespaced = (
        '<udid xmlns="urn:x"><devices><device><zxxsdycpbs>06970000000017</zxxsdycpbs>'
        "</device></devices></udid>"
    )
    assert len(_nmpa(namespaced)) == 1
    assert len(_nmpa(b"\xef\xbb\xbf" + _udid(_device_xml("06970000000017")).encode())) == 1


# ---------------------------------------------------------------- GUDID samples
def test_gudid_full_sample():
    devices = {d.primary_di: d for d in read(DATA / "gudid_full")}
    hip, glove = devices["00890000000014"], devices["00890000000021"]
    assert hip.source == "gudid"
    assert hip.name == "EXAMPLE HIP"
    assert hip.model == "HS-32-52"
    assert hip.catalog_number == "HS3252"
    assert hip.registrant == "Example Orthopedics Inc."
    assert hip.registrant_code == "000000001"
    assert hip.issuing_agency == "gs1"
    assert hip.implantable is True
    assert hip.certificate == "K190001"
    assert hip.classification_code == "LPH"
    assert hip.unit_counts() == {"00890000000014": 1, "10890000000011": 4, "50890000000019": 24}
    assert [p.level for p in hip.packages] == ["Box", "Case"]
    assert hip.storage_text() == "Storage Environment Temperature 15~30 Degrees Celsius"
    assert hip.version_date == date(2024, 3, 1)
    assert hip.line == 2
    assert glove.implantable is False
    assert glove.units_in_base_package == 100
    assert glove.storage_note == "Keep away from direct sunlight"


def test_gudid_next_release_changes_only_the_changed_checksum():
    full = {d.primary_di: d.checksum for d in read(DATA / "gudid_full")}
    update = {d.primary_di: d.checksum for d in read(DATA / "gudid_update" / "device.txt")}
    assert update["00890000000014"] == full["00890000000014"]
    assert update["00890000000021"] != full["00890000000021"]


def test_gudid_zip_release(tmp_path):
    archive = tmp_path / "AccessGUDID_Delimited_Full_Release_20240701.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in (DATA / "gudid_full").iterdir():
            out.write(path, f"release/{path.name}")
    assert sniff(archive) == "gudid"
    assert sorted(d.primary_di for d in read(archive)) == ["00890000000014", "00890000000021"]


def test_sniff():
    assert sniff(DATA / "nmpa_full.xml") == "nmpa"
    assert sniff(DATA / "gudid_full") == "gudid"
    assert sniff(DATA / "gudid_full" / "device.txt") == "gudid"
    assert sniff(DATA / "README.md") is None


# ---------------------------------------------------------------- hostile and damaged input
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE udid [\n <!ENTITY a "aaaaaaaaaa">\n'
    ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
    "]>\n<udid><devices><device><zxxsdycpbs>&c;</zxxsdycpbs></device></devices></udid>"
)


@pytest.mark.parametrize(
    "text",
    [
        BOMB,
        '<!DOCTYPE udid SYSTEM "http://attacker.example/x.dtd"><udid/>',
        '<?xml version="1.0"?><!-- c --><!DOCTYPE udid [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<udid><devices><device><zxxsdycpbs>&x;</zxxsdycpbs></device></devices></udid>",
    ],
    ids=["entity-expansion", "external-dtd", "external-entity"],
)
def test_nmpa_refuses_a_dtd(text):
    with pytest.raises(UdidError) as caught:
        _nmpa(text)
    assert caught.value.code == "xml_dtd"
    assert "DTD" in str(caught.value)


def test_nmpa_undeclared_entity_is_bad_xml():
    with pytest.raises(UdidError) as caught:
        _nmpa("<udid><devices><device><zxxsdycpbs>&x;</zxxsdycpbs></device></devices></udid>")
    assert caught.value.code == "xml_bad"
    assert caught.value.params["line"] == 1


def test_nmpa_truncated_file():
    text = (DATA / "nmpa_full.xml").read_bytes()
    cut = text[: text.index(b"<zxxsdycpbs>06970000000031")]
    seen = []
    with pytest.raises(UdidError) as caught:
        for device in read_nmpa(io.BytesIO(cut), name="UDID_FULL.xml"):
            seen.append(device.primary_di)
    assert caught.value.code == "xml_truncated"
    assert "incomplete" in str(caught.value)
    assert caught.value.params["file"] == "UDID_FULL.xml"
    assert seen == ["06970000000017", "06970000000024"]  # what came before the cut was read


def test_nmpa_wrong_encoding_names_the_line():
    text = _udid(_device_xml("06970000000017", cpmctymc="支架")).replace("<device>", "\n<device>")
    data = text.encode("utf-8").replace("支架".encode(), "支架".encode("gbk"))
    with pytest.raises(UdidError) as caught:
        _nmpa(data)
    assert caught.value.code == "encoding"
    assert caught.value.params["line"] == 2
    assert caught.value.params["encoding"].lower() == "utf-8"


def test_nmpa_wrong_root_empty_and_not_xml(tmp_path):
    with pytest.raises(UdidError) as caught:
        _nmpa("<html><body/></html>")
    assert caught.value.code == "xml_root" and caught.value.params["tag"] == "html"
    with pytest.raises(UdidError) as caught:
        _nmpa("   ")
    assert caught.value.code == "empty"
    with pytest.raises(UdidError) as caught:
        _nmpa("PrimaryDI|deviceId\n1|2\n")
    assert caught.value.code == "xml_bad"
    with pytest.raises(UdidError) as caught:
        read(tmp_path / "missing.xml")
    assert caught.value.code == "not_found"
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(UdidError) as caught:
        read(other)
    assert caught.value.code == "unknown_format"


def test_nmpa_nesting_and_size_limits():
    deep = "<udid><devices><device>" + "<a>" * 40 + "</a>" * 40 + "</device></devices></udid>"
    with pytest.raises(UdidError) as caught:
        _nmpa(deep)
    assert caught.value.code == "xml_too_deep"
    wide = _udid(_device_xml("06970000000017", packingList="<packing/>" * 6000))
    with pytest.raises(UdidError) as caught:
        _nmpa(wide)
    assert caught.value.code == "xml_too_big"


def test_nmpa_bad_records_raise_or_are_skipped():
    text = _udid(
        _device_xml("", deviceRecordKey="K1"),
        _device_xml(
            "06970000000017",
            packingList="<packing><bzcpbs>16970000000014</bzcpbs>"
            "<bznhxyjcpbssl>ten</bznhxyjcpbssl></packing>",
        ),
        _device_xml("06970000000024"),
    )
    with pytest.raises(UdidError) as caught:
        _nmpa(text)
    assert caught.value.code == "no_di"
    assert caught.value.params == {
        "file": "t.xml",
        "index": 1,
        "key": "K1",
        "field": "zxxsdycpbs",
    }
    problems = []
    devices = _nmpa(text, on_error=problems.append)
    assert [d.primary_di for d in devices] == ["06970000000024"]
    assert [p.code for p in problems] == ["no_di", "bad_quantity"]
    assert problems[1].params["value"] == "ten"


def _copy_release(tmp_path):
    folder = tmp_path / "release"
    shutil.copytree(DATA / "gudid_full", folder)
    return folder


def test_gudid_truncated_row(tmp_path):
    folder = _copy_release(tmp_path)
    device = folder / "device.txt"
    device.write_bytes(device.read_bytes()[:-200])
    with pytest.raises(UdidError) as caught:
        list(read_gudid(folder))
    assert caught.value.code == "gudid_row"
    assert caught.value.params["line"] == 3
    problems = []
    assert len(list(read_gudid(folder, on_error=problems.append))) == 1
    assert problems[0].code == "gudid_row"


def test_gudid_missing_column_file_and_encoding(tmp_path):
    folder = _copy_release(tmp_path)
    (folder / "identifiers.txt").write_text("deviceId|deviceIdType\n1|Primary\n")
    with pytest.raises(UdidError) as caught:
        list(read_gudid(folder))
    assert caught.value.code == "gudid_column"
    assert caught.value.params["column"] == "PrimaryDI"

    folder = _copy_release(tmp_path / "b")
    device = folder / "device.txt"
    device.write_bytes(device.read_bytes().replace(b"Example Gloves", "手套".encode("gbk")))
    with pytest.raises(UdidError) as caught:
        list(read_gudid(folder))
    assert caught.value.code == "encoding"
    assert caught.value.params["line"] == 3

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "identifiers.txt").write_text("PrimaryDI|deviceId\n")
    with pytest.raises(UdidError) as caught:
        list(read_gudid(empty))
    assert caught.value.code == "gudid_no_device_file"


def test_gudid_oversized_field(tmp_path):
    folder = _copy_release(tmp_path)
    device = folder / "device.txt"
    device.write_bytes(
        device.read_bytes().replace(b"Femoral stem", b"x" * 200_000, 1),
    )
    with pytest.raises(UdidError) as caught:
        list(read_gudid(folder))
    assert caught.value.code == "gudid_csv"


def test_every_error_formats_with_its_parameters():
    # a missing or extra parameter in a template would raise KeyError/TypeError here
    for code, template in MESSAGES.items():
        names = {part.split(")")[0] for part in template.split("%(")[1:]}
        error = UdidError(code, **dict.fromkeys(names, "x"))
        assert error.template == template and str(error)


# ---------------------------------------------------------------- bounded memory
def _write_nmpa(path, count):
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<udid><devices>\n')
        for number in range(count):
            di = f"{6970000000000 + number:014d}"
            out.write(
                _device_xml(
                    di,
                    cpmctymc=f"一次性使用无菌注射器 {number}",
                    ggxh="5ml",
                    zczbhhzbapzbh="国械注准20243140004",
                    flbm="14-01-01",
                    ylqxzcrbarmc="示例医疗器械有限公司",
                    cpms="产品描述" * 20,
                    packingList=f"<packing><bzcpbs>1{di[1:]}</bzcpbs><cpbzjb>盒</cpbzjb>"
                    f"<bznhxyjcpbssl>10</bznhxyjcpbssl><bznhxyjbzcpbs>{di}</bznhxyjbzcpbs>"
                    "</packing>",
                    storageList="<storage><cchcztj>温度</cchcztj><zdz>2</zdz><zgz>30</zgz>"
                    "<jldw>℃</jldw></storage>",
                )
                + "\n"
            )
        out.write("</devices></udid>\n")


def _peak_while_reading(devices):
    tracemalloc.start()
    try:
        count = sum(1 for _ in devices)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_nmpa_large_file_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "UDID_FULL_RELEASE.xml"
    _write_nmpa(path, 20_000)
    size = path.stat().st_size
    assert size > 12_000_000
    count, peak = _peak_while_reading(read(path))
    assert count == 20_000
    assert peak < 3_000_000, peak  # a few devices and one 64 KiB piece, not the file


def test_gudid_large_release_streams_in_bounded_memory(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    count = 20_000
    with (folder / "device.txt").open("w", encoding="utf-8") as out:
        out.write("PrimaryDI|brandName|versionModelNumber|companyName|deviceDescription\n")
        for number in range(count):
            out.write(f"{890000000000 + number:014d}|BRAND {number}|M{number}|Co|{'d' * 300}\n")
    with (folder / "identifiers.txt").open("w", encoding="utf-8") as out:
        out.write("PrimaryDI|deviceId|deviceIdType|containsDINumber|pkgQuantity|pkgType\n")
        for number in range(count):
            di = f"{890000000000 + number:014d}"
            out.write(f"{di}|{di}|Primary|||\n{di}|1{di[1:]}|Package|{di}|10|Box\n")
    assert (folder / "device.txt").stat().st_size > 6_000_000
    devices, peak = _peak_while_reading(read(folder))
    assert devices == count
    assert peak < 3_000_000, peak


# A device element as another project's integration test writes it (a public GitHub
# repository's test ``test_udi_device_index_upsert_from_xml``, for its
# ``app.services.udi_index``; found through the code search, which does not name the
# repository): its packing (bzcpbs / cpbzjb / bznhxyjcpbssl / bznhxyjbzcpbs) and storage
# (cchcztj / zdz / zgz / jldw) elements, its ``versionStauts`` (sic, as NMPA spells it)
# and its indentation are theirs; its uuid-tagged identifiers are fixed here.
OTHER_PROJECT_FIXTURE = """
    <udid version="1.0">
      <devices>
        <device>
          <zxxsdycpbs>06942221705071ab12cd34</zxxsdycpbs>
          <zczbhhzbapzbh>粤潮械备20140023 ab12cd34</zczbhhzbapzbh>
          <sfyzcbayz>是</sfyzcbayz>
          <cpmctymc>一次性使用采样器</cpmctymc>
          <ggxh>KPCJ12</ggxh>
          <packingList>
            <packing>
              <bzcpbs>2694ab12cd34</bzcpbs>
              <cpbzjb>箱</cpbzjb>
              <bznhxyjcpbssl>10</bznhxyjcpbssl>
              <bznhxyjbzcpbs>06942221705071ab12cd34</bznhxyjbzcpbs>
            </packing>
          </packingList>
          <storageList>
            <storage>
              <cchcztj>冷藏</cchcztj>
              <zdz>2</zdz>
              <zgz>8</zgz>
              <jldw>℃</jldw>
            </storage>
          </storageList>
          <versionNumber>1</versionNumber>
          <versionTime>2026-02-15</versionTime>
          <versionStauts>新增</versionStauts>
          <deviceRecordKey>06942221705071ab12cd3420260215</deviceRecordKey>
        </device>
      </devices>
    </udid>
    """.strip()


def test_a_device_written_by_another_project_s_test_is_read(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(OTHER_PROJECT_FIXTURE, encoding="utf-8")
    (device,) = list(read(path))
    assert device.source == "nmpa"
    assert device.name == "一次性使用采样器"
    assert device.model == "KPCJ12"
    assert device.certificate.startswith("粤潮械备20140023")
    assert [(p.quantity, p.level) for p in device.packages] == [(10, "箱")]
    assert device.packages[0].contains_di == device.primary_di
    assert [(s.condition, s.low, s.high, s.unit) for s in device.storage] == [
        ("冷藏", "2", "8", "℃")
    ]
    assert (device.version_status, device.version_date) == ("新增", date(2026, 2, 15))
    assert device.record_key == "06942221705071ab12cd3420260215"
