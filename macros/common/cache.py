"""A content-addressed cache of rendered artefacts (the beredskab's PDFs, the action cards and their previews).

Each artefact is stored under a key: the SHA-256 over everything its bytes depend on (the HTML, every asset
and font file it uses, the renderer's identity and version, the render options, the code that renders it).
The same key always gives the same bytes, so a rebuild with nothing changed renders nothing, and the output is
byte for byte what a render would give. Beside each artefact is its record: its own SHA-256, its size and what
the renderer reported (pages). An entry is used only when the artefact's bytes match its record; anything else
(tampered, truncated, not a plain file, a symlink) is passed over and the artefact rendered again.

The cache folder is `$INFOHUS_CACHE_DIR`, else `$XDG_CACHE_HOME/infohus`, else `~/.cache/infohus`; nothing is
used with `--no-cache` or `INFOHUS_NO_CACHE=1`. The folder must be the user's own and writable by no one else
(a record there is trusted as far as its hash goes), and it is walked from a held descriptor with no symlink on
the way (`beneath`). The cache writes each entry to a temporary file of its own and links it into place: it never
replaces or removes a file it did not just write. A cache folder that cannot be used (read-only, full, not the
user's) costs a note on stderr and nothing else: the build renders as without a cache.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import beneath

NO_CACHE = "INFOHUS_NO_CACHE"
CACHE_DIR = "INFOHUS_CACHE_DIR"
LAYOUT = "v1"  # the folder of this layout of entries; a new layout gets a new folder
RECORD = ".json"
MAX_RECORD = 64 * 1024
MAX_ARTEFACT = 256 * 1024 * 1024
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

_noted: set[tuple[str, str]] = set()
_lock = threading.Lock()


_off = 0  # how many `turned_off` blocks are open (in this process and in the children it forks)


@contextmanager
def turned_off() -> Iterator[None]:
    """No cache within the block (`--no-cache`): every artefact is rendered, nothing is stored."""
    global _off
    _off += 1
    try:
        yield
    finally:
        _off -= 1


def folder() -> Path | None:
    """The cache folder this process uses, or None when caching is off."""
    if _off or os.environ.get(NO_CACHE, "") not in ("", "0"):
        return None
    if os.environ.get(CACHE_DIR):
        return Path(os.environ[CACHE_DIR])
    base = os.environ.get("XDG_CACHE_HOME")
    base = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return base / "infohus"


def key(kind: str, **parts: Any) -> str:
    """The key of an artefact of `kind` from what its bytes depend on; `bytes` and `str` parts count by content."""
    def plain(value: Any) -> Any:
        if isinstance(value, bytes):
            return {"sha256": hashlib.sha256(value).hexdigest()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    text = json.dumps({"kind": kind, **plain(parts)}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digests(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(path, SHA-256 of its bytes) of each file, in the order given; a file that cannot be read counts as such."""
    out = []
    for path in paths:
        try:
            out.append((str(path), _file_sha256(str(path), os.stat(path))))
        except OSError as exc:
            out.append((str(path), f"unreadable: {exc.errno}"))
    return out


_file_digests: dict[tuple, str] = {}


def _file_sha256(path: str, info: os.stat_result) -> str:
    """A file's SHA-256, remembered per process while its inode, size and change time stay the same."""
    known = (path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if known not in _file_digests:
        with open(path, "rb") as stream:
            _file_digests[known] = hashlib.file_digest(stream, "sha256").hexdigest()
    return _file_digests[known]


def packages(*names: str) -> dict[str, str]:
    """The installed version of each distribution and of everything it requires (one level), by name; remembered
    while no folder on Python's path has changed (installing or removing a distribution changes its folder)."""
    if names not in _packages:
        basis = {"names": names, "python": sys.version, "executable": sys.executable,
                 "path": _stamps(p for p in sys.path if p and os.path.isdir(p))}

        def fits(value: Any) -> bool:
            return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()) \
                and all(name in value for name in names)
        _packages[names] = _remembered("packages", basis, lambda: _versions(names), fits)
    return _packages[names]


_packages: dict[tuple[str, ...], dict[str, str]] = {}


