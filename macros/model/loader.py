"""Load one YAML file into plain data plus a map from each value's path to its line.

PyYAML's own loaders are not used to build the data: they silently keep the last of two
duplicate keys and read `08:00` as the number 480 (YAML 1.1). Instead the file is composed
into nodes and turned into data here, with YAML 1.2-like scalars and every line recorded.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

from .problems import Problem

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


class _PyComposer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                  yaml.composer.Composer, _Resolver):
    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


if CParser is not None:
    class _Composer(CParser, _Resolver):
        """libyaml composes the nodes (about 10x faster); tags still come from _Resolver."""

        def __init__(self, text: str):
            CParser.__init__(self, text)
            _Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _Composer = _PyComposer


@dataclass
class Document:
    """A loaded YAML file: its data and the line of every value in it."""

    path: Path
    display: str
    data: Any = None
    lines: dict[PathKey, int] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # paths with schema errors

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


# Danish explanations of PyYAML's most common complaints, with the fix.
_YAML_HINTS = [
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
    ("found undefined alias",
     "Et *navn henviser til et anker (&navn), der ikke findes."),
    ("found unexpected end of stream",
     "Filen slutter midt i en tekst. Mangler der et afsluttende anførselstegn?"),
    ("found unknown escape character",
     "Et omvendt skråstreg (\\) i en tekst i anførselstegn skal skrives \\\\ eller i enkelte anførselstegn."),
    ("expected a single document",
     "Filen indeholder flere dokumenter (---). Hver fil må kun have ét."),
    ("found a tab character",
     "Linjen indeholder et tabulatortegn. Brug mellemrum til indrykning."),
]


def load(path: Path, display: str) -> tuple[Document, list[Problem]]:
    """Read and parse one YAML file; never raises for bad content, returns problems instead."""
    doc = Document(path=path, display=display)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return doc, [Problem(display, 1, "", f"filen kan ikke læses ({exc.strerror}). "
                             "Tjek at filen findes, og at du har adgang til den.")]
    text, problem = _decode(raw, display)
    if problem:
        return doc, [problem]
    if not text.strip() or all(_is_comment(line) for line in text.splitlines()):
        return doc, [Problem(display, 1, "", "filen er tom. Skriv data i filen, eller kopiér "
                             "den fra eksemplet i data/hjoerring/.")]
    tabs = [Problem(display, n, "", "linjen er indrykket med et tabulatortegn. "
                    "Brug mellemrum (2 pr. niveau) i stedet.")
            for n, line in enumerate(text.splitlines(), 1)
            if "\t" in line[: len(line) - len(line.lstrip(" \t"))]]
    if tabs:
        return doc, tabs
    try:
        node = _Composer(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        return doc, [_yaml_problem(exc, display)]
    except yaml.YAMLError as exc:
        return doc, [Problem(display, 1, "", f"filen er ikke gyldig YAML ({exc}).")]
    problems: list[Problem] = []
    doc.data = _build(node, (), doc, problems)
    return doc, problems


_SCHEMA_LINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")


def schema_line_problem(path: Path, display: str, schema: Path) -> Problem | None:
    """A warning when the file's editor hint (`# yaml-language-server: $schema=...`, in the first lines)
    is missing or does not lead to `schema`: the editor then silently stops checking while one types."""
    wanted = Path(os.path.relpath(schema, path.parent.resolve())).as_posix()
    fix = f"Skriv øverst i filen: # yaml-language-server: $schema={wanted}"
    try:
        head = path.read_text(encoding="utf-8", errors="replace").splitlines()[:5]
    except OSError:
        return None  # the file's own problem is reported where it is read
    for number, line in enumerate(head, 1):
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
        node = _Composer(text).get_single_node()
    except yaml.YAMLError:
        return None
    return _build(node, (), Document(path=Path(display), display=display), [])


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


_PLAIN_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


def _build(node: yaml.Node, path: PathKey, doc: Document, problems: list[Problem]) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if type(node) in _PLAIN_TAGS and node.tag != _PLAIN_TAGS[type(node)]:
        problems.append(_tag_problem(node, path, doc))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.display, key_line, format_path(path),
                                        "et feltnavn skal være almindelig tekst."))
                continue
            key = key_node.value
            if key in seen:
                problems.append(Problem(
                    doc.display, key_line, format_path(path + (key,)),
                    f"feltet \"{key}\" står to gange (også på linje {seen[key]}). "
                    "Slet den ene, så det er klart, hvilken værdi der gælder."))
                continue
            seen[key] = key_line
            doc.lines[path + (key,)] = key_line
            result[key] = _build(value_node, path + (key,), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, problems) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc, problems)


def _scalar(node: yaml.ScalarNode, path: PathKey, doc: Document, problems: list[Problem]) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL[value] if value in _BOOL else value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        return float(value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag != "tag:yaml.org,2002:str":
        problems.append(_tag_problem(node, path, doc))
    return value


def _tag_problem(node: yaml.Node, path: PathKey, doc: Document) -> Problem:
    return Problem(doc.display, node.start_mark.line + 1, format_path(path),
                   f"mærket {node.tag} bruges ikke her. Slet det, og skriv værdien som almindelig YAML.")
