"""The staff handbook shows the data: what a worried teacher reads, checked in the built HTML."""
from __future__ import annotations

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DEFAULT_DATA, TODAY
from macros.handbook import glossary, vcard
from macros.model.dataset import load_dataset
from macros.model.municipality import TOPIC_NAMES
from macros.common.dates import date_text

PAGES = ("", "fra-bekymring-til-handling/", "bekymringstegn/", "forebyggelsestrekanten/", "kontakter/",
         "handlekort/", "skemaer/", "kommunikation/", "lovgrundlag/", "ordliste/", "om-haandbogen/",
         "aendringer/", "koordinator/")


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site / "intranet"


@pytest.fixture(scope="module")
def ds():
    data, _ = load_dataset(DEFAULT_DATA, on=date.fromisoformat(TODAY))
    return data


@pytest.fixture(scope="module")
def html(site):
    """Parsed pages by URL path, parsed once."""
    cache: dict[str, BeautifulSoup] = {}

    def get(page: str) -> BeautifulSoup:
        if page not in cache:
            cache[page] = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        return cache[page]
    return get


def text(node) -> str:
    return " ".join(node.get_text().split())


def card(page: BeautifulSoup, contact_id: str):
    """The full contact card with the heading id `contact_id` on the contacts page."""
    return page.find(id=contact_id).find_parent(class_="ih-contact")


# -- front page --------------------------------------------------------------------------------------

def test_front_page_opens_with_an_unmissable_112_box(html):
    page = html("")
    box = page.select_one("article .ih-emergency")
    assert box is not None
    assert box.find_previous(class_="ih-first-steps") is None, "the 112 box comes before anything else"
    assert text(box.select_one(".ih-emergency__title")) == "Akut fare? Ring 112"
    assert box.select_one('a[href="tel:112"]') is not None


def test_front_page_gives_three_steps_with_numbers_to_call(html, ds):
    steps = html("").select("ol.ih-first-steps > li")
    assert len(steps) == 3
    assert "akut fare" in text(steps[0]).lower() and steps[0].select_one('a[href="tel:112"]')
    assert "ulovlig handling" in text(steps[1]).lower() and steps[1].select_one('a[href="tel:114"]')
    coordinator = ds.contact(ds.municipality.coordinator)
    assert steps[2].select_one(f'a[href="{coordinator.phones[0].tel}"]') is not None
    assert steps[2].select_one(f'a[href="mailto:{coordinator.email}"]') is not None
    links = [a["href"] for a in html("").select("ol.ih-first-steps a[href^='fra-bekymring']")]
    assert links == ["fra-bekymring-til-handling/#medarbejder-ring-112",
                     "fra-bekymring-til-handling/#medarbejder-ring-114",
                     "fra-bekymring-til-handling/#medarbejder-alder"]


def test_front_page_has_a_search_box_and_links_to_the_main_sections(html):
    page = html("")
    field = page.select_one('form[role="search"] input[type="search"][name="q"]')
    assert field is not None and page.find("label", attrs={"for": field["id"]}) is not None
    targets = {a["href"] for a in page.select("article .ih-sections a")}
    assert {"fra-bekymring-til-handling/", "bekymringstegn/", "kontakter/", "forebyggelsestrekanten/",
            "lovgrundlag/", "skemaer/", "kommunikation/", "ordliste/"} <= targets


# -- glossary and abbreviations ----------------------------------------------------------------------

def test_every_covered_term_has_its_own_anchor_with_æøå_kept(html, ds):
    page = html("ordliste/")
    for term in ds.glossary():
        heading = page.find(id=glossary.anchor(term.term))
        assert heading is not None and heading.name == "h3", term.term
        assert text(heading).startswith(term.term)
    assert page.find(id="exitforløb") is not None


