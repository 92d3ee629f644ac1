"""EDIFACT messages written by other software, read as a correct reader must read them.

tests/data/edifact/real/ holds interchanges published by other projects (EDI libraries'
fixtures, vendors' examples), byte for byte, and corpus.json what each message says,
written by reading it against the GS1 EANCOM guides (not by running a reader): UNH type,
version and reference, BGM number and code, DTM+137, parties, and per line the GTIN,
item ids, quantities by qualifier, batch, expiry, price and description. SOURCES.md
cites each file.

For each file: pydifact reads the envelope, and ``medtrace.edi`` gives what corpus.json
expects. Where medtrace does not yet give a field the test is an xfail naming the fields;
an EdiError (refused file) is an xfail with its code; any other exception is a failure.
"""

from __future__ import annotations

import json
import re
import warnings
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from medtrace import edi
from medtrace.edi.eancom import MAIN_QUANTITIES  # which QTY the reader maps to quantity

REAL = Path(__file__).resolve().parents[1] / "data" / "edifact" / "real"
CORPUS = json.loads((REAL / "corpus.json").read_text("utf-8"))
BY_FILE = {entry["file"]: entry for entry in CORPUS}

# (UNH message type, BGM 1001) -> suite message type (docs/edi/eancom.md)
SUITE_TYPES = {
    ("ORDERS", "220"): "purchase_order",
    ("ORDERS", "227"): "sales_order",
    ("ORDERS", "Z01"): "purchase_return",
    ("ORDERS", "Z02"): "sales_return",
    ("INVRPT", "35"): "stock_statement",
    ("RECADV", "632"): "receipt_confirmation",
    ("RECADV", "352"): "receipt_confirmation",
    ("DESADV", "351"): "shipment_confirmation",
    ("SLSRPT", "73E"): "usage_report",
    ("SLSRPT", "73"): "usage_report",
    ("INVOIC", "380"): "invoice",
    ("INVOIC", "381"): "invoice",
    ("INVOIC", "383"): "invoice",
    ("INVOIC", "384"): "invoice",
    ("ORDRSP", "231"): "order_response",
}
# suite header field -> NAD 3035 qualifier; suite line field -> PIA 7143 item type
PARTY_FIELDS = {
    "consignor_code": "SU",
    "partner_code": "BY",
    "customer_code": "DP",
    "warehouse_code": "WH",
    "invoicee_code": "IV",
}
ITEM_FIELDS = {"product_code": "SA", "lot": "NB", "serial": "SN", "di": "ZZZ"}
# suite line fields holding a quantity other than the main one -> QTY 6063 qualifier
QUANTITY_FIELDS = {"ordered_quantity": "21"}
EXPIRY_KEYS = ("DTM+36", "DTM+361", "DTM+208")
# NAD address parts (C059 street, 3164, 3229, 3251, 3207) as the reader keeps them in extra
ADDRESS_RE = re.compile(r"NAD\+([A-Z0-9]{1,3}) (street|city|region|postcode|country)")


# -- adapter: medtrace's output in the corpus.json shape ----------------------------------


def _iso(value) -> str | None:
    """A date as ISO text (CCYYMMDD, CCYYMMDDHHMM, date objects and ISO text accepted)."""
    if value in (None, ""):
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(?:\d{4})?(?:T.*)?", text)
    return "-".join(match.groups()) if match else text


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def _suite_type(unh_type: str, document_code: str) -> str | None:
    return SUITE_TYPES.get((unh_type, document_code))


