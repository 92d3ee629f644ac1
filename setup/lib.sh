# shellcheck shell=bash
# Shared by setup/demo and setup/test: find or prepare PostgreSQL, a virtual
# environment, Odoo 18.0 and the project's requirements.  Everything is
# installed outside the clone, so another clone on the same machine finds it
# again.  Every function is idempotent and cheap when nothing changed.
#
# Settings (environment variables, all optional):
#   ODOO_SRC      an Odoo 18.0 source tree to use (registered in the venv)
#   MED_HOME      where setup keeps its things   (default ~/.local/share/medtrace)
#   MED_VENV      the virtual environment        (default $MED_HOME/venv-odoo18)
#   MED_PYTHON    interpreter for a new venv     (default python3; 3.10 to 3.12)
#   MED_PGDIR     folder of the private PostgreSQL cluster setup starts when no
#                 server answers (default $MED_HOME/postgresql, or
#                 /var/lib/postgresql/medtrace when run as root, since the
#                 server runs as the "postgres" user then)
#   MED_FETCH_ODOO=0  never try to download Odoo's official 18.0 source
#   MED_EDI_ROOT  the only folder consignor folder channels may use
#                 (default $MED_HOME/edi; Odoo option med_edi_folder_root)
#   MED_HIS_ROOT  the only folder HIS folder backends may write to
#                 (default $MED_HOME/his; Odoo option med_his_folder_root)
#   The audit chain's secret (Odoo option med_audit_secret) is made once in
#   $MED_HOME/audit-secret; keep a copy of it apart from database backups.
#   PGHOST PGPORT PGUSER PGPASSWORD   an existing PostgreSQL server to use

MED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MED_HOME=${MED_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/medtrace}
MED_VENV=${MED_VENV:-$MED_HOME/venv-odoo18}
MED_PYTHON=${MED_PYTHON:-python3}
if [ "$(id -u)" = 0 ]; then
    MED_PGDIR=${MED_PGDIR:-/var/lib/postgresql/medtrace}
else
    MED_PGDIR=${MED_PGDIR:-$MED_HOME/postgresql}
fi
MED_ADDONS="med_device_stock,med_gsp_quality,med_consignor_edi"
PY="$MED_VENV/bin/python"
# this clone's medtrace first, whichever clone the shared venv's editable install
# points to (the last one set up there)
export PYTHONPATH="$MED_ROOT${PYTHONPATH:+:$PYTHONPATH}"

