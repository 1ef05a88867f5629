"""A JSON Schema compiled to Python (fastjsonschema): a fast gate in front of jsonschema, never laxer than it.

Valid data passes the compiled function in a fraction of jsonschema's time; only data it rejects is walked by
jsonschema, whose errors (with their paths) are what a user is shown. For that, the gate must never pass what
jsonschema rejects (tests/test_schema_gate.py): the schema is compiled as draft 7 with each 2020-12 difference
that matters here bridged, every format checked by the very checker jsonschema uses, and no default filled in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import fastjsonschema
from jsonschema import FormatChecker

DRAFT_7 = "http://json-schema.org/draft-07/schema#"


def compiled(schema: dict, checker: FormatChecker, annotations: Iterable[str] = ()) -> Callable[[Any], Any]:
    """`schema` (2020-12, local `$ref`s only) as a function that raises `fastjsonschema.JsonSchemaException` for
    data jsonschema would reject with `checker`; the formats in `annotations` are not checked (as by jsonschema,
    which ignores a format its checker does not know).

    Draft 7 ignores the keywords beside a `$ref`, which 2020-12 applies: each such `$ref` becomes an `allOf`.
    """
    formats: dict[str, Callable[[Any], bool]] = {name: (lambda value, name=name: checker.conforms(value, name))
                                                 for name in checker.checkers}
    formats.update({name: (lambda value: True) for name in annotations})
    return fastjsonschema.compile({**_ref_beside(schema), "$schema": DRAFT_7}, formats=formats, use_default=False)


def _ref_beside(node: Any) -> Any:
    """A copy of `node` where every `$ref` with other validation keywords beside it is an `allOf` of both."""
    if isinstance(node, list):
        return [_ref_beside(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: (value if key in ("enum", "const", "default", "required") else _ref_beside(value))
           for key, value in node.items()}
    if "$ref" in out and len(out) > 1:
        rest = {key: value for key, value in out.items() if key != "$ref"}
        out = {"allOf": [{"$ref": out["$ref"]}, rest]}
    return out
