"""Build each addon's README.rst from its readme/ fragments (OCA layout).

Usage: python setup/gen_addon_readme.py [--check] [ADDON_DIR...]
With --check, exits 1 when a README.rst is missing or out of date.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("CONTRIBUTORS.md", "Contributors"),
]


def render(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    lines = ["=" * len(title), title, "=" * len(title), ""]
    lines += [
        manifest.get("summary", ""),
        "",
        f"Version {manifest['version']}, license {manifest['license']}.",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = addon_dir / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            lines += [heading, "~" * len(heading), ""]
        lines += [fragment.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def main(argv):
    check = "--check" in argv
    dirs = [Path(a) for a in argv if not a.startswith("--")] or sorted(
        p.parent for p in ROOT.glob("med_*/__manifest__.py")
    )
    stale = []
    for addon_dir in dirs:
        target = addon_dir / "README.rst"
        text = render(addon_dir)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
        else:
            target.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python setup/gen_addon_readme.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
