"""Load one YAML file into plain data plus a map from each value's path to its line.

PyYAML's own loaders are not used to build the data: they silently keep the last of two
duplicate keys and read `08:00` as the number 480 (YAML 1.1), and data built from composed nodes
follows a recursive alias for ever and unfolds an alias bomb. Instead the parser's events are turned into
data here (`_Builder`), with YAML 1.2-like scalars, every line recorded, and bounds on depth and
on what aliases repeat. Files are opened so that no link is followed and no pipe is waited on.
"""
from __future__ import annotations

import copy
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

from . import characters
from ..common import faults
from .problems import Problem, example_of

PathKey = tuple[str | int, ...]


_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Resolver(yaml.resolver.BaseResolver):
    """Only the plain scalars a coordinator means: true/false, whole numbers, decimals, null.

    Everything else (08:00, no, 2026-11-01) stays text; dates are checked as text by the schema.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value in _BOOL:
                    return "tag:yaml.org,2002:bool"
                if value in _NULL:
                    return "tag:yaml.org,2002:null"
                if value[:1] in "+-.0123456789":
                    if _INT.fullmatch(value):
                        return "tag:yaml.org,2002:int"
                    if _FLOAT.fullmatch(value):
                        return "tag:yaml.org,2002:float"
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


class _PyEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Resolver):
    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Resolver.__init__(self)


if CParser is not None:
    class _Events(CParser, _Resolver):
        """libyaml parses the text into events (about 10x faster); tags still come from _Resolver."""

        def __init__(self, text: str):
            CParser.__init__(self, text)
            _Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _Events = _PyEvents


@dataclass
class Document:
    """A loaded YAML file: its data and the line of every value in it."""

    path: Path
    display: str
    data: Any = None
    lines: dict[PathKey, int] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # paths with schema errors
    text: str = ""  # the file as read, for checks of its lines
    flow: set[PathKey] = field(default_factory=set)  # lists written in flow style, [a, b], for the prose check

    def line(self, path: PathKey) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def format_path(path: PathKey) -> str:
    """`("contacts", 3, "phones")` -> `contacts[3].phones`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


MAX_DEPTH = 50  # lists and fields inside each other; the data's deepest is under 10
_TOO_DEEP = (f"her ligger lister og felter mere end {MAX_DEPTH} niveauer inde i hinanden, og så dybt bruger infohus "
             "dem aldrig. Tjek indrykningen og de skarpe og krøllede parenteser ([ ] og { }) på linjen.")

# Danish explanations of PyYAML's most common complaints, with the fix.
_YAML_HINTS = [
    ("exceeded maximum nesting depth", _TOO_DEEP[0].upper() + _TOO_DEEP[1:]),
    ("mapping values are not allowed",
     "Der står et kolon (:) et sted, hvor YAML ikke tillader det. Sæt teksten i anførselstegn, "
     "fx navn: \"Tekst: med kolon\"."),
    ("could not find expected ':'",
     "Der mangler et kolon efter et feltnavn, eller indrykningen passer ikke med linjen over."),
    ("did not find expected key",
     "Indrykningen passer ikke: felter i samme post skal stå præcis lige langt inde."),
    ("did not find expected '-' indicator",
     "Indrykningen passer ikke: punkter i en liste skal begynde med \"- \" lige under hinanden."),
    ("expected <block end>",
     "Indrykningen passer ikke med linjerne over. Ret mellemrummene foran linjen."),
    ("found character '\\t'",
     "Linjen indeholder et tabulatortegn. Brug mellemrum til indrykning."),
    ("found unexpected end of stream",
     "Filen slutter midt i en tekst. Mangler der et afsluttende anførselstegn?"),
    ("found unknown escape character",
     "Et omvendt skråstreg (\\) i en tekst i anførselstegn skal skrives \\\\ eller i enkelte anførselstegn."),
    ("expected a single document",
     "Filen indeholder flere dokumenter (---). Hver fil må kun have ét."),
    ("found a tab character",
     "Linjen indeholder et tabulatortegn. Brug mellemrum til indrykning."),
]


