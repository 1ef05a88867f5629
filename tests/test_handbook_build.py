"""Building the handbook: reproducible, one change in the data shows everywhere, data is never markup."""
from __future__ import annotations

import filecmp
import re
import shutil
from datetime import date
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import DEFAULT_DATA, MUNICIPALITIES, ROOT, TODAY
from macros.handbook import vcard
from macros.model import flowchart
from macros.build import build_handbook
from macros.model.dataset import load_dataset
from macros.handbook.theme import TOGGLES, _BaseWithoutCheckboxAutocomplete


def _handbook(folder: Path, site: Path) -> None:
    """Build the handbook from `folder` as `infohus build` does: validated once, handed to MkDocs in-process."""
    ds, _ = load_dataset(folder)
    build_handbook(ds, site)


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_two_builds_of_the_same_data_are_identical_byte_for_byte(tmp_path, monkeypatch):
    _handbook(DEFAULT_DATA, tmp_path / "first")
    # A different clock must not leak into the output: mkdocs dates pages from SOURCE_DATE_EPOCH.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    _handbook(DEFAULT_DATA, tmp_path / "second")
    first, second = _tree(tmp_path / "first"), _tree(tmp_path / "second")
    assert first == second
    assert "sitemap.xml.gz" in first and "vcard/hele-teamet.vcf" in first
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "first", tmp_path / "second", first, shallow=False)
    assert mismatch == [] and errors == []


# -- one build of changed data -----------------------------------------------------------------------

NEW_NUMBER = "98 76 54 32"
HOSTILE = '<script>alert("x")</script> & <b>fed</b>'


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """The default data with a new phone number, hostile text, a stale contact and every topic covered."""
    folder = tmp_path_factory.mktemp("changed") / "kommune"
    shutil.copytree(DEFAULT_DATA, folder)
    contacts = (folder / "contacts.yml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: )", contacts)
    edit = {
        "ssp-konsulent": lambda b: b.replace('number: "72 33 33 33"', f'number: "{NEW_NUMBER}"'),
        "infohus-saeh": lambda b: b.replace("    phones:", f"      - '{HOSTILE}'\n    phones:"),
        "infohus-au": lambda b: b.replace("on: 2026-11-01", "on: 2025-01-02"),
    }
    blocks = [edit[m.group(1)](b) if (m := re.match(r"  - id: (\S+)", b)) and m.group(1) in edit else b
              for b in blocks]
    (folder / "contacts.yml").write_text("".join(blocks), encoding="utf-8")
    municipality = (folder / "municipality.yml").read_text(encoding="utf-8")
    (folder / "municipality.yml").write_text(
        municipality.replace("topics: [extremism]", "topics: [extremism, social_control, honour]"),
        encoding="utf-8")
    site = folder.parent / "site"
    _handbook(folder, site)
    return site


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_a_changed_phone_number_shows_on_every_page_and_card(changed):
    tel = "tel:+4598765432"
    assert _page(changed, "kontakter/").find(id="ssp-konsulent").find_parent(class_="ih-contact") \
        .select_one(f'a[href="{tel}"]') is not None
    assert _page(changed, "").select(f'ol.ih-first-steps a[href="{tel}"]'), "front page, step 3"
    guide = _page(changed, "fra-bekymring-til-handling/")
    cards = [a.find_parent(class_="ih-contact") for a in guide.select('a[href="../kontakter/#ssp-konsulent"]')]
    assert len(cards) >= 6 and all(c.select_one(f'a[href="{tel}"]') for c in cards)
    assert "72 33 33 33" not in " ".join(c.get_text() for c in cards)
    assert f"TEL;VALUE=uri;TYPE=work,voice:{tel}" in (changed / "vcard/kontakter/ssp-konsulent.vcf").read_text()