def _versions(names: tuple[str, ...]) -> dict[str, str]:
    from importlib import metadata

    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
            required = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            found[name] = "missing"
            continue
        for line in required:
            if "extra ==" in line:
                continue
            dep = re.split(r"[ ;<>=!~\[(]", line, maxsplit=1)[0]
            try:
                found.setdefault(dep, metadata.version(dep))
            except metadata.PackageNotFoundError:
                found.setdefault(dep, "missing")
    return found


_programs: dict[str, dict] = {}


def program(path: str, version_flag: str) -> dict:
    """A system program's identity: its version output, the bytes of its file and what it links (ldd)."""
    if path not in _programs:
        real = os.path.realpath(path)

        def look_up() -> dict:
            shown, linked = _outputs([[path, version_flag], ["ldd", real]], timeout=5, both=True)
            libraries = sorted(set(re.findall(r"=> (/\S+)", linked))) if linked is not None else []
            return {"version": shown.strip() if shown is not None else "no version", "libraries": libraries,
                    "folders": _stamps(sorted({os.path.dirname(lib) for lib in libraries}))}

        def fits(value: Any) -> bool:  # the folders of the libraries it found: none replaced, added or removed since
            return isinstance(value, dict) and isinstance(value.get("version"), str) \
                and _strings(value.get("libraries")) \
                and value.get("folders") == _stamps(sorted({os.path.dirname(lib) for lib in value["libraries"]}))
        basis = {"program": real, "flag": version_flag, "file": _stamp(real), "loader": _stamps(LOADER_FILES),
                 "environment": {name: os.environ.get(name) for name in ("LD_LIBRARY_PATH", "LD_PRELOAD")}}
        found = _remembered("program", basis, look_up, fits)
        _programs[path] = {"path": real, "version": found["version"], "file": file_digests([Path(real)]),
                           "libraries": [_stamp(lib) for lib in found["libraries"]]}
    return _programs[path]


LOADER_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf")  # where the dynamic loader finds libraries: ldconfig writes it


def _outputs(commands: list[list[str]], timeout: float, both: bool = False) -> list[str | None]:
    """What each command writes to stdout (and stderr too, with `both`), the commands run at once (each costs a
    fork and an exec: one after the other they were a good part of an unchanged rebuild); None for a command
    that could not be run or did not finish within `timeout` seconds."""
    import subprocess

    running: list[subprocess.Popen | None] = []
    for command in commands:
        try:
            running.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT if both else subprocess.DEVNULL))
        except OSError:
            running.append(None)
    found: list[str | None] = []
    for process in running:
        if process is None:
            found.append(None)
            continue
        try:
            out, _ = process.communicate(timeout=timeout)
            found.append(out.decode("utf-8", "replace"))
        except subprocess.SubprocessError:
            process.kill()
            process.communicate()
            found.append(None)
    return found


def _stamp(path: str) -> tuple:
    """What changes when a file is replaced (an update): its path, size, inode and change times."""
    try:
        info = os.stat(path)
    except OSError:
        return (path, "missing")
    return (path, info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


GENERIC_FAMILIES = ("serif", "sans-serif", "monospace")  # what a renderer falls back to without a named font
_FAMILY = re.compile(r"""font-family\s*[:=]\s*(["']?)([^;{}<>\n]+?)\1\s*(?:[;}>"'\n]|$)""", re.I)
_families: dict[tuple, tuple[list[str], list[str]]] = {}  # which font files, per families and config


def fonts(html: str) -> dict:
    """The fonts a render of `html` may use: the bytes of every file of each family it names (and of the generic
    families), and the stamp of every other font fontconfig knows (one installed or updated changes the key)."""
    named = set(GENERIC_FAMILIES)
    for _, value in _FAMILY.findall(html):
        named.update(f.strip().strip("\"'").strip() for f in value.split(","))
    wanted = tuple(sorted(n for n in named if n))
    known = (wanted, os.environ.get("FONTCONFIG_FILE"), os.environ.get("FONTCONFIG_PATH"))
    if known not in _families:
        def look_up() -> dict:
            every, *matched = (["unavailable"] if out is None else out.splitlines() for out in _outputs(
                [["fc-list", "-f", "%{file}\t%{family}\n"], *(["fc-match", "-f", "%{file}\n", f] for f in wanted)],
                timeout=10))
            used: set[str] = set()
            for line in every:
                file, _, families = line.partition("\t")
                if {f.strip().lower() for f in families.split(",")} & {w.lower() for w in wanted}:
                    used.add(file)
            for lines in matched:
                used.update(lines)
            files = sorted(u for u in used if u.startswith("/"))
            others = sorted({line.partition("\t")[0] for line in every} - set(files))
            folders = sorted(set(_font_folders()) | {os.path.dirname(f) for f in files + others if f.startswith("/")})
            return {"files": files, "others": others, "folders": folders, "stamps": _tree_stamps(folders)}

        def fits(value: Any) -> bool:  # no font added, removed or replaced in any folder fontconfig reads
            return isinstance(value, dict) and _strings(value.get("files")) and _strings(value.get("others")) \
                and _strings(value.get("folders")) and value.get("stamps") == _tree_stamps(value["folders"])
        basis = {"families": wanted, "configuration": _tree_stamps(_font_configuration(), files=True),
                 "environment": {name: os.environ.get(name) for name in FONT_ENVIRONMENT}}
        found = _remembered("fonts", basis, look_up, fits)
        _families[known] = (found["files"], found["others"])
    files, others = _families[known]  # the bytes and stamps are read each time: a font may be replaced
    return {"families": wanted, "files": file_digests(Path(f) for f in files), "others": [_stamp(f) for f in others]}


FONT_ENVIRONMENT = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME", "XDG_CONFIG_HOME",
                    "XDG_DATA_HOME", "XDG_DATA_DIRS")


