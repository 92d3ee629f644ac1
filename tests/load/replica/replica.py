"""A throwaway PostgreSQL primary with a streaming hot standby, and an Odoo server whose
read-only requests go to the standby (``--db_replica_host``/``--db_replica_port``).

Used by ``test_replica.py``; also runnable by hand to keep the pair up for a look::

    python tests/load/replica/replica.py      # prints the ports, Ctrl-C stops it all

Nothing here touches the project's shared cluster: both clusters are initdb'ed in a
temporary directory, on free ports, and removed at the end.  The standby is synchronous
with ``synchronous_commit = remote_apply``, so what a request commits on the primary is
visible on the standby when the answer comes back (a test reads its own writes; in
production a replica is usually asynchronous and lags a little).  Both clusters log
every statement (``log_statement = all``, the application name in each line), so a test
tells which of them served a request by reading their logs.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("MED_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[3]
#: the statements of a request, once it is answered, are in the log within this time
LOG_WAIT = 5.0


def missing():
    """Why the pair cannot be made here (None when it can)."""
    for tool in ("initdb", "pg_ctl", "pg_basebackup", "psql"):
        if not (PG_BIN / tool).exists():
            return f"PostgreSQL binaries not found: no {PG_BIN / tool} (set MED_PG_BIN)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: PostgreSQL refuses to run as root"
    if odoo_root() is None:
        return "no Odoo 18.0 source found (set ODOO_SRC to a checkout of Odoo's 18.0 branch)"
    return None


def odoo_root():
    for candidate in (os.environ.get("MED_ODOO_ROOT"), os.environ.get("ODOO_SRC")):
        if candidate and (Path(candidate) / "odoo-bin").exists():
            return Path(candidate)
    try:
        import odoo
    except ImportError:
        return None
    root = Path(odoo.__file__).resolve().parent.parent
    return root if (root / "odoo-bin").exists() else None


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args, **kwargs):
    """Run a PostgreSQL tool (as the postgres system user when we are root)."""
    cmd = [str(PG_BIN / args[0]), *args[1:]]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


class Cluster:
    """One PostgreSQL cluster in ``path`` on 127.0.0.1:``port``, logging to ``log``."""

    def __init__(self, path, port):
        self.path, self.port = Path(path), port
        self.log = self.path.parent / f"{self.path.name}.log"

    def start(self, *settings):
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.path}"]
        options += [f"-c {setting}" for setting in settings]
        _as_postgres(
            ["pg_ctl", "-D", str(self.path), "-l", str(self.log), "-w", "-t", "60"]
            + ["-o", " ".join(options), "start"]
        )

    def stop(self):
        if (self.path / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                _as_postgres(["pg_ctl", "-D", str(self.path), "-m", "immediate", "-w", "stop"])

    def sql(self, query, database="postgres"):
        """The rows of ``query`` (as the superuser), each a list of strings."""
        out = _as_postgres(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
            + ["-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query]
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def log_size(self):
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset):
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


class ReplicaPair:
    """A primary and its streaming hot standby, each in its own temporary cluster."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="medtrace-replica."))
        os.chmod(self.tmp, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres", "postgres")
        self.primary = Cluster(self.tmp / "primary", free_port())
        self.standby = Cluster(self.tmp / "standby", free_port())

    def start(self):
        primary, standby = self.primary, self.standby
        _as_postgres(
            ["initdb", "-D", str(primary.path), "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--locale=C", "--no-sync"]
        )
        with open(primary.path / "pg_hba.conf", "a", encoding="utf-8") as hba:
            # the standby streams the WAL as the replication user
            hba.write("host replication replicator 127.0.0.1/32 trust\n")
        primary.start(
            "wal_level=replica",
            "max_wal_senders=4",
            "fsync=off",  # a throwaway cluster: nothing to keep over a crash
            "full_page_writes=off",
            "synchronous_commit=remote_apply",
            "log_line_prefix='%m [%p] %a@%d '",
        )
        primary.sql("CREATE ROLE replicator WITH REPLICATION LOGIN")
        primary.sql("CREATE ROLE odoo WITH LOGIN CREATEDB PASSWORD 'odoo'")
        _as_postgres(
            ["pg_basebackup", "-D", str(standby.path), "-R", "-X", "stream", "--no-sync"]
            + ["-d", f"host=127.0.0.1 port={primary.port} user=replicator application_name=standby"]
        )
        standby.start(
            "hot_standby=on",
            "log_statement=all",
            "log_line_prefix='%m [%p] %a@%d '",
        )
        self.wait_streaming("async")
        # from now on a commit returns once the standby has applied it (set here: with
        # no standby yet, a commit waiting for one would wait for ever)
        primary.sql("ALTER SYSTEM SET synchronous_standby_names = 'standby'")
        primary.sql("SELECT pg_reload_conf()")
        self.wait_streaming("sync")
        return self

    def wait_streaming(self, state, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.primary.sql(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'"
            )
            if rows and rows[0][0] == state:
                return
            time.sleep(0.2)
        raise RuntimeError(f"the standby is not streaming; see {self.standby.log}")

    def log_all_statements(self):
        """From now on the primary logs every statement too (the install is not logged)."""
        self.primary.sql("ALTER SYSTEM SET log_statement = 'all'")
        self.primary.sql("SELECT pg_reload_conf()")

    def stop(self):
        self.standby.stop()
        self.primary.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class OdooServer:
    """``odoo-bin --workers 2`` on a database of the pair's primary, its read-only
    requests on the standby."""

    def __init__(self, pair, database, addons):
        self.pair, self.database, self.addons = pair, database, addons
        self.root = odoo_root()
        self.port = free_port()
        self.conf = pair.tmp / "odoo.conf"
        self.log = pair.tmp / "odoo.log"
        self.process = None
        data_dir = pair.tmp / "data"
        lines = [
            "[options]",
            f"addons_path = {self.root}/odoo/addons,{self.root}/addons,{ROOT}",
            f"data_dir = {data_dir}",
            "db_host = 127.0.0.1",
            f"db_port = {pair.primary.port}",
            "db_replica_host = 127.0.0.1",
            f"db_replica_port = {pair.standby.port}",
            "db_user = odoo",
            "db_password = odoo",
            f"db_name = {database}",
            f"dbfilter = ^{re.escape(database)}$",
            "list_db = False",
            "without_demo = all",
            "max_cron_threads = 0",
            "http_interface = 127.0.0.1",
            f"http_port = {self.port}",
            f"gevent_port = {free_port()}",
            f"med_edi_folder_root = {pair.tmp / 'edi'}",
            f"med_audit_checkpoint_dir = {pair.tmp / 'checkpoints'}",
        ]
        self.conf.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _odoo(self, *args, **kwargs):
        env = dict(os.environ, TZ="UTC")
        command, args = (args[:1], args[1:]) if args[0] == "shell" else ((), args)
        cmd = [sys.executable, str(self.root / "odoo-bin"), *command, "-c", str(self.conf), *args]
        return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)

    def install(self):
        """Install the addons into the database (on the primary: an install writes)."""
        log = self.pair.tmp / "install.log"
        try:
            self._odoo(
                *("-d", self.database, "-i", self.addons, "--stop-after-init", "--no-http"),
                *("--log-level=warn", f"--logfile={log}"),
                capture_output=True,
            )
        except subprocess.CalledProcessError as error:
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(f"installing {self.addons} failed:\n{tail}") from error

    def shell(self, script):
        """Run ``script`` in ``odoo-bin shell`` on the database; returns its stdout."""
        return self._odoo(
            *("shell", "-d", self.database, "--no-http", "--log-level=warn"),
            input=script,
            capture_output=True,
        ).stdout

    def start(self, timeout=120):
        import requests

        env = dict(os.environ, TZ="UTC")
        self.process = subprocess.Popen(
            [sys.executable, str(self.root / "odoo-bin"), "-c", str(self.conf)]
            + ["-d", self.database, "--workers", "2", f"--logfile={self.log}"],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start; see {self.log}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/web/health", timeout=5).ok:
                    return self
            time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer in {timeout}s; see {self.log}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


if __name__ == "__main__":
    reason = missing()
    if reason:
        raise SystemExit(reason)
    pair = ReplicaPair().start()
    try:
        print(f"primary 127.0.0.1:{pair.primary.port}, standby 127.0.0.1:{pair.standby.port}")
        print(f"logs: {pair.primary.log} {pair.standby.log}; Ctrl-C stops and removes both")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        pair.stop()