def _extra(values: dict) -> dict:
    extra = values.get("extra") or {}
    return extra if isinstance(extra, dict) else {}


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _line(values: dict, suite: str | None, expected: dict) -> dict:
    extra = _extra(values)
    got: dict = {"gtin": _text(values.get("gtin"))}
    ids = {
        code: str(values[name])
        for name, code in ITEM_FIELDS.items()
        if values.get(name) not in (None, "")
    }
    for key, value in extra.items():
        # "PIA+IN", "LIN+IB": item ids; "LIN+1229" (action code) and names are not
        if key.startswith(("PIA+", "LIN+")) and " " not in key and not key[4:].isdigit():
            ids.setdefault(key[4:], str(_first(value)))
    if isinstance(values.get("item_ids"), dict):
        ids.update(values["item_ids"])
    if ids:
        got["item_ids"] = ids
    quantities: dict = {}
    if values.get("quantity") not in (None, ""):
        candidates = MAIN_QUANTITIES.get(suite, ())
        wanted = [q for q in candidates if q in expected.get("quantities", {})]
        qualifier = (wanted or list(candidates) or ["?"])[0]
        quantities[qualifier] = str(values["quantity"])
    if values.get("quantity_rejected") not in (None, ""):
        quantities.setdefault("195", str(values["quantity_rejected"]))
    for name, qualifier in QUANTITY_FIELDS.items():
        if values.get(name) not in (None, ""):
            quantities.setdefault(qualifier, str(values[name]))
    for key, value in extra.items():
        if key.startswith("QTY+"):
            quantities.setdefault(key[4:], str(_first(value)).split(":")[0])
    if isinstance(values.get("quantities"), dict):
        quantities.update({k: str(v) for k, v in values["quantities"].items()})
    if quantities:
        got["quantities"] = quantities
    if values.get("lot") not in (None, ""):
        got["batch"] = str(values["lot"])
    if values.get("batch") not in (None, ""):
        got["batch"] = str(values["batch"])
    expiry = (
        values.get("expiry_date")
        or values.get("expiry")
        or next((_first(extra[k]) for k in EXPIRY_KEYS if k in extra), None)
    )
    if expiry:
        got["expiry"] = _iso(expiry)
    price = values.get("price")
    if isinstance(price, dict):
        got["price"] = {k: str(v) for k, v in price.items() if v not in (None, "")}
    elif values.get("unit_price") not in (None, ""):
        got["price"] = {"qualifier": "AAA", "amount": str(values["unit_price"])}
    else:
        key = next((k for k in extra if k.startswith("PRI+")), None)
        if key:
            value = _first(extra[key])
            if isinstance(value, dict):
                got["price"] = {"qualifier": key[4:], **{k: str(v) for k, v in value.items()}}
            else:
                got["price"] = {"qualifier": key[4:], "amount": str(value).split(":")[0]}
    description = values.get("product_name") or values.get("description")
    if description:
        got["description"] = str(description)
    return got


def _message(header: dict, lines: list, envelope: dict, suite: str | None, expected: dict) -> dict:
    got = dict(envelope)
    if header.get("message_id") not in (None, ""):
        got["document_number"] = str(header["message_id"])
    if header.get("date"):
        got["date"] = _iso(header["date"])
    parties = {
        code: str(header[name])
        for name, code in PARTY_FIELDS.items()
        if header.get(name) not in (None, "")
    }
    for key, value in _extra(header).items():
        match = re.fullmatch(r"NAD\+([A-Z0-9]{1,3})", key)
        if match:
            parties.setdefault(match.group(1), str(_first(value)))
    if isinstance(header.get("parties"), dict):
        parties.update(header["parties"])
    got["parties"] = parties
    # addresses: role -> parts of its first party; "<role>#2"... for further parties
    addresses: dict = {}
    for key, value in _extra(header).items():
        match = ADDRESS_RE.fullmatch(key)
        for index, part in enumerate(value if isinstance(value, list) else [value]):
            if match and part not in (None, ""):
                role = match.group(1) + (f"#{index + 1}" if index else "")
                addresses.setdefault(role, {})[match.group(2)] = str(part)
    if addresses:
        got["addresses"] = addresses
    wanted = expected.get("lines", [])
    got["lines"] = [
        _line(values, suite, wanted[i] if i < len(wanted) else {}) for i, values in enumerate(lines)
    ]
    return got


def _values(line):
    return dict(getattr(line, "values", line))


def read_corpus_file(data: bytes, expected: list | None = None) -> list[dict]:
    """What medtrace reads in ``data``: one dict per message, in the corpus.json shape.

    Uses ``decode_interchange`` (several messages, envelope fields) when medtrace has it,
    else ``decode(data, message_type)`` with the suite type the file's first UNH/BGM
    names. ``expected`` (the corpus.json messages) only tells which main quantity
    qualifier a suite ``quantity`` stands for. Raises EdiError when medtrace refuses.
    """
    expected = expected or []
    decode_interchange = getattr(edi, "decode_interchange", None)
    if decode_interchange is None:
        try:
            from medtrace.edi.envelope import decode_interchange
        except ImportError:
            decode_interchange = None
    if decode_interchange is not None:
        interchange = decode_interchange(data)
        result = []
        for index, found in enumerate(interchange.messages):
            want = expected[index] if index < len(expected) else {}
            version = ":".join(
                p for p in (found.version, found.release, found.agency, found.association) if p
            )
            envelope = {
                "type": found.type,
                "version": version,
                "reference": found.reference,
                "document_number": found.document_number,
                "document_code": found.document_code,
            }
            suite = _suite_type(found.type, found.document_code)
            if suite is None:
                result.append(envelope)
                continue
            message = found.decode(suite)
            result.append(
                _message(message.header, [_values(x) for x in message.lines], envelope, suite, want)
            )
        return result
    want = expected[0] if expected else {}
    suite = _suite_type(want.get("type", ""), want.get("document_code", ""))
    if suite is None:
        return []
    message = edi.decode(data, suite)
    return [_message(message.header, [_values(x) for x in message.lines], {}, suite, want)]


