"""Message type schemas: unambiguous columns, the GS1 check digit, the error templates."""

import re
from pathlib import Path

import pytest

from medtrace import edi
from medtrace.edi.schemas import CATALOGUE, normalize_column

ADDON_MODELS = Path(__file__).resolve().parents[2] / "med_consignor_edi" / "models"
EDI_SOURCE = Path(edi.__file__).parent


@pytest.mark.parametrize("message_type", edi.MESSAGE_TYPES)
def test_every_column_name_means_one_field(message_type):
    schema = edi.get_schema(message_type)
    names = [f.name for f in schema.fields]
    assert len(names) == len(set(names)), "header and line fields share a name"
    owner = {}
    clashes = []
    for field in schema.fields:
        for column in field.column_names:
            if owner.setdefault(column, field.name) != field.name:
                clashes.append((column, owner[column], field.name))
    assert clashes == []


@pytest.mark.parametrize("message_type", edi.MESSAGE_TYPES)
def test_every_message_identifies_itself(message_type):
    schema = edi.get_schema(message_type)
    for name in ("message_id", "consignor_code", "date"):
        assert schema.field(name).required
        assert name in schema.header_names


def test_chinese_spreadsheet_headers_are_understood():
    schema = edi.get_schema("purchase_order")
    assert schema.resolve_column("商品编码") == "product_code"
    assert schema.resolve_column("批号") == "lot"
    assert schema.resolve_column("有效期至") == "expiry_date"
    assert schema.resolve_column(" 数量* ") == "quantity"
    assert schema.resolve_column("数量(必填)") == "quantity"
    assert schema.resolve_column("ＧＴＩＮ") == "gtin"  # full-width letters
    assert schema.resolve_column("Expiry Date") == "expiry_date"
    assert schema.resolve_column("颜色") is None
    assert schema.resolve_column("货品ID", {"货品ID": "product_code"}) == "product_code"


def test_column_names_are_compared_without_decoration():
    assert normalize_column("\ufeff有效期至（必填）") == normalize_column("有效期至")
    assert normalize_column("Expiry_Date") == normalize_column("expiry date")


@pytest.mark.parametrize(
    "gtin",
    [
        "4006381333931",
        "9780306406157",
        "96385074",
        "036000291452",
        "06901234567892",
        "10614141000415",
    ],
)
def test_gs1_check_digit_accepts_valid_gtins(gtin):
    assert edi.mod10_check_digit(gtin[:-1]) == int(gtin[-1])
    assert edi.gtin_is_valid(gtin)


@pytest.mark.parametrize(
    "gtin", ["4006381333932", "06901234567893", "1234567", "0690123456789X", "069012345678922"]
)
def test_gs1_check_digit_rejects_others(gtin):
    assert not edi.gtin_is_valid(gtin)


def test_unknown_message_type_is_a_clear_error():
    with pytest.raises(edi.EdiError) as caught:
        edi.get_schema("purchase_orders")
    assert caught.value.code == "unknown_type"
    assert "purchase_orders" in str(caught.value)
    assert "purchase_order," in str(caught.value)


@pytest.mark.parametrize("message_type", edi.MESSAGE_TYPES)
def test_example_messages_are_valid(message_type):
    assert edi.validate(edi.example_message(message_type)) == []


def test_every_code_used_has_a_template_and_every_template_is_used():
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in EDI_SOURCE.glob("*.py") if p.name != "errors.py"
    )
    used = set(re.findall(r"(?:problem|EdiError)\(\s*\"(\w+)\"", source))
    used |= set(re.findall(r"ValueProblem\(\"(\w+)\"", source))
    # refusals only the server knows of (its file store refused a file) are raised there
    addon = "\n".join(p.read_text(encoding="utf-8") for p in ADDON_MODELS.glob("*.py"))
    used |= set(re.findall(r"EdiError\(\s*\"(\w+)\"", addon))
    assert used - set(edi.MESSAGES) == set()
    assert set(edi.MESSAGES) - used == set()


def test_templates_use_named_placeholders_only():
    for code, template in edi.MESSAGES.items():
        bare = re.findall(r"%(?!\(\w+\)[srd])", template.replace("%%", ""))
        assert bare == [], code


def test_catalogue_choices_accept_chinese_labels():
    status = CATALOGUE["stock_status"]
    assert status.choice_value("合格") == "available"
    assert status.choice_value("Quarantine") == "quarantine"
    assert status.choice_value("坏了") is None
