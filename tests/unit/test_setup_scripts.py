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
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
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


def test_configurations_carry_the_audit_secret_readable_by_their_owner_only(bare_venv, tmp_path):
    """The audit chain's key is made once per MED_HOME and written into every
    configuration setup writes, and neither file can be read by other users."""
    home = tmp_path / "home"
    script = (
        "MED_ODOO_ROOT=/odoo DB_HOST=h DB_PORT=1 DB_USER=u DB_PASSWORD=p; "
        f"write_odoo_conf {tmp_path}/a.conf; write_odoo_conf {tmp_path}/b.conf"
    )
    out = _lib(script, {"MED_HOME": str(home)}, bare_venv)
    assert out.returncode == 0, out.stderr
    secret = (home / "audit-secret").read_text()
    assert len(secret) == 64 and int(secret, 16)
    for name in ("a.conf", "b.conf"):
        conf = (tmp_path / name).read_text()
        assert f"med_audit_secret = {secret}\n" in conf
        assert f"med_edi_folder_root = {home}/edi\n" in conf
        assert (tmp_path / name).stat().st_mode & 0o077 == 0
    assert (home / "audit-secret").stat().st_mode & 0o077 == 0


def test_odoo_is_started_from_odoo_bin_so_that_it_can_reexecute_itself(bare_venv, tmp_path):
    """Odoo reloads by re-executing ``python <its argv>``: ``python -c ...`` cannot be
    re-executed (``NameError: name 'c'``), ``odoo-bin`` can, and the bare ``python`` it
    re-executes must be the venv's (first on PATH).  tests/attack/test_server_reload.py
    reloads a real server started this way."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "args=$*"\necho "path=$PATH"\n')
    fake.chmod(0o755)
    out = _lib(f"MED_ODOO_ROOT=/odoo; PY={fake}; odoo_cmd -c x.conf", {}, bare_venv)
    assert "args=/odoo/odoo-bin -c x.conf" in out.stdout, out
    assert f"path={bare_venv}/bin:" in out.stdout, out