def test_glossary_has_the_terms_of_every_covered_topic(html):
    """Terms of an uncovered topic are left out: tests/test_topics.py scans a municipality without them."""
    names = [text(h).rstrip(" ¶") for h in html("ordliste/").select("h3.ih-term__name")]
    assert names, "the glossary is empty"
    assert {"Tvangsægteskab", "Negativ social kontrol", "Æresrelaterede konflikter", "Radikalisering",
            "Genopdragelsesrejse"} <= {n.split(" (")[0] for n in names}


def test_related_terms_link_to_terms_on_the_page(html):
    page = html("ordliste/")
    for link in page.select(".ih-term__related a"):
        assert page.find(id=link["href"][1:]) is not None, link["href"]


def test_abbreviations_are_expanded_wherever_they_appear(html, ds):
    expansions = ds.abbreviations()
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, expansions)) + r")(?!\w)")
    skip = {"ih-term__name", "ih-abbreviations", "ih-glossary__index", "ih-terms"}  # ih-terms: shown nowhere
    for path in PAGES:
        article = html(path).select_one("article")
        bare = []
        for node in article.find_all(string=pattern):
            parents = list(node.parents)
            if any(p.name in ("abbr", "code", "script", "style", "svg") for p in parents):
                continue
            if any(skip & set(p.get("class") or ()) for p in parents):
                continue
            bare.append(f"{path}: {node.strip()[:80]}")
        assert not bare, "abbreviations without expansion:\n" + "\n".join(bare)
        for abbr in article.find_all("abbr"):
            assert abbr["title"] == expansions[abbr.get_text()], abbr


def test_every_abbreviation_is_in_the_table_with_a_link_to_its_term(html, ds):
    rows = html("ordliste/").select(".ih-abbreviations tbody tr")
    assert {text(r.td): r.td.a["href"] for r in rows} == \
        {d.term: f"#{glossary.anchor(d.term)}" for d in ds.glossary() if d.expansion}
    assert {"SSP", "PSP", "KSP", "PET", "CDE", "MÆRK", "SIRI"} <= {text(r.td) for r in rows}


# -- warning signs and the triangle ------------------------------------------------------------------

def test_warning_signs_show_only_covered_topics_with_the_caveat(html, ds):
    page = html("bekymringstegn/")
    article = text(page.select_one("article")).lower()
    assert [text(h) for h in page.select("article h2[id]")][:3] == \
        ["Ekstremisme og radikalisering", "Negativ social kontrol", "Æresrelaterede konflikter"]
    assert text(page.select_one(".ih-caveat")).endswith(" ".join(ds.caveat.split()))
    for sign in ds.warning_signs.values():
        assert (" ".join(sign.text.split()).lower() in article) == ds.municipality.covers(sign.topic)


def test_warning_signs_are_grouped_by_kind_and_category(html):
    extremism = html("bekymringstegn/").select("section.ih-signs")[0]
    kinds = [text(h) for h in extremism.select(".ih-signs__kind > h3")]
    assert kinds == ["Bekymringstegn", "Risikofaktorer", "Beskyttende faktorer"]
    categories = [text(h) for h in extremism.select(".ih-signs__kind--sign h4")]
    assert categories == ["Adfærd", "Online", "Holdninger og sprog", "Relationer og netværk",
                          "Skole, uddannelse og arbejde"]


def test_triangle_shows_three_levels_top_first_with_how_fast_to_react(html, ds):
    page = html("forebyggelsestrekanten/")
    levels = list(ds.levels.values())[::-1]
    assert [text(li.select_one(".ih-triangle__name")) for li in page.select("ol.ih-triangle > li")] == \
        [lvl.name for lvl in levels]
    for level in levels:
        section = page.find(id=level.id).find_parent("section")
        assert level.urgency in text(section)


# -- decision guide ----------------------------------------------------------------------------------

