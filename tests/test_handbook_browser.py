"""The handbook in real Chromium: search, no foreign requests, axe, print, and the guide without JavaScript.

Each municipality's site is served under /infohus/, the path of its address in municipality.yml
(site_url), as on the intranet. One browser and one server per site serve the whole module. The
generic checks run over every municipality; the guide and the search queries are each one's own.
"""
from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import web

PREFIX = "infohus/"

# What staff type, and the page that must be among the first three results. Material's Danish
# search matches word beginnings only, so several of these are found through the "Søgeord" lines.
QUERIES = [
    ("radikalisering", "ordliste/"),
    ("radikaliseret", "ordliste/"),                 # a synonym: no stemming in the index
    ("ekstremisme", "ordliste/"),
    ("højreekstremisme", "ordliste/"),              # a synonym of Ekstremisme
    ("hvem ringer jeg til", "kontakter/"),
    ("hvem skal jeg kontakte", "kontakter/"),
    ("hvad gør jeg", "fra-bekymring-til-handling/"),
    ("bekymret for en elev", "fra-bekymring-til-handling/"),
    ("bekymret for en borger", "fra-bekymring-til-handling/"),
    ("ulovlig handling", "fra-bekymring-til-handling/"),
    ("kriseteam", "fra-bekymring-til-handling/"),
    ("akut fare", ""),
    ("underretning", "lovgrundlag/"),
    ("skærpet underretningspligt", "lovgrundlag/"),
    ("tavshedspligt", "lovgrundlag/"),
    ("dele oplysninger", "lovgrundlag/"),
    ("persondata", "lovgrundlag/"),
    ("barnets lov", "lovgrundlag/"),
    ("propaganda", "bekymringstegn/"),
    ("nye venner", "bekymringstegn/"),
    ("ændret adfærd", "bekymringstegn/"),
    ("fravær", "bekymringstegn/"),
    ("chatgrupper", "bekymringstegn/"),
    ("tjekliste", "bekymringstegn/"),
    ("hvor hurtigt skal jeg reagere", "forebyggelsestrekanten/"),
    ("trivsel", "forebyggelsestrekanten/"),
    ("SSP", "ordliste/"),
    ("PET", "ordliste/"),
    ("exit", "ordliste/"),
    ("fortrolighed", "ordliste/"),
    ("telefonnummer", "kontakter/"),
    ("socialpsykiatri", "kontakter/"),
    ("jobcenter", "kontakter/"),
    ("pressen", "kommunikation/"),
    ("bekymringsinterview", "skemaer/"),
    ("anonym registrering", "skemaer/"),
    ("revision", "om-haandbogen/"),
    ("styregruppe", "om-haandbogen/"),
    # Negative social control and honour-related conflicts, which the default data now covers, in staff wording.
    ("negativ social kontrol", "ordliste/"),
    ("tvangsægteskab", "ordliste/"),
    ("genopdragelsesrejse", "ordliste/"),
    ("æresdrab", "ordliste/"),
    ("må jeg sige det til forældrene", "fra-bekymring-til-handling/"),
    ("pige skal sendes på ferie i hjemlandet", "fra-bekymring-til-handling/"),
    ("ung bange for familien", "fra-bekymring-til-handling/"),
    ("må ikke have venner", "bekymringstegn/"),
    ("mobilen bliver tjekket", "bekymringstegn/"),
    ("bange for at gå hjem", "fra-bekymring-til-handling/"),
    ("skal giftes", "fra-bekymring-til-handling/"),
    ("sikkerhedskonsulent", "kontakter/"),
    ("RED", "kontakter/"),
    ("BørneTelefonen", "kontakter/"),
    ("Udenrigsministeriet", "kontakter/"),
    ("psykisk vold", "lovgrundlag/"),
    ("avis ringer", "kommunikation/"),
    ("journalist", "kommunikation/"),
    ("MÆRK", "ordliste/"),
]


