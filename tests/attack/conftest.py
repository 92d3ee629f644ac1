"""Attacks replayed against a real Odoo server with worker processes.

``setup/test``'s attack tier installs the addons with their demo data in a database of
its own, adds the roles' users (``scenario.py``), starts Odoo with ``--workers 2`` on a
free loopback port and runs these tests with:

- ``MED_ATTACK_URL``: the server, e.g. ``http://127.0.0.1:18169``;
- ``MED_ATTACK_SCENARIO``: the JSON written by ``scenario.build``;
- ``MED_ATTACK_DSN``: a libpq connection string to the database (the tamper tests write
  it directly, as someone with database access would);
- ``MED_ATTACK_CONF`` / ``MED_ATTACK_ODOO_BIN`` / ``MED_ATTACK_PYTHON``: to start one
  more server of their own (the reload test).

Every request goes to 127.0.0.1 only and has a timeout.
"""

import json
import os
import re
from pathlib import Path

import pytest
from rpc import Client, RpcError


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set: run the attack tier through setup/test")
    return value


@pytest.fixture(scope="session")
def scenario():
    return json.loads(Path(_required("MED_ATTACK_SCENARIO")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def url():
    return _required("MED_ATTACK_URL").rstrip("/")


@pytest.fixture(scope="session")
def client(scenario, url):
    """``client("storekeeper")``: that role's JSON-RPC session (``"admin"`` too)."""

    def make(role):
        user = scenario["admin"] if role == "admin" else scenario["users"][role]
        return Client(url, scenario["db"], user["uid"], user["password"])

    return make


@pytest.fixture(scope="session")
def admin(client):
    return client("admin")


@pytest.fixture
def sql():
    """A direct connection to the database (autocommit): what an attacker with database
    access can do, bypassing Odoo."""
    psycopg2 = pytest.importorskip("psycopg2")
    connection = psycopg2.connect(_required("MED_ATTACK_DSN"))
    connection.autocommit = True
    try:
        yield connection.cursor()
    finally:
        connection.close()


def _refused(call, name, pattern):
    """Runs ``call``; asserts Odoo refused it with exception class ``name`` (e.g.
    ``odoo.exceptions.UserError``) and a message matching ``pattern``; returns the
    message."""
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name == name, caught.value
    assert re.search(pattern, caught.value.message, re.S | re.I), caught.value.message
    return caught.value.message


@pytest.fixture(scope="session")
def refused():
    """``refused(call, "odoo.exceptions.UserError", "regex")``: see ``_refused``."""
    return _refused
