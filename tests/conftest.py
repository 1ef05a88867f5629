"""Shared fixtures: a pinned today, both municipalities built once, a data copy and an in-process check."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from macros.cli import main
from macros.model.problems import NATIONAL_HEADING

ROOT = Path(__file__).resolve().parent.parent
# The cache of rendered artefacts (macros/common/cache.py): one folder of this test run's own, never the user's;
# set before the test modules are imported, so the environments they copy for subprocesses have it too.
CACHE_DIR = Path(tempfile.mkdtemp(prefix="infohus-test-cache-"))
os.environ["INFOHUS_CACHE_DIR"] = str(CACHE_DIR)
os.environ.pop("INFOHUS_NO_CACHE", None)
atexit.register(shutil.rmtree, CACHE_DIR, True)
DEFAULT_DATA = ROOT / "data" / "hjoerring"
TODAY = "2026-12-01"
# Every municipality in data/: the generic quality checks of each output run over all of them.
MUNICIPALITIES = {"hjoerring": DEFAULT_DATA, "halsnaes": ROOT / "data" / "halsnaes"}


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
        if line in ("Fejl:", "Advarsler:") or line == NATIONAL_HEADING:
            # The warnings about the national data are warnings too, under a heading of their own.
            inside = line == heading or (line == NATIONAL_HEADING and heading == "Advarsler:")
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
def built_sites(tmp_path_factory) -> dict[str, Path]:
    """Every municipality built once per session with `infohus build`: name -> OUT (intranet/, public/)."""
    import os

    sites = {}
    previous = os.environ.get("INFOHUS_TODAY")
    os.environ["INFOHUS_TODAY"] = TODAY
    try:
        for name, folder in MUNICIPALITIES.items():
            out = tmp_path_factory.mktemp("built") / name
            assert main(["build", "--data", str(folder), "--out", str(out)]) == 0, f"infohus build failed on {name}"
            sites[name] = out
    finally:
        if previous is None:
            os.environ.pop("INFOHUS_TODAY", None)
        else:
            os.environ["INFOHUS_TODAY"] = previous
    return sites


@pytest.fixture(scope="session")
def built_site(built_sites) -> Path:
    """The default data (Hjørring) built: for tests of facts only its data has."""
    return built_sites["hjoerring"]


@pytest.fixture
def earlier_build(built_site, tmp_path) -> Path:
    """A copy of a finished build in a fresh folder: its marker lists exactly its files, so it may be replaced."""
    out = tmp_path / "place" / "site"
    shutil.copytree(built_site, out, symlinks=True)
    return out


@pytest.fixture(scope="module", params=list(MUNICIPALITIES))
def municipality(request) -> str:
    """Each municipality in turn, for the generic checks of an output (module-scoped: one server each)."""
    return request.param


def embed_document(public: Path, folder: Path) -> Path:
    """The citizen embed fragment inside a minimal page, as a CMS would place it."""
    fragment = (public / "embed.html").read_text(encoding="utf-8")
    page = folder / "embed-page.html"
    page.write_text('<!doctype html>\n<html lang="da"><head><meta charset="utf-8"><title>Kommunens side</title>'
                    f'</head><body><main><h1>Kommunens side</h1>\n{fragment}</main></body></html>\n',
                    encoding="utf-8")
    return page


@pytest.fixture(scope="session")
def nu_errors(built_sites, tmp_path_factory) -> dict[Path, list[str]]:
    """The Nu HTML checker over every page of every built site in one run: HTML file -> its errors.

    One Java start for all: the handbook's pages, the citizen pages, the beredskab's web edition and the
    embed inside a host page.
    """
    from support import web

    files = []
    for name, out in built_sites.items():
        files += sorted((out / "intranet").rglob("*.html"))
        files += [out / "public" / "index.html", out / "public" / "en" / "index.html",
                  out / "public" / "beredskab" / "index.html",
                  embed_document(out / "public", tmp_path_factory.mktemp(f"embed-{name}"))]
    found: dict[Path, list[str]] = {path: [] for path in files}
    by_name = {str(path): path for path in files}
    for error in web.vnu_errors(files):
        path = next((p for name, p in by_name.items() if error.startswith(name + ":")), None)
        assert path is not None, f"the Nu checker reported an error in no checked file: {error}"
        found[path].append(error)
    return found
