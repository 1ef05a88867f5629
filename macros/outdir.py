"""The output folder: what `--out` may replace, and replacing it without ever touching a file infohus did
not write.

**What may be removed.** `--out DIR` is accepted when DIR does not exist, is empty, or is an earlier build
whose files are exactly those its marker lists (`macros.marker`, read strictly: anything else there is
"not an infohus build" and refused). A listed file is removed only if it lies beneath the marker's folder
with no symlink and no other device on the way (walked name by name from a held directory descriptor,
`macros.common.beneath`), is a regular file, and its SHA-256, read from the descriptor just opened, is
the listed one; a listed folder only if it is then empty. Anything not listed stays.

**The lock.** A build holds an exclusive `flock` on `.DIR.infohus-lock` beside DIR from before it looks
at DIR for the last time until it has removed the old build; a second build of the same DIR is refused
at once. The lock file is never written or replaced. At the end the build removes it, still holding it
and only if the name still is that empty file; a build that opened it just before then finds the name
gone or changed and opens it again, so two builds never hold two different lock files. DIR's parent is
opened once: every look at DIR, every rename, the exchange and every removal is relative to that
descriptor, so a symlink swapped in for DIR during a build sends no rename and no removal anywhere else.

**Staging, and proving a leftover ours.** A build is made in `.DIR.infohus-<16 random>/build/`, a staging
folder created with mode 0700 whose own marker holds a random nonce and a seal: an HMAC-SHA256 with a key
only this user can read (`~/.cache/infohus/build-key`: 32 random bytes, mode 0600, in a folder only this
user may write), over DIR's name, the staging folder's name, the nonce and the folder's inode. Anyone can
put a folder of that name beside DIR (a data repository can carry `.site.infohus-zzzz/`), but no one
can make a seal without the key, and a copied seal names another inode. So a folder is treated as a
leftover only when its seal checks: infohus made it, for this DIR, as that very folder; a folder named
`.DIR.infohus-old`, or sealed for another DIR or by another user, is never touched. Even a proven
leftover loses only its own content: a build in it with a marker is removed by that marker, hash-checked
as above; a build killed before it listed its files has its regular files and folders removed (written
by infohus alone, into a folder only this user can enter), never following a symlink or entering
another device, and anything else stays. Without a key (no writable cache folder) leftovers stay.

**The swap.** On Linux the new build is swapped in with `renameat2(RENAME_EXCHANGE)`, one atomic step, and
the old build, then in the staging folder, is removed by its marker. Where the system cannot exchange,
DIR is first renamed into the sealed staging folder and the new build into its place (DIR is put back if
that fails); a build killed between the two leaves the old site there, and the next build removes it
only once its new site is in place.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import marker
from .common import beneath
from .common.faults import SystemFault, sentence
from .marker import MARKER, NotABuild

FIX = "Vælg en ny eller tom mappe, fx --out site."
STAGED = "build"                # the build inside a staging folder (after the exchange: the old build)
ASIDE = "old"                   # where two renames put the old build, inside the staging folder
KEY = "build-key"


class Refused(SystemFault):
    """`--out` names a folder infohus may not replace; the message names it and the fix."""


class Busy(Refused):
    """Another infohus build holds the lock of this `--out`."""


class LeftBehind(SystemFault):
    """The new site is published, but not all of the old build could be removed; the message says where."""

    def __init__(self, message: str, interrupted: bool = False):
        super().__init__(message)
        self.interrupted = interrupted


def version() -> str:
    """This infohus' version, as installed."""
    try:
        return metadata.version("infohus")
    except metadata.PackageNotFoundError:
        return "ukendt"


