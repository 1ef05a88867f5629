"""The municipality's own handbook pages and partials, from its data folder.

DATA/docs/NAME.md adds a page to the handbook, or replaces infohus' page of that name; DATA/overrides/
partials/NAME.html replaces the handbook's partial of that name. Files on disk are hostile until checked:
only regular files directly in those two folders are read, each opened relative to its folder's descriptor
with no symbolic link on the way (so nothing outside the municipality's folder), with a plain name, as
UTF-8 and under a size limit. Each is parsed here as a template, so `infohus check` shows a template error
at its line. They render through the same macros and escaping as infohus' own pages, in Jinja's sandbox
(macros/handbook/prerender.py and macros/common/render.py).
"""
from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..common.paths import DOCS_DIR, OVERRIDES, OWN_PAGES, OWN_PARTIALS
from .problems import Problem

PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.md")
PARTIAL_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.html")
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class OwnFiles:
    """The municipality's own pages (name -> Markdown) and partials (name -> template), as read and checked."""

    pages: dict[str, str] = field(default_factory=dict)
    partials: dict[str, str] = field(default_factory=dict)

    def replaces(self, page: str) -> bool:
        """True when the municipality's page `page` takes the place of one of infohus' own pages."""
        return (DOCS_DIR / page).is_file()


def shipped_partials() -> list[str]:
    """The names of the handbook's partials a municipality may replace."""
    return sorted(p.name for p in (OVERRIDES / "partials").glob("*.html"))


def load(data_dir: Path, display: Callable[[Path], str]) -> tuple[OwnFiles, list[Problem]]:
    """The own pages and partials of `data_dir`, and every problem with them (file and line)."""
    problems: list[Problem] = []
    if not Path(data_dir).is_dir():
        return OwnFiles(), problems
    pages = _read_folder(data_dir, OWN_PAGES, PAGE_NAME, "sider (.md)", display, problems)
    partials = _read_folder(data_dir, OWN_PARTIALS, PARTIAL_NAME, "partials (.html)", display, problems)
    allowed = shipped_partials()
    for name in sorted(partials):
        if name not in allowed:
            where = display(data_dir / OWN_PARTIALS / name)
            guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            tip = f"Mente du \"{guess[0]}\"?" if guess else f"Du kan erstatte: {', '.join(allowed)}."
            problems.append(Problem(where, 1, "", f"infohus har ingen partial ved navn \"{name}\", så filen "
                                    f"bruges ikke. {tip}"))
            del partials[name]
    if _exists(data_dir, "overrides"):
        problems.extend(_stray_in_overrides(data_dir, display))
    syntax = jinja2.Environment()
    for folder, files in ((OWN_PAGES, pages), (OWN_PARTIALS, partials)):
        for name, text in list(files.items()):
            try:
                syntax.parse(text)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(display(data_dir / folder / name), exc.lineno or 1, "",
                                        f"{{{{ }}}} eller {{% %}} står forkert ({exc.message}). Ret linjen; "
                                        "skal teksten stå som den er, så skriv den uden krøllede parenteser."))
                del files[name]
    return OwnFiles(pages, partials), problems


def _exists(data_dir: Path, name: str) -> bool:
    return os.path.lexists(data_dir / name)


def _read_folder(data_dir: Path, folder: str, pattern: re.Pattern, what: str, display: Callable[[Path], str],
                 problems: list[Problem]) -> dict[str, str]:
    """name -> text of the files directly in DATA/`folder`; nothing if the folder is not there."""
    found: dict[str, str] = {}
    fd = _open_folder(data_dir, folder.split("/"), display, problems)
    if fd is None:
        return found
    try:
        for entry in sorted(os.scandir(fd), key=lambda e: e.name):
            where = display(data_dir / folder / entry.name)
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                problems.append(Problem(where, 1, "", "filen er en genvej (et symbolsk link). infohus læser kun "
                                        "filer, der ligger i kommunens egen mappe: kopiér selve filen hertil."))
            elif not stat.S_ISREG(mode):
                problems.append(Problem(where, 1, "", f"her må kun ligge {what}, ikke mapper eller andet. Flyt "
                                        "den væk."))
            elif not pattern.fullmatch(entry.name):
                problems.append(Problem(where, 1, "", f"filen bruges ikke: her må kun ligge {what} med små "
                                        "bogstaver, tal og bindestreg i navnet, fx \"ekstra-side"
                                        f"{'.md' if pattern is PAGE_NAME else '.html'}\"."))
            else:
                text = _read_file(fd, entry.name, where, problems)
                if text is not None:
                    found[entry.name] = text
    finally:
        os.close(fd)
    return found


def _open_folder(data_dir: Path, parts: list[str], display: Callable[[Path], str],
                 problems: list[Problem]) -> int | None:
    """A descriptor of DATA/parts..., each part a real folder (no link); None if absent or refused."""
    fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    walked = data_dir
    for part in parts:
        walked = walked / part
        try:
            mode = os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
        except FileNotFoundError:
            os.close(fd)
            return None
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            kind = "en genvej (et symbolsk link)" if stat.S_ISLNK(mode) else "en fil"
            problems.append(Problem(display(walked), 1, "", f"\"{part}\" er {kind} og ikke en mappe. infohus læser "
                                    "kun en rigtig mappe i kommunens egen mappe."))
            os.close(fd)
            return None
        inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd


def _read_file(folder_fd: int, name: str, where: str, problems: list[Problem]) -> str | None:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between the listing and the open
            problems.append(Problem(where, 1, "", "filen er ikke en almindelig fil. Kopiér selve filen hertil."))
            return None
        if info.st_size > MAX_BYTES:
            problems.append(Problem(where, 1, "", f"filen er for stor ({info.st_size // 1000} kB; højst "
                                    f"{MAX_BYTES // 1000} kB). Del den op i flere sider."))
            return None
        raw = b""
        while len(raw) <= MAX_BYTES and (chunk := os.read(fd, 65536)):
            raw += chunk
    finally:
        os.close(fd)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(where, line, "", "filen er ikke gemt som UTF-8. Gem den som UTF-8 i din editor; "
                                "så bliver æ, ø og å rigtige."))
        return None


def _stray_in_overrides(data_dir: Path, display: Callable[[Path], str]) -> list[Problem]:
    """Anything in DATA/overrides/ besides partials/: infohus does not read it, so the coordinator is told."""
    out = []
    top = data_dir / "overrides"
    if os.path.islink(top) or not top.is_dir():
        return out  # reported by the reader of partials/
    for entry in sorted(os.scandir(top), key=lambda e: e.name):
        if entry.name != "partials":
            out.append(Problem(display(top / entry.name), 1, "", "bruges ikke: i overrides/ læser infohus kun "
                               "mappen partials/ (fx overrides/partials/emergency.html)."))
    return out