def _font_configuration() -> list[str]:
    """Where fontconfig reads its configuration: the system's, the user's, and any the environment names."""
    home = Path.home()
    config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    places = ["/etc/fonts", os.path.join(config, "fontconfig"), str(home / ".fonts.conf"), str(home / ".fonts.conf.d")]
    places += [p for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH") if (p := os.environ.get(name))]
    return places


def _font_folders() -> list[str]:
    """The font folders fontconfig's configuration names (its <dir> entries: FcConfigGetFontDirs on a configuration
    loaded without its fonts), read with the library itself; where it cannot be loaded, the usual ones."""
    import ctypes

    home = Path.home()
    usual = ["/usr/share/fonts", "/usr/local/share/fonts", str(home / ".fonts"),
             os.path.join(os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share"), "fonts")]
    try:
        library = ctypes.CDLL("libfontconfig.so.1")
        for name, result, arguments in (("FcInitLoadConfig", ctypes.c_void_p, []),
                                        ("FcConfigGetFontDirs", ctypes.c_void_p, [ctypes.c_void_p]),
                                        ("FcStrListNext", ctypes.c_char_p, [ctypes.c_void_p]),
                                        ("FcStrListDone", None, [ctypes.c_void_p]),
                                        ("FcConfigDestroy", None, [ctypes.c_void_p])):
            getattr(library, name).restype, getattr(library, name).argtypes = result, arguments
    except (OSError, AttributeError):
        return usual
    config = library.FcInitLoadConfig()
    if not config:
        return usual
    found = []
    try:
        listed = library.FcConfigGetFontDirs(config)
        while (folder := library.FcStrListNext(listed)) is not None:
            found.append(os.fsdecode(folder))
        library.FcStrListDone(listed)
    finally:
        library.FcConfigDestroy(config)
    return sorted(set(found) | set(usual))


def _stamps(paths: Iterable[str]) -> list[list]:
    """The stamp of each path (`_stamp`), as lists: as they read back from JSON."""
    return [list(_stamp(str(p))) for p in paths]


def _tree_stamps(roots: Iterable[str], files: bool = False) -> list[list]:
    """The stamp of each root and of every folder beneath it (a file added, removed or renamed in a folder changes
    the folder's stamp), and with `files` of every file too (followed where it is a link, so an edited target counts);
    a root that is not there counts as such."""
    found = []
    for root in roots:
        found.append(list(_stamp(root)))
        for folder, names, others in os.walk(root):  # no links followed: a folder is walked once
            names.sort()
            for name in names:
                found.append(list(_stamp(os.path.join(folder, name))))
            if files:
                found += [list(_stamp(os.path.join(folder, name))) for name in sorted(others)]
    return found


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _remembered(kind: str, basis: dict[str, Any], look_up: Callable[[], Any], fits: Callable[[Any], bool]) -> Any:
    """What `look_up()` finds out about this machine (a program's version and libraries, the font files, the
    installed packages), kept in the cache while `basis` stays the same: the stamps of the files and folders the
    answer depends on. Asking the machine takes a fork and an exec or a walk of site-packages, in each part of every
    build; the stamps are a few calls to stat. A kept answer is used only if `fits` accepts it (its shape, and the
    stamps it holds itself still those on disk), else the machine is asked again; with the cache off, always."""
    root = folder()
    if root is None:
        return look_up()
    store, name = Store(root, quiet=True), key(f"known-{kind}", **basis)
    found = store.get(name)
    if found is not None:
        try:
            value = json.loads(found[0])
        except ValueError:
            value = None
        if fits(value):
            return value
    value = json.loads(json.dumps(look_up()))  # as it will read back
    store.put(name, json.dumps(value, sort_keys=True).encode("utf-8"), {}, f"known-{kind}", sync=False)
    return value


def environment(env: dict[str, str]) -> dict[str, str]:
    """The variables of a renderer's environment that change how it draws (fonts, language, Qt), by name."""
    return {k: v for k, v in sorted(env.items())
            if k.startswith(("FONTCONFIG", "QT_", "LC_", "PANGO", "HB_")) or k in ("LANG", "LANGUAGE", "TZ")}


def forget() -> None:
    """Look the fonts and programs up again: a new build may find them updated (`infohus serve` runs many)."""
    _families.clear()
    _programs.clear()
    _packages.clear()


def source(*modules: str) -> list[tuple[str, str]]:
    """The SHA-256 of each module's source file: the code that renders and finishes an artefact counts too."""
    import importlib

    return [(name, file_digests([Path(importlib.import_module(name).__file__)])[0][1]) for name in modules]


_told: Any = None  # what `renders_told` sets when an artefact is not found and so rendered


@contextmanager
def renders_told(event: Any) -> Iterator[None]:
    """Within the block, and in the processes forked within it, `event.set()` is called as each artefact that is
    not in the cache starts to render: a build can tell a part that renders from one that only finds."""
    global _told
    before, _told = _told, event
    try:
        yield
    finally:
        _told = before


def cached(kind: str, parts: Callable[[], dict[str, Any]], render: Callable[[], tuple[bytes, dict]]) \
        -> tuple[bytes, dict]:
    """The artefact of `kind` whose bytes depend on `parts()`: from the cache if a verified entry is there, else
    `render()` (bytes and what to record beside them, JSON), stored for the next build. With the cache off the
    parts are never looked up (the fonts, the programs' versions): nothing would be looked up by them."""
    root = folder()
    if root is None:
        return render()
    name = key(kind, **parts())
    found = Store(root).get(name)
    if found is not None:
        return found
    if _told is not None:
        _told.set()
    data, meta = render()
    Store(root).put(name, data, meta, kind)
    return data, meta


class Unusable(Exception):
    """The cache folder cannot be used; the message is the Danish reason."""


class Store:
    """The entries of one cache folder."""

    def __init__(self, root: Path, quiet: bool = False):
        self.root = root
        self.quiet = quiet  # a folder that cannot be used is passed over without a note

    def get(self, name: str) -> tuple[bytes, dict] | None:
        """The artefact stored under `name` and its record, if both are there and its bytes match the record."""
        try:
            with self._folder(name, create=False) as place:
                if place is None:
                    return None
                record = _read(place.fd, name + RECORD, MAX_RECORD)
                if record is None:
                    return None
                try:
                    entry = json.loads(record)
                    digest, size, meta = entry["sha256"], entry["size"], entry["meta"]
                except (ValueError, KeyError, TypeError):
                    return None
                data = _read(place.fd, name, MAX_ARTEFACT)
                if data is None or len(data) != size or hashlib.sha256(data).hexdigest() != digest \
                        or not isinstance(meta, dict):
                    return None
                return data, meta
        except (OSError, beneath.NotBeneath, Unusable) as exc:
            if not self.quiet:
                _note(self.root, exc)
            return None

    def put(self, name: str, data: bytes, meta: dict, kind: str = "", sync: bool = True) -> None:
        """Store `data` under `name` with its record; a name already taken is left as it is. `sync=False` leaves
        the writing to disk to the system: after a crash the entry may be cut short, and is then passed over."""
        record = json.dumps({"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "meta": meta,
                             "kind": kind}, sort_keys=True).encode("utf-8")
        try:
            with self._folder(name, create=True) as place:
                if _write_new(place.fd, name, data, sync):
                    _write_new(place.fd, name + RECORD, record, sync)
        except (OSError, beneath.NotBeneath, Unusable) as exc:
            if not self.quiet:
                _note(self.root, exc)

    def _folder(self, name: str, create: bool) -> _Held:
        """The folder of entry `name` (LAYOUT/<first two hex digits>), held by a descriptor."""
        if len(name) != 64 or any(c not in "0123456789abcdef" for c in name):
            raise ValueError(name)
        current = _open_root(self.root, create)
        if current is None:
            return _Held(None)
        try:
            for part in (LAYOUT, name[:2]):
                if create:
                    try:
                        os.mkdir(part, 0o700, dir_fd=current)
                    except FileExistsError:
                        pass
                try:
                    following = beneath.open_folder(current, part)
                except FileNotFoundError:
                    return _Held(None)
                try:
                    _own(following, f"{self.root}/{part}")
                except BaseException:
                    os.close(following)
                    raise
                os.close(current)
                current = following
            held, current = current, None
            return _Held(held)
        finally:
            if current is not None:
                os.close(current)


class _Held:
    """A folder descriptor (or None) closed at the end of a `with` block."""

    def __init__(self, fd: int | None):
        self.fd = fd

    def __enter__(self) -> _Held | None:
        return self if self.fd is not None else None

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _open_root(root: Path, create: bool) -> int | None:
    """A descriptor of the cache folder itself (not through a symlink), or None if it is not there yet."""
    if create:
        try:
            os.makedirs(root, mode=0o700, exist_ok=True)
        except FileExistsError:  # a symlink or a file by that name: refused below
            pass
    try:
        fd = os.open(root, beneath.FOLDER)
    except FileNotFoundError:
        if create:
            raise
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Unusable(f"\"{root}\" er et symbolsk link eller ikke en mappe") from None
        raise
    try:
        _own(fd, str(root))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _own(fd: int, shown: str) -> None:
    """Unusable unless the open folder is the user's own and no one else may write in it."""
    info = os.fstat(fd)
    if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Unusable(f"mappen \"{shown}\" ikke er din egen, eller andre kan skrive i den")


def _read(folder: int, name: str, limit: int) -> bytes | None:
    """The bytes of the plain file `name` in `folder`, None if missing, not a plain file or over `limit`."""
    try:
        fd, info = beneath.open_file(folder, name)
    except (FileNotFoundError, beneath.NotBeneath):
        return None
    try:
        if info.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as stream:
            return stream.read(limit + 1)
    finally:
        os.close(fd)


def _write_new(folder: int, name: str, data: bytes, sync: bool = True) -> bool:
    """Write `name` in `folder` whole or not at all: a temporary file of this call's own, linked into place.

    False if `name` is already taken (by anything: it is left alone). The temporary file is removed
    by name only after checking it is still the file this call made."""
    temporary = f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, _WRITE, 0o600, dir_fd=folder)
    made = os.fstat(fd)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            return False
        return True
    finally:
        now = beneath.lstat(folder, temporary)
        if now is not None and beneath.same(now, made):
            os.unlink(temporary, dir_fd=folder)


_REASONS = {
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.EACCES: "du har ikke lov til at skrive i mappen",
    errno.EPERM: "systemet tillader ikke at skrive i mappen",
    errno.ENOSPC: "der er ikke mere plads på drevet",
    errno.EDQUOT: "din kvote på drevet er brugt op",
    errno.EIO: "drevet meldte en I/O-fejl",
}


def _note(root: Path, exc: BaseException) -> None:
    """Say once per process and cause that the cache is not used; the build goes on without it."""
    if isinstance(exc, Unusable):
        why = str(exc)
    elif isinstance(exc, beneath.NotBeneath):
        why = "der er et symbolsk link eller en anden slags fil, hvor mellemlageret skulle have en mappe"
    else:
        why = _REASONS.get(getattr(exc, "errno", None) or -1) or f"systemet meldte: {getattr(exc, 'strerror', None) or exc}"
    with _lock:
        if (str(root), why) in _noted:
            return
        _noted.add((str(root), why))
    sys.stderr.write(f"infohus: mellemlageret i \"{root}\" bruges ikke, fordi {why}. PDF'erne og "
                     "forhåndsvisningerne laves uden det.\n")
    sys.stderr.flush()
