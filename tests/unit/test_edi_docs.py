"""docs/edi: every example file is valid and every page matches the schemas it documents."""

from pathlib import Path

import pytest

from medtrace import edi
from medtrace.edi.docgen import example_files, page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "edi"
EXAMPLES = sorted((DOCS / "examples").iterdir())


def test_there_is_an_example_per_type_and_format():
    names = {path.name for path in EXAMPLES}
    for schema in edi.SCHEMAS.values():
        assert set(example_files(schema)) <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_file_is_valid(path):
    message_type = path.name.split(".")[0]
    message = edi.decode(path.read_bytes(), message_type)
    assert edi.validate(message) == []
    expected = edi.clean(edi.example_message(message_type))
    assert edi.clean(message).header == expected.header
    assert [line.values for line in edi.clean(message).lines] == [
        line.values for line in expected.lines
    ]


@pytest.mark.parametrize("message_type", edi.MESSAGE_TYPES)
def test_page_is_up_to_date(message_type):
    """Run ``python -m medtrace edi docs`` when this fails after a schema change."""
    schema = edi.get_schema(message_type)
    assert (DOCS / f"{message_type}.md").read_text(encoding="utf-8") == page(schema)
    for name, (fmt, _lang, data) in example_files(schema).items():
        if fmt != "xlsx":  # XLSX is a zip whose bytes may vary; its content is tested above
            assert (DOCS / "examples" / name).read_bytes() == data, name


def test_readme_links_every_page():
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    for message_type in edi.MESSAGE_TYPES:
        assert f"({message_type}.md)" in readme
    assert "(eancom.md)" in readme
    eancom = (DOCS / "eancom.md").read_text(encoding="utf-8")
    for schema in edi.SCHEMAS.values():
        if schema.edifact:
            assert schema.edifact.message in eancom