# Halsnæs covers all three topics: its staff find each of them, and the team's own words.
HALSNAES_QUERIES = [
    ("negativ social kontrol", "ordliste/"),
    ("social kontrol", "bekymringstegn/"),
    ("æresrelateret", "ordliste/"),
    ("tvangsægteskab", "ordliste/"),
    ("genopdragelsesrejse", "bekymringstegn/"),
    ("ungeværket", "kontakter/"),
    ("sparring", "fra-bekymring-til-handling/"),
    ("akut sikkerhedssituation", "fra-bekymring-til-handling/"),
    ("hvem ringer jeg til", "kontakter/"),
    ("underretning", "lovgrundlag/"),
    ("radikalisering", "ordliste/"),
    ("ekstremisme", "ordliste/"),
    ("må jeg sige det til forældrene", "fra-bekymring-til-handling/"),
    ("avis ringer", "kommunikation/"),
    ("bekymringssamtale", "skemaer/"),
    ("RED", "kontakter/"),
    ("BørneTelefonen", "kontakter/"),
    ("psykisk vold", "lovgrundlag/"),
    ("tavshedspligt", "lovgrundlag/"),
    ("mobilen bliver tjekket", "bekymringstegn/"),
    ("SSP", "ordliste/"),
    ("PET", "ordliste/"),
]
SEARCHES = [("hjoerring", q, e) for q, e in QUERIES] + [("halsnaes", q, e) for q, e in HALSNAES_QUERIES]


@pytest.fixture(scope="module")
def servers(built_sites) -> dict[str, str]:
    """Every municipality's handbook served at /infohus/ on its own loopback port: name -> base URL."""
    with contextlib.ExitStack() as stack:
        urls = {}
        for name, out in built_sites.items():
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            (tmp / PREFIX.strip("/")).symlink_to(out / "intranet")
            urls[name] = stack.enter_context(web.serve(tmp)) + PREFIX
        yield urls


@pytest.fixture(scope="module")
def site(built_sites, municipality) -> Path:
    return built_sites[municipality] / "intranet"


@pytest.fixture(scope="module")
def base_url(servers, municipality) -> str:
    return servers[municipality]


@pytest.fixture(scope="module")
def hjoerring_url(servers) -> str:
    """The default data's handbook, for checks of its own guide and words."""
    return servers["hjoerring"]