# -- what --out may be -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """The output folder as the user named it, and its absolute path (symlinks not resolved)."""

    shown: str
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def prefix(self) -> str:
        """The name start of this target's staging folders and lock file beside it."""
        return f".{self.path.name}.infohus-"

    @property
    def lock(self) -> str:
        return f"{self.prefix}lock"

    @property
    def marker_path(self) -> str:
        return os.path.join(self.shown, MARKER)

    def is_staging(self, name: str) -> bool:
        """True if `name` (beside the target) has the form of one of its staging folders."""
        return re.fullmatch(re.escape(self.prefix) + "[a-z0-9]{16}", name) is not None


@dataclass
class Previous:
    """What OUT holds when the lock is taken: an empty folder or an earlier build, open."""

    fd: int
    found: os.stat_result
    marker: marker.Found | None   # None: an empty folder


def claim(out: Path, protected: dict[str, Path]) -> Target:
    """`out` as a Target if infohus may replace it; `Refused` (a Danish sentence with the fix) otherwise.

    `protected` maps a description ("projektmappen") to a folder that `out` must neither be nor contain.
    Only looks; `held` looks again under the lock before anything is written.
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
    blocking = next((p for p in path.parents if p.exists() or p.is_symlink()), None)
    if blocking is not None and not blocking.is_dir():
        raise Refused(f"En del af stien \"{shown}\" er en fil og ikke en mappe ({blocking}). {FIX}")
    target = Target(shown, path)
    if path.parent.is_dir():
        parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            previous = _examine(parent, target)
        finally:
            os.close(parent)
        if previous is not None:
            os.close(previous.fd)
    if Path(os.path.realpath(Path.cwd())).is_relative_to(real):
        raise Refused(f"Du står selv i mappen \"{shown}\", så den kan ikke skiftes ud. {FIX}")
    return target


def _examine(parent: int, target: Target) -> Previous | None:
    """OUT, opened beneath `parent`, if infohus may replace it (None if there is none); `Refused` if not."""
    try:
        fd = os.open(target.name, beneath.FOLDER, dir_fd=parent)
    except FileNotFoundError:
        return None
    except OSError as exc:
        found = beneath.lstat(parent, target.name) if exc.errno in (errno.ELOOP, errno.ENOTDIR) else None
        if found is not None and stat.S_ISLNK(found.st_mode):
            raise Refused(f"\"{target.shown}\" er en genvej (et symbolsk link) og ikke en mappe. Angiv selve "
                          "mappen, eller vælg en ny, fx --out site.") from None
        if found is not None:
            raise Refused(f"\"{target.shown}\" er en fil og ikke en mappe. {FIX}") from None
        raise _at(exc, target.path)
    try:
        found = os.fstat(fd)
        if not os.listdir(fd):
            return Previous(fd, found, None)
        try:
            read = marker.read(fd)
        except NotABuild as exc:
            raise Refused(f"Mappen \"{target.shown}\" er ikke et infohus-byg: mærkefilen \"{target.marker_path}\" er "
                          f"ugyldig ({exc}). Intet er rørt. {FIX}") from None
        if read is None:
            raise Refused(f"Mappen \"{target.shown}\" indeholder andre filer og er ikke et tidligere infohus-byg. "
                          f"{FIX}")
        foreign = marker.unlisted(fd, read.content)
        if foreign:
            raise Refused(f"Mappen \"{target.shown}\" er et tidligere infohus-byg, men {_foreign_text(foreign)} er "
                          "ikke skrevet af infohus eller er ændret siden. Flyt det væk, eller vælg en anden mappe, "
                          "fx --out site.")
        return Previous(fd, found, read)
    except BaseException:
        os.close(fd)
        raise


def _foreign_text(paths: list[str]) -> str:
    named = ", ".join(marker.shown(p) for p in paths[:3])
    more = f" og {len(paths) - 3} andre" if len(paths) > 3 else ""
    return named + more


def _at(exc: OSError, path: Path) -> OSError:
    """`exc` naming the whole path, so its sentence names a folder the user knows."""
    exc.filename = str(path)
    return exc


# -- holding the target: its lock, its parent, what it holds -------------------------------------------

@contextmanager
def held(target: Target) -> Iterator[Place]:
    """The target locked for one build, its parent open, OUT looked at again under the lock.

    `Busy` at once if another build holds the lock; `Refused` if OUT may not be replaced.
    """
    parent_path = target.path.parent
    parent_path.mkdir(parents=True, exist_ok=True)
    parent = os.open(parent_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        lock = _lock(parent, target)
        try:
            place = Place(target, parent, _examine(parent, target))
            try:
                yield place
            finally:
                place.close()
        finally:
            _unlock(parent, lock, target)
    finally:
        os.close(parent)


def _lock(parent: int, target: Target) -> int:
    """The lock file beside OUT, open and locked by this build."""
    where = target.path.parent / target.lock
    while True:
        try:
            fd = os.open(target.lock, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                         0o600, dir_fd=parent)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EISDIR):
                raise _not_a_lock(where) from None
            raise _at(exc, where)
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                raise _not_a_lock(where)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(f"En anden infohus build bygger allerede til \"{target.shown}\". Vent, til den er "
                           "færdig, og byg så igen.") from None
            now = beneath.lstat(parent, target.lock)
            if now is not None and beneath.same(now, opened):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the build before removed it after this one opened it: take the new one


def _not_a_lock(where: Path) -> Refused:
    return Refused(f"\"{where}\" er ikke infohus' låsefil (den er en genvej eller ikke en almindelig fil). "
                   "Flyt den væk, og byg igen.")


def _unlock(parent: int, lock: int, target: Target) -> None:
    """Remove the lock file if it is still the empty file this build locked, then let go of it."""
    try:
        opened = os.fstat(lock)
        now = beneath.lstat(parent, target.lock)
        if opened.st_size == 0 and now is not None and beneath.same(now, opened):
            os.unlink(target.lock, dir_fd=parent)
    except OSError:
        pass  # a lock file left behind is only a name: the next build uses it as it is
    finally:
        os.close(lock)


class Place:
    """A target held for one build: its parent folder opened once, what OUT held when the lock was taken,
    and the sealed staging folder the new build is made in."""

    def __init__(self, target: Target, parent: int, previous: Previous | None):
        self.target, self.parent, self.previous = target, parent, previous
        self.staged: tuple[str, int] | None = None  # the staging folder's name and descriptor
        self.key: bytes | None = None                 # this user's key for seals (None: leftovers stay)
        self.keep = False                             # the staging folder stays: after the swap, or it holds OUT

    @property
    def earlier(self) -> dict | None:
        """The marker of the build OUT holds now, or None."""
        return self.previous.marker.content if self.previous and self.previous.marker else None

    def close(self) -> None:
        if self.previous is not None:
            os.close(self.previous.fd)
            self.previous = None
        if self.staged is not None:
            os.close(self.staged[1])
            self.staged = None

    def _path(self, *names: str) -> Path:
        return self.target.path.parent.joinpath(*names)

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A new, sealed staging folder beside the target, after removing the leftovers proven ours; the
        build writes into the yielded folder. Removed again unless `publish` swapped it in."""
        self.key = _key()
        self._remove_leftovers(keep_aside=self.previous is None)
        self.staged = self._make_staging()
        try:
            yield self._path(self.staged[0], STAGED)
        finally:
            if not self.keep:
                with suppress(OSError):
                    self._empty_staging(*self.staged)

    def _make_staging(self) -> tuple[str, int]:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        while True:
            name = self.target.prefix + "".join(secrets.choice(alphabet) for _ in range(16))
            try:
                os.mkdir(name, 0o700, dir_fd=self.parent)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise _at(exc, self._path(name)) from None
        fd = os.open(name, beneath.FOLDER, dir_fd=self.parent)
        try:
            nonce = secrets.token_hex(16)
            seal = _seal(self.key, self.target.name, name, nonce, os.fstat(fd).st_ino) if self.key else ""
            raw = json.dumps({"infohus": version(), "state": "staging", "target": self.target.name,
                              "nonce": nonce, "seal": seal}).encode("utf-8")
            marker.parse(raw, marker.SEAL)
            _write_new(fd, MARKER, raw, 0o600)
            os.mkdir(STAGED, 0o777, dir_fd=fd)  # the umask gives the site its modes
        except OSError as exc:
            os.close(fd)
            raise _at(exc, self._path(name)) from None
        return name, fd

    def _remove_leftovers(self, keep_aside: bool) -> None:
        """Remove the staging folders of earlier builds of this target whose seal proves them ours.

        No other build of this target runs (this one holds the lock), so each such folder is a leftover.
        With `keep_aside` (OUT is missing), one holding a build two renames put aside stays: a build killed
        between them left the site there, and it goes only once a new site is in place.
        """
        if self.key is None:
            return
        for name in sorted(os.listdir(self.parent)):
            if not self.target.is_staging(name):
                continue
            try:
                fd = os.open(name, beneath.FOLDER, dir_fd=self.parent)
            except OSError:
                continue
            try:
                if self._sealed(fd, name) and not (keep_aside and beneath.lstat(fd, ASIDE)):
                    with suppress(OSError):
                        self._empty_staging(name, fd)
            finally:
                os.close(fd)

    def _sealed(self, fd: int, name: str) -> bool:
        """True if the open folder `name` is a staging folder this user's infohus made for this target."""
        found = os.fstat(fd)
        if found.st_uid != os.geteuid():
            return False
        try:
            read = marker.read(fd, marker.SEAL)
        except NotABuild:
            return False
        if read is None or read.content["target"] != self.target.name:
            return False
        expected = _seal(self.key, self.target.name, name, read.content["nonce"], found.st_ino)
        return hmac.compare_digest(read.content["seal"], expected)

    def _empty_staging(self, name: str, fd: int) -> list[str]:
        """Remove a staging folder's content and then the folder itself; returns what stays."""
        left = []
        for inner in sorted(os.listdir(fd)):
            if inner == MARKER:
                continue
            if inner not in (STAGED, ASIDE):
                left.append(inner)
                continue
            try:
                inner_fd = beneath.open_folder(fd, inner)
            except (beneath.NotBeneath, FileNotFoundError):
                left.append(inner)
                continue
            try:
                left += [f"{inner}/{rel}" for rel in _remove_build(inner_fd)]
            finally:
                os.close(inner_fd)
            if not any(p.startswith(f"{inner}/") for p in left):
                os.rmdir(inner, dir_fd=fd)
        if not left:
            os.unlink(MARKER, dir_fd=fd)
            os.rmdir(name, dir_fd=self.parent)
        return left

    def publish(self, info: dict) -> None:
        """Write the new build's marker and swap it in as the target, then remove the old build.

        `Refused` (nothing changed) if OUT changed while the build ran; `LeftBehind` if the new site is
        out but part of the old build could not be removed.
        """
        name, fd = self.staged
        build = beneath.open_folder(fd, STAGED)
        try:
            written = os.stat(self._path(name, STAGED), follow_symlinks=False)
            if not beneath.same(written, os.fstat(build)):  # the build wrote through a path someone swapped
                raise self._changed()
            files, folders = marker.listing(build)
            raw = marker.encode({"infohus": version(), **info, "files": files, "folders": folders})
            _write_new(build, f"{MARKER}.new", raw, 0o666)
            os.rename(f"{MARKER}.new", MARKER, src_dir_fd=build, dst_dir_fd=build)
        finally:
            os.close(build)
        self._still_as_found()
        out = self.target.name
        if self.previous is None:
            try:
                moved = rename_noreplace(fd, STAGED, self.parent, out)
            except FileExistsError:
                raise self._changed() from None
            if not moved:
                if beneath.lstat(self.parent, out) is not None:
                    raise self._changed()
                os.rename(STAGED, out, src_dir_fd=fd, dst_dir_fd=self.parent)
            self.keep = True
            self._finish(lambda: self._empty_staging(name, fd))
        elif exchange(fd, STAGED, self.parent, out):
            self.keep = True
            self._finish(lambda: self._remove_old(name, fd, STAGED))
        else:
            self._two_renames(name, fd)
            self._finish(lambda: self._remove_old(name, fd, ASIDE))
        with suppress(OSError):
            self._remove_leftovers(keep_aside=False)

    def _two_renames(self, name: str, fd: int) -> None:
        """OUT into the staging folder, then the new build into its place; OUT put back if the second fails."""
        out = self.target.name
        self.keep = True  # from here until it is back, the site until now may be in the staging folder
        try:
            os.rename(out, ASIDE, src_dir_fd=self.parent, dst_dir_fd=fd)
        except OSError:
            self.keep = False
            raise
        try:
            os.rename(STAGED, out, src_dir_fd=fd, dst_dir_fd=self.parent)
        except BaseException:
            try:
                os.rename(ASIDE, out, src_dir_fd=fd, dst_dir_fd=self.parent)  # nothing changed after all
                self.keep = False
            except BaseException:
                raise Refused(f"Mappen \"{self.target.shown}\" kunne ikke skiftes ud, og det gamle byg kunne ikke "
                              f"lægges tilbage: det ligger i \"{self._path(name, ASIDE)}\". Flyt det tilbage til "
                              f"\"{self.target.shown}\", og byg igen.") from None
            raise

    def _still_as_found(self) -> None:
        """`Refused` unless OUT is still what it was when the lock was taken, with the same content."""
        now, previous = beneath.lstat(self.parent, self.target.name), self.previous
        if previous is None:
            changed = now is not None
        elif now is None or not beneath.same(now, previous.found):
            changed = True
        elif previous.marker is None:
            changed = bool(os.listdir(previous.fd))
        else:
            try:
                now_marker = marker.raw(previous.fd)
            except NotABuild:
                now_marker = None
            changed = now_marker is None or now_marker[0] != previous.marker.raw \
                or not beneath.same(now_marker[1], previous.marker.file) \
                or bool(marker.unlisted(previous.fd, previous.marker.content))
        if changed:
            raise self._changed()

    def _changed(self) -> Refused:
        return Refused(f"Mappen \"{self.target.shown}\" blev ændret af en anden, mens infohus byggede. Intet er "
                       "skiftet ud. Byg igen.")

    def _remove_old(self, name: str, fd: int, old: str) -> list[str]:
        """Remove the old build, now at `old` in the staging folder, if it is the one the lock found."""
        now = beneath.lstat(fd, old)
        if now is None or not beneath.same(now, self.previous.found):
            return [old]  # something else was swapped out in the last moment: not ours to remove
        left = [f"{old}/{rel}" for rel in _remove_build(self.previous.fd, self.previous)]
        if left:
            return left
        os.rmdir(old, dir_fd=fd)
        return self._empty_staging(name, fd)

    def _finish(self, remove) -> None:
        """Run `remove` after the swap; anything left or any fault is a `LeftBehind` naming where."""
        where = self._path(self.staged[0])
        try:
            left = remove()
        except KeyboardInterrupt:
            raise LeftBehind(f"Det nye byg er lagt ud i \"{self.target.shown}\", men infohus blev afbrudt, mens "
                             f"det gamle byg blev fjernet. Resten ligger i \"{where}\"; det næste byg fjerner det.",
                             interrupted=True) from None
        except (OSError, SystemFault) as exc:
            reason = sentence(exc).split(". ")[0].rstrip(".")
            raise LeftBehind(f"Det nye byg er lagt ud i \"{self.target.shown}\", men det gamle byg kunne ikke "
                             f"fjernes helt ({reason[0].lower() + reason[1:]}). Resten ligger i \"{where}\"; det "
                             "næste byg fjerner det, når fejlen er rettet.") from None
        if left:
            raise LeftBehind(f"Det nye byg er lagt ud i \"{self.target.shown}\", men det gamle byg kunne ikke "
                             f"fjernes helt: {_foreign_text(left)} er ikke skrevet af infohus eller er ændret siden. "
                             f"Resten ligger i \"{where}\"; slet det selv, når du har set efter.")


