"""Signed checkpoints of the audit chain head, kept outside the database.

A checkpoint is one JSON line ``{"db", "uuid", "sequence", "hash", "legacy_sequence",
"time", "hmac"}`` appended to ``<folder>/<dbname>/<YYYY-MM-DD>.jsonl`` (one file per UTC day),
where the folder is the server option ``med_audit_checkpoint_dir`` (default
``<data_dir>/med_audit_checkpoints``).  ``hmac`` is the HMAC-SHA256, keyed with the
server's ``med_audit_secret``, of the other fields: whoever can rewrite the database
alone can neither forge nor alter one, so a chain rewritten or cut short after a
checkpoint no longer matches it.  (No Odoo model: plain functions.)"""

import datetime
import hmac
import json
import logging
import os
import re

from odoo.tools import config

from .gsp_audit_chain import keyed_digest

_logger = logging.getLogger(__name__)

FILE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\.jsonl$")
SIGNED_KEYS = ("db", "uuid", "sequence", "hash", "legacy_sequence", "time")


def checkpoint_dir(dbname):
    root = config.get("med_audit_checkpoint_dir") or os.path.join(
        config["data_dir"], "med_audit_checkpoints"
    )
    return os.path.join(root, dbname)


def _signature(secret, data):
    payload = json.dumps(
        {key: data.get(key) for key in SIGNED_KEYS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return keyed_digest(secret, "gsp-audit-checkpoint:" + payload)


def make_checkpoint(dbname, uuid, sequence, head_hash, legacy_sequence, secret, now=None):
    """A signed checkpoint of the head: its JSON line (without the newline).  ``uuid``
    (``database.uuid``) tells a database from an earlier one of the same name."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    data = {
        "db": dbname,
        "uuid": uuid,
        "sequence": sequence,
        "hash": head_hash,
        "legacy_sequence": legacy_sequence,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    data["hmac"] = _signature(secret, data)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def write_checkpoint(dbname, line):
    """Appends a checkpoint line to the file of its day (append-only, synced)."""
    day = json.loads(line)["time"][:10]
    folder = checkpoint_dir(dbname)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, day + ".jsonl")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as stream:
        stream.write(line + "\n")
        stream.flush()
        os.fsync(stream.fileno())


def write_checkpoint_safely(dbname, line):
    """As write_checkpoint, run after the commit: a failure is logged, never raised
    (the next verification reports the trail without this anchor)."""
    try:
        write_checkpoint(dbname, line)
    except OSError:
        _logger.exception("GSP audit checkpoint could not be written to %s", checkpoint_dir(dbname))


def read_checkpoints(dbname, secret):
    """The checkpoints of ``dbname`` in its folder, and the lines that fail.

    Returns ``(checkpoints, problems)``: checkpoints are dicts (plus ``file`` and
    ``line``) in file and line order; problems are ``(file, line)`` of lines that are
    not valid JSON checkpoints or whose signature does not match."""
    folder = checkpoint_dir(dbname)
    checkpoints, problems = [], []
    try:
        names = sorted(name for name in os.listdir(folder) if FILE_RE.match(name))
    except FileNotFoundError:
        return checkpoints, problems
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as stream:
            for number, text in enumerate(stream, start=1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                    valid = (
                        isinstance(data, dict)
                        and isinstance(data.get("sequence"), int)
                        and isinstance(data.get("legacy_sequence"), int)
                        and isinstance(data.get("hash"), str)
                        and hmac.compare_digest(str(data.get("hmac")), _signature(secret, data))
                    )
                except ValueError:
                    valid = False
                if not valid:
                    problems.append((name, number))
                elif data["db"] == dbname:
                    checkpoints.append(dict(data, file=name, line=number))
    return checkpoints, problems
