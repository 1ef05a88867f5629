"""The marker of a build (`.infohus-build`): its schema, the strict reader, and comparing a folder with it.

A marker is data on disk that anyone may have written: it is read strictly and never trusted further than
its schema and the path rules allow. `parse` and `read` give a checked dict or `NotABuild` with a Danish
reason, never another exception, whatever the bytes. The marker infohus writes goes through the same
reader first (`encode`).
"""
from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

from fastjsonschema import JsonSchemaException
from jsonschema import Draft202012Validator, FormatChecker

from .common import beneath
from .common.gate import compiled
from .common.faults import SystemFault

MARKER = ".infohus-build"
MAX_MARKER = 16 * 1024 * 1024   # bytes: a build's marker, every file listed, stays far below
MAX_FILES = 100_000


class NotABuild(Exception):
    """A marker that is not one infohus wrote; the message says why, in Danish."""


_FORMATS = FormatChecker(())


@_FORMATS.checks("infohus-path", raises=ValueError)
def _is_path(value: object) -> bool:
    return not isinstance(value, str) or bool(beneath.names(value))


_TEXT = {"type": "string", "maxLength": 100_000}
_PATH = {"type": "string", "format": "infohus-path"}
_DATE = {"type": "string", "minLength": 10, "maxLength": 10, "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_HEX = {"type": "string", "pattern": "^[0-9a-f]*$"}
_VERSION = {"type": "string", "minLength": 1, "maxLength": 100}
# One printed or published file, as changes.printed lists it (a marker from before 0.3 has only title and facts).
_SHOWN = {"type": "object", "required": ["title", "facts"], "additionalProperties": False, "properties": {
    "title": _TEXT,
    "group": {"enum": ["reprint", "republish", "reshare"]},
    "digest": {**_HEX, "minLength": 64, "maxLength": 64},
    "lines": {"type": "array", "maxItems": 1_000_000, "items": {**_HEX, "minLength": 16, "maxLength": 16}},
    "facts": {"type": "object", "maxProperties": 10_000,
              "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2, "items": _TEXT}}}}
_CHANGED = {"type": "object", "required": ["date", "shown", "changes"], "additionalProperties": False, "properties": {
    "date": _DATE, "shown": _TEXT, "changes": {"type": "array", "maxItems": 10_000, "items": _TEXT}}}

# The keys of a finished build's marker, each with its schema: the one place to add a key.
BUILD_KEYS = {
    "infohus": _VERSION,                                    # the version that wrote it
    "data": {"type": "string", "maxLength": 4096},          # the data folder it was built from
    "date": _DATE,                                          # the data's date
    "shows": {"type": "object", "maxProperties": 10_000, "additionalProperties": _SHOWN},  # see changes.printed
    "history": {"type": "array", "maxItems": 100, "items": _CHANGED},                     # see changes.history
    "files": {"type": "object", "maxProperties": MAX_FILES, "propertyNames": _PATH,
              "additionalProperties": {**_HEX, "minLength": 64, "maxLength": 64}},
    "folders": {"type": "array", "maxItems": MAX_FILES, "items": _PATH},
}
BUILD_SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                "required": ["infohus", "files", "folders"], "properties": BUILD_KEYS, "additionalProperties": False}
# A staging folder's marker: made by infohus for this OUT, sealed with this user's key.
SEAL_SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
               "required": ["infohus", "state", "target", "nonce", "seal"], "additionalProperties": False,
               "properties": {"infohus": _VERSION, "state": {"const": "staging"},
                              "target": {"type": "string", "minLength": 1, "maxLength": 255},
                              "nonce": {**_HEX, "minLength": 32, "maxLength": 32},
                              "seal": {**_HEX, "maxLength": 64}}}
BUILD = Draft202012Validator(BUILD_SCHEMA, format_checker=_FORMATS)
SEAL = Draft202012Validator(SEAL_SCHEMA, format_checker=_FORMATS)

_TYPES = {"object": "et objekt", "array": "en liste", "string": "en tekst", "integer": "et heltal",
          "number": "et tal", "boolean": "sand eller falsk", "null": "null"}


def parse(raw: bytes, validator: Draft202012Validator = BUILD) -> dict:
    """The marker in `raw`, checked against its schema and the path rules; NotABuild (Danish) otherwise."""
    if len(raw) > MAX_MARKER:
        raise NotABuild("den er større end 16 MB")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_twice, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise NotABuild("den er ikke skrevet i UTF-8") from None
    except RecursionError:
        raise NotABuild("den er for dybt indlejret") from None
    except ValueError as exc:
        raise NotABuild(exc.args[0] if isinstance(exc, _Twice) else "den er ikke gyldig JSON") from None
    try:
        error = None if passes(validator, data) else next(validator.iter_errors(data), None)
    except RecursionError:
        raise NotABuild("den er for dybt indlejret") from None
    if error is not None:
        raise NotABuild(_why(error))
    if validator is BUILD:
        _check_tree(data)
    return data


_GATES: dict[int, Callable[[object], object]] = {}


def passes(validator: Draft202012Validator, data: object) -> bool:
    """Whether `data` passes `validator`'s schema compiled (`common.gate`): a marker lists every file of a build,
    and jsonschema takes a tenth of a second over one; only a marker the gate rejects is walked for its error."""
    gate = _GATES.get(id(validator))
    if gate is None:
        gate = _GATES[id(validator)] = compiled(validator.schema, validator.format_checker)
    try:
        gate(data)
    except JsonSchemaException:
        return False
    return True


class _Twice(ValueError):
    pass


def _no_twice(pairs: list[tuple[str, object]]) -> dict:
    found = {}
    for key, value in pairs:
        if key in found:
            raise _Twice(f"nøglen {shown(key)} står to gange")
        found[key] = value
    return found


def _no_constant(name: str) -> None:
    raise ValueError(name)


def _check_tree(data: dict) -> None:
    """Every folder listed once, no path both a file and a folder, the marker itself not listed, and every
    folder that holds a listed path listed too."""
    folders = set(data["folders"])
    if len(folders) != len(data["folders"]):
        raise NotABuild("en mappe står to gange i \"folders\"")
    both = sorted(folders & data["files"].keys())
    if both:
        raise NotABuild(f"{shown(both[0])} står både som fil og som mappe")
    if MARKER in data["files"]:
        raise NotABuild("mærkefilen står selv i \"files\"")
    for path in [*data["files"], *data["folders"]]:
        parent = path.rpartition("/")[0]
        if parent and parent not in folders:
            raise NotABuild(f"{shown(path)} ligger i en mappe, der ikke står i \"folders\"")


def _why(error) -> str:
    """A schema error as Danish words: where in the marker, and what is wrong."""
    where = " → ".join(shown(p) if isinstance(p, str) else str(p) for p in error.absolute_path)
    at = f"{where} " if where else "den "
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = next((k for k in value if isinstance(error.instance, dict) and k not in error.instance), value[0])
        return f"nøglen {shown(missing)} mangler" + (f" i {where}" if where else "")
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(k for k in error.instance if k not in error.schema.get("properties", {}))
        return f"nøglen {shown(extra[0])} hører ikke til" + (f" i {where}" if where else "")
    if kind == "type":
        return f"{at}skal være {_TYPES.get(value, value)}"
    if kind == "format":
        return f"{shown(error.instance)} er ikke en sti inde i mappen"
    if list(error.absolute_path)[:1] == ["files"] and len(error.absolute_path) == 2:
        return f"{at}er ikke en SHA-256"
    if kind in ("maxProperties", "maxItems"):
        return f"{at}har for mange dele"
    if kind == "maxLength":
        return f"{at}er for lang"
    if kind == "const":
        return f"{at}skal være {shown(value)}"
    return f"{at}har ikke den rigtige form"


def shown(value: object) -> str:
    """A value from a file on disk, quoted and cut short, with control characters made visible."""
    text = str(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text) + '"'


@dataclass(frozen=True)
class Found:
    """A marker as read from its folder: what it says, which file it is, and its bytes."""

    content: dict
    file: os.stat_result
    raw: bytes


def raw(folder: int) -> tuple[bytes, os.stat_result] | None:
    """The bytes of the marker in the open folder `folder` and which file it is; None if there is none;
    NotABuild if it is not a regular file or larger than 16 MB."""
    if beneath.lstat(folder, MARKER) is None:
        return None
    try:
        fd, found = beneath.open_file(folder, MARKER)
    except (beneath.NotBeneath, FileNotFoundError):
        raise NotABuild("den er ikke en almindelig fil") from None
    try:
        if found.st_size > MAX_MARKER:
            raise NotABuild("den er større end 16 MB")
        data = os.read(fd, MAX_MARKER + 1)
        while len(data) <= MAX_MARKER and (more := os.read(fd, MAX_MARKER + 1 - len(data))):
            data += more
    finally:
        os.close(fd)
    return data, found


def read(folder: int, validator: Draft202012Validator = BUILD) -> Found | None:
    """The marker in the open folder `folder`, checked; None if there is none; NotABuild if it is not a
    regular file or not what the schema says."""
    found = raw(folder)
    return None if found is None else Found(parse(found[0], validator), found[1], found[0])


def encode(manifest: dict) -> bytes:
    """The marker infohus writes, checked by the same reader that will read it."""
    raw = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        parse(raw)
    except NotABuild as exc:
        raise SystemFault(f"infohus kunne ikke skrive en gyldig mærkefil ({exc}), så intet er skiftet ud. "
                          "Meld fejlen til dem, der vedligeholder infohus.") from None
    return raw


def unlisted(folder: int, manifest: dict) -> list[str]:
    """Everything beneath the open folder its marker does not list, or whose content changed since."""
    files, folders = manifest["files"], set(manifest["folders"])
    device = os.fstat(folder).st_dev
    found = []
    for rel, entry, parent in beneath.tree(folder, descend=lambda rel: rel in folders):
        if stat.S_ISDIR(entry.st_mode) and rel in folders and entry.st_dev == device:
            continue
        name = rel.rpartition("/")[2]
        if rel == MARKER or stat.S_ISREG(entry.st_mode) and rel in files and beneath.digest(parent, name) == files[rel]:
            continue
        found.append(rel)
    return found


def listing(folder: int) -> tuple[dict[str, str], list[str]]:
    """Every file (with its SHA-256) and folder infohus wrote beneath the open folder, for its marker."""
    files, folders = {}, []
    for rel, entry, parent in beneath.tree(folder):
        if stat.S_ISDIR(entry.st_mode):
            folders.append(rel)
        elif stat.S_ISREG(entry.st_mode):
            if rel != MARKER:
                files[rel] = beneath.digest(parent, rel.rpartition("/")[2])
        else:
            raise SystemFault(f"Byggeriet efterlod {shown(rel)}, som hverken er en fil eller en mappe, så intet "
                              "er skiftet ud. Meld fejlen til dem, der vedligeholder infohus.")
    return dict(sorted(files.items())), sorted(folders)