def _remove_build(fd: int, previous: Previous | None = None) -> list[str]:
    """Remove the build in the open folder `fd`: by its marker (hash-checked), or, if it never got as far
    as writing one, every regular file and folder in it. Returns what stays; its marker stays with it."""
    if previous is not None:
        found = previous.marker
        if found is None:  # an empty folder
            return sorted(os.listdir(fd))
    else:
        try:
            found = marker.read(fd)
        except NotABuild:
            return [MARKER]
        if found is None:
            return beneath.clear(fd)
    left = beneath.remove_listed(fd, found.content["files"], found.content["folders"])
    left += sorted(n for n in os.listdir(fd) if n != MARKER and n not in left)
    now = beneath.lstat(fd, MARKER)
    if not left and now is not None and beneath.same(now, found.file):
        os.unlink(MARKER, dir_fd=fd)
    return left


def _write_new(folder: int, name: str, raw: bytes, mode: int) -> None:
    """Write `raw` into a new file `name` in the open folder (never an existing file, never through a link)."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=folder)
    try:
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


# -- the seal: proof that a staging folder is this user's infohus' own -----------------------------------

def _seal(key: bytes, target: str, name: str, nonce: str, inode: int) -> str:
    message = json.dumps([target, name, nonce, inode]).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_folder() -> Path:
    """Where this user's build key is kept: $XDG_CACHE_HOME/infohus, else ~/.cache/infohus."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(cache) if os.path.isabs(cache) else Path.home() / ".cache") / "infohus"


