"""The output folder: what `--out` may replace, and replacing it without ever losing a file infohus did not write.

A build writes a marker (`.infohus-build`) into its output: the version, the data folder, the data's
date and every file and folder it wrote, with each file's SHA-256. `--out DIR` is accepted when DIR
does not exist, is empty, or is an earlier build whose files are exactly those its marker lists. The
new build is made in a staging folder beside DIR and swapped in atomically where Linux allows it
(`renameat2` with `RENAME_EXCHANGE`), else with two renames. The old build is then removed file by
file from its own list; staging and old folders left by an interrupted build are removed by the next.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .common.faults import SystemFault

MARKER = ".infohus-build"
FIX = "Vælg en ny eller tom mappe, fx --out site."


class Refused(SystemFault):
    """`--out` names a folder infohus may not replace; the message names it and the fix."""


@dataclass(frozen=True)
class Target:
    """The output folder as the user named it, and its absolute path (symlinks not resolved)."""

    shown: str
    path: Path

    @property
    def prefix(self) -> str:
        """The name start of this target's staging and old folders beside it."""
        return f".{self.path.name}.infohus-"


def claim(out: Path, protected: dict[str, Path]) -> Target:
    """`out` as a Target if infohus may replace it; `Refused` (a Danish sentence with the fix) otherwise.

    `protected` maps a description ("projektmappen") to a folder that `out` must neither be nor contain.
    """
    shown = str(out)
    path = Path(os.path.abspath(out))
    real = Path(os.path.realpath(path))
    if real == Path(real.anchor):
        raise Refused(f"Rodmappen \"{shown}\" kan ikke bruges til et byg. {FIX}")
    if real == Path(os.path.realpath(Path.home())):
        raise Refused(f"Mappen \"{shown}\" er din hjemmemappe og kan ikke bruges til et byg. {FIX}")
    for what, folder in protected.items():
        inside = Path(os.path.realpath(folder))
        if inside == real or inside.is_relative_to(real):
            which = "er" if inside == real else "indeholder"
            raise Refused(f"Mappen \"{shown}\" {which} {what} ({folder}) og kan ikke bruges til et byg. {FIX}")
    if path.is_symlink():
        raise Refused(f"\"{shown}\" er en genvej (et symbolsk link) og ikke en mappe. Angiv selve mappen, "
                      "eller vælg en ny, fx --out site.")
    if path.exists() and not path.is_dir():
        raise Refused(f"\"{shown}\" er en fil og ikke en mappe. {FIX}")
    blocking = next((p for p in path.parents if p.exists() or p.is_symlink()), None)
    if blocking is not None and not blocking.is_dir():
        raise Refused(f"En del af stien \"{shown}\" er en fil og ikke en mappe ({blocking}). {FIX}")
    if path.is_dir() and any(path.iterdir()):
        manifest = read_marker(path)
        if manifest is None:
            raise Refused(f"Mappen \"{shown}\" indeholder andre filer og er ikke et tidligere infohus-byg. {FIX}")
        foreign = unlisted(path, manifest)
        if foreign:
            raise Refused(f"Mappen \"{shown}\" er et tidligere infohus-byg, men {_foreign_text(foreign)} er ikke "
                          "skrevet af infohus eller er ændret siden. Flyt det væk, eller vælg en anden mappe, "
                          "fx --out site.")
    if Path(os.path.realpath(Path.cwd())).is_relative_to(real):
        raise Refused(f"Du står selv i mappen \"{shown}\", så den kan ikke skiftes ud. {FIX}")
    return Target(shown, path)


def _foreign_text(paths: list[str]) -> str:
    shown = ", ".join(f"\"{p}\"" for p in paths[:3])
    more = f" og {len(paths) - 3} andre" if len(paths) > 3 else ""
    return shown + more


def read_marker(folder: Path) -> dict | None:
    """The marker of an infohus build in `folder` (a regular file, never through a symlink), else None."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) and "infohus" in data else None


def unlisted(folder: Path, manifest: dict) -> list[str]:
    """Everything in `folder` its marker does not list, or whose content changed since (never follows links)."""
    files, folders = manifest.get("files", {}), set(manifest.get("folders", []))
    found = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for name in sorted(dirs):
            rel = (here / name).relative_to(folder).as_posix()
            if rel not in folders or (here / name).is_symlink():
                found.append(rel)
        dirs[:] = sorted(d for d in dirs if (here / d).relative_to(folder).as_posix() in folders
                         and not (here / d).is_symlink())
        for name in sorted(names):
            rel = (here / name).relative_to(folder).as_posix()
            if rel == MARKER:
                continue
            item = here / name
            if item.is_symlink() or not item.is_file() or files.get(rel) != _sha256(item):
                found.append(rel)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def version() -> str:
    """This infohus' version, as installed."""
    try:
        return metadata.version("infohus")
    except metadata.PackageNotFoundError:
        return "ukendt"


