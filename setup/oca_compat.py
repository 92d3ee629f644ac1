"""Adapt the OCA addons installed from PyPI to the Odoo 18.0 source in use.

    python setup/oca_compat.py ODOO_ROOT

stock_barcodes 18.0.1.6.0 (the only 18.0 release on PyPI) sets a ``help`` attribute on
list view columns, which Odoo 18.0 sources before 2025 refuse (their
``odoo/addons/base/rng/list_view.rng`` has no ``help`` on ``field``: "Invalid attribute
help for element field").  On such a source the ``<attribute name="help">`` elements of
its list views are removed (the column keeps everything else); on a newer source nothing
changes.  Prints what it changed.
"""

import re
import sys
from pathlib import Path

HELP_ATTRIBUTE = re.compile(r'\s*<attribute\s+name="help"\s*>[^<]*</attribute>', re.S)
#: (addon, view file) whose list-column help the old list view schema refuses
LIST_HELP_FILES = [("stock_barcodes", "views/stock_move_line_views.xml")]


def list_columns_take_help(odoo_root: Path) -> bool:
    rng = odoo_root / "odoo" / "addons" / "base" / "rng" / "list_view.rng"
    return 'name="help"' in rng.read_text(encoding="utf-8")


def main(argv):
    odoo_root = Path(argv[1])
    if list_columns_take_help(odoo_root):
        return 0
    import odoo.addons  # the venv's odoo/addons, where pip put the OCA addons

    for addon, relative in LIST_HELP_FILES:
        for base in odoo.addons.__path__:
            path = Path(base) / addon / relative
            if not path.is_file() or str(path).startswith(str(odoo_root)):
                continue
            text = path.read_text(encoding="utf-8")
            fixed = HELP_ATTRIBUTE.sub("", text)
            if fixed != text:
                path.write_text(fixed, encoding="utf-8")
                print(f"{path}: list column help removed (Odoo's list view schema has none)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