say() { printf '[medtrace] %s\n' "$*" >&2; }
die() { printf '[medtrace] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Python and the virtual environment -----------------------------------

ensure_venv() {
    if [ -x "$PY" ] && "$PY" -c 'import sys' 2>/dev/null; then
        return 0
    fi
    command -v "$MED_PYTHON" >/dev/null \
        || die "no Python interpreter '$MED_PYTHON': install Python 3.10 to 3.12 or set MED_PYTHON to one."
    "$MED_PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
        || die "$MED_PYTHON is Python $("$MED_PYTHON" -c 'import platform; print(platform.python_version())'); Odoo 18 needs 3.10 to 3.12: set MED_PYTHON to such an interpreter."
    say "creating the virtual environment $MED_VENV"
    mkdir -p "$(dirname "$MED_VENV")"
    "$MED_PYTHON" -m venv "$MED_VENV" \
        || die "could not create a virtual environment with $MED_PYTHON: install its venv module (Debian: apt-get install python3-venv)."
    "$PY" -m pip install -q --upgrade pip setuptools wheel >&2
}

_stamp_ok() { [ -f "$MED_VENV/.stamp-$1" ] && [ "$(cat "$MED_VENV/.stamp-$1")" = "$2" ]; }
_stamp_set() { printf '%s' "$2" > "$MED_VENV/.stamp-$1"; }
_hash() { cat "$@" 2>/dev/null | sha256sum | cut -c1-32; }

# The project's own requirements (medtrace included, editable from this clone)
# and, once find_odoo has found Odoo, Odoo's own: installed in one pip run so
# that the resolver keeps both consistent (Odoo's pins win).
ensure_requirements() {
    local stamp odoo_req="" files=("$MED_ROOT/requirements.txt" "$MED_ROOT/medtrace/pyproject.toml")
    if [ -n "${MED_ODOO_ROOT:-}" ]; then
        odoo_req="$MED_ODOO_ROOT/requirements.txt"
        files+=("$odoo_req" "$MED_ROOT/setup/odoo_requirements.py")
    fi
    stamp="$MED_ROOT:$(_hash "${files[@]}")"
    _stamp_ok requirements "$stamp" && return 0
    local args=(-r requirements.txt)
    if [ -n "$odoo_req" ]; then
        say "installing Odoo's and the project's requirements into $MED_VENV (the first time takes a few minutes)"
        "$PY" "$MED_ROOT/setup/odoo_requirements.py" "$odoo_req" > "$MED_VENV/odoo-requirements.txt"
        args+=(-r "$MED_VENV/odoo-requirements.txt")
    else
        say "installing the project's requirements into $MED_VENV"
    fi
    (cd "$MED_ROOT" && "$PY" -m pip install -q --prefer-binary "${args[@]}" 2>&1 >&2 \
        | grep -v -e "^WARNING: Location" -e "BuildBackendWarning" >&2; exit "${PIPESTATUS[0]}") \
        || die "pip could not install the requirements (see the lines above); check the access to the package index."
    _stamp_set requirements "$stamp"
}

# OCA addons the glue addons need (oca-requirements.txt): installed --no-deps into
# the venv's odoo/addons, then adapted to the Odoo source (setup/oca_compat.py).
# Sets MED_OCA_ADDONS to those present ("queue_job,stock_barcodes"); a failed
# download leaves them out (their glue addons' tests do not run) with a warning.
MED_GLUE_ADDONS="med_consignor_edi_queue_job:queue_job med_device_stock_barcodes:stock_barcodes"
ensure_oca_addons() {
    local stamp site
    site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    stamp="$MED_ROOT:$(_hash "$MED_ROOT/oca-requirements.txt" "$MED_ROOT/setup/oca_compat.py"):${MED_ODOO_ROOT:-}"
    if ! _stamp_ok oca "$stamp"; then
        say "installing the OCA addons of oca-requirements.txt (pip --no-deps)"
        if "$PY" -m pip install -q --no-deps -r "$MED_ROOT/oca-requirements.txt" 2>&1 \
                | grep -v -e "^WARNING: Location" >&2; [ "${PIPESTATUS[0]}" -eq 0 ]; then
            "$PY" "$MED_ROOT/setup/oca_compat.py" "$MED_ODOO_ROOT" >&2 && _stamp_set oca "$stamp"
        else
            say "pip could not install the OCA addons: their glue addons are not tested"
        fi
    fi
    MED_OCA_ADDONS=""
    local pair
    for pair in $MED_GLUE_ADDONS; do
        [ -f "$site/odoo/addons/${pair#*:}/__manifest__.py" ] \
            && MED_OCA_ADDONS="${MED_OCA_ADDONS:+$MED_OCA_ADDONS,}${pair#*:}"
    done
}

# --- Odoo -------------------------------------------------------------------

_odoo_version_of_tree() {  # prints "18.0" for an Odoo source tree
    sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\),.*/\1.\2/p" "$1/odoo/release.py" 2>/dev/null
}

_register_odoo_src() {  # make the tree importable from the venv
    local src site
    src=$(cd "$1" && pwd)
    site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    printf '%s\n' "$src" > "$site/medtrace-odoo-src.pth"
}

_probe_odoo() {  # "18.0 /path/to/odoo-root" for the Odoo the venv imports, without importing it
    local root
    root=$("$PY" -c 'import importlib.util as u, os; s = u.find_spec("odoo"); print(os.path.dirname(list(s.submodule_search_locations)[0]))' 2>/dev/null) || return 1
    [ -f "$root/odoo/release.py" ] || return 1
    printf '%s %s\n' "$(_odoo_version_of_tree "$root")" "$root"
}

