"""The data's fields as the JSON Schemas declare them: tests that plant values in every field of a kind walk the
data with the schema beside it, so a field added to a schema is planted without anyone listing it."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "data" / "schema"


@cache
def _schema_text(name: str) -> str:
    return (SCHEMA_DIR / name).read_text(encoding="utf-8")


def schema(name: str) -> dict:
    """A schema file of data/schema, e.g. "contacts.schema.json" (a fresh copy each time)."""
    return json.loads(_schema_text(name))


def resolve(node: dict, root: dict) -> tuple[dict, dict, str | None]:
    """Follow $ref; returns (schema, its root, the name of the last $defs entry passed)."""
    name = None
    while "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        if file:
            root = schema(file)
        name = pointer.rsplit("/", 1)[-1]
        node = root
        for part in pointer.strip("/").split("/"):
            node = node[part]
    return node, root, name


def walk(value, node: dict, root: dict, path: tuple, visit):
    """Rebuild `value`, calling visit(string, def name, path) on every string leaf and keeping what it returns.

    The def name is the common.schema.json entry the leaf's schema refers to ("text", "url", "id", "date",
    "email", ...), or None for a field with an inline schema (a time, a phone number, a colour)."""
    node, root, name = resolve(node, root)
    if isinstance(value, dict):
        props = node.get("properties", {})
        return {k: walk(v, props.get(k, {}), root, path + (k,), visit) for k, v in value.items()}
    if isinstance(value, list):
        return [walk(v, node.get("items", {}), root, path + (i,), visit) for i, v in enumerate(value)]
    if isinstance(value, str):
        return visit(value, name, path)
    return value


def leaves(node: dict, root: dict, path: tuple = ()) -> dict[tuple, str | None]:
    """Every string field a schema declares, whether or not the data has it: path (list items as "[]") -> def name."""
    node, root, name = resolve(node, root)
    found: dict[tuple, str | None] = {}
    if "properties" in node:
        for key, sub in node["properties"].items():
            found |= leaves(sub, root, path + (key,))
    elif node.get("type") == "array" or "items" in node:
        found |= leaves(node.get("items", {}), root, path + ("[]",))
    elif node.get("type") == "string":
        found[path] = name
    return found