def test_every_step_of_every_path_has_an_anchor_and_every_answer_leads_to_one(html, ds):
    page = html("fra-bekymring-til-handling/")
    for path in ds.paths.values():
        for step in path.ordered_steps():
            assert page.find(id=f"{path.id}-{step.id}") is not None, f"{path.id}-{step.id}"
    answers = page.select("a.ih-answers__answer")
    assert len(answers) == sum(len(q.answers) for p in ds.paths.values() for q in p.questions)
    for answer in answers:
        assert answer["href"].startswith("#") and page.find(id=answer["href"][1:]), answer["href"]


def test_every_outcome_shows_its_contacts_with_tel_and_mailto_links(html, ds):
    page = html("fra-bekymring-til-handling/")
    for path in ds.paths.values():
        for outcome in path.outcomes:
            section = page.find(id=f"{path.id}-{outcome.id}").find_parent("section")
            for contact_id in outcome.contacts:
                contact = ds.contact(contact_id)
                cards = [c for c in section.select(".ih-contact")
                         if c.select_one(".ih-contact__name a")["href"] == f"../kontakter/#{contact_id}"]
                assert len(cards) == 1, f"{outcome.id}: {contact_id}"
                for phone in contact.phones:
                    assert cards[0].select_one(f'a[href="{phone.tel}"]'), f"{outcome.id}: {phone.tel}"
                if contact.email:
                    assert cards[0].select_one(f'a[href="mailto:{contact.email}"]'), contact.email
            for rule_id in outcome.legal:
                assert section.select_one(f'a[href="../lovgrundlag/#{rule_id}"]'), rule_id


def test_the_flow_is_drawn_at_build_time_without_mermaid(html, ds, site):
    page = html("fra-bekymring-til-handling/")
    for path in ds.paths.values():
        svg = page.select_one(f'figure[aria-labelledby="{path.id}-diagram"] svg')
        assert svg is not None
        assert len(svg.select("a.ih-flow__node")) == len(path.ordered_steps())
    for file in site.rglob("*.html"):
        source = file.read_text(encoding="utf-8")
        assert "mermaid" not in source and "unpkg.com" not in source, file


def test_search_words_are_indexed_beside_the_text_and_shown_nowhere(html, site):
    line = html("fra-bekymring-til-handling/").select_one("#medarbejder").find_next(class_="ih-terms")
    assert "hvem ringer jeg til" in text(line) and line.get("data-pagefind-weight")
    assert "Søgeord" not in text(html("fra-bekymring-til-handling/").select_one("article"))
    css = (site / "assets/stylesheets/handbook.css").read_text(encoding="utf-8")
    assert re.search(r"\.ih-terms \{\s*display: none !important;", css)
    assert "hvem ringer jeg til" in " ".join(search_fragments(site).get("/fra-bekymring-til-handling/", ""))


def test_the_data_search_terms_and_the_compound_parts_are_in_the_index_where_their_term_stands(html, site):
    page = html("ordliste/")

    def hidden(heading_id: str) -> list[str]:
        """The hidden words at the end of the section under the heading `heading_id`."""
        heading = page.find(id=heading_id)
        span = heading.find_next(class_="ih-terms", name="span")
        assert span.find_previous(["h1", "h2", "h3"]) is heading
        return text(span).split()

    assert "konflikt" in hidden("æresrelaterede-konflikter"), "a part of æreskonflikt"
    assert "skema" in hidden("anonym-registrering"), "a part of registreringsskema"
    assert "tvangsgifte" in hidden("tvangsægteskab"), "the search term of tvangsægteskab (national/search_terms.yml)"
    pages = {url: " ".join(texts) for url, texts in search_fragments(site).items()}
    assert "betjent" in pages["/kontakter/"] and "tvangsgifte" in pages["/ordliste/"]


