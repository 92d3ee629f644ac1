"""Every corpus entry (tests/unit/data/udi_corpus.json) parses as its source says."""

import datetime
import json
from pathlib import Path

import pytest

from medtrace.udi import UdiError, parse

CORPUS = json.loads((Path(__file__).parent / "data" / "udi_corpus.json").read_text("utf-8"))
TODAY = datetime.date.fromisoformat(CORPUS["today"])
FIELDS = ("issuer", "di", "gtin", "lot", "serial", "expiry", "manufactured", "quantity")


def test_corpus_size():
    assert len(CORPUS["valid"]) >= 60
    assert len(CORPUS["invalid"]) >= 15
    real = [e for e in CORPUS["valid"] if not e["source"].startswith("constructed")]
    assert len(real) >= 60
    assert all(e["source"] for e in CORPUS["valid"] + CORPUS["invalid"])


@pytest.mark.parametrize("entry", CORPUS["valid"], ids=lambda e: repr(e["raw"])[:60])
def test_valid(entry):
    result = parse(entry["raw"], separator=entry.get("separator"), today=TODAY).as_dict()
    expected = entry["expected"]
    want = {name: expected.get(name) for name in FIELDS}
    if expected["issuer"] == "GS1" and "di" not in expected:
        want["di"] = expected.get("gtin")
    assert {name: result[name] for name in FIELDS} == want
    for key, value in expected.get("elements", {}).items():
        assert result["elements"][key] == value
    if "symbology" in expected:
        assert result["symbology"] == expected["symbology"]
    assert result["raw"] == entry["raw"]


@pytest.mark.parametrize("entry", CORPUS["invalid"], ids=lambda e: repr(e["raw"])[:60])
def test_invalid(entry):
    with pytest.raises(UdiError) as info:
        parse(entry["raw"], today=TODAY)
    assert info.value.code == entry["code"]
    message = str(info.value)
    assert message == info.value.template % info.value.params
    assert len(message) > 20
