"""Issue 12, item 6: Odoo started the way setup starts it reloads itself after its memory
limit (it re-executes its own command line), instead of dying with ``NameError: name 'c'``
as it did when setup ran it through ``python -c``."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except OSError:
        return None


ROOT = Path(__file__).resolve().parents[2]


def test_threaded_server_reloads_after_its_memory_limit(tmp_path, scenario):
    if not os.environ.get("MED_ATTACK_CONF"):
        pytest.skip("MED_ATTACK_CONF is not set")
    port, log = _free_port(), tmp_path / "reload.log"
    # Odoo started by setup/lib.sh's own odoo_cmd, with a soft limit any request passes
    command = [
        "bash",
        "-c",
        '. setup/lib.sh && find_odoo && odoo_cmd "$@"',
        "odoo",
        "-c",
        os.environ["MED_ATTACK_CONF"],
        "-d",
        scenario["db"],
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--http-port",
        str(port),
        "--gevent-port",
        str(_free_port()),
        "--limit-memory-soft",
        str(64 * 1024 * 1024),
        "--logfile",
        str(log),
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/web/login"
    try:
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline:
            _get(url)
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if "memory limit" in text and text.count("HTTP service (werkzeug) running") >= 2:
                break
            time.sleep(1)
        assert "memory limit" in text, text[-3000:]
        assert text.count("HTTP service (werkzeug) running") >= 2, text[-3000:]
        assert "NameError" not in text, text[-3000:]
        assert server.poll() is None, "the server died instead of reloading"
        for _ in range(30):  # and it serves again
            if _get(url) == 200:
                break
            time.sleep(1)
        else:
            pytest.fail("the reloaded server does not answer")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