# Sets MED_ODOO_ROOT (the folder holding odoo/ and addons/) and returns 0, or
# sets MED_ODOO_MISSING to the reason and returns 1.
find_odoo() {
    MED_ODOO_MISSING=""
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || {
            MED_ODOO_MISSING="ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo/release.py there): point ODOO_SRC at a checkout of Odoo's 18.0 branch"
            return 1; }
        local version
        version=$(_odoo_version_of_tree "$ODOO_SRC")
        [ "$version" = "18.0" ] || {
            MED_ODOO_MISSING="ODOO_SRC=$ODOO_SRC holds Odoo $version, not 18.0: point ODOO_SRC at a checkout of Odoo's 18.0 branch"
            return 1; }
        _register_odoo_src "$ODOO_SRC"
    fi
    local found
    found=$(_probe_odoo)
    if [ -z "$found" ] && [ "${MED_FETCH_ODOO:-1}" != 0 ] && [ ! -d "$MED_HOME/odoo-18.0/odoo" ]; then
        say "no Odoo 18.0 found: trying to download Odoo's official 18.0 source into $MED_HOME/odoo-18.0"
        if timeout 900 git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$MED_HOME/odoo-18.0.part" >&2 2>/dev/null; then
            mv "$MED_HOME/odoo-18.0.part" "$MED_HOME/odoo-18.0"
        else
            rm -rf "$MED_HOME/odoo-18.0.part"
            say "download of Odoo's source failed (no network access to it?)"
        fi
    fi
    if [ -z "$found" ] && [ -f "$MED_HOME/odoo-18.0/odoo/release.py" ]; then
        _register_odoo_src "$MED_HOME/odoo-18.0"
        found=$(_probe_odoo)
    fi
    if [ -z "$found" ]; then
        MED_ODOO_MISSING="no Odoo 18.0 found: set ODOO_SRC to a checkout of Odoo's 18.0 branch (for example ODOO_SRC=~/src/odoo-18.0 ./setup/test)"
        return 1
    fi
    if [ "${found%% *}" != "18.0" ]; then
        MED_ODOO_MISSING="the Odoo in $MED_VENV is ${found%% *}, not 18.0: set ODOO_SRC to a checkout of Odoo's 18.0 branch"
        return 1
    fi
    MED_ODOO_ROOT=${found#* }
    return 0
}

# Runs Odoo's own launcher, odoo-bin, with the venv's interpreter (not the
# console script: that one refuses psycopg2-binary).  Started from a file, not
# from "python -c", so that Odoo can re-execute itself with the same arguments
# when it reloads (after a memory or time limit, or on SIGHUP).  Odoo re-executes
# itself as "python odoo-bin ...": the venv's bin comes first on PATH (as in an
# activated venv) so that this "python" is the venv's, not the system's.
odoo_cmd() {
    PATH="$MED_VENV/bin:$PATH" TZ=UTC "$PY" "$MED_ODOO_ROOT/odoo-bin" "$@"
}

# The secret keying the GSP audit chain's hashes (HMAC): made once per MED_HOME,
# readable by its owner only, written into every configuration setup writes.
# The database never holds it, so rewriting the chain in the database alone is
# detected.
audit_secret() {
    local file="$MED_HOME/audit-secret"
    if [ ! -s "$file" ]; then
        mkdir -p "$MED_HOME"
        (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$file.part" && mv "$file.part" "$file")
    fi
    cat "$file"
}

# Debian packages some Odoo tests need: chromium (browser tests), wkhtmltopdf
# (PDF reports), poppler-utils (pdftoppm, to read a printed label back).
# Installed when setup runs as root with apt-get; otherwise those tests skip.
ensure_test_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian packages for the browser and PDF tests: ${missing[*]}"
        (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}") >/dev/null 2>&1 \
            || say "apt-get could not install ${missing[*]}: the tests that need them will be skipped"
    else
        say "missing ${missing[*]} (install them with your package manager): the tests that need them will be skipped"
    fi
}

# --- PostgreSQL --------------------------------------------------------------

_pg_bin() {  # directory with pg_ctl/initdb, newest first
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
    done
    command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
    return 1
}

_as_pg() {  # run a command as the cluster's owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_free_port() {  # first port from $1 on that nothing listens on
    local py=$PY
    [ -x "$py" ] || py=$MED_PYTHON
    "$py" -c '
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)' "$1"
}

