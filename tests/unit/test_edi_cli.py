"""``python -m medtrace edi ...``: what a consultant or consignor sees and the exit status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medtrace import edi
from medtrace.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "edi"


def test_types_lists_every_message_type():
    out = subprocess.run(
        [sys.executable, "-m", "medtrace", "edi", "types"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for message_type in edi.MESSAGE_TYPES:
        assert message_type in out
    assert "采购订货" in out and "ORDERS" in out


def test_types_as_json(capsys):
    assert main(["edi", "types", "--json"]) == 0
    types = json.loads(capsys.readouterr().out)
    assert [t["type"] for t in types] == list(edi.MESSAGE_TYPES)
    assert {t["type"]: t["formats"] for t in types}["reconciliation"] == ["csv", "xlsx", "json"]


def test_validate_a_valid_file_exits_0(capsys):
    path = DATA / "purchase_order_gbk.csv"
    assert main(["edi", "validate", str(path), "--type", "purchase_order"]) == 0
    out = capsys.readouterr().out
    assert "valid purchase_order (csv, 2 line(s)): 0 error(s), 0 warning(s)" in out


def test_validate_prints_every_problem_with_line_and_field_and_exits_2():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "medtrace",
            "edi",
            "validate",
            str(DATA / "purchase_order_problems.csv"),
            "--type",
            "purchase_order",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert (
        f"{DATA / 'purchase_order_problems.csv'}: line 5: error: quantity: '1,000' is not "
        "a number (digits and a decimal point, without thousands separators) [bad_decimal]" in lines
    )
    assert any("line 1: warning: Column 'colour'" in line for line in lines)
    assert lines[-1].endswith("INVALID purchase_order (csv, 12 line(s)): 11 error(s), 1 warning(s)")


def test_validate_json_output(capsys):
    path = DATA / "purchase_order_problems.csv"
    assert main(["edi", "validate", str(path), "--type", "purchase_order", "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert result["message_id"] == "PO-BAD"
    assert len(result["fingerprint"]) == 64
    first_error = next(p for p in result["problems"] if p["severity"] == "error")
    assert {k: first_error[k] for k in ("line", "field", "value", "code")} == {
        "line": 3,
        "field": "gtin",
        "value": "06901234567893",
        "code": "gtin_check_digit",
    }
    assert first_error["template"] == edi.MESSAGES["gtin_check_digit"]


def test_validate_an_unreadable_file_exits_2(tmp_path, capsys):
    path = tmp_path / "order.csv"
    path.write_bytes(b"message_id;date\r\nx;y\r\n")
    assert main(["edi", "validate", str(path), "--type", "purchase_order"]) == 2
    out = capsys.readouterr().out
    assert "error: Line 1: required column(s) missing: consignor_code, order_ref" in out
    assert main(["edi", "validate", str(tmp_path / "none.csv"), "--type", "sales_order"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_validate_with_limits(tmp_path, capsys):
    path = tmp_path / "order.json"
    path.write_bytes(edi.encode(edi.example_message("purchase_order"), "json"))
    assert main(["edi", "validate", str(path), "--type", "purchase_order", "--max-lines", "1"]) == 2
    assert "more than 1 lines" in capsys.readouterr().out
    assert main(["edi", "validate", str(path), "--type", "purchase_order", "--format", "json"]) == 0


def test_unknown_type_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["edi", "validate", "x.csv", "--type", "order"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", edi.FORMATS)
def test_template_writes_a_valid_example(tmp_path, fmt, capsys):
    out = tmp_path / f"usage.{fmt}"
    assert (
        main(["edi", "template", "--type", "usage_report", "--format", fmt, "--out", str(out)]) == 0
    )
    assert main(["edi", "validate", str(out), "--type", "usage_report"]) == 0


def test_empty_chinese_template_is_the_header_row(tmp_path):
    out = tmp_path / "po.csv"
    assert (
        main(
            [
                "edi",
                "template",
                "--type",
                "purchase_order",
                "--format",
                "csv",
                "--lang",
                "zh_CN",
                "--empty",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines() == [
        "报文编号,委托方编码,受托方编码,单据日期,订单号,要求到货日期,仓库编码,备注,"
        "行号,商品编码,商品条码,产品标识,商品名称,规格型号,单位,批号,有效期至,数量,单价"
    ]
    # the empty template is read back: its columns are understood, it has no lines yet
    message = edi.decode(out.read_bytes(), "purchase_order")
    assert message.lines == []


def test_template_to_standard_output():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "medtrace",
            "edi",
            "template",
            "--type",
            "stock_status",
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    assert json.loads(result.stdout)["message_type"] == "stock_status"


def test_no_edifact_template_for_reconciliation(capsys):
    assert main(["edi", "template", "--type", "reconciliation", "--format", "edifact"]) == 2
    assert "no EANCOM message" in capsys.readouterr().err