def _key() -> bytes | None:
    """This user's key for sealing staging folders (made on first use); None if it cannot be had safely."""
    folder = key_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(folder, beneath.FOLDER)
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if found.st_uid != os.geteuid() or found.st_mode & 0o022:
            return None
        for _ in range(2):
            try:
                key_fd, found = beneath.open_file(fd, KEY)
            except FileNotFoundError:
                _make_key(fd)
                continue
            try:
                if found.st_uid != os.geteuid() or found.st_mode & 0o077 or found.st_size != 32:
                    return None
                key = os.read(key_fd, 33)
                return key if len(key) == 32 else None
            finally:
                os.close(key_fd)
        return None
    except (OSError, beneath.NotBeneath):
        return None
    finally:
        os.close(fd)


def _make_key(folder: int) -> None:
    """Write a new key beside, then link it into place: another build never reads half a key."""
    temporary = f"{KEY}.{secrets.token_hex(8)}"
    _write_new(folder, temporary, secrets.token_bytes(32), 0o600)
    try:
        os.link(temporary, KEY, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except FileExistsError:
        pass  # another build made one first: that one counts
    finally:
        os.unlink(temporary, dir_fd=folder)


# -- renaming relative to held folders --------------------------------------------------------------------

_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_UNSUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP)


def _renameat2(src_folder: int, src: str, dst_folder: int, dst: str, flags: int) -> bool:
    """`renameat2` with `flags`; False where the system or file system cannot, OSError for other faults."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(src_folder, os.fsencode(src), dst_folder, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), dst)


def exchange(src_folder: int, src: str, dst_folder: int, dst: str) -> bool:
    """Swap two names in one atomic step (Linux `renameat2` with `RENAME_EXCHANGE`); False where unsupported."""
    return _renameat2(src_folder, src, dst_folder, dst, _RENAME_EXCHANGE)


def rename_noreplace(src_folder: int, src: str, dst_folder: int, dst: str) -> bool:
    """Rename, with FileExistsError rather than replacing anything; False where unsupported."""
    return _renameat2(src_folder, src, dst_folder, dst, _RENAME_NOREPLACE)
