"""The suite's ground rules that need no Odoo: layout, manifests, translations."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDONS = [
    "med_device_stock",
    "med_gsp_quality",
    "med_consignor_edi",
    "med_device_stock_barcodes",
    "med_consignor_edi_queue_job",
    "med_device_stock_qty_picked",
]  # and the glue addons
sys.path.insert(0, str(ROOT / "setup"))

import gen_addon_readme  # noqa: E402
import odoo_requirements  # noqa: E402


def _manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text(encoding="utf-8"))


def test_medtrace_never_imports_odoo():
    offenders = []
    for path in (ROOT / "medtrace").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path}:{node.lineno}" for n in names if n.split(".")[0] == "odoo"]
    assert offenders == []


def test_command_line_lists_its_commands():
    out = subprocess.run(
        [sys.executable, "-m", "medtrace", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "udi" in out


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_follows_conventions(addon):
    manifest = _manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "LGPL-3"
    assert manifest["installable"]
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (ROOT / addon / "readme" / fragment).is_file()
    for data_file in manifest["data"] + manifest.get("demo", []):
        assert (ROOT / addon / data_file).is_file(), data_file


def test_addons_depend_on_each_other_in_order():
    stock = _manifest("med_device_stock")["depends"]
    for core in ("stock", "product_expiry", "purchase_stock", "barcodes_gs1_nomenclature", "hr"):
        assert core in stock
    assert "med_device_stock" in _manifest("med_gsp_quality")["depends"]
    assert "med_gsp_quality" in _manifest("med_consignor_edi")["depends"]


def test_addon_readmes_are_generated_from_fragments():
    assert gen_addon_readme.main(["--check"]) == 0


@pytest.mark.parametrize("addon", ADDONS)
def test_every_string_is_translated_to_chinese(addon):
    pot = polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))
    po = polib.pofile(str(ROOT / addon / "i18n" / "zh_CN.po"))
    translated = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
    missing = [e.msgid for e in pot if not translated.get(e.msgid)]
    assert missing == []
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert fuzzy == []


@pytest.mark.parametrize("addon", ADDONS)
def test_translations_keep_every_placeholder(addon):
    po = polib.pofile(str(ROOT / addon / "i18n" / "zh_CN.po"))
    placeholder = re.compile(r"%\(\w+\)[sdrf]|\{\w*\}")

    def names(text):
        return sorted(placeholder.findall(text))

    wrong = [e.msgid for e in po if e.msgstr and names(e.msgid) != names(e.msgstr)]
    assert wrong == []


def test_odoo_requirements_use_the_wheel_pins():
    lines = [
        "lxml==4.9.3 ; python_version > '3.10' and python_version < '3.12'\n",
        "lxml==5.2.1; python_version >= '3.12' # wheels\n",
        "psycopg2==2.9.5 ; python_version == '3.11'\n",
        "psycopg2==2.9.9 ; python_version >= '3.12'\n",
        "python-ldap==3.4.4 ; sys_platform != 'win32' and python_version >= '3.12'\n",
        "pypiwin32 ; sys_platform == 'win32'\n",
        "pytz  # no pin\n",
    ]
    out = odoo_requirements.convert(lines)
    assert "lxml==5.2.1" in out and "lxml==4.9.3" not in out
    assert "psycopg2-binary==2.9.9" in out
    assert not any(line.startswith(("psycopg2==", "python-ldap", "pypiwin32")) for line in out)
    assert "pytz" in out