@pytest.fixture(scope="module")
def browser():
    with web.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def pages(site) -> list[str]:
    """Every HTML page of the handbook as a path under the site, the 404 page included."""
    paths = sorted(str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html"))
    return [("" if p == "./" else p) for p in paths] + ["404.html"]


@pytest.fixture
def page(browser):
    page = web.new_page(browser)
    yield page
    page.context.close()


def test_every_page_is_served(pages):
    assert len(pages) >= 13 and "" in pages and "fra-bekymring-til-handling/" in pages


# -- no request leaves the site ----------------------------------------------------------------------

def test_no_page_requests_anything_from_another_host(browser, base_url, pages):
    foreign = {}
    for path in pages:
        page = web.new_page(browser)
        urls = web.record_requests(page)
        page.goto(base_url + path, wait_until="networkidle")
        if path == "":  # the search worker and its index load on first use
            _search(page, "radikalisering")
            page.wait_for_load_state("networkidle")
            assert any(u.endswith("search/search_index.json") for u in urls)
        if foreign_urls := web.foreign_requests(urls, base_url):
            foreign[path] = foreign_urls
        page.context.close()
    assert not foreign


def test_the_request_check_catches_a_foreign_url(page, hjoerring_url):
    urls = web.record_requests(page)
    page.goto(hjoerring_url, wait_until="networkidle")
    page.evaluate("""() => { const img = document.createElement('img');
                             img.src = 'https://cdn.example.invalid/x.png'; img.alt = '';
                             document.body.append(img); }""")
    page.wait_for_timeout(300)
    assert web.foreign_requests(urls, hjoerring_url) == ["https://cdn.example.invalid/x.png"]


# -- accessibility -----------------------------------------------------------------------------------

def test_no_page_has_axe_violations(browser, base_url, pages):
    found = {}
    for path in pages:
        for width in (1280, 360) if path in ("", "fra-bekymring-til-handling/", "kontakter/") else (1280,):
            page = web.new_page(browser, width=width)
            page.goto(base_url + path, wait_until="load")
            if violations := web.axe_violations(page):
                found[f"{path} at {width}px"] = web.format_violations(violations)
            page.context.close()
    assert not found, "\n".join(f"{where}:\n{text}" for where, text in found.items())


def test_the_open_search_dialog_has_no_axe_violations(page, base_url):
    page.goto(base_url, wait_until="load")
    _search(page, "underretning")
    assert page.get_by_role("dialog", name="Søg").is_visible()
    assert web.axe_violations(page) == []


def test_an_abbreviation_shows_its_expansion_on_hover_and_keyboard_focus(page, hjoerring_url):
    page.goto(hjoerring_url + "fra-bekymring-til-handling/", wait_until="load")
    abbr = page.locator("article abbr", has_text="SSP").first
    assert abbr.get_attribute("title") == "Skole, Socialforvaltning og Politi"
    focusable = page.locator("article abbr[tabindex='0']", has_text="SSP")
    assert focusable.count() == 1, "the first SSP on the page can be reached with Tab"
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR" and \
                page.evaluate("document.activeElement.textContent") == "SSP":
            break
    else:
        pytest.fail("Tab never reached the abbreviation SSP")
    shown = page.evaluate("getComputedStyle(document.activeElement, '::after').content")
    assert shown == '"Skole, Socialforvaltning og Politi"'


# -- print -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "fra-bekymring-til-handling/", "kontakter/", "skemaer/"])
def test_printed_pages_have_no_navigation_or_search(page, base_url, path):
    page.goto(base_url + path, wait_until="load")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-search", ".md-footer", ".ih-search-box"):
        chrome = page.locator(selector)
        assert all(not chrome.nth(i).is_visible() for i in range(chrome.count())), f"{selector} prints"
    assert page.locator("article .ih-form" if path == "skemaer/" else "article h1").first.is_visible()


def test_the_forms_page_prints_only_the_forms_each_on_its_own_sheet(page, hjoerring_url, tmp_path):
    page.goto(hjoerring_url + "skemaer/", wait_until="load")
    page.emulate_media(media="print")
    assert not page.locator("article > h1").is_visible()
    titles = page.locator(".ih-form__title").all_inner_texts()
    assert len(titles) == 2
    pdf = tmp_path / "skemaer.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    sheets = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout.split("\f")
    first = next(i for i, sheet in enumerate(sheets) if titles[0] in sheet)
    second = next(i for i, sheet in enumerate(sheets) if titles[1] in sheet)
    assert first == 0 and second > first
    assert "Aftaler og næste skridt" not in sheets[second], "the second form shares a sheet with the first"
    assert "Skemaerne er lavet til at blive udskrevet" not in "".join(sheets)


# -- the decision guide without JavaScript -----------------------------------------------------------

def test_the_decision_guide_leads_to_whom_to_call_without_javascript(browser, hjoerring_url):
    page = web.new_page(browser, javascript=False)
    page.goto(hjoerring_url + "fra-bekymring-til-handling/", wait_until="load")
    step = page.locator("section.ih-step:has(#medarbejder-akut)")
    for question, answer in (("Er der akut fare", "Nej"), ("Er der begrundet mistanke", "Nej"),
                             ("Er personen under 18 år?", "Ja, under 18 år"),
                             ("Har Infohus Hjørring allerede vurderet", "Nej – jeg står med bekymringen nu")):
        assert question in step.locator("h3").inner_text()
        step.get_by_role("link", name=answer).click()
        step = page.locator("section.ih-step:has(:target)")
    assert page.url.endswith("#medarbejder-bekymring-under-18")
    outcome = page.locator("section.ih-step:has(:target)")
    assert outcome.locator("h3").inner_text() == "Bekymring for et barn eller en ung under 18 år"
    assert outcome.locator("a[href='tel:+4572333333']").first.is_visible()
    assert outcome.locator("a[href^='mailto:']").first.is_visible()
    page.context.close()


def test_the_first_answer_link_is_reached_from_the_front_page_without_javascript(browser, hjoerring_url):
    page = web.new_page(browser, javascript=False)
    page.goto(hjoerring_url, wait_until="load")
    page.get_by_role("link", name="Gå trin for trin").click()
    assert page.url.endswith("fra-bekymring-til-handling/#medarbejder-alder")
    assert page.locator("#medarbejder-alder").is_visible()
    page.context.close()


# -- search ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def search_page(browser, servers):
    """The front page of a municipality's handbook, opened once per municipality: search_page(name)."""
    opened = {}

    def open_for(name: str):
        if name not in opened:
            opened[name] = web.new_page(browser, width=1280)
            opened[name].goto(servers[name], wait_until="load")
        return opened[name]

    yield open_for
    for page in opened.values():
        page.context.close()


@pytest.mark.parametrize("name, query, expected", SEARCHES, ids=[f"{n}-{q}" for n, q, _ in SEARCHES])
def test_search_finds_the_page_staff_need(search_page, servers, name, query, expected):
    meta, top = _search(search_page(name), query)
    pages = [urlsplit(href).path.removeprefix(urlsplit(servers[name]).path) for href in top[:3]]
    assert expected in pages, f"{query!r}: {meta}; first three: {pages}"


def test_there_are_at_least_sixty_realistic_queries_over_all_three_topics():
    assert len(SEARCHES) >= 60
    assert len(QUERIES) >= 25 and len({q for q, _ in QUERIES}) == len(QUERIES)
    assert len(HALSNAES_QUERIES) >= 20 and len({q for q, _ in HALSNAES_QUERIES}) == len(HALSNAES_QUERIES)
    words = " ".join(q for _, q, _ in SEARCHES)
    assert "radikalis" in words and "social kontrol" in words and ("æres" in words or "tvangsægteskab" in words)


@pytest.mark.parametrize("query", ["xqzvbrt", "flødebolle"])
def test_search_finds_nothing_for_nonsense(search_page, query):
    """Words of a topic a municipality does not cover are never in its index: tests/test_topics.py scans it."""
    meta, top = _search(search_page("hjoerring"), query)
    assert meta == "Ingen resultater fundet" and top == []


def test_the_search_box_on_the_front_page_shows_results(page, base_url):
    page.goto(base_url, wait_until="load")
    field = page.get_by_label("Skriv, hvad du leder efter")
    field.press_sequentially("tavshedspligt")
    field.press("Enter")
    page.wait_for_url("**/?q=tavshedspligt")
    meta, top = _wait_for_results(page)
    assert "resultat" in meta and any("lovgrundlag/" in href for href in top[:3])


def _search(page, query: str) -> tuple[str, list[str]]:
    """Type `query` into Material's search (real key events) and return the settled results."""
    field = page.locator(".md-search__input")
    field.click()
    field.press("Control+a")
    field.press("Backspace")
    field.press_sequentially(query)
    return _wait_for_results(page)


def _wait_for_results(page) -> tuple[str, list[str]]:
    """Poll until the result list has stopped changing (the worker answers each keystroke)."""
    read = """() => [document.querySelector('.md-search-result__meta').textContent.trim(),
                     [...document.querySelectorAll('.md-search-result__item')].map(li => li.querySelector('a').href)]"""
    last, stable, deadline = None, 0, time.monotonic() + 10
    while stable < 3:
        assert time.monotonic() < deadline, f"search results never settled: {last}"
        page.wait_for_timeout(100)
        current = page.evaluate(read)
        ready = current[0] not in ("", "Start søgning", "Indtast søgeord")
        stable = stable + 1 if ready and current == last else 0
        last = current
    return last[0], last[1]
