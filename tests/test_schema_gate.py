"""The compiled schema gates (fastjsonschema) are never laxer than jsonschema: whatever one passes, jsonschema
finds no error in, so skipping jsonschema for passed data keeps every message and line of the check, and the
build's marker is read as strictly as before."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastjsonschema import JsonSchemaException
from jsonschema import FormatChecker

from conftest import ROOT
from macros.common.gate import compiled
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
    gate = compiled({"$defs": {"x": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/x", "minLength": 3}}},
                    FormatChecker())
    gate({"a": "abc"})
    with pytest.raises(JsonSchemaException):
        gate({"a": "ab"})


ODD_MARKER = [None, "", "x", "../x", "/abs", "a//b", "a/./b", "é", "\x01", 0, -1, True, [], {}, ["a", "a"], "0" * 64,
              "g" * 64, "2026-13-01", "2026-12-01", "9" * 101, {"title": "t", "facts": {}}]


@pytest.fixture(scope="module")
def built_marker(built_site):
    import json

    from macros.marker import MARKER
    return json.loads((built_site / MARKER).read_text(encoding="utf-8"))


def test_the_marker_of_a_build_passes_its_gate(built_marker):
    from macros import marker
    assert marker.passes(marker.BUILD, built_marker) and not list(marker.BUILD.iter_errors(built_marker))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_marker_gate_never_passes_what_jsonschema_rejects(data, built_marker):
    from macros import marker
    seal = {"infohus": "0.2.0", "state": "staging", "target": "site", "nonce": "a" * 32, "seal": "b" * 64}
    validator, damaged = data.draw(st.sampled_from([(marker.BUILD, built_marker), (marker.SEAL, seal)]))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        every = list(spots(damaged))  # a build lists hundreds of files: half the time, damage its outline
        spot = data.draw(st.sampled_from([s for s in every if len(s) <= 2] if data.draw(st.booleans()) else every))
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "add", "duplicate"]))
        key = data.draw(st.sampled_from(["infohus", "files", "x", "../y", "date", "title"]))
        damaged = changed(damaged, spot, how, data.draw(st.sampled_from(ODD_MARKER)), key)
    if marker.passes(validator, damaged):
        assert not list(validator.iter_errors(damaged)), damaged


@pytest.mark.parametrize("where", ["file", "folder"])
def test_the_marker_gate_checks_paths_as_jsonschema_does(built_marker, where):
    import copy

    from macros import marker
    damaged = copy.deepcopy(built_marker)
    if where == "file":
        damaged["files"]["../utenfor.html"] = "0" * 64
    else:
        damaged["folders"].append("intranet/../..")
    assert list(marker.BUILD.iter_errors(damaged)) and not marker.passes(marker.BUILD, damaged)
