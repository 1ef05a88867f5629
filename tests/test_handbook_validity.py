"""The handbook is valid HTML and has no broken link or anchor, and its strict build rejects one."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import DEFAULT_DATA, ROOT
from macros.build import build_handbook
from support import web


HALSNAES = ROOT / "data" / "halsnaes"


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site / "intranet"


@pytest.fixture(scope="module")
def second_site(tmp_path_factory) -> Path:
    """The handbook of the second municipality (all three topics, its own colours and logo)."""
    site = tmp_path_factory.mktemp("halsnaes") / "intranet"
    build_handbook(HALSNAES, site, False)
    return site


def test_every_page_of_both_municipalities_passes_the_nu_html_checker(site, second_site):
    pages = sorted(site.rglob("*.html"))
    others = sorted(second_site.rglob("*.html"))
    assert len(pages) >= 13 and len(others) == len(pages)
    assert web.vnu_errors(pages + others) == []


def test_no_link_or_anchor_is_broken(site):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "infohus").symlink_to(site)  # served at the path of site_url, as on the intranet
        with web.serve(tmp) as root:
            assert web.linkcheck(root + "infohus/") == []


def test_the_link_check_sees_a_broken_anchor(tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><a href="#findes-ikke">x</a></body></html>', encoding="utf-8")
    with web.serve(tmp_path) as root:
        problems = web.linkcheck(root)
    assert len(problems) == 1 and "findes-ikke" in problems[0]


def test_the_strict_build_rejects_a_broken_anchor_in_a_page(tmp_path, monkeypatch, caplog):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    with (docs / "kontakter.md").open("a", encoding="utf-8") as page:
        page.write("\nSe [forsiden](index.md#findes-ikke).\n")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("INFOHUS_DATA", str(DEFAULT_DATA))
    monkeypatch.setenv("INFOHUS_STRICT", "0")
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort):
        build(config)
    assert "does not contain an anchor '#findes-ikke'" in caplog.text
