"""Files beneath a held folder: listed, hashed and removed relative to a directory descriptor, never
through a symlink, never out of the folder, never onto another file system.

A path here is relative ("intranet/index.html"), made of plain names only: no `..`, no `.`, no empty
name, nothing absolute. It is walked one name at a time from the folder's descriptor with `O_NOFOLLOW`,
so a symlink anywhere on the way stops the walk, and so does a folder on another device (a mount
point). Nothing is looked up again by its full path string: a folder renamed, or replaced by a symlink
while a build runs, changes nothing, as the descriptor still names the folder that was opened.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from itertools import groupby

FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO planted where a file is expected must not hang the build.
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
MAX_PATH = 4096   # bytes of a relative path (PATH_MAX)
MAX_NAME = 255    # bytes of one name (NAME_MAX)
_NOT_THERE = (errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENXIO)


class NotBeneath(Exception):
    """The path does not lead, without a symlink or another device on the way, to what was expected."""


def names(path: str) -> list[str]:
    """The plain names of a relative path ("a/b.html" -> ["a", "b.html"]); ValueError for anything else,
    including names with control characters (infohus never writes one)."""
    try:
        size = len(path.encode("utf-8"))
    except (UnicodeEncodeError, AttributeError):
        raise ValueError(path) from None
    parts = path.split("/")
    if not path or size > MAX_PATH or not path.isprintable():
        raise ValueError(path)
    if any(p in ("", ".", "..") or len(p.encode()) > MAX_NAME for p in parts):
        raise ValueError(path)
    return parts


def lstat(folder: int, name: str) -> os.stat_result | None:
    """What `name` in the folder is (a symlink as itself), or None if there is nothing by that name."""
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def same(first: os.stat_result, second: os.stat_result) -> bool:
    """True when both describe the same file (device and inode)."""
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def open_folder(folder: int, path: str = "") -> int:
    """A new descriptor of the folder `path` beneath `folder` ("" is `folder` itself); close it after use.

    NotBeneath if a name on the way is a symlink, not a folder or on another device; FileNotFoundError
    if a name is missing.
    """
    device = os.fstat(folder).st_dev
    current = os.dup(folder)
    try:
        for name in names(path) if path else []:
            try:
                following = os.open(name, FOLDER, dir_fd=current)
            except OSError as exc:
                if exc.errno in _NOT_THERE:
                    raise NotBeneath(path) from None
                raise
            os.close(current)
            current = following
            if os.fstat(current).st_dev != device:
                raise NotBeneath(path)
        return current
    except BaseException:
        os.close(current)
        raise


def open_file(folder: int, name: str) -> tuple[int, os.stat_result]:
    """A descriptor of the regular file `name` in `folder`, and what it is; NotBeneath for anything else."""
    before = lstat(folder, name)
    if before is None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
    if not stat.S_ISREG(before.st_mode):
        raise NotBeneath(name)
    try:
        fd = os.open(name, FILE, dir_fd=folder)
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            raise NotBeneath(name) from None
        raise
    found = os.fstat(fd)
    if not same(found, before):  # replaced between the look and the open
        os.close(fd)
        raise NotBeneath(name)
    return fd, found


def sha256(fd: int) -> str:
    """The SHA-256 of the open file `fd`, read from its start (the descriptor stays open)."""
    os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(os.dup(fd), "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def digest(folder: int, name: str) -> str | None:
    """The SHA-256 of the regular file `name` in the open folder; None if it is missing or not a plain file."""
    try:
        fd, _ = open_file(folder, name)
    except (NotBeneath, FileNotFoundError):
        return None
    try:
        return sha256(fd)
    finally:
        os.close(fd)


def tree(folder: int, descend=lambda rel: True) -> Iterator[tuple[str, os.stat_result, int]]:
    """Every entry beneath `folder` as (relative path, what it is, the open folder holding it), folders
    before what they hold; the folder descriptor is valid until the next entry.

    Never follows a symlink; goes into a folder only if `descend(rel)` and it is on the same device.
    """
    device = os.fstat(folder).st_dev
    stack = [("", os.dup(folder))]
    try:
        while stack:
            prefix, fd = stack.pop()
            try:
                for name in sorted(os.listdir(fd), reverse=True):
                    found = lstat(fd, name)
                    if found is None:
                        continue
                    rel = prefix + name
                    yield rel, found, fd
                    if stat.S_ISDIR(found.st_mode) and found.st_dev == device and descend(rel):
                        try:
                            stack.append((rel + "/", open_folder(fd, name)))
                        except (NotBeneath, FileNotFoundError):
                            continue
            finally:
                os.close(fd)
    finally:
        for _, fd in stack:
            os.close(fd)


def remove_listed(folder: int, files: dict[str, str], folders: list[str]) -> list[str]:
    """Remove each listed file beneath `folder` whose SHA-256 is still the listed one, then each listed
    folder left empty, deepest first. Returns what stays (listed paths not removed, in order).

    A listed path that is gone is no one's loss; one that is not a plain path, leads through a symlink,
    is not a regular file or has other content stays where it is.
    """
    left = []
    ordered = sorted(files.items(), key=lambda item: item[0].rpartition("/")[0])
    for parent, group in groupby(ordered, key=lambda item: item[0].rpartition("/")[0]):
        group = list(group)
        try:
            fd = open_folder(folder, parent)
        except FileNotFoundError:
            continue
        except (ValueError, NotBeneath):
            left += [rel for rel, _ in group]
            continue
        try:
            for rel, expected in group:
                if not _remove_file(fd, rel, expected):
                    left.append(rel)
        finally:
            os.close(fd)
    for rel in sorted(folders, key=lambda p: (-p.count("/"), p)):
        if not _remove_folder(folder, rel):
            left.append(rel)
    return left


def _remove_file(parent: int, rel: str, expected: str) -> bool:
    """Remove `rel` (its last name, in the open folder `parent`) if its SHA-256 is `expected`; True if gone."""
    name = rel.rpartition("/")[2]
    try:
        names(rel)
        fd, found = open_file(parent, name)
    except FileNotFoundError:
        return True
    except (ValueError, NotBeneath):
        return False
    except OSError as exc:
        raise _named(exc, rel)
    try:
        matches = sha256(fd) == expected
    finally:
        os.close(fd)
    now = lstat(parent, name)
    if not matches or now is None or not same(now, found):  # changed, or replaced since it was hashed
        return now is None
    try:
        os.unlink(name, dir_fd=parent)
    except OSError as exc:
        raise _named(exc, rel)
    return True


def _named(exc: OSError, rel: str) -> OSError:
    """`exc`, naming the path beneath the held folder instead of the last name alone."""
    exc.filename = rel
    return exc


def _remove_folder(folder: int, rel: str) -> bool:
    """Remove the listed folder `rel` beneath `folder` if it is empty; True if gone."""
    parent_path, _, name = rel.rpartition("/")
    try:
        names(rel)
        parent = open_folder(folder, parent_path)
    except FileNotFoundError:
        return True
    except (ValueError, NotBeneath):
        return False
    try:
        found = lstat(parent, name)
        if found is None:
            return True
        if not stat.S_ISDIR(found.st_mode):
            return False
        os.rmdir(name, dir_fd=parent)
        return True
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            return False
        raise _named(exc, rel) from None
    finally:
        os.close(parent)


def clear(folder: int) -> list[str]:
    """Remove every regular file and folder beneath `folder` that this user owns, deepest first.

    For a folder this program proved it made (a sealed staging folder) whose build never got as far as
    listing its files. Never follows a symlink and never enters another device; anything else (a
    symlink, a FIFO, a device, another user's file, a mount point) stays, with the folders holding it.
    Returns what stays.
    """
    owner, device = os.geteuid(), os.fstat(folder).st_dev
    left = []
    stack = [("", os.dup(folder), None)]  # (its path + "/", open folder, names still to look at)
    try:
        while stack:
            prefix, fd, pending = stack[-1]
            if pending is None:
                stack[-1] = (prefix, fd, sorted(os.listdir(fd), reverse=True))
                continue
            if not pending:
                stack.pop()
                os.close(fd)
                if stack and prefix:
                    name = prefix.rstrip("/").rpartition("/")[2]
                    try:
                        os.rmdir(name, dir_fd=stack[-1][1])
                    except OSError as exc:
                        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                            raise _named(exc, prefix.rstrip("/")) from None
                continue
            name = pending.pop()
            found = lstat(fd, name)
            if found is None:
                continue
            ours = found.st_uid == owner and found.st_dev == device
            if ours and stat.S_ISREG(found.st_mode):
                try:
                    os.unlink(name, dir_fd=fd)
                except OSError as exc:
                    raise _named(exc, prefix + name) from None
            elif ours and stat.S_ISDIR(found.st_mode):
                try:
                    stack.append((prefix + name + "/", open_folder(fd, name), None))
                except (NotBeneath, FileNotFoundError):
                    left.append(prefix + name)
            else:
                left.append(prefix + name)
    finally:
        for _, fd, _ in stack:
            os.close(fd)
    return left
