"""A record's form, made from its JSON Schema: one labelled field per value, and the posted form read back.

Labels are the schema's Danish `title`s and hints its `description`s. A text is a text field, a date a date
field, an enum a select, a list of enum values a group of checkboxes, a list of texts or of groups a
repeatable group (the items there and one empty one to add; an emptied item is removed), true/false a
checkbox, and an id of another record (an organisation, a source) a select of the ids that exist. Field names
are the value's path with dots ("phones.0.number"), the same path the check's problems name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model.contacts import DAY_NAMES
from ..model.schema import validator

# Fields whose value names a record of another kind: (path without list positions) -> the kind.
REFERENCES = {("organisation",): "organisations", ("source", "doc"): "sources"}
READ_ONLY = {("id",)}           # the id stays: other files point at it
LONG = {"function", "internal_note", "unconfirmed"}
_OPTION = re.compile(r"(\w+) \(([^()]*(?:\([^()]*\)[^()]*)*)\)")


@dataclass
class Field:
    """One field of the form, or a group of them."""

    name: str                    # "phones.0.number"; "" for the record itself
    title: str
    hint: str
    kind: str                    # text, textarea, date, select, checkbox, checkboxes, group, list, readonly
    value: Any = None
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list["Field"] = field(default_factory=list)
    error: str = ""
    removable: bool = False      # an item of a list of groups: has a "Slet" checkbox
    blank: bool = False          # the empty item added at the end of a list

    @property
    def id(self) -> str:
        return "felt-" + self.name.replace(".", "-")

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def schema_of(kind: str) -> dict:
    """The schema of one record of `kind` (a list kind): the items of its list, local `$ref` followed."""
    root = validator(kind).schema
    items = root["properties"][kind]["items"]
    return resolve(root, items)


def resolve(root: dict, node: dict) -> dict:
    """`node` with its local `$ref` ("#/$defs/contact") followed; its own keys win."""
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def options_of(node: dict) -> list[tuple[str, str]]:
    """An enum's values with their Danish words, read from the description ("public: ...", "honour (æres...)")."""
    text = node.get("description", "")
    words = dict(_OPTION.findall(text))
    for value in node.get("enum", []):
        said = re.search(rf"\b{re.escape(str(value))}: ([^.]+)", text)
        if said and value not in words:
            words[value] = said.group(1).split(",")[0]
    return [(str(v), DAY_NAMES.get(v) or (f"{v} – {words[v]}" if v in words else str(v))) for v in node["enum"]]


def build(kind: str, record: dict, ids: dict[str, list[tuple[str, str]]]) -> Field:
    """The form of `record` (plain data); `ids`: kind -> the valid ids for a reference field, with their words."""
    root = validator(kind).schema
    return _group("", "", "", schema_of(kind), record, root, (), ids, True)


def _group(name, title, hint, node, value, root, path, ids, required) -> Field:
    props = node.get("properties", {})
    need = set(node.get("required", []))
    value = value if isinstance(value, dict) else {}
    children = [_field(_join(name, key), resolve(root, sub), value.get(key), root, path + (key,), ids, key in need)
                for key, sub in props.items()]
    return Field(name, title, hint, "group", required=required, children=children)


def _join(name: str, key: Any) -> str:
    return f"{name}.{key}" if name else str(key)


