"""The second-level categories and the 2002 cross-reference shipped by med_gsp_quality,
read as XML (no Odoo)."""

import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from medtrace import gsp

DATA = Path(__file__).resolve().parents[2] / "med_gsp_quality" / "data"


def _records(name):
    root = ElementTree.parse(DATA / name).getroot()
    assert root.get("noupdate") == "1"
    records = []
    for record in root.iter("record"):
        fields = {field.get("name"): field for field in record.iter("field")}
        records.append((record, fields))
    return records


def _first_level_codes():
    return {
        fields["code"].text
        for _record, fields in _records("gsp_device_category_data.xml")
        if len(fields["code"].text) == 5
    }


def test_1157_second_level_categories_under_the_206_first_level_ones():
    first_level = _first_level_codes()
    assert len(first_level) == 206
    records = _records("gsp_device_category_level2_data.xml")
    assert len(records) == 1157
    codes = [fields["code"].text for _record, fields in records]
    assert len(set(codes)) == 1157
    assert {code[:5] for code in codes} == first_level
    for record, fields in records:
        code = fields["code"].text
        assert record.get("model") == "gsp.device.category"
        assert gsp.validate_classification_code(code) == code
        assert re.fullmatch(r"\d{2}-\d{2}-\d{2}", code)
        assert record.get("id") == "gsp_device_category_" + code.replace("-", "_")
        assert fields["parent_id"].get("ref") == "gsp_device_category_" + code[:5].replace("-", "_")
        assert re.fullmatch(r"(I|II|III)(, (II|III))*", fields["device_class"].text), code
        for name in ("name", "description", "intended_use", "examples"):
            assert (fields[name].text or "").strip(), (code, name)
        classes = fields["device_class"].text.split(", ")
        lines = fields["examples"].text.splitlines()
        if len(classes) > 1 and len(lines) > 1:
            # one line per row of the catalogue, each naming its class (rows of several
            # classes with the same examples print them once)
            assert {re.match(r"\[(III|II|I)", line)[1] for line in lines} == set(classes), code


def test_2002_cross_reference_rows():
    first_level = _first_level_codes()
    records = _records("gsp_device_category_legacy_data.xml")
    assert len(records) == 371
    for record, fields in records:
        assert record.get("model") == "gsp.device.category.legacy"
        code = fields["code"].text
        assert gsp.normalise_legacy_code(code) == code
        assert fields["edition"].text in {"2002", "2012"}
        assert fields["name"].text.startswith(code[:4]), code
        ref = fields["category_id"].get("ref")
        assert ref.removeprefix("gsp_device_category_").replace("_", "-") in first_level
    editions = Counter(fields["edition"].text for _record, fields in records)
    assert editions == {"2002": 348, "2012": 23}
