"""A municipality's own handbook pages (DATA/docs/*.md) and partials (DATA/overrides/partials/*.html).

They are read from inside the municipality's folder only (no link out), checked by `infohus check` with
file and line, and rendered through the same macros and escaping as infohus' own pages, in Jinja's sandbox.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from conftest import error_lines
from macros.build import build_handbook
from macros.model.dataset import load_dataset

EKSTRA = """# Vores egne aftaler

Teamets navn fra data: {{ data.municipality.team }}.

{{ emergency_box() }}

{{ contacts() }}
"""


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name / "index.html").read_text(encoding="utf-8"), "html.parser")


def build(folder: Path, site: Path) -> None:
    ds, problems = load_dataset(folder)
    assert ds is not None and not [p for p in problems if p.severity == "error"], problems
    build_handbook(ds, site)


def test_an_own_page_is_added_to_the_handbook_with_the_same_macros_and_its_values_escaped(data_copy, tmp_path):
    municipality = data_copy / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    team = next(line for line in text.splitlines() if line.startswith("  team: ")).split(": ", 1)[1]
    municipality.write_text(text.replace(f"  team: {team}", '  team: "Infohus <b>Hjørring</b> [her](javascript:x)"', 1),
                            encoding="utf-8")
    (data_copy / "docs").mkdir()
    (data_copy / "docs" / "ekstra.md").write_text(EKSTRA, encoding="utf-8")
    site = tmp_path / "site"
    build(data_copy, site)

    ekstra = page(site, "ekstra")
    main = ekstra.select_one("article")
    assert main.h1.get_text(strip=True).startswith("Vores egne aftaler")
    assert "Teamets navn fra data: Infohus <b>Hjørring</b> [her](javascript:x)." in main.get_text(), "text, escaped"
    assert main.find("b", string="Hjørring") is None and not main.select('a[href^="javascript"]')
    assert main.select(".ih-contact"), "a macro's HTML stands as the macro made it"
    assert "112" in main.get_text()
    nav = [a.get_text(strip=True) for a in page(site, "kontakter").select("nav.md-nav--primary a.md-nav__link")]
    assert "Vores egne aftaler" in nav, nav


def test_an_own_page_of_the_same_name_replaces_infohus_page_and_an_own_partial_replaces_the_shipped_one(
        data_copy, tmp_path):
    (data_copy / "docs").mkdir()
    (data_copy / "docs" / "kontakter.md").write_text("# Kontakter i Hjørring\n\n{{ contacts() }}\n", encoding="utf-8")
    (data_copy / "overrides" / "partials").mkdir(parents=True)
    (data_copy / "overrides" / "partials" / "emergency.html").write_text(
        '<div class="ih-own-emergency">Ring {{ contact.phones[0].number }} ved akut fare. {{ "<i>" }}</div>\n',
        encoding="utf-8")
    site = tmp_path / "site"
    build(data_copy, site)
    assert page(site, "kontakter").h1.get_text(strip=True).startswith("Kontakter i Hjørring")
    front = (site / "index.html").read_text(encoding="utf-8")
    assert '<div class="ih-own-emergency">Ring 112 ved akut fare. &lt;i&gt;</div>' in front
    assert 'class="ih-emergency' not in front, "the shipped partial is replaced"


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ data.data_dir.write_text('x') }}",
    "{{ data.national_dir }}",
    "{% for c in data.contacts.values() %}{{ c.origin.doc.path.read_text() }}{% endfor %}",
])
def test_an_own_page_cannot_reach_out_of_the_sandbox(data_copy, tmp_path, source, caplog):
    (data_copy / "docs").mkdir()
    (data_copy / "docs" / "ekstra.md").write_text(f"# Ekstra\n\n{source}\n", encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    with pytest.raises(PluginError, match=r"^Kommunens egen side docs/ekstra\.md kan ikke bygges: .*(is unsafe|"
                                          r"undefined)"):
        build_handbook(ds, tmp_path / "site")
    assert not (data_copy / "x").exists() and not (tmp_path / "site" / "ekstra").exists()


@pytest.mark.parametrize(("source", "why"), [
    ("{{ h.ds.data_dir }}", "access to attribute 'data_dir' of 'DataSet' object is unsafe"),  # a path writes files
    ("{{ h.log.report.__globals__ }}", "access to attribute '__globals__' of 'function' object is unsafe"),
])
def test_an_own_partial_cannot_reach_out_of_the_sandbox(data_copy, tmp_path, source, why):
    (data_copy / "overrides" / "partials").mkdir(parents=True)
    (data_copy / "overrides" / "partials" / "emergency.html").write_text(source, encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    with pytest.raises(PluginError, match=r"^siden index\.md: en af kommunens egne partials \(overrides/partials/\) "
                                          rf"kan ikke bygges: {re.escape(why)}\. En partial må bruge"):
        build_handbook(ds, tmp_path / "site")


def test_the_check_names_every_file_it_will_not_use_with_the_fix(data_copy, tmp_path, check):
    docs = data_copy / "docs"
    docs.mkdir()
    outside = tmp_path / "hemmelig.md"
    outside.write_text("# Hemmelig\n", encoding="utf-8")
    (docs / "link.md").symlink_to(outside)
    (docs / "Stort Navn.md").write_text("# x\n", encoding="utf-8")
    (docs / "fejl.md").write_text("# Fejl\n\nlinje to\n{{ contacts( }}\n", encoding="utf-8")
    (docs / "billeder").mkdir()
    partials = data_copy / "overrides" / "partials"
    partials.mkdir(parents=True)
    (partials / "emergancy.html").write_text("<p>x</p>\n", encoding="utf-8")
    (data_copy / "overrides" / "main.html").write_text("{% extends 'base.html' %}\n", encoding="utf-8")
    code, out = check(data_copy)
    assert code == 1
    errors = [line.replace(str(data_copy), "DATA") for line in error_lines(out)]
    assert "DATA/docs/link.md:1: filen er en genvej (et symbolsk link). infohus læser kun filer, der ligger i " \
           "kommunens egen mappe: kopiér selve filen hertil." in errors
    assert any(e.startswith("DATA/docs/Stort Navn.md:1: filen bruges ikke: her må kun ligge sider (.md) med små "
                            "bogstaver") for e in errors), errors
    assert any(e.startswith("DATA/docs/fejl.md:4: {{ }} eller {% %} står forkert (") for e in errors), errors
    assert "DATA/docs/billeder:1: her må kun ligge sider (.md), ikke mapper eller andet. Flyt den væk." in errors
    assert any(e.startswith('DATA/overrides/partials/emergancy.html:1: infohus har ingen partial ved navn '
                            '"emergancy.html", så filen bruges ikke. Mente du "emergency.html"?') for e in errors)
    assert "DATA/overrides/main.html:1: bruges ikke: i overrides/ læser infohus kun mappen partials/ (fx " \
           "overrides/partials/emergency.html)." in errors
    assert "Hemmelig" not in out


def test_a_docs_folder_that_is_a_link_out_of_the_municipality_folder_is_refused(data_copy, tmp_path, check):
    elsewhere = tmp_path / "andre-sider"
    elsewhere.mkdir()
    (elsewhere / "ekstra.md").write_text("# Andetsteds\n", encoding="utf-8")
    os.symlink(elsewhere, data_copy / "docs")
    code, out = check(data_copy)
    assert code == 1
    assert f'{data_copy}/docs:1: "docs" er en genvej (et symbolsk link) og ikke en mappe.' in out.replace("\n", " ")
    ds, _ = load_dataset(data_copy)
    assert ds.own.pages == {}