# -- building beside the target -----------------------------------------------------------------------

@contextmanager
def staging(target: Target) -> Iterator[Path]:
    """A new, marked staging folder beside the target; removed again if the block fails in any way.

    The staging marker stays locked while the build runs, so a build running at the same time never
    mistakes it for a leftover.
    """
    parent = target.path.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    folder = Path(tempfile.mkdtemp(prefix=target.prefix, dir=parent))
    lock = None
    try:
        lock = (folder / MARKER).open("w", encoding="utf-8")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        json.dump({"infohus": version(), "state": "staging"}, lock)
        lock.flush()
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        if lock is not None:
            lock.close()


def publish(folder: Path, target: Target, info: dict) -> None:
    """Write the marker with every file of `folder`, set the modes, and swap `folder` in as the target."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)  # mkdtemp made it 0700; a web server must be able to read the site
    files, folders = {}, []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        folders += [(here / d).relative_to(folder).as_posix() for d in dirs]
        files.update({(here / n).relative_to(folder).as_posix(): _sha256(here / n) for n in names if n != MARKER})
    manifest = {"infohus": version(), **info, "files": dict(sorted(files.items())), "folders": sorted(folders)}
    temporary = folder / f"{MARKER}.new"
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.chmod(temporary, 0o666 & ~mask)
    temporary.replace(folder / MARKER)
    if target.path.is_dir() and any(target.path.iterdir()):
        old_manifest = read_marker(target.path)
        if old_manifest is None or unlisted(target.path, old_manifest):  # changed while we built
            raise Refused(f"Mappen \"{target.shown}\" blev ændret af en anden, mens infohus byggede. Intet er "
                          "skiftet ud. Byg igen.")
        if exchange(folder, target.path):
            _remove_build(folder)  # the old build, now at the staging path
            return
        old = target.path.with_name(target.prefix + "old")
        if old.exists():
            _remove_build(old)
        os.rename(target.path, old)
        os.rename(folder, target.path)
        _remove_build(old)
    else:
        if target.path.is_dir():
            target.path.rmdir()  # empty, so nothing is lost
        os.rename(folder, target.path)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux `renameat2` with `RENAME_EXCHANGE`).

    False where the system or the file system cannot, so the caller falls back to two renames.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def remove_leftovers(target: Target) -> list[Path]:
    """Remove the staging and old folders earlier, interrupted builds of this target left beside it.

    Only folders named after the target that carry an infohus marker and whose build is not running.
    """
    removed = []
    parent = target.path.parent
    if not parent.is_dir():
        return removed
    for entry in sorted(parent.iterdir()):
        if not entry.name.startswith(target.prefix) or entry.is_symlink() or not entry.is_dir():
            continue
        if read_marker(entry) is None and not _unwritten_marker(entry):
            continue
        if _running(entry):
            continue
        _remove_build(entry)
        removed.append(entry)
    return removed


def _unwritten_marker(folder: Path) -> bool:
    """A staging folder whose build stopped between creating its marker and writing it (one flush)."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink() and marker.stat().st_size == 0


def _running(folder: Path) -> bool:
    """True when a build still holds the lock on this folder's marker."""
    try:
        with (folder / MARKER).open("r", encoding="utf-8") as stream:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _remove_build(folder: Path) -> None:
    """Remove a build infohus wrote: a finished one file by file from its marker, a staging folder whole.

    A staging folder was made by `staging()` with mode 0700, so nothing but this build wrote into it.
    Anything a finished build's marker does not list is left where it is, with the folders holding it.
    """
    manifest = read_marker(folder)
    if manifest is None or manifest.get("state") == "staging":  # only ever a staging folder here
        shutil.rmtree(folder, ignore_errors=True)
        return
    for rel in manifest.get("files", {}):
        item = folder / rel
        if item.is_symlink() or item.is_file():
            item.unlink(missing_ok=True)
    for rel in sorted(manifest.get("folders", []), key=lambda p: p.count("/"), reverse=True):
        _rmdir(folder / rel)
    if not [p for p in folder.iterdir() if p.name != MARKER]:
        (folder / MARKER).unlink(missing_ok=True)
        _rmdir(folder)


def _rmdir(folder: Path) -> None:
    """Remove `folder` if it is an empty folder (not a link); leave it otherwise."""
    if folder.is_symlink() or not folder.is_dir():
        return
    try:
        folder.rmdir()
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
