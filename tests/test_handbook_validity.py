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
from support import web


@pytest.fixture(scope="module")
def site(built_sites, municipality) -> Path:
    return built_sites[municipality] / "intranet"


def test_every_page_passes_the_nu_html_checker(site, nu_errors):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 13
    errors = [e for page in pages for e in nu_errors[page]]
    assert not errors, "\n".join(errors)


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
