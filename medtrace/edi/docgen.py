"""Generate docs/edi/<type>.md and docs/edi/examples/* from the schemas and the encoders.

Run ``python -m medtrace edi docs`` after changing a schema; a unit test fails when the
committed pages or examples differ from what this module writes.
"""

from __future__ import annotations

from pathlib import Path

from .codecs import encode
from .eancom import (
    ADDRESS_FIELDS,
    HEADER_AMOUNTS,
    HEADER_DATES_READ,
    LINE_DATES_READ,
    LINE_QUANTITIES,
)
from .edifact import HEADER_DATES, ITEM_IDS, LINE_DATES, PARTIES, PARTY_NAMES, REFERENCES
from .schemas import SCHEMAS, Field, Schema, example_message

EXAMPLE_EXTENSIONS = {"csv": "csv", "json": "json", "xlsx": "xlsx", "edifact": "edi"}


def example_files(schema: Schema) -> dict[str, tuple[str, str, bytes]]:
    """File name -> (format, lang, bytes) of every example of ``schema``."""
    message = example_message(schema.name)
    files = {
        f"{schema.name}.csv": ("csv", "en", encode(message, "csv")),
        f"{schema.name}.zh_CN.csv": ("csv", "zh_CN", encode(message, "csv", lang="zh_CN")),
        f"{schema.name}.gb18030.csv": (
            "csv",
            "zh_CN",
            encode(message, "csv", lang="zh_CN", encoding="gb18030"),
        ),
        f"{schema.name}.json": ("json", "en", encode(message, "json")),
        f"{schema.name}.xlsx": ("xlsx", "zh_CN", encode(message, "xlsx", lang="zh_CN")),
    }
    if schema.edifact:
        files[f"{schema.name}.edi"] = ("edifact", "en", encode(message, "edifact"))
    return files


def _edifact_of(field: Field, schema: Schema) -> str:
    if schema.edifact is None:
        return ""
    name = field.name
    if name == "message_id":
        return "BGM 1004"
    if name in HEADER_DATES:
        also = [q for q, n in HEADER_DATES_READ.items() if n == name]
        return "/".join(f"DTM+{q}" for q in (HEADER_DATES[name], *also))
    if name in LINE_DATES:
        also = [q for q, n in LINE_DATES_READ.items() if n == name and q != LINE_DATES[name]]
        return "/".join(f"DTM+{q}" for q in (LINE_DATES[name], *also))
    if name in HEADER_AMOUNTS:
        return "/".join(f"MOA+{q}" for q in HEADER_AMOUNTS[name]) + " (after UNS)"
    if name in LINE_QUANTITIES:
        return f"QTY+{LINE_QUANTITIES[name]}"
    if name in REFERENCES:
        return f"RFF+{REFERENCES[name]}"
    if name in PARTIES:
        return f"NAD+{PARTIES[name]}"
    if name in PARTY_NAMES:
        return f"NAD+{PARTY_NAMES[name]} C080"
    if name in ADDRESS_FIELDS:
        return f"NAD+{ADDRESS_FIELDS[name]} C059 3164 3229 3251 3207, else FTX+ZZZ++{name}"
    if name in ITEM_IDS:
        return f"PIA+1 :{ITEM_IDS[name]}"
    special = {
        "note": "FTX+AAI",
        "line_no": "LIN 1082",
        "gtin": "LIN :SRV",
        "product_name": "IMD+F",
        "quantity": f"QTY+{schema.edifact.quantity_qualifier}",
        "uom": f"QTY+{schema.edifact.quantity_qualifier} 6411",
        "quantity_rejected": "QTY+195",
        "unit_price": "PRI+AAA",
        "amount": "MOA+203",
        "tax_rate": "TAX+7 5278",
        "currency": "CUX+2",
        "invoice_type": "BGM 1001",
        "response_code": "BGM 1225",
        "line_action": "LIN 1229",
    }
    return special.get(name, f"FTX+ZZZ++{name}")


def _table(fields, schema: Schema) -> list[str]:
    edi = schema.edifact is not None
    head = "| field | 中文列名 | type | required | other accepted column names |"
    rule = "| --- | --- | --- | --- | --- |"
    if edi:
        head += " EANCOM |"
        rule += " --- |"
    rows = [head, rule]
    for field in fields:
        aliases = ", ".join(field.aliases)
        row = (
            f"| `{field.name}` | {field.label_zh} | {field.describe_type()} | "
            f"{'yes' if field.required else ''} | {field.label}{', ' if aliases else ''}"
            f"{aliases} |"
        )
        if edi:
            row += f" {_edifact_of(field, schema)} |"
        rows.append(row)
    notes = [f"- `{f.name}`: {f.help}" for f in fields if f.help]
    return rows + ([""] + notes if notes else [])


