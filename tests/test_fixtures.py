"""Fixture pairs: each invalid file under tests/fixtures/<kind>/invalid/ produces exactly its .expected lines,
and each file under tests/fixtures/<kind>/warning/ exactly its .expected warnings (and no error).

A fixture replaces `<kind>.yml` in a copy of the default data, so cross-file rules run as in real use;
only the problems reported for the fixture's own file are compared, and they must match exactly. A
fixture's `$schema` line is rewritten to lead to the shipped schema from its new place, as `infohus new`
writes it, unless the fixture is about a wrong `$schema` line. In .expected files `{file}` stands for the
fixture's place and `{schema}` for the relative way from there to data/schema.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import error_lines, warning_lines
from macros.common.paths import NATIONAL_DIR, SCHEMA_DIR
from macros.model.dataset import NATIONAL_ONLY

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted(FIXTURES.glob("*/valid/*.yml"))
INVALID = sorted(FIXTURES.glob("*/invalid/*.yml"))
WARNING = sorted(FIXTURES.glob("*/warning/*.yml"))
# The $schema line of a fixture as it sits in the repository: it leads to data/schema from tests/fixtures/<kind>/<x>/.
IN_REPO = re.compile(r"^(# yaml-language-server: \$schema=)\.\./\.\./\.\./\.\./data/schema/", re.M)


def place(fixture: Path, data_copy: Path) -> Path:
    """Put the fixture in the data copy as the file of its kind (a national-only kind in a national copy beside it)."""
    kind = fixture.parent.parent.name
    folder = data_copy
    if kind in NATIONAL_ONLY:
        folder = data_copy.parent / "national"
        shutil.copytree(NATIONAL_DIR, folder, dirs_exist_ok=True)
    target = folder / f"{kind}.yml"
    text = fixture.read_text(encoding="utf-8")
    target.write_text(IN_REPO.sub(lambda m: m[1] + schema_dir(target) + "/", text, count=1), encoding="utf-8")
    return target


def schema_dir(target: Path) -> str:
    """data/schema as a relative path from the folder of `target`."""
    return Path(os.path.relpath(SCHEMA_DIR, target.parent.resolve())).as_posix()


def expected(fixture: Path, target: Path) -> list[str]:
    text = fixture.with_suffix(".expected").read_text(encoding="utf-8")
    return sorted(line.replace("{file}", str(target)).replace("{schema}", schema_dir(target))
                  for line in text.splitlines() if line)


def lines_for(output: str, target: Path) -> list[str]:
    return sorted(line for line in error_lines(output) if line.startswith(f"{target}:"))


def test_there_are_fixtures_for_every_kind():
    schemas = {p.name.removesuffix(".schema.json") for p in (FIXTURES.parent.parent / "data" / "schema").glob("*.json")}
    # hsds/ holds the vendored HSDS 3.0 schemas the directory's export is checked against, not a data kind.
    kinds = {p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "hsds"}
    assert kinds == schemas - {"common"}
    for kind in kinds:
        assert list((FIXTURES / kind / "valid").glob("*.yml")), f"no valid fixture for {kind}"
        assert list((FIXTURES / kind / "invalid").glob("*.yml")), f"no invalid fixture for {kind}"
    assert len(WARNING) >= 5, "the warnings have fixtures too"


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_fixture_has_no_errors_in_its_file(fixture, data_copy, check):
    target = place(fixture, data_copy)
    _, out = check(data_copy)
    assert lines_for(out, target) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_invalid_fixture_gives_exactly_its_message(fixture, data_copy, check):
    target = place(fixture, data_copy)
    code, out = check(data_copy)
    assert code == 1
    assert lines_for(out, target) == expected(fixture, target)


@pytest.mark.parametrize("fixture", WARNING, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_warning_fixture_gives_exactly_its_warnings(fixture, data_copy, check):
    target = place(fixture, data_copy)
    code, out = check(data_copy)
    assert code == 0 and lines_for(out, target) == []
    assert sorted(line for line in warning_lines(out) if line.startswith(f"{target}:")) == expected(fixture, target)
