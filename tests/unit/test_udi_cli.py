"""``python -m medtrace udi ...``: JSON lines, error lines, exit status, label files."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from medtrace.cli import main

ROOT = Path(__file__).resolve().parents[2]
GS = "\x1d"


def test_parse_json_arguments(capsys):
    status = main(
        [
            "udi",
            "parse",
            "--json",
            "]d2010950600013435217260131" + "10ABC" + GS + "21S1",
            "+A99912345/$$52001510X33",
        ]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert lines[0]["gtin"] == "09506000134352"
    assert (lines[0]["lot"], lines[0]["serial"], lines[0]["expiry"]) == ("ABC", "S1", "2026-01-31")
    assert lines[0]["manufactured"] is None
    assert lines[1]["issuer"] == "HIBCC" and lines[1]["di"] == "A99912345"


def test_parse_error_line_and_status_2(capsys):
    status = main(["udi", "parse", "--json", "0109506000134351", "10ABC"])
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert status == 2
    assert first["raw"] == "0109506000134351"
    assert "(01)" in first["error"] and "check digit" in first["error"]
    assert second["lot"] == "ABC"


def test_parse_stdin_with_separator(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("010950600013435210AB|21CD\n\n10X\n"))
    status = main(["udi", "parse", "--json", "--separator", "|"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert [(r["lot"], r["serial"]) for r in lines] == [("AB", "CD"), ("X", None)]


def test_parse_text_output(capsys):
    assert main(["udi", "parse", "010950600013435210ABC"]) == 0
    out = capsys.readouterr().out
    assert "lot: ABC" in out and "gtin: 09506000134352" in out


def test_subprocess_entry_point():
    run = subprocess.run(
        [sys.executable, "-m", "medtrace", "udi", "parse", "--json", "bad input"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert json.loads(run.stdout)["error"].startswith("UDI 'bad input'")


@pytest.mark.parametrize(
    ("symbology", "suffix"),
    [("datamatrix", ".png"), ("gs1-128", ".png"), ("qr", ".png"), ("datamatrix", ".svg")],
)
def test_label_written_and_decodable(tmp_path, symbology, suffix, capsys):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    out = tmp_path / f"label{suffix}"
    status = main(
        [
            "udi",
            "label",
            "--symbology",
            symbology,
            "--out",
            str(out),
            "--gtin",
            "09506000134352",
            "--lot",
            "ABC",
            "--expiry",
            "2026-01-31",
        ]
    )
    assert status == 0 and out.exists()
    if suffix == ".svg":
        assert b"<svg" in out.read_bytes()
        return
    found = zxingcpp.read_barcodes(Image.open(out), text_mode=zxingcpp.TextMode.Escaped)
    assert len(found) == 1
    if symbology == "qr":
        assert found[0].text == "https://id.gs1.org/01/09506000134352/10/ABC?17=260131"
    else:
        assert found[0].text == "01095060001343521726013110ABC"


def test_label_bad_data(tmp_path, capsys):
    status = main(
        ["udi", "label", "--symbology", "qr", "--out", str(tmp_path / "x.png"), "--gtin", "123"]
    )
    assert status == 2
    assert "gtin" in capsys.readouterr().err
    assert (
        main(
            [
                "udi",
                "label",
                "--symbology",
                "qr",
                "--out",
                str(tmp_path / "x.gif"),
                "--gtin",
                "09506000134352",
            ]
        )
        == 2
    )