def _rules(schema: Schema) -> list[str]:
    rules = []
    if schema.lines_required:
        rules.append("- At least one line.")
    if schema.product_required:
        rules.append(
            "- Each line names its product: `product_code`, `gtin` or `di` "
            "(GTINs are checked with the GS1 mod-10 check digit)."
        )
        rules.append("- No two lines with the same product, lot and serial number.")
    names = schema.line_names
    if "serial" in names and "quantity" in names:
        rules.append("- A line with a serial number has quantity 1.")
    if "expiry_date" in names:
        article = "an" if schema.expired_severity == "error" else "a"
        rules.append(
            f"- An expiry date before the document date is {article} {schema.expired_severity}."
        )
    if "production_date" in names:
        rules.append("- The production date is not after the expiry date.")
    if "closing_quantity" in names:
        rules.append("- closing = opening + received - used - returned.")
    if "difference" in names:
        rules.append("- difference = our_quantity - their_quantity.")
    if schema.line_amounts:
        rules.append(
            "- amount = quantity × unit_price within 0.01 (a warning otherwise); "
            "unit_price is the price of one unit: an EANCOM price per N units "
            "(PRI 5284 unit price basis N) is divided by N."
        )
        rules.append(
            "- lines_total = the sum of the line amounts when every line has one, "
            "and invoice_total = taxable_amount + tax_amount, within 0.01 "
            "(warnings)."
        )
    header = schema.header_names
    if "due_date" in header:
        rules.append("- A due date before the document date is a warning.")
    if "invoice_type" in header:
        rules.append(
            "- A credit note's quantities and amounts are positive, as EANCOM sends "
            "them: `credit_note` makes them a credit (`invoice_sign()` is -1); a "
            "negative value is an error."
        )
    if "response_code" in header:
        rules.append(
            "- `changed` needs lines saying how; a line whose `line_action` "
            "contradicts an `accepted` or `not_accepted` response is a warning."
        )
    return rules


def page(schema: Schema) -> str:
    files = example_files(schema)
    message = example_message(schema.name)
    direction = (
        "inbound: from the consignor"
        if schema.direction == "inbound"
        else "outbound: to the consignor"
    )
    edifact = (
        f"EANCOM {schema.edifact.message} (BGM {schema.edifact.document_code}, "
        f"line quantity QTY+{schema.edifact.quantity_qualifier})"
        if schema.edifact
        else "not available (CSV, XLSX or JSON)"
    )
    lines = [
        "<!-- Generated by `python -m medtrace edi docs`; edit medtrace/edi/schemas.py. -->",
        "",
        f"# {schema.title} ({schema.title_zh}) — `{schema.name}`",
        "",
        schema.description,
        "",
        f"- Direction: {direction}.",
        f"- EDIFACT: {edifact}.",
        "- Formats: CSV, XLSX, JSON" + (", EDIFACT." if schema.edifact else "."),
        "",
        "## Header fields",
        "",
        "In CSV and XLSX they are repeated on every line; in JSON they are the top-level keys.",
        "",
        *_table(schema.header, schema),
        "",
        "## Line fields",
        "",
        *_table(schema.lines, schema),
        "",
        "## Rules checked by `validate`",
        "",
        *_rules(schema),
        "- Types, maximum lengths and allowed values as in the tables; dates as YYYY-MM-DD "
        "(YYYYMMDD, YYYY/MM/DD and 2025年6月1日 are read too).",
        "",
        "## Examples",
        "",
        "Generated by the encoder, checked by the unit tests:",
        "",
        *[f"- [{name}](examples/{name})" for name in files],
        "",
        "CSV with Chinese column titles:",
        "",
        "```csv",
        files[f"{schema.name}.zh_CN.csv"][2].decode("utf-8-sig").replace("\r\n", "\n").rstrip(),
        "```",
        "",
        "JSON:",
        "",
        "```json",
        encode(message, "json").decode("utf-8").rstrip(),
        "```",
    ]
    if schema.edifact:
        lines += [
            "",
            "EDIFACT:",
            "",
            "```",
            files[f"{schema.name}.edi"][2].decode("utf-8").rstrip(),
            "```",
        ]
    return "\n".join(lines) + "\n"


def write_docs(directory: Path) -> list[Path]:
    """Write every message type page and example under ``directory``; return the paths."""
    directory = Path(directory)
    examples = directory / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    written = []
    for schema in SCHEMAS.values():
        path = directory / f"{schema.name}.md"
        path.write_text(page(schema), encoding="utf-8")
        written.append(path)
        for name, (_fmt, _lang, data) in example_files(schema).items():
            (examples / name).write_bytes(data)
            written.append(examples / name)
    return written
