"""Fixture pairs: each invalid file under tests/fixtures/<kind>/invalid/ produces exactly its .expected lines.

A fixture replaces `<kind>.yml` in a copy of the default data, so cross-file rules run as in real use;
only the problems reported for the fixture's own file are compared, and they must match exactly.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import error_lines
from macros.common.paths import NATIONAL_DIR
from macros.model.dataset import NATIONAL_ONLY

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted(FIXTURES.glob("*/valid/*.yml"))
INVALID = sorted(FIXTURES.glob("*/invalid/*.yml"))


def place(fixture: Path, data_copy: Path) -> Path:
    """Put the fixture in the data copy as the file of its kind (a national-only kind in a national copy beside it)."""
    kind = fixture.parent.parent.name
    folder = data_copy
    if kind in NATIONAL_ONLY:
        folder = data_copy.parent / "national"
        shutil.copytree(NATIONAL_DIR, folder, dirs_exist_ok=True)
    target = folder / f"{kind}.yml"
    shutil.copyfile(fixture, target)
    return target


def lines_for(output: str, target: Path) -> list[str]:
    return sorted(line for line in error_lines(output) if line.startswith(f"{target}:"))


def test_there_are_fixtures_for_every_kind():
    schemas = {p.name.removesuffix(".schema.json") for p in (FIXTURES.parent.parent / "data" / "schema").glob("*.json")}
    kinds = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert kinds == schemas - {"common"}
    for kind in kinds:
        assert list((FIXTURES / kind / "valid").glob("*.yml")), f"no valid fixture for {kind}"
        assert list((FIXTURES / kind / "invalid").glob("*.yml")), f"no invalid fixture for {kind}"


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_fixture_has_no_errors_in_its_file(fixture, data_copy, check):
    target = place(fixture, data_copy)
    _, out = check(data_copy)
    assert lines_for(out, target) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_invalid_fixture_gives_exactly_its_message(fixture, data_copy, check):
    target = place(fixture, data_copy)
    expected = sorted(line.replace("{file}", str(target))
                      for line in fixture.with_suffix(".expected").read_text(encoding="utf-8").splitlines() if line)
    code, out = check(data_copy)
    assert code == 1
    assert lines_for(out, target) == expected
