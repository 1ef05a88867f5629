"""infohus renders the handbook's pages itself, so the site generator gets plain Markdown: no macros plugin, no
late hook, and links between pages computed from the page's own name, as MkDocs would write them."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import DEFAULT_DATA, ROOT
from macros.build import other_macros
from macros.handbook import pages, prerender, site
from macros.model.dataset import load_dataset


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    ds, _ = load_dataset(DEFAULT_DATA)
    folder = tmp_path_factory.mktemp("rendered")
    prerender.render_all(ds, folder, site.NO_LOG, other_macros(ds))
    return folder


@pytest.mark.parametrize(("name", "url"), [("index.md", ""), ("kontakter.md", "kontakter/"),
                                           ("om/index.md", "om/"), ("om/side.md", "om/side/")])
def test_a_page_has_the_url_mkdocs_gives_it_with_directory_urls(name, url):
    assert pages.page_url(name) == url


@pytest.mark.parametrize(("url", "current", "expected"), [
    ("kontakter/", "", "kontakter/"), ("kontakter/", "lovgrundlag/", "../kontakter/"), ("", "kontakter/", ".."),
    ("vcard/kontakter/ssp.vcf", "kontakter/", "../vcard/kontakter/ssp.vcf"), ("kontakter/", "om/side/", "../../kontakter/"),
])
def test_a_link_is_relative_to_the_page_it_stands_on(url, current, expected):
    from mkdocs.utils import get_relative_url

    assert pages.relative_url(url, current) == expected == get_relative_url(url, current)


def test_every_page_is_rendered_with_no_template_left_and_its_front_matter_kept(rendered):
    shipped = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert sorted(p.name for p in rendered.glob("*.md")) == shipped
    for path in rendered.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, path.name
        source = (ROOT / "docs" / path.name).read_text(encoding="utf-8")
        front, _, _ = prerender.split_front_matter(source)
        assert text.startswith(front)
    assert yaml.safe_load(prerender.split_front_matter((rendered / "index.md").read_text())[0].strip("-\n"))["hide"]


def test_links_between_pages_follow_the_page_they_stand_on(rendered):
    front = (rendered / "index.md").read_text(encoding="utf-8")
    guide = (rendered / "fra-bekymring-til-handling.md").read_text(encoding="utf-8")
    contacts = (rendered / "kontakter.md").read_text(encoding="utf-8")
    assert re.search(r'href="fra-bekymring-til-handling/#[\w-]+"', front) and 'href="../' not in front
    assert re.search(r'href="\.\./lovgrundlag/#[\w-]+"', guide) and re.search(r'href="\.\./forebyggelsestrekanten/#', guide)
    assert re.search(r'href="\.\./kontakter/#[\w-]+"', guide)
    assert re.search(r'href="\.\./fra-bekymring-til-handling/#[\w-]+"', contacts) and 'href="../vcard/' in contacts


def test_a_link_to_the_page_it_stands_on_is_an_anchor():
    ds, _ = load_dataset(DEFAULT_DATA)
    names = frozenset(p.name for p in (ROOT / "docs").glob("*.md"))
    owner = ds.municipality.governance.owner
    here = prerender.render_page(ds, "kontakter.md", "{{ governance() }}", names=names, log=site.NO_LOG)
    there = prerender.render_page(ds, "om-haandbogen.md", "{{ governance() }}", names=names, log=site.NO_LOG)
    assert f'href="#{owner}"' in here and f'href="../kontakter/#{owner}"' in there


def test_a_page_that_links_to_a_missing_page_is_infohus_fault_not_the_datas(tmp_path):
    from macros.common.faults import SystemFault

    ds, _ = load_dataset(DEFAULT_DATA)
    with pytest.raises(SystemFault, match=r'^Håndbogens side "index\.md" kunne ikke laves \(ValueError: håndbogen '
                                          r'mangler siden docs/fra-bekymring-til-handling\.md'):
        prerender.render_page(ds, "index.md", (ROOT / "docs" / "index.md").read_text(encoding="utf-8"),
                              names=frozenset({"index.md"}), log=site.NO_LOG)


def test_a_rebuild_writes_only_the_pages_whose_text_changed(tmp_path):
    ds, _ = load_dataset(DEFAULT_DATA)
    first = prerender.render_all(ds, tmp_path, site.NO_LOG, other_macros(ds))
    assert len(first) == len(list((ROOT / "docs").glob("*.md")))
    assert prerender.render_all(ds, tmp_path, site.NO_LOG, other_macros(ds)) == []
    (tmp_path / "ordliste.md").write_text("changed", encoding="utf-8")
    assert prerender.render_all(ds, tmp_path, site.NO_LOG, other_macros(ds)) == [tmp_path / "ordliste.md"]


def test_the_site_generator_gets_no_macros_plugin_and_no_page_asks_it_where_it_is():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = yaml.safe_load(config.split("\nplugins:", 1)[1].split("\nmarkdown_extensions:", 1)[0])
    assert [p if isinstance(p, str) else next(iter(p)) for p in plugins] == ["infohus"]
    for path in (ROOT / "macros").rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        for asked in ("env.page", 'variables["files"]', "on_pre_page_macros", "define_env"):
            assert asked not in code, f"{path.relative_to(ROOT)} uses {asked}"
