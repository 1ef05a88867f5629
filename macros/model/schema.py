"""Validate loaded YAML against the shipped JSON Schemas and explain each error in Danish."""
from __future__ import annotations

import difflib
import json
from functools import cache
from collections.abc import Callable
from typing import Any

from fastjsonschema import JsonSchemaException
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from ..common.gate import compiled
from ..common.paths import SCHEMA_DIR
from .loader import Document, format_path
from .problems import Problem
from .record import url_message, valid_url


_TYPE_NAMES = {
    "string": "tekst", "integer": "et helt tal", "number": "et tal", "boolean": "true eller false",
    "array": "en liste (linjer der begynder med \"- \")", "object": "en gruppe af felter (navn: værdi)",
    "null": "tom",
}


@cache
def _registry() -> Registry:
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(SCHEMA_DIR.glob("*.schema.json"))]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator for one data kind, e.g. "contacts", with the shared definitions inlined.

    Resolving `common.schema.json#/$defs/...` on every value dominated the time on large files;
    the shared definitions hold no further references, so inlining them once changes nothing else.
    """
    schema = _inline_common(_registry().contents(f"{kind}.schema.json"))
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def _inline_common(node: Any, in_common: bool = False) -> Any:
    """A copy of `node` with each `$ref` into common.schema.json replaced by its target, merged."""
    if isinstance(node, list):
        return [_inline_common(item, in_common) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline_common(value, in_common) for key, value in node.items()}
    ref = out.get("$ref", "")
    if in_common and ref.startswith("#"):
        ref = "common.schema.json" + ref
    if ref.startswith("common.schema.json#"):
        target = _inline_common(_registry().resolver().lookup(ref).contents, in_common=True)
        del out["$ref"]
        out = {**target, **out}
    return out


GATED_FROM = 100_000  # characters of YAML


def validate(doc: Document, kind: str) -> list[Problem]:
    """Every schema error in `doc`, in Danish, with file and line.

    In a large file, a compiled validator (fastjsonschema) passes valid data in a fraction of jsonschema's time;
    only data it rejects is walked by jsonschema, which finds every error with its path, so the messages are the
    same. Compiling a kind's schema costs about as much as jsonschema takes over GATED_FROM characters of it.
    """
    if len(doc.text) >= GATED_FROM and _passes(kind, doc.data):
        return []
    problems = [_explain(error, doc) for error in validator(kind).iter_errors(doc.data)]
    return sorted(set(problems))


def _passes(kind: str, data: Any) -> bool:
    """Whether the compiled gate accepts `data`: then jsonschema finds no error either (tests/test_schema_gate.py)."""
    try:
        gate(kind)(data)
    except JsonSchemaException:
        return False
    return True


@cache
def gate(kind: str) -> Callable[[Any], Any]:
    """The kind's schema compiled (`common.gate`), never laxer than `validator(kind)`; https-url is an annotation
    there as for jsonschema (`address_problems` checks the addresses)."""
    return compiled(validator(kind).schema, FormatChecker(), annotations=(URL_FORMAT,))


# The format of common.schema.json's $defs/url: every address field of every kind refers to it.
URL_FORMAT = "https-url"


def address_problems(doc: Document, kind: str) -> list[Problem]:
    """Every address (a field of format https-url) that is not a valid https URL (`record.valid_url`).

    The schema's pattern already reports an address that does not begin with https://; the record stays
    usable, so the other rules still run over it, as they do for any rule beyond the schema."""
    found: list[Problem] = []
    root = validator(kind).schema

    def visit(value: Any, node: dict, path: tuple) -> None:
        while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):  # the kind's own $defs
            node = _pointer(root, node["$ref"])
        if isinstance(value, dict):
            extra = node.get("additionalProperties")
            for key, item in value.items():
                visit(item, node.get("properties", {}).get(key, extra if isinstance(extra, dict) else {}), path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, node.get("items", {}), path + (i,))
        elif isinstance(value, str) and node.get("format") == URL_FORMAT and value.startswith("https://") \
                and not valid_url(value):
            found.append(Problem(doc.display, doc.line(path), format_path(path), url_message(value)))

    visit(doc.data, root, ())
    return found


def _pointer(root: dict, ref: str) -> dict:
    """The part of `root` a local reference ("#/$defs/contact") names."""
    node = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def invalid_paths(problems: list[Problem]) -> set[str]:
    """The paths that schema errors were reported at."""
    return {p.path for p in problems}


def _explain(error: ValidationError, doc: Document) -> Problem:
    path = tuple(error.absolute_path)
    kind, value, schema = error.validator, error.instance, error.schema
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        extra = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        key = extra[0] if extra else ""
        where = path + (key,)
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        fix = (f"Mente du \"{guess[0]}\"?" if guess
               else f"Tilladte felter her: {', '.join(allowed)}.")
        return Problem(doc.display, doc.line(where), format_path(where),
                       f"ukendt felt \"{key}\". {fix}")
    if kind == "required":
        missing = next(k for k in schema["required"] if f"'{k}'" in error.message)
        described = _description(schema.get("properties", {}).get(missing, {}))
        fix = f" ({described})" if described else ""
        return Problem(doc.display, doc.line(path), format_path(path),
                       f"feltet \"{missing}\" mangler{fix}. Tilføj linjen \"{missing}: ...\".")
    return Problem(doc.display, doc.line(path), format_path(path) or "filen", _value_message(kind, value, schema))


def _value_message(kind: str, value: Any, schema: dict) -> str:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, (dict, list)) else ""
    if kind == "type":
        expected = schema["type"]
        want = _TYPE_NAMES.get(expected, expected)
        if expected == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{shown} skal være tekst. Sæt anførselstegn om: \"{value}\"."
        if value is None:
            return f"værdien mangler. Skriv {want} efter kolonet."
        return f"skal være {want}, men er {_TYPE_NAMES.get(_json_type(value), 'noget andet')}."
    if kind == "enum":
        options = [str(o) for o in schema["enum"]]
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        tip = f" Mente du \"{guess[0]}\"?" if guess else ""
        return f"{shown} er ikke en af de tilladte værdier: {', '.join(options)}.{tip}"
    if kind == "const":
        return f"{shown or 'værdien'} skal være {json.dumps(schema['const'], ensure_ascii=False)}."
    if kind == "format" and schema.get("format") == "date":
        return f"{shown} er ikke en rigtig dato. Skriv ÅÅÅÅ-MM-DD, fx 2026-11-01."
    if kind == "pattern":
        return f"{shown} har ikke den rigtige form. {_pattern_fix(schema)}"
    if kind == "minItems":
        return "listen må ikke være tom." if schema["minItems"] == 1 else \
            f"listen skal have mindst {schema['minItems']} punkter."
    if kind == "minLength":
        return "teksten må ikke være tom."
    if kind == "uniqueItems":
        return "den samme værdi står flere gange i listen. Slet gentagelsen."
    if kind in ("minimum", "maximum"):
        return f"{shown} skal være mellem {schema.get('minimum')} og {schema.get('maximum')}."
    return f"{shown} er ikke gyldig her ({_description(schema) or kind})."


def _pattern_fix(schema: dict) -> str:
    pattern = schema["pattern"]
    if pattern.startswith("^[a-z0-9æøå][a-z0-9æøå-]"):
        return "Et id må kun have små bogstaver, tal og bindestreg, fx \"ssp-konsulent\"."
    if pattern == "^https://":
        return "Webadressen skal begynde med https://"
    if "[0-9a-fA-F]{6}" in pattern:
        return "Skriv farven som #RRGGBB, fx \"#00596e\"."
    return _description(schema) or "Se beskrivelsen af feltet."


def _description(schema: dict) -> str:
    if "description" in schema:
        return schema["description"]
    if schema.get("$ref", "").startswith("common.schema.json"):
        return _registry().resolver().lookup(schema["$ref"]).contents.get("description", "")
    return ""


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"
