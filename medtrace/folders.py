"""Folders confined to a root directory, without Odoo.

The folder channels of the suite (consignor EDI inboxes and outboxes, HIS outboxes) read
and write only inside a root directory the server configuration sets:

- :func:`confine` gives the real path of a folder named relative to the root (or
  absolute inside it), symbolic links resolved; a folder resolving outside the root is
  refused (:class:`FolderError`, code ``folder_outside_root``);
- :func:`open_confined` checks the folder again and opens it without following a
  symbolic link, so a folder swapped for a link after the check is not used either;
- :func:`write_file` writes a file in an opened folder through a temporary file renamed
  (or linked, when it must not replace a file) once complete: a reader of the folder
  never sees half a file.

The callers translate the refusals: each names the field and the value in its own words
(``error.code`` and ``error.params``).
"""

import contextlib
import os
import secrets

from .errors import MedtraceError

MESSAGES = {
    "folder_not_a_folder": "%(value)r is not a folder.",
    "folder_outside_root": "%(value)s is outside the folder root %(root)s.",
    "folder_file_name": "%(value)r is not a file name.",
    "folder_file_exists": "%(value)s already exists in %(folder)s: it is not overwritten.",
}

#: a folder and its files as the channels make them: owner and group only
FOLDER_MODE = 0o750
FILE_MODE = 0o640


class FolderError(MedtraceError):
    """A folder outside its root, or a file that cannot be written where asked."""

    MESSAGES = MESSAGES


def resolve_root(root):
    """The real path of the root directory (``~`` expanded, links resolved)."""
    return os.path.realpath(os.path.expanduser(root))


def confine(root, value):
    """The real path of folder ``value`` inside ``root`` (``value`` relative to the root,
    or absolute inside it; links resolved): refused when it is empty, holds a NUL byte or
    resolves outside the root.  ``root`` is taken as given (see :func:`resolve_root`)."""
    value = (value or "").strip()
    if not value or "\x00" in value:
        raise FolderError("folder_not_a_folder", value=value)
    real = os.path.realpath(os.path.join(root, value))
    if real != root and os.path.commonpath([root, real]) != root:
        raise FolderError("folder_outside_root", value=value, root=root)
    return real


def is_inside(root, path):
    """Whether ``path`` (resolved) is ``root`` or below it."""
    real = os.path.realpath(path)
    return real == root or os.path.commonpath([root, real]) == root


def open_folder(path):
    """A descriptor of the folder ``path``, opened without following a symbolic link."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def open_confined(root, value, create=False):
    """A descriptor of folder ``value`` inside ``root`` (:func:`confine`), created first
    when ``create`` is set and checked again once created."""
    path = confine(root, value)
    if create:
        os.makedirs(path, mode=FOLDER_MODE, exist_ok=True)
        path = confine(root, value)
    return open_folder(path)


def subfolder(dir_fd, name):
    """A descriptor of the folder ``name`` in the opened folder ``dir_fd`` (made when
    missing), opened without following a symbolic link."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, mode=FOLDER_MODE, dir_fd=dir_fd)
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)


def check_file_name(filename):
    """``filename`` if it names a file of a folder (no folder part, not ``.``/``..``)."""
    name = filename or ""
    if name in (".", "..") or "/" in name or "\x00" in name or not name.strip():
        raise FolderError("folder_file_name", value=filename)
    return name


def write_file(dir_fd, filename, data, overwrite=True):
    """Write ``data`` (bytes) as ``filename`` in the opened folder ``dir_fd``, through a
    temporary file made complete first, never following a symbolic link.  With
    ``overwrite`` the file replaces one of the same name (rename); without, an existing
    file is kept and ``FolderError`` ``folder_file_exists`` raised (hard link, which
    fails on an existing name, whatever races)."""
    name = check_file_name(filename)
    temp = f".{name}.{secrets.token_hex(4)}.part" if not overwrite else f"{name}.part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(temp, flags, FILE_MODE, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            return name
        try:
            os.link(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
        except FileExistsError as error:
            raise FolderError("folder_file_exists", value=name, folder=_path_of(dir_fd)) from error
    finally:
        if not overwrite:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=dir_fd)
    return name


def _path_of(dir_fd):
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/self/fd/{dir_fd}")
    return "?"