def load(path: Path, display: str, given: bytes | None = None) -> tuple[Document, list[Problem]]:
    """Read and parse one YAML file; never raises for bad content, returns problems instead.

    A file that cannot be read (no permission, an I/O error) is a fault of the machine, not of the data: a
    SystemFault, which the command's edge says in Danish with exit 2. `given`: the file's bytes as they are
    about to be written (`infohus edit` checks a save before it writes), read instead of the file on disk.
    """
    doc = Document(path=path, display=display)
    raw, problem = _read(path, display) if given is None else (given, None)
    if problem:
        return doc, [problem]
    text, problem = _decode(raw, display)
    if problem:
        return doc, [problem]
    doc.text = text
    if not text.strip() or all(_is_comment(line) for line in text.splitlines()):
        return doc, [Problem(display, 1, "", f"filen er tom. Skriv data i filen: {example_of(path.stem)}.")]
    tabs = [Problem(display, n, "", "linjen er indrykket med et tabulatortegn. "
                    "Brug mellemrum (2 pr. niveau) i stedet.")
            for n, line in enumerate(text.splitlines(), 1)
            if "\t" in line[: len(line) - len(line.lstrip(" \t"))]]
    if tabs:
        return doc, tabs
    problems: list[Problem] = []
    try:
        doc.data = _Builder(_Events(text), doc, problems).document()
    except _Refused as refused:
        doc.data = None
        return doc, [refused.problem]
    except yaml.MarkedYAMLError as exc:
        return doc, [_unclosed_quote(text, exc, display) or _yaml_problem(exc, display)]
    except yaml.YAMLError as exc:
        return doc, [Problem(display, 1, "", f"filen er ikke gyldig YAML ({exc}).")]
    return doc, problems


MAX_BYTES = 5 * 1024 * 1024  # no data file is near this; a bigger one is the wrong file (or an attack)
_NOT_A_FILE = {stat.S_IFIFO: "en navngiven pipe (FIFO)", stat.S_IFSOCK: "en socket", stat.S_IFCHR: "en enhed",
               stat.S_IFBLK: "en enhed", stat.S_IFDIR: "en mappe"}


def _read(path: Path, display: str) -> tuple[bytes, Problem | None]:
    """The file's bytes, if it is a regular file (not a link, pipe, device or socket) of at most MAX_BYTES.

    It is opened without following a link and without blocking, so a pipe or a device named like a data
    file is refused, never waited on. A file that cannot be read (no permission) is a SystemFault: exit 2.
    """
    try:
        return _read_regular(path, display)
    except OSError as exc:
        raise faults.reading(exc) from None


