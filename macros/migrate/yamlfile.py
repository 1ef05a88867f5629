"""A municipality's YAML files as ruamel.yaml round-trip documents: edited in memory, written only as a whole.

A file is editable only if ruamel.yaml writes it back unchanged when nothing is edited (some indentation
style reproduces it byte for byte); then an edit changes only the lines it touches, and the comments and
the layout of everything else stay as the coordinator wrote them. A file that cannot be reproduced, or that
is not a plain file in the folder (a symbolic link), is never written: the step tells the coordinator what
to change by hand instead.
"""
from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

# (mapping, sequence, offset) indentations tried in turn; the first that reproduces the file is kept.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 6, 4), (4, 4, 0), (4, 4, 2), (2, 4, 0))


def quoted(text: str) -> DoubleQuotedScalarString:
    """A value written in double quotes, as the templates write dates and texts with a colon."""
    return DoubleQuotedScalarString(text)


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return yaml


@dataclass
class YamlFile:
    """One file of the folder: its text as found, its data (round-trip) and whether it may be written."""

    path: Path
    base: str | None               # the text as found (or as created); None when the file is not there
    data: Any = None               # readable even when the file may not be edited
    editable: bool = False
    why_not: str = ""              # why the file may not be edited, in Danish
    created: bool = False          # written by this migration
    edited: bool = False           # its data changed since `base`
    comment_lines: dict[int, str] = field(default_factory=dict)  # line index -> a comment line that replaces it
    _yaml: YAML | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def to_write(self) -> bool:
        return self.created or self.edited or bool(self.comment_lines)

    def text(self) -> str:
        """The file's text now: `base` if its data is unchanged, else the edited data written back; with the
        replaced comment lines (which lie above the data, so an edit below never moves them)."""
        if not self.edited:
            text = self.base or ""
        else:
            out = io.StringIO()
            self._yaml.dump(self.data, out)
            text = out.getvalue()
        if self.comment_lines:
            lines = text.split("\n")
            for index, line in self.comment_lines.items():
                assert lines[index].lstrip().startswith("#"), (self.name, index)
                lines[index] = line
            text = "\n".join(lines)
        return text

    def line(self, path: tuple) -> int:
        """The line (1-based) of `path` in the file as it will be written (its nearest ancestor's if gone)."""
        try:
            data = _yaml(_LAYOUTS[0]).load(self.text()) if path else None
        except YAMLError:
            return 1
        line, node = 1, data
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                line, node = node.lc.key(part)[0] + 1, node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line, node = node.lc.item(part)[0] + 1, node[part]
            else:
                break
        return line


def load(path: Path) -> YamlFile:
    """The file at `path` (a plain file, read as UTF-8), editable if its layout can be kept."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return YamlFile(path, None, why_not="filen findes ikke")
    if not stat.S_ISREG(info.st_mode):
        return YamlFile(path, "", why_not="filen er en genvej (et symbolsk link) eller ikke en almindelig fil")
    return parsed(path, path.read_bytes())


def parsed(path: Path, raw: bytes) -> YamlFile:
    """The file at `path` whose bytes are `raw` (already read, e.g. with their hash), editable if its layout
    can be kept."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return YamlFile(path, "", why_not="filen er ikke gemt som UTF-8")
    try:
        data = _yaml(_LAYOUTS[0]).load(text)
    except YAMLError:
        return YamlFile(path, text, why_not="filen er ikke gyldig YAML (infohus check viser hvor)")
    for layout in _LAYOUTS:
        yaml = _yaml(layout)
        data = yaml.load(text)
        out = io.StringIO()
        yaml.dump(data, out)
        if out.getvalue() == text:
            return YamlFile(path, text, data, editable=True, _yaml=yaml)
    return YamlFile(path, text, data, why_not="filen kan ikke skrives tilbage uden at ændre dens opsætning "
                                              "(indrykning eller anførselstegn)")


def new(path: Path, text: str) -> YamlFile:
    """A file this migration creates with `text` (a template filled in)."""
    yaml = _yaml(_LAYOUTS[0])
    return YamlFile(path, text, yaml.load(text), editable=True, created=True, _yaml=yaml)


def insert_after(mapping: CommentedMap, after: str | None, key: str, value: Any, comment: str | None = None) -> None:
    """Put `key: value` right after the key `after` (at the top when None or absent)."""
    keys = list(mapping)
    position = keys.index(after) + 1 if after in keys else 0
    mapping.insert(position, key, value, comment=comment)


def insert_before(mapping: CommentedMap, before: str, key: str, value: Any) -> None:
    """Put `key: value` right before the key `before` (at the end when absent)."""
    keys = list(mapping)
    mapping.insert(keys.index(before) if before in keys else len(keys), key, value)


class Folder:
    """The municipality's data folder during a migration: each YAML file loaded once, written at the end."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._files: dict[str, YamlFile] = {}

    def get(self, kind: str) -> YamlFile:
        """The file of `kind` (`kind`.yml, or .yaml if that is the one there), loaded once."""
        if kind not in self._files:
            name = next((f"{kind}{ext}" for ext in (".yml", ".yaml") if os.path.lexists(self.path / f"{kind}{ext}")),
                        f"{kind}.yml")
            self._files[kind] = load(self.path / name)
        return self._files[kind]

    def exists(self, kind: str) -> bool:
        return self.get(kind).base is not None

    def create(self, kind: str, text: str) -> YamlFile:
        """A new file `kind`.yml with `text`; the folder must not have one."""
        assert not self.exists(kind), kind
        self._files[kind] = new(self.path / f"{kind}.yml", text)
        return self._files[kind]

    def loaded(self) -> list[YamlFile]:
        """Every file loaded so far that is there (found or created)."""
        return [f for f in self._files.values() if f.base is not None]

    def to_write(self) -> list[YamlFile]:
        return [f for f in self._files.values() if f.to_write]