def test_text_from_the_data_is_shown_as_text_never_run(changed):
    source = (changed / "kontakter/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in source
    assert "<script>alert" not in source and "<b>fed" not in source
    assert HOSTILE in _page(changed, "kontakter/").get_text()


def test_a_stale_contact_is_marked_and_listed_for_the_coordinator(changed):
    card = _page(changed, "kontakter/").find(id="infohus-au").find_parent(class_="ih-contact")
    assert "ih-contact--stale" in card["class"]
    assert "Ikke bekræftet i over 180 dage." in card.get_text()
    fresh = _page(changed, "kontakter/").find(id="infohus-saeh").find_parent(class_="ih-contact")
    assert "ih-contact--stale" not in fresh["class"]
    report = _page(changed, "koordinator/").find(id="kontakter-der-skal-bekræftes").find_parent("section")
    assert [a.get_text() for a in report.select("li > a")] == ["Eksempel: Sara Lund"]


def test_every_covered_topic_gets_its_signs_and_terms(changed):
    signs = _page(changed, "bekymringstegn/")
    assert [h.get_text() for h in signs.select("article h2[id]")][:3] == \
        ["Ekstremisme og radikalisering", "Negativ social kontrol", "Æresrelaterede konflikter"]
    assert _page(changed, "ordliste/").find(id="tvangsægteskab") is not None


def test_a_second_municipality_gets_its_own_name_topics_colours_and_logo(built_sites):
    folder, site = MUNICIPALITIES["halsnaes"], built_sites["halsnaes"] / "intranet"
    front = _page(site, "")
    assert front.title.get_text() == "Forside - Infohus Halsnæs"
    assert front.select_one("img.ih-logo")["src"] == "assets/brand/logo.svg"
    assert (site / "assets/brand/logo.svg").read_bytes() == (folder / "logo.svg").read_bytes()
    assert "--ih-brand: #0b4f6c;" in str(front.style)
    signs = _page(site, "bekymringstegn/")
    assert len(signs.select("section.ih-signs > h2")) == 3


def test_a_strict_build_stops_on_example_people(tmp_path, caplog, monkeypatch):
    """A bare MkDocs build (as under `mkdocs serve`) validates the data itself, strictly when asked."""
    monkeypatch.setenv("INFOHUS_DATA", str(DEFAULT_DATA))
    monkeypatch.setenv("INFOHUS_STRICT", "1")
    with pytest.raises(Abort):
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert "er en eksempelperson" in caplog.text
    assert not (tmp_path / "site" / "index.html").exists()


# -- pieces ------------------------------------------------------------------------------------------

def test_vcard_values_are_escaped_and_long_lines_folded_between_characters():
    assert vcard.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "NOTE:" + "æ" * 100
    folded = vcard.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace("\r\n ", "") == line


def test_the_flowchart_has_a_box_per_step_and_no_boxes_overlap():
    ds, _ = load_dataset(DEFAULT_DATA, on=date.fromisoformat(TODAY))
    for path in ds.paths.values():
        diagram = flowchart.layout(path, {lid: lvl.name for lid, lvl in ds.levels.items()})
        assert {b.step_id for b in diagram.boxes} == {s.id for s in path.ordered_steps()}
        assert len(diagram.edges) == sum(len(q.answers) for q in path.questions)
        boxes = list(diagram.boxes) + list(diagram.chips)
        for i, a in enumerate(boxes):
            assert 0 <= a.x and a.x + a.width <= diagram.width and a.y + a.height <= diagram.height
            for b in boxes[i + 1:]:
                apart = a.x + a.width <= b.x or b.x + b.width <= a.x or \
                    a.y + a.height <= b.y or b.y + b.height <= a.y
                assert apart, (a, b)


def test_the_base_template_fix_fails_loudly_when_material_changes():
    class Loader(jinja2.BaseLoader):
        def __init__(self, source):
            self.source = source

        def get_source(self, environment, template):
            return self.source, template, lambda: True

    env = jinja2.Environment()
    fixed, _, _ = _BaseWithoutCheckboxAutocomplete(Loader(" ".join(TOGGLES))).get_source(env, "base.html")
    assert "autocomplete" not in fixed
    with pytest.raises(jinja2.TemplateError, match="macros/handbook/theme.py"):
        _BaseWithoutCheckboxAutocomplete(Loader("<input>")).get_source(env, "base.html")