def _field(name, node, value, root, path, ids, required) -> Field:
    title = node.get("title", path[-1])
    hint = node.get("description", "")
    bare = tuple(p for p in path if not isinstance(p, int))
    if bare in READ_ONLY:
        return Field(name, title, hint, "readonly", value, required)
    if bare in REFERENCES:
        valid = ids.get(REFERENCES[bare], [])
        known = {i for i, _ in valid}
        choices = valid + ([(value, f"{value} (findes ikke)")] if value and value not in known else [])
        return Field(name, title, hint, "select", value, required, options=choices)
    kind = node.get("type")
    if "enum" in node:
        return Field(name, title, hint, "select", value, required, options=options_of(node))
    if kind == "boolean":
        return Field(name, title, hint, "checkbox", bool(value), required)
    if kind == "object":
        return _group(name, title, hint, node, value, root, path, ids, required)
    if kind == "array":
        items = resolve(root, node.get("items", {}))
        if "enum" in items:
            words = {**items, "description": f"{items.get('description', '')} {hint}"}
            return Field(name, title, hint, "checkboxes", list(value or []), required, options=options_of(words))
        values = list(value) if isinstance(value, list) else []
        children = [_item(_join(name, i), items, v, root, path + (i,), ids, False) for i, v in enumerate(values)]
        children.append(_item(_join(name, len(values)), items, None, root, path + (len(values),), ids, True))
        return Field(name, title, hint, "list", required=required, children=children)
    if node.get("format") == "date":
        return Field(name, title, hint, "date", value, required)
    return Field(name, title, hint, "textarea" if path[-1] in LONG else "text", value, required)


def _item(name, node, value, root, path, ids, blank) -> Field:
    number = path[-1] + 1
    if node.get("type") == "object":
        item = _group(name, f"Nr. {number}" if not blank else "Ny", "", node, value, root, path, ids, False)
        item.removable, item.blank = not blank, blank
        return item
    item = _field(name, node, value, root, path, ids, False)
    item.title, item.hint, item.blank = (f"Nr. {number}" if not blank else "Ny"), "", blank
    if item.kind == "text" and path[-2] not in ("mentions",):
        item.kind = "textarea"
    return item


# --- the posted form read back ----------------------------------------------------------------------------

def read(form: Field, posted: dict[str, list[str]], old: dict) -> dict:
    """The record the posted form describes, as plain data, in the schema's order. An empty text, an unticked
    checkbox that was not ticked in the file, an emptied list item and an empty list are left out."""
    return _read_group(form, posted, old if isinstance(old, dict) else {})


def _key(child: Field) -> str:
    return child.name.rsplit(".", 1)[-1]


def _read_group(group: Field, posted, old: dict) -> dict:
    out = {}
    for child in group.children:
        key = _key(child)
        value = _read(child, posted, old.get(key))
        if value is not None:
            out[key] = value
    return out


def _text(posted, name: str) -> str:
    values = posted.get(name, [])
    return " ".join(values[0].split()) if values else ""


def _read(child: Field, posted, old: Any) -> Any:
    if child.kind == "readonly":
        return old
    if child.kind == "checkbox":
        ticked = bool(posted.get(child.name))
        if ticked:
            return True
        return False if old is False else None  # "false" written stays; otherwise an unticked box is no line
    if child.kind == "checkboxes":
        chosen = set(posted.get(child.name, []))
        kept = [v for v in (old or []) if v in chosen]
        kept += [v for v, _ in child.options if v in chosen and v not in kept]
        return kept or None
    if child.kind == "group":
        value = _read_group(child, posted, old if isinstance(old, dict) else {})
        return value or None
    if child.kind == "list":
        olds = old if isinstance(old, list) else []
        items = []
        for i, item in enumerate(child.children):
            if item.removable and posted.get(f"{item.name}._slet"):
                continue
            value = _read(item, posted, olds[i] if i < len(olds) and not item.blank else None)
            if value not in (None, {}, ""):
                items.append(value)
        return items or None
    text = _text(posted, child.name)
    return text or None


# --- the check's problems beside their fields ------------------------------------------------------------

def place(form: Field, problems, prefix: str) -> list:
    """Put each problem whose path lies in the record at `prefix` ("contacts[3]") beside its field (or the
    nearest group that has one); the others are returned, for the summary above the form."""
    by_name = {f.name: f for f in form.walk()}
    rest = []
    for problem in problems:
        path = problem.path
        if not (path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")):
            rest.append(problem)
            continue
        name = re.sub(r"\[(\d+)\]", r".\1", path[len(prefix):]).lstrip(".")
        while name and name not in by_name:
            name = name.rpartition(".")[0]
        target = by_name.get(name)
        if not name or target is None:
            rest.append(problem)
            continue
        target.error = f"{target.error} {problem.message}".strip()
    return rest