# -- comparison ---------------------------------------------------------------------------


def _same(expected, got) -> bool:
    if expected == got:
        return True
    try:
        return Decimal(str(expected)) == Decimal(str(got))
    except (InvalidOperation, ValueError):
        return False


def _compare(expected: dict, got: dict, where: str, out: list) -> None:
    for key, want in expected.items():
        if key == "note":
            continue
        have = got.get(key)
        if isinstance(want, dict):
            have = have if isinstance(have, dict) else {}
            for sub, value in want.items():
                if sub != "note" and not _same(value, have.get(sub)):
                    out.append(f"{where}{key}.{sub}")
            if not want and have:
                out.append(f"{where}{key}")
        elif key == "lines":
            have = have if isinstance(have, list) else []
            if len(have) != len(want):
                out.append(f"{where}lines (expected {len(want)}, got {len(have)})")
            for number, (line, found) in enumerate(zip(want, have, strict=False), start=1):
                _compare(line, found, f"{where}line {number} ", out)
        elif want is None:
            if have not in (None, ""):
                out.append(f"{where}{key}")
        elif not _same(want, have):
            out.append(f"{where}{key}")


def mismatches(expected: list, got: list) -> list[str]:
    out: list[str] = []
    if len(got) != len(expected):
        out.append(f"messages (expected {len(expected)}, got {len(got)})")
    for number, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
        _compare(want, have, f"message {number} ", out)
    return out


def _summary(items: list[str], limit: int = 12) -> str:
    more = f" ... and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


# -- tests --------------------------------------------------------------------------------


def _published_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@pytest.mark.parametrize("name", sorted(BY_FILE))
def test_pydifact_reads_the_envelope(name):
    from pydifact.parser import Parser

    entry = BY_FILE[name]
    text = _published_text((REAL / name).read_bytes())
    known = entry.get("pydifact_envelope", "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            segments = list(Parser().parse(text))
    except Exception as exc:  # pydifact raises EDISyntaxError, sometimes others
        if known.startswith("fails"):
            pytest.xfail(f"pydifact cannot read it: {known}")
        raise AssertionError(f"pydifact cannot read {name}: {exc}") from exc
    references = [str(s.elements[0]) for s in segments if s.tag == "UNH"]
    assert references == [m["reference"] for m in entry["messages"]]
    assert sum(s.tag == "UNT" for s in segments) == len(references)


@pytest.mark.parametrize("name", sorted(BY_FILE))
def test_medtrace_reads_what_the_message_says(name):
    entry = BY_FILE[name]
    try:
        got = read_corpus_file((REAL / name).read_bytes(), entry["messages"])
    except edi.EdiError as exc:
        pytest.xfail(f"medtrace refuses it: EdiError {exc.code}: {str(exc)[:160]}")
    missing = mismatches(entry["messages"], got)
    if missing:
        pytest.xfail("medtrace does not yet give: " + _summary(missing))


@pytest.mark.parametrize(
    "name", sorted(n for n, e in BY_FILE.items() if any("addresses" in m for m in e["messages"]))
)
def test_party_addresses_are_read(name):
    """NAD street, city, region, postcode and country reach the party: no xfail here."""
    entry = BY_FILE[name]
    got = read_corpus_file((REAL / name).read_bytes(), entry["messages"])
    for want, have in zip(entry["messages"], got, strict=True):
        assert have.get("addresses", {}) == want.get("addresses", {})


def test_every_entry_cites_its_source():
    for entry in CORPUS:
        assert re.match(r"https?://", entry.get("source", "")), entry["file"]
        assert entry.get("license") and entry.get("written_by") and entry.get("syntax")
        if entry.get("repository"):
            match = re.fullmatch(
                r"https://github\.com/([^/]+/[^/]+)/blob/([0-9a-f]{40})/(.+)", entry["source"]
            )
            assert match, entry["file"]
            assert match.group(1) == entry["repository"] and match.group(3) == entry["path"]
        assert entry["messages"], entry["file"]
        for message in entry["messages"]:
            assert message.get("type") and message.get("reference") is not None


def test_every_file_is_listed():
    on_disk = {path.name for path in REAL.glob("*.edi")}
    listed = [entry["file"] for entry in CORPUS]
    assert len(listed) == len(set(listed))
    assert on_disk == set(listed)
    sources = (REAL / "SOURCES.md").read_text("utf-8")
    assert all(name in sources for name in listed)