# Sets DB_HOST DB_PORT DB_USER DB_PASSWORD for Odoo.
ensure_postgres() {
    if [ -n "${PGHOST:-}${PGPORT:-}" ] || pg_isready -q -h localhost -p 5432 2>/dev/null; then
        DB_HOST=${PGHOST:-localhost} DB_PORT=${PGPORT:-5432}
        DB_USER=${PGUSER:-$(id -un)} DB_PASSWORD=${PGPASSWORD:-}
        if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; then
            die "PostgreSQL at $DB_HOST:$DB_PORT (from PGHOST/PGPORT) refuses connections: start that server, or unset PGHOST and PGPORT to let setup start its own."
        fi
        if ! PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
            die "PostgreSQL at $DB_HOST:$DB_PORT does not let user '$DB_USER' in: set PGUSER/PGPASSWORD to a role that may create databases, or unset PGHOST/PGPORT to let setup start its own server."
        fi
        [ "$DB_USER" != postgres ] || die "Odoo refuses to run as the PostgreSQL superuser 'postgres': set PGUSER to another role that may create databases."
        say "PostgreSQL: using the server at $DB_HOST:$DB_PORT as '$DB_USER'"
        export DB_HOST DB_PORT DB_USER DB_PASSWORD
        return 0
    fi
    _ensure_own_cluster
}

_ensure_own_cluster() {
    local bin data log port
    bin=$(_pg_bin) || {
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "PostgreSQL is not installed: installing Debian's postgresql package"
            (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >&2 \
                || die "apt-get could not install postgresql: install PostgreSQL 13 or newer, or set PGHOST/PGPORT to a running server."
            bin=$(_pg_bin) || die "PostgreSQL's pg_ctl is still missing after the install."
        else
            die "PostgreSQL is not installed and no server answers on localhost:5432: install PostgreSQL 13 or newer (Debian: sudo apt-get install postgresql) or set PGHOST/PGPORT to a running server."
        fi
    }
    data="$MED_PGDIR/data" log="$MED_PGDIR/postgresql.log"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in $data"
        mkdir -p "$MED_PGDIR"
        [ "$(id -u)" = 0 ] && chown postgres: "$MED_PGDIR"
        _as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed for $data (see above)."
        _free_port 54329 > "$MED_PGDIR/port"
        [ "$(id -u)" = 0 ] && chown postgres: "$MED_PGDIR/port"
    fi
    port=$(cat "$MED_PGDIR/port")
    if ! _as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        if ! pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null && [ "$(_free_port "$port")" != "$port" ]; then
            port=$(_free_port "$port")
            say "port $(cat "$MED_PGDIR/port") is taken by another program: the private cluster moves to $port"
            echo "$port" > "$MED_PGDIR/port"
        fi
        say "starting the private PostgreSQL cluster on 127.0.0.1:$port (log: $log)"
        _as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-p $port -c listen_addresses=127.0.0.1 -k $MED_PGDIR/data" start >/dev/null \
            || die "PostgreSQL did not start: read $log."
    fi
    if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_roles where rolname='odoo'" | grep -q 1; then
        psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -c "create role odoo login createdb password 'odoo'" >&2 || die "could not create the role odoo."
    fi
    DB_HOST=127.0.0.1 DB_PORT=$port DB_USER=odoo DB_PASSWORD=odoo
    export DB_HOST DB_PORT DB_USER DB_PASSWORD
    say "PostgreSQL: private cluster $data on port $port (log: $log; stop it with: $( [ "$(id -u)" = 0 ] && printf 'runuser -u postgres -- ')$bin/pg_ctl -D $data stop)"
}

db_exists() {
    PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc \
        "select 1 from pg_database where datname='$1'" | grep -q 1
}

db_sql() {  # db_sql DB SQL
    PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$1" -tAc "$2"
}

# Writes an Odoo configuration file with this clone's addons on the path.
write_odoo_conf() {  # write_odoo_conf FILE [extra lines...]
    local file=$1; shift
    mkdir -p "$(dirname "$file")" "$MED_HOME/data"
    {
        echo "[options]"
        echo "addons_path = $MED_ODOO_ROOT/odoo/addons,$MED_ODOO_ROOT/addons,$MED_ROOT"
        echo "data_dir = $MED_HOME/data"
        echo "db_host = $DB_HOST"
        echo "db_port = $DB_PORT"
        echo "db_user = $DB_USER"
        echo "db_password = $DB_PASSWORD"
        echo "admin_passwd = ${MED_MASTER_PASSWORD:-medtrace-admin}"
        echo "med_audit_secret = $(audit_secret)"
        echo "med_edi_folder_root = ${MED_EDI_ROOT:-$MED_HOME/edi}"
        echo "med_his_folder_root = ${MED_HIS_ROOT:-$MED_HOME/his}"
        printf '%s\n' "$@"
    } > "$file"
    chmod 600 "$file"
}
