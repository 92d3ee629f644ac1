"""Where the benchmark scripts write their figures: one section of docs/benchmarks.md."""

import re


def write_section(path, heading, section):
    """Put ``section`` (Markdown starting with the line ``heading``) in the file ``path``
    in place of the section of that heading, or at its end; a blank line follows it."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    section = section.strip("\n") + "\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", "utf-8")
