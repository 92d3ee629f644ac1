"""Turn Odoo's requirements.txt into a list pip can install from wheels.

Odoo 18 pins, for Python 3.10/3.11, old releases that only exist as source
archives and fail to build on a current toolchain; its Python 3.12 pins are
published as wheels for 3.11 too and run there.  This script evaluates every
environment marker as if the interpreter were 3.12, drops the packages that
need system headers (psycopg2, python-ldap) and adds their wheel-only
replacements.

Usage: python odoo_requirements.py ODOO_SRC/requirements.txt > out.txt
"""

import re
import sys

# Packages replaced or left out, with the reason shown in the output.
REPLACED = {
    "psycopg2": "psycopg2-binary==2.9.9",  # run with odoo-bin, not the console script
    "python-ldap": None,  # only auth_ldap needs it; it has no wheel
}
# reportlab 4 renders PNG barcodes only with rl-renderPM (Debian ships it inside).
EXTRA = ["rl-renderPM==4.0.3"]

PRETEND = {"python_version": "3.12", "python_full_version": "3.12.0"}


def _marker_true(marker):
    try:
        from packaging.markers import Marker
    except ImportError:  # pip vendors packaging
        from pip._vendor.packaging.markers import Marker
    return Marker(marker).evaluate(PRETEND)


def convert(lines):
    out = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, _sep, marker = line.partition(";")
        spec, marker = spec.strip(), marker.strip()
        if marker and not _marker_true(marker):
            continue
        name = re.split(r"[<>=!~ ]", spec, maxsplit=1)[0].lower()
        if name in REPLACED:
            if REPLACED[name]:
                out.append(REPLACED[name])
            continue
        out.append(spec)
    return out + EXTRA


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        print("\n".join(convert(handle)))


if __name__ == "__main__":
    main(sys.argv)