def search_fragments(site: Path) -> dict[str, list[str]]:
    """Each indexed page's text as Pagefind stored it (gzip, "pagefind_dcd" and JSON): url -> [content, title]."""
    out = {}
    for file in (site / "pagefind/fragment").iterdir():
        fragment = json.loads(gzip.decompress(file.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd"))
        out[fragment["url"]] = [fragment["content"], fragment["meta"].get("title", "")]
    return out


# -- contacts and vCards -----------------------------------------------------------------------------

def test_contacts_are_grouped_by_organisation_with_hours_and_confirmation(html, ds):
    page = html("kontakter/")
    groups = [text(h) for h in page.select(".ih-contacts__group > h2")]
    assert groups[:5] == [o.label for o in ds.municipality.organisations] + ["Nationale rådgivningslinjer"]
    for contact in ds.contacts.values():
        found = card(page, contact.id)
        group = text(found.find_parent("section").h2)
        if "helpline" in contact.roles:  # by topic: under the first covered topic it helps with
            assert group == "Nationale rådgivningslinjer"
            first = next(t for t in ds.municipality.topics if t in contact.topics)
            assert text(found.find_previous("h3")) == TOPIC_NAMES[first].capitalize()
        else:
            assert group == ds.organisations[contact.organisation].label
        assert f"Bekræftet {date_text(contact.verified.on)}" in text(found)
        if contact.hours:
            assert f"Åbent {contact.hours_text}" in text(found)
        for responsibility in contact.responsibilities:
            assert " ".join(responsibility.split()) in text(found)
        assert bool(found.select_one(".ih-contact__mark--example")) == contact.example


def test_vcards_are_linked_and_follow_rfc_6350(html, ds, site):
    page = html("kontakter/")
    for contact in ds.contacts.values():
        href = card(page, contact.id).select_one(".ih-contact__vcard a")["href"]
        assert href == f"../{vcard.contact_path(contact)}"
        raw = (site / vcard.contact_path(contact)).read_bytes()
        _check_vcard(raw, 1)
        lines = _unfold(raw)
        assert f"FN:{vcard.escape(contact.name)}" in lines
        assert [line.split(":", 1)[1] for line in lines if line.startswith("TEL")] == \
            [p.tel for p in contact.phones]
    team = page.select_one(".ih-contacts__team a")["href"]
    assert team == f"../{vcard.TEAM_FILE}"
    raw = (site / vcard.TEAM_FILE).read_bytes()
    _check_vcard(raw, len(vcard.team(ds)))


def test_vcard_values_are_escaped(site):
    lines = _unfold((site / "vcard/kontakter/ssp-konsulent.vcf").read_bytes())
    org = next(line for line in lines if line.startswith("ORG:"))
    assert org == "ORG:Børne-\\, Fritids- og Undervisningsforvaltningen;SSP\\, Børne-\\, Fritids- og " \
                  "Undervisningsforvaltningen"
    note = next(line for line in lines if line.startswith("NOTE:"))
    assert "\\n" in note and "\n" not in note


def _check_vcard(raw: bytes, count: int) -> None:
    decoded = raw.decode("utf-8")
    assert decoded.endswith("\r\n")
    assert "\n" not in decoded.replace("\r\n", ""), "bare LF"
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    lines = _unfold(raw)
    assert lines.count("BEGIN:VCARD") == lines.count("END:VCARD") == lines.count("VERSION:4.0") == count


def _unfold(raw: bytes) -> list[str]:
    return raw.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


# -- legal basis, forms, communication ---------------------------------------------------------------

def test_every_rule_has_section_summary_link_and_verified_date(html, ds):
    page = html("lovgrundlag/")
    for rule in ds.legal.values():
        section = page.find(id=rule.id).find_parent("section")
        assert text(page.find(id=rule.id)) == f"{rule.law}: {rule.section}"
        assert " ".join(rule.summary.split()) in text(section)
        assert section.select_one(f'a[href="{rule.url}"]') is not None
        assert f"Tjekket {date_text(rule.verified.on)}" in text(section)


def test_forms_are_a4_sheets_with_room_to_write(html, ds, site):
    page = html("skemaer/")
    for form in ds.forms.values():
        sheet = page.find(id=form.id)
        fields = sheet.select(".ih-form__field")
        assert [text(f.select_one(".ih-form__label")) for f in fields] == [f.label for f in form.fields]
        for field, item in zip(form.fields, fields):
            if field.type in ("yesno", "choice"):
                boxes = [text(b) for b in item.select(".ih-form__box")]
                assert boxes == (["Ja", "Nej"] if field.type == "yesno" else list(field.choices))
            else:
                assert item.select_one(f".ih-form__space--{field.type}") is not None
    css = (site / "assets/stylesheets/handbook.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*{\s*size:\s*A4", css)


def test_acute_communication_lists_internal_then_press_rules(html, ds):
    page = html("kommunikation/")
    titles = [text(h) for h in page.select("article h2[id]")]
    assert titles == [r.title for r in sorted(ds.communication.values(), key=lambda r: r.audience != "internal")]
    press = page.find(id="presse").find_parent("section")
    for contact_id in ds.communication["presse"].first_inform:
        assert press.select_one(f'a[href="../kontakter/#{contact_id}"]') is not None
    for rule in ds.communication["presse"].rules:
        assert " ".join(rule.split()) in text(press)


# -- about, coordinator, footer, navigation ----------------------------------------------------------

def test_about_page_shows_governance_and_history(html, ds):
    page = html("om-haandbogen/")
    facts = {text(dt): text(dt.find_next_sibling("dd")) for dt in page.select("article dl.ih-facts dt")}
    gov = ds.municipality.governance
    assert facts["Vedtaget af"] == gov.adopted_by
    assert facts["Vedtaget"] == date_text(gov.adopted_on)
    assert facts["Næste revision"] == f"Senest {date_text(gov.next_revision)}"
    assert facts["Ansvarlig for håndbogen"].startswith(ds.contact(gov.owner).name)
    assert page.select_one(".ih-mark--example") is not None, "the adoption is marked as an example"
    rows = [[text(td) for td in tr.find_all("td")] for tr in page.select("#versioner ~ div tbody tr")]
    assert rows == [[v.version, date_text(v.date), v.note]
                    for v in sorted(gov.versions, key=lambda v: v.date, reverse=True)]


def test_every_page_has_the_accessibility_statement_in_the_footer(html, ds):
    for path in PAGES:
        link = html(path).select_one("footer a.ih-footer__link")
        assert link is not None and link["href"] == ds.municipality.url_accessibility, path
        assert text(link) == "Tilgængelighedserklæring"


def test_coordinator_page_lists_every_warning_of_the_check(html, ds, site):
    page = html("koordinator/")
    body = text(page.select_one("article"))
    warnings = [p for p in ds.problems if p.severity == "warning"]
    assert warnings
    for problem in warnings:
        assert " ".join(problem.message.split()) in body
    examples = [c for c in ds.contacts.values() if c.example]
    section = page.find(id="eksempelpersoner").find_parent("section")
    assert [text(a) for a in section.select("li > a")] == [c.name for c in examples]
    indexed = search_fragments(site)
    assert "/koordinator/" not in indexed and "/aendringer/" not in indexed, "the coordinator pages stay out of search"
    assert "/kontakter/" in indexed and "/" in indexed


def test_handlekort_page_is_in_the_navigation(html, site):
    assert (site / "handlekort/index.html").is_file()
    assert any(text(a) == "Handlekort" for a in html("").select("nav.md-nav--primary a"))


def test_sitemap_dates_come_from_the_data_not_the_clock(site, ds):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap))
    assert dates == {ds.content_date().isoformat()}
    assert sitemap.count("<loc>https://medarbejderweb.hjoerring.dk/infohus/") == len(PAGES)


def test_the_handbook_ships_only_its_own_assets(site):
    assert not (site / "citizen").exists() and not (site / "cards").exists()
    assert (site / "assets/stylesheets/handbook.css").is_file()
