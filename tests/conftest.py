"""Shared fixtures: a pinned today, a writable copy of the default data, and an in-process check."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from macros.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "hjoerring"
TODAY = "2026-11-21"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Every test sees the same today, so freshness rules do not drift with the calendar."""
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the default municipality folder (national data stays shared)."""
    folder = tmp_path / "kommune"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


@pytest.fixture
def check(capsys):
    """Run `infohus check` in-process; returns (exit code, all output)."""
    def run(folder: Path, *args: str) -> tuple[int, str]:
        code = main(["check", "--data", str(folder), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err
    return run


def section_lines(output: str, heading: str) -> list[str]:
    """The problem lines under `heading` ("Fejl:" or "Advarsler:"), up to the blank line after them."""
    lines, inside = [], False
    for line in output.splitlines():
        if line in ("Fejl:", "Advarsler:"):
            inside = line == heading
        elif not line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def error_lines(output: str) -> list[str]:
    """The lines under the "Fejl:" heading."""
    return section_lines(output, "Fejl:")


def warning_lines(output: str) -> list[str]:
    """The lines under the "Advarsler:" heading."""
    return section_lines(output, "Advarsler:")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The default data built once per test session with `infohus build`: OUT/intranet, OUT/public."""
    import os

    out = tmp_path_factory.mktemp("built") / "site"
    previous = os.environ.get("INFOHUS_TODAY")
    os.environ["INFOHUS_TODAY"] = TODAY
    try:
        code = main(["build", "--data", str(DEFAULT_DATA), "--out", str(out)])
    finally:
        if previous is None:
            os.environ.pop("INFOHUS_TODAY", None)
        else:
            os.environ["INFOHUS_TODAY"] = previous
    assert code == 0, "infohus build failed on the default data"
    return out
