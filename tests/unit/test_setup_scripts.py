"""setup/lib.sh answers bad input with one sentence naming the cause and the fix."""

import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory):
    """A virtual environment without Odoo (and without pip: nothing is installed)."""
    path = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(path)
    return path


def _lib(script, env_extra, bare_venv):
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(bare_venv.parent),
        "MED_VENV": str(bare_venv),
        "MED_PYTHON": sys.executable,
        "MED_FETCH_ODOO": "0",
        **env_extra,
    }
    return subprocess.run(
        ["bash", "-c", f". setup/lib.sh; {script}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_odoo_src_that_is_not_odoo(bare_venv, tmp_path):
    out = _lib('find_odoo; echo "rc=$? $MED_ODOO_MISSING"', {"ODOO_SRC": str(tmp_path)}, bare_venv)
    assert "rc=1" in out.stdout
    assert f"ODOO_SRC={tmp_path} is not an Odoo source tree" in out.stdout


def test_odoo_src_of_another_version(bare_venv, tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text("version_info = (17, 0, 0, FINAL, 0, '')\n")
    out = _lib('find_odoo; echo "rc=$? $MED_ODOO_MISSING"', {"ODOO_SRC": str(tmp_path)}, bare_venv)
    assert "rc=1" in out.stdout
    assert "holds Odoo 17.0, not 18.0" in out.stdout


def test_no_odoo_at_all_says_what_to_set(bare_venv):
    out = _lib('find_odoo; echo "rc=$? $MED_ODOO_MISSING"', {}, bare_venv)
    assert "rc=1 no Odoo 18.0 found: set ODOO_SRC" in out.stdout


def test_odoo_src_18_is_registered_in_the_venv(tmp_path):
    own_venv = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(own_venv)
    tmp_path = tmp_path / "odoo-18.0"
    tmp_path.mkdir()
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "__init__.py").write_text("")
    (tmp_path / "odoo" / "release.py").write_text("version_info = (18, 0, 0, FINAL, 0, '')\n")
    out = _lib('find_odoo; echo "rc=$? root=$MED_ODOO_ROOT"', {"ODOO_SRC": str(tmp_path)}, own_venv)
    assert f"rc=0 root={tmp_path}" in out.stdout
    # a later run without ODOO_SRC finds the same tree through the venv
    again = _lib('find_odoo; echo "rc=$? root=$MED_ODOO_ROOT"', {}, own_venv)
    assert f"rc=0 root={tmp_path}" in again.stdout


def test_postgres_that_refuses_connections(bare_venv):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on that port once the socket is closed
    out = _lib("ensure_postgres", {"PGHOST": "127.0.0.1", "PGPORT": str(port)}, bare_venv)
    assert out.returncode == 1
    assert f"PostgreSQL at 127.0.0.1:{port} (from PGHOST/PGPORT) refuses connections" in out.stderr
    assert "Traceback" not in out.stderr


def test_commands_use_this_clones_medtrace_whatever_the_venv_points_to(tmp_path):
    """Two clones sharing one venv: each one's setup commands import its own medtrace,
    not the one the venv's editable install points to."""
    own_venv = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(own_venv)
    other = tmp_path / "other-clone"
    (other / "medtrace").mkdir(parents=True)
    (other / "medtrace" / "__init__.py").write_text("")
    site = next(own_venv.glob("lib/python*/site-packages"))
    (site / "medtrace-other.pth").write_text(f"{other}\n")
    out = _lib('"$PY" -c "import medtrace; print(medtrace.__file__)"', {}, own_venv)
    assert out.stdout.strip() == str(ROOT / "medtrace" / "__init__.py"), out.stderr
