"""The compiled schema gate (fastjsonschema) is never laxer than jsonschema: whatever it passes, jsonschema
finds no error in, so skipping jsonschema for passed data keeps every message and line of the check."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from macros.model import schema
from macros.model.loader import load

FILES = sorted((ROOT / "data" / "hjoerring").glob("*.yml")) + sorted((ROOT / "data" / "national").glob("*.yml"))
DOCS = {path: load(path, str(path))[0].data for path in FILES}
# Values a hurried editor (or a careless script) puts where another belongs.
ODD = [None, "", " ", 0, -1, 1.5, 2.0, True, False, "x", "Ab", "ab-", "2026-02-31", "2026-13-01", "2026-1-1",
       "http://example.org", "https://", "#12345", "#0a0b0c", [], [None], ["a", "a"], [1, True], {}, {"x": 1},
       "ikke-et-id", "mon", "public", "helpline", 10**12]


def spots(value, path=()):
    """Every path into `value` (the root included)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from spots(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from spots(item, path + (i,))


def changed(data, path, how, odd, key):
    """A copy of `data` with the value at `path` replaced, deleted, or given an unknown or a copied field."""
    data = copy.deepcopy(data)
    if not path:
        return odd if how == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = odd
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last][key] = odd
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


def jsonschema_errors(kind: str, data) -> list:
    return list(schema.validator(kind).iter_errors(data))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_shipped_data_passes_the_gate(path):
    assert schema._passes(path.stem, DOCS[path])
    assert not jsonschema_errors(path.stem, DOCS[path])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_gate_never_passes_what_jsonschema_rejects(data):
    path = data.draw(st.sampled_from(FILES))
    kind, original = path.stem, DOCS[path]
    damaged = original
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        spot = data.draw(st.sampled_from(list(spots(damaged))))
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "add", "duplicate"]))
        key = data.draw(st.sampled_from(["id", "visibility", "extra", "from", "topics", "url"]))
        damaged = changed(damaged, spot, how, data.draw(st.sampled_from(ODD)), key)
    before = copy.deepcopy(damaged)
    if schema._passes(kind, damaged):
        assert not jsonschema_errors(kind, damaged), damaged
    assert damaged == before  # the gate fills in no defaults


@pytest.mark.parametrize("value, ok", [("2026-02-28", True), ("2026-02-31", False), ("2026-2-28", False)])
def test_the_gate_checks_dates_as_jsonschema_does(value, ok):
    data = copy.deepcopy(DOCS[ROOT / "data" / "hjoerring" / "contacts.yml"])
    data["contacts"][0]["verified"]["on"] = value
    assert schema._passes("contacts", data) is ok
    assert (not jsonschema_errors("contacts", data)) is ok


def test_a_ref_with_keywords_beside_it_keeps_them():
    """Draft 7 (the gate) ignores keywords beside a `$ref`; 2020-12 (jsonschema) applies them."""
    gate = schema.compiled({"$defs": {"x": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/x",
                                                                                    "minLength": 3}}})
    gate({"a": "abc"})
    with pytest.raises(schema.fastjsonschema.JsonSchemaException):
        gate({"a": "ab"})