def _read_regular(path: Path, display: str) -> tuple[bytes, Problem | None]:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return b"", Problem(display, 1, "", "filen er et symbolsk link (en genvej til en anden fil). infohus læser "
                            "kun almindelige filer i datamappen: kopiér selve filen hertil i stedet for linket.")
    if not stat.S_ISREG(info.st_mode):
        what = _NOT_A_FILE.get(stat.S_IFMT(info.st_mode), "ikke en almindelig fil")
        return b"", Problem(display, 1, "", f"\"{path.name}\" er {what}, ikke en almindelig fil, så infohus læser "
                            "den ikke. Slet den, eller erstat den med en almindelig YAML-fil.")
    if info.st_size > MAX_BYTES:
        return b"", _too_big(display, info.st_size)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            return b"", Problem(display, 1, "", "filen blev skiftet ud, mens infohus læste den. Kør kommandoen igen.")
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(fd, 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_BYTES:  # it grew after it was looked at
        return b"", _too_big(display, size)
    return b"".join(chunks), None


def _too_big(display: str, size: int) -> Problem:
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return Problem(display, 1, "", f"filen fylder {megabytes} MB; infohus læser højst {MAX_BYTES // 1024 // 1024} MB "
                   "pr. fil. Er det den rigtige fil? Del den op, eller slet det, der ikke hører til.")


_SCHEMA_LINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")


def schema_line_problem(doc: Document, schema: Path) -> Problem | None:
    """A warning when the file's editor hint (`# yaml-language-server: $schema=...`, in the first lines)
    is missing or does not lead to `schema`: the editor then silently stops checking while one types.
    None for a file that could not be read as text: its own problem is reported where it is read."""
    path, display = doc.path, doc.display
    if not doc.text:
        return None
    wanted = Path(os.path.relpath(schema, path.parent.resolve())).as_posix()
    fix = f"Skriv øverst i filen: # yaml-language-server: $schema={wanted}"
    for number, line in enumerate(doc.text.splitlines()[:5], 1):
        found = _SCHEMA_LINE.match(line.strip())
        if found:
            value = found[1]
            target = Path(value) if Path(value).is_absolute() else path.parent / value
            if "://" not in value and target.resolve() == schema.resolve():
                return None
            return Problem(display, number, "", f"$schema-linjen peger på \"{value}\", som ikke er infohus' "
                           f"skema for filen, så din editor kan ikke tjekke den, mens du skriver (mappen er "
                           f"måske flyttet). Ret linjen til: # yaml-language-server: $schema={wanted}", "warning")
    return Problem(display, 1, "", f"filen har ingen $schema-linje, så din editor kan ikke tjekke den, mens du "
                   f"skriver. {fix}", "warning")


def parse(text: str, display: str) -> Any:
    """The data of YAML `text`, read exactly as `load` reads a file (plain scalars stay strings); None if it
    cannot be read. For text the program itself ships, such as the templates of `infohus new`."""
    try:
        return _Builder(_Events(text), Document(path=Path(display), display=display), []).document()
    except (yaml.YAMLError, _Refused):
        return None


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _decode(raw: bytes, display: str) -> tuple[str, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start: exc.start + 1].hex().upper()
        return "", Problem(display, line, "", f"filen er ikke gemt som UTF-8 (byte 0x{byte}). "
                           "Gem filen som UTF-8 i din editor; så bliver æ, ø og å rigtige.")
    text = text.removeprefix("\ufeff")
    bad = _FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return "", Problem(display, line, "", f"linjen indeholder et usynligt styretegn "
                           f"(U+{ord(bad.group()):04X}). Slet det, eller skriv linjen igen.")
    return text, None


# Characters YAML does not allow in a file (C0/C1 controls except tab and newlines, non-characters).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def _yaml_problem(exc: yaml.MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    said = f"{exc.context or ''} {exc.problem or ''}"
    hint = next((h for key, h in _YAML_HINTS if key in said),
                "Tjek indrykning, kolon og anførselstegn på linjen og linjen over.")
    return Problem(display, line, "", f"filen kan ikke læses som YAML her. {hint}")


# A line inside a quoted text that looks like the next field ("  email: x"): the quote above it never closed.
_FIELD_LINE = re.compile(r"\n\s*(?:- )?[A-Za-z_][A-Za-z0-9_]*:(?: |$)", re.M)


def _unclosed_quote(text: str, exc: yaml.MarkedYAMLError, display: str) -> Problem | None:
    """The line where a quote opens that swallowed the lines after it, when that is what made `exc`.

    YAML lets a quoted text go on over several lines, so a missing closing quote is noticed only many lines
    later, as a problem of indentation; the text read up to the error shows where the quote opened."""
    stop = (exc.problem_mark or exc.context_mark).index if (exc.problem_mark or exc.context_mark) else len(text)
    try:
        for token in yaml.scan(text[:stop]):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and \
                    token.end_mark.line > token.start_mark.line and \
                    _FIELD_LINE.search(text[token.start_mark.index:token.end_mark.index]):
                return _quote_problem(display, token.start_mark.line + 1, token.style)
    except yaml.MarkedYAMLError as inner:  # the quote is still open where the error is
        if "while scanning a quoted scalar" in (inner.context or "") and inner.context_mark:
            return _quote_problem(display, inner.context_mark.line + 1, text[inner.context_mark.index])
    except yaml.YAMLError:  # not a text to scan: the parser's own message stands
        return None
    return None


def _quote_problem(display: str, line: int, quote: str) -> Problem:
    return Problem(display, line, "", f"filen kan ikke læses som YAML her. Anførselstegnet ({quote}) på linjen "
                   "åbner en tekst, der ikke lukkes, så YAML læser linjerne under den med ind i teksten. Sæt "
                   f"{quote} i slutningen af teksten på linjen.")


MAX_EXPANSIONS = 10_000  # values an alias (*name) may repeat in one file, all aliases together

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_OPEN = object()  # an anchor whose collection is still being read: an alias to it would be endless


class _Refused(Exception):
    """The file is refused as a whole (too deep, endless or exploding aliases): reading stops at once."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Builder:
    """Turns the parser's events into plain data and the line of every value, one event at a time.

    Building from events rather than from PyYAML's composed nodes bounds what a file can make the loader
    do before it is refused: the nesting depth is checked as each list or mapping opens, an alias to a
    collection still open (`x: &a [*a]`) is refused where it stands, and every value an alias repeats
    counts towards one budget per file, checked before the copy is made (an alias bomb never unfolds).
    """

    def __init__(self, events, doc: Document, problems: list[Problem]):
        self.events, self.doc, self.problems = events, doc, problems
        self.anchors: dict[str, Any] = {}  # name -> _OPEN, or (value, lines relative to it, size)
        self.open_anchors = 0
        self.log: list[tuple[PathKey, int]] = []  # every line recorded while an anchor is open
        self.expanded = 0

    def document(self) -> Any:
        """The single document's data (a second document is a ComposerError, as in PyYAML)."""
        events = self.events
        events.get_event()  # stream start
        if events.check_event(yaml.StreamEndEvent):
            return None
        start = events.get_event()  # document start
        data = self.value((), 0)
        events.get_event()  # document end
        if not events.check_event(yaml.StreamEndEvent):
            second = events.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", start.start_mark,
                                              "but found another document", second.start_mark)
        return data

    def line(self, path: PathKey, line: int, key: bool = False) -> None:
        if key:
            self.doc.lines[path] = line
        elif path in self.doc.lines:
            return
        else:
            self.doc.lines[path] = line
        if self.open_anchors:
            self.log.append((path, line))

    def value(self, path: PathKey, depth: int) -> Any:
        event = self.events.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, path, line)
        self.line(path, line)
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.events.resolve(yaml.ScalarNode, event.value, event.implicit)
            result = _scalar(tag, event.value)
            if result is _UNKNOWN_TAG:
                self.problems.append(_tag_problem(tag, line, path, self.doc))
                result = event.value
            if isinstance(result, str) and not characters.allowed(result):
                self.problems.append(Problem(self.doc.display, line, format_path(path), characters.problem(result)))
            if event.anchor:
                self.anchors[event.anchor] = (result, [((), line)], 1)
            return result
        if depth >= MAX_DEPTH:
            raise _Refused(Problem(self.doc.display, line, format_path(path[:2]), _TOO_DEEP))
        anchor, mark = event.anchor, len(self.log)
        if anchor:
            self.anchors[anchor] = _OPEN
            self.open_anchors += 1
        if isinstance(event, yaml.SequenceStartEvent):
            if event.flow_style:
                self.doc.flow.add(path)
            kind, result = yaml.SequenceNode, self.sequence(path, depth)
        else:
            kind, result = yaml.MappingNode, self.mapping(path, depth)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.events.resolve(kind, None, event.implicit)
        if tag != (_SEQ if kind is yaml.SequenceNode else _MAP):
            self.problems.append(_tag_problem(tag, line, path, self.doc))
            result = None
        if anchor:
            self.open_anchors -= 1
            lines = [((), line)] + [(p[len(path):], n) for p, n in self.log[mark:]]
            self.anchors[anchor] = (result, lines, len(lines))
            if not self.open_anchors:
                self.log.clear()
        return result

    def sequence(self, path: PathKey, depth: int) -> list:
        items, events = [], self.events
        while not events.check_event(yaml.SequenceEndEvent):
            items.append(self.value(path + (len(items),), depth + 1))
        events.get_event()
        return items

    def mapping(self, path: PathKey, depth: int) -> dict:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        events, display = self.events, self.doc.display
        while not events.check_event(yaml.MappingEndEvent):
            key_event = events.peek_event()
            key_line = key_event.start_mark.line + 1
            if not isinstance(key_event, yaml.ScalarEvent):
                self.value(path + ("?",), depth + 1)  # read and dropped: a key must be plain text
                self.value(path + ("?",), depth + 1)
                self.problems.append(Problem(display, key_line, format_path(path),
                                             "et feltnavn skal være almindelig tekst."))
                continue
            events.get_event()
            key = key_event.value
            if not characters.allowed(key):
                self.problems.append(Problem(display, key_line, format_path(path),
                                             characters.problem(key, "feltnavnet")))
            if key in seen:
                self.value(path + (key,), depth + 1)  # read and dropped
                self.problems.append(Problem(
                    display, key_line, format_path(path + (key,)),
                    f"feltet \"{key}\" står to gange (også på linje {seen[key]}). "
                    "Slet den ene, så det er klart, hvilken værdi der gælder."))
                continue
            seen[key] = key_line
            self.line(path + (key,), key_line, key=True)
            result[key] = self.value(path + (key,), depth + 1)
        events.get_event()
        return result

    def alias(self, event, path: PathKey, line: int) -> Any:
        """A copy of the anchored value, with its lines; refused if endless or over the budget."""
        display, where, name = self.doc.display, format_path(path), event.anchor
        found = self.anchors.get(name)
        if found is None:
            raise _Refused(Problem(display, line, where, f"*{name} henviser til et anker (&{name}), der ikke "
                                   "findes før linjen. Skriv ankeret først, eller skriv værdien ud."))
        if found is _OPEN:
            raise _Refused(Problem(display, line, where, f"*{name} står inde i den værdi, ankeret &{name} navngiver, "
                                   "så værdien ville gentage sig selv uden ende. Skriv værdien ud i stedet for "
                                   f"*{name}."))
        value, lines, size = found
        self.expanded += size
        if self.expanded > MAX_EXPANSIONS:
            limit = f"{MAX_EXPANSIONS:,}".replace(",", ".")
            raise _Refused(Problem(display, line, where, "henvisningerne til ankre (*navn) gentager tilsammen mere end "
                                   f"{limit} værdier i filen. Skriv værdierne ud, eller brug færre henvisninger."))
        self.line(path, line)
        for sub, sub_line in lines[1:]:
            self.line(path + sub, sub_line)
        return copy.deepcopy(value)


_UNKNOWN_TAG = object()


def _scalar(tag: str, value: str) -> Any:
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL[value] if value in _BOOL else value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        return float(value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag != _STR:
        return _UNKNOWN_TAG
    return value


def _tag_problem(tag: str, line: int, path: PathKey, doc: Document) -> Problem:
    return Problem(doc.display, line, format_path(path),
                   f"mærket {tag} bruges ikke her. Slet det, og skriv værdien som almindelig YAML.")
