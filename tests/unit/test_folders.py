"""medtrace.folders: folders confined to a root, files written whole and never through a
link (shared by the consignor EDI and HIS folder channels)."""

import os

import pytest

from medtrace import folders
from medtrace.folders import FolderError


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "root"
    base.mkdir()
    return folders.resolve_root(str(base))


@pytest.mark.parametrize("value", ["/etc", "../x", "a/../../x", "link", "link/sub"])
def test_a_folder_resolving_outside_the_root_is_refused(root, value):
    os.symlink("/etc", os.path.join(root, "link"))
    with pytest.raises(FolderError, match="is outside the folder root") as error:
        folders.confine(root, value)
    assert error.value.code == "folder_outside_root"
    assert error.value.params == {"value": value, "root": root}


@pytest.mark.parametrize("value", ["", "  ", "a\x00b"])
def test_no_folder_is_refused(root, value):
    with pytest.raises(FolderError, match="is not a folder"):
        folders.confine(root, value)


def test_relative_and_absolute_folders_inside_the_root_are_accepted(root):
    assert folders.confine(root, "his/out") == os.path.join(root, "his", "out")
    assert folders.confine(root, os.path.join(root, "a")) == os.path.join(root, "a")
    assert folders.confine(root, ".") == root


def test_a_folder_swapped_for_a_link_is_not_opened(root, tmp_path):
    os.symlink(str(tmp_path), os.path.join(root, "out"))
    with pytest.raises(OSError):
        folders.open_folder(os.path.join(root, "out"))


def test_write_file_without_overwrite_keeps_the_existing_file(root):
    fd = folders.open_confined(root, "out", create=True)
    try:
        assert folders.write_file(fd, "a.hl7", b"first", overwrite=False) == "a.hl7"
        with pytest.raises(FolderError, match="already exists") as error:
            folders.write_file(fd, "a.hl7", b"second", overwrite=False)
        assert error.value.code == "folder_file_exists"
        folders.write_file(fd, "b.csv", b"one")
        folders.write_file(fd, "b.csv", b"two")  # replaced, as the EDI outbox does
    finally:
        os.close(fd)
    out = os.path.join(root, "out")
    assert sorted(os.listdir(out)) == ["a.hl7", "b.csv"]  # no temporary file left
    with open(os.path.join(out, "a.hl7"), "rb") as handle:
        assert handle.read() == b"first"
    with open(os.path.join(out, "b.csv"), "rb") as handle:
        assert handle.read() == b"two"


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\x00"])
def test_write_file_refuses_what_is_not_a_file_name(root, name):
    fd = folders.open_confined(root, "out", create=True)
    try:
        with pytest.raises(FolderError, match="is not a file name"):
            folders.write_file(fd, name, b"x")
    finally:
        os.close(fd)


def test_write_file_does_not_follow_a_link_in_place_of_its_temporary_file(root, tmp_path):
    target = tmp_path / "target"
    target.write_bytes(b"untouched")
    fd = folders.open_confined(root, "out", create=True)
    try:
        os.symlink(str(target), os.path.join(root, "out", "c.csv.part"))
        with pytest.raises(OSError):
            folders.write_file(fd, "c.csv", b"x")
    finally:
        os.close(fd)
    assert target.read_bytes() == b"untouched"
