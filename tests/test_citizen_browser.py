"""The citizen page in Chromium: fast, readable on a small phone, accessible, printable, and a quick exit.

The checks run over every municipality's page (and the default data covering all three topics, the
longest page it can make); the quick exit, the same script everywhere, is checked on the default page.
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest

from conftest import DEFAULT_DATA, MUNICIPALITIES, TODAY, embed_document
from macros.citizen.page import build_public
from macros.citizen.text import EXIT_URL
from macros.model.dataset import load_dataset
from support import web

PAGES = {"da": "", "en": "en/"}
MAX_BYTES = 30 * 1024
MAX_REQUESTS = 3
NEUTRAL = "<!doctype html><html lang=\"da\"><title>Vejret</title><p>Vejret</p></html>"


@pytest.fixture(scope="module")
def browser():
    with web.chromium() as browser:
        yield browser


ONE_TOPIC = "hjoerring-extremism"


@pytest.fixture(scope="module")
def servers(built_sites, tmp_path_factory) -> dict[str, str]:
    """Every municipality's OUT/public, and the default data covering only extremism, served: name -> URL."""
    folder = tmp_path_factory.mktemp("topics") / "kommune"
    shutil.copytree(DEFAULT_DATA, folder)
    municipality = folder / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    assert "topics: [extremism, social_control, honour]" in text
    municipality.write_text(text.replace("topics: [extremism, social_control, honour]", "topics: [extremism]"),
                            encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        ds, _ = load_dataset(folder)
    build_public(ds, folder.parent / "public")
    folders = {name: out / "public" for name, out in built_sites.items()} | {ONE_TOPIC: folder.parent / "public"}
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(web.serve(public)) for name, public in folders.items()}


@pytest.fixture(scope="module")
def site(servers, municipality) -> str:
    """Each municipality's citizen site in turn."""
    return servers[municipality]


@pytest.fixture(scope="module")
def default_site(servers) -> str:
    return servers["hjoerring"]


@pytest.fixture(params=[*MUNICIPALITIES, ONE_TOPIC])
def any_site(request, servers) -> str:
    """Every municipality's page (the default data's is the longest it can make) and one with a single topic."""
    return servers[request.param]


def _neutral_site(page) -> None:
    """Answer the neutral exit site locally: the harness blocks every real host."""
    page.route(EXIT_URL, lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL))


# --- readable without JavaScript, at 320 px, 112 first ------------------------------------------------

@pytest.mark.parametrize("lang", PAGES)
def test_without_javascript_112_114_and_the_hotline_with_its_hours_are_shown(browser, any_site, lang):
    page = web.new_page(browser, javascript=False, width=360)
    page.goto(any_site + PAGES[lang])
    for selector in ('a[href="tel:112"]', 'a[href="tel:114"]', 'a[href="tel:+4541749090"]'):
        assert page.locator(selector).first.is_visible(), selector
    hotline = page.locator(".ih-citizen__card--helpline").first.inner_text().replace("\u2060", "")
    assert "41 74 90 90" in hotline
    assert ("alle dage kl. 08–22" if lang == "da" else "every day 08:00–22:00") in hotline
    page.context.close()


@pytest.mark.parametrize("width", (320, 360))
@pytest.mark.parametrize("lang", PAGES)
def test_no_horizontal_scroll_on_a_small_phone(browser, any_site, lang, width):
    page = web.new_page(browser, width=width)
    page.goto(any_site + PAGES[lang])
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate("""(w) => [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > w + 0.5).map(e => e.outerHTML.slice(0, 80))""", width)
    assert not wide, wide
    page.context.close()


@pytest.mark.parametrize("lang", PAGES)
def test_112_is_the_biggest_text_and_fully_visible_on_a_phone_without_scrolling(browser, any_site, lang):
    page = web.new_page(browser, width=360)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(any_site + PAGES[lang])
    sizes = page.evaluate("""() => [...document.body.querySelectorAll('*')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => [e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize)])""")
    biggest = max(sizes, key=lambda pair: pair[1])
    assert biggest[0] == "112", biggest
    assert all(size < biggest[1] for text, size in sizes if text != "112")
    box = page.locator(".ih-citizen__emergency-link").bounding_box()
    assert box["y"] < 120 and box["y"] + box["height"] <= 320, box  # in the top half of a small phone
    page.context.close()


# --- light and fast ------------------------------------------------------------------------------------

def _load(page, url: str) -> tuple[list[str], int, int]:
    """Load `url` and wait for the network to settle: (request URLs, body bytes, body + header bytes)."""
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    urls = web.record_requests(page)
    page.goto(url, wait_until="networkidle")
    assert len(finished) == len(urls), "every request finished"
    body = sum(len(r.response().body()) for r in finished)
    return urls, body, body + sum(r.sizes()["responseHeadersSize"] for r in finished)


@pytest.mark.parametrize("lang", PAGES)
def test_page_with_all_its_resources_weighs_at_most_30_kb_in_at_most_3_own_origin_requests(browser, site, lang):
    page = web.new_page(browser)
    urls, body, with_headers = _load(page, site + PAGES[lang])
    assert web.foreign_requests(urls, site) == []
    assert len(urls) <= MAX_REQUESTS, urls
    assert body <= MAX_BYTES and with_headers <= MAX_BYTES, (body, with_headers)
    assert page.evaluate("() => document.fonts.size") == 0, "no web fonts"
    page.context.close()


def test_negative_control_the_measurement_counts_every_subresource(browser, tmp_path):
    (tmp_path / "a.css").write_text("p{color:red}" + " " * 20000, encoding="utf-8")
    (tmp_path / "b.js").write_text("//" + "x" * 20000, encoding="utf-8")
    (tmp_path / "index.html").write_text('<!doctype html><html lang="da"><head><meta charset="utf-8">'
                                         '<title>t</title><link rel="stylesheet" href="a.css">'
                                         '<script src="b.js"></script></head><body><p>t</p></body></html>',
                                         encoding="utf-8")
    with web.serve(tmp_path) as base_url:
        page = web.new_page(browser)
        urls, body, _ = _load(page, base_url + "index.html")
        page.context.close()
    assert [u.rsplit("/", 1)[1] for u in urls] == ["index.html", "a.css", "b.js"]
    assert body > MAX_BYTES


# --- quick exit ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", PAGES)
def test_quick_exit_replaces_the_page_and_keeps_it_out_of_the_back_button(browser, default_site, lang):
    page = web.new_page(browser)
    _neutral_site(page)
    urls = web.record_requests(page)
    page.goto(default_site + "contacts.json")  # where the visitor was before
    page.goto(default_site + PAGES[lang])
    assert not [u for u in urls if u.startswith(EXIT_URL)], "the neutral site must not be requested on view"
    page.click(".ih-citizen__exit")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert page.url == default_site + "contacts.json", "Back must not return to the citizen page"
    page.context.close()


def test_escape_key_leaves_quickly(browser, default_site):
    page = web.new_page(browser)
    _neutral_site(page)
    page.goto(default_site)
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    assert page.inner_text("p") == "Vejret"
    page.context.close()


def test_quick_exit_still_works_as_a_plain_link_without_javascript(browser, default_site):
    page = web.new_page(browser, javascript=False)
    _neutral_site(page)
    page.goto(default_site)
    page.click(".ih-citizen__exit")
    page.wait_for_url(EXIT_URL)
    assert page.inner_text("p") == "Vejret"
    page.context.close()


# --- accessibility, validity, print --------------------------------------------------------------------

@pytest.mark.parametrize("width", (360, 1280))
@pytest.mark.parametrize("lang", PAGES)
def test_axe_finds_no_violations(browser, any_site, lang, width):
    page = web.new_page(browser, width=width)
    page.goto(any_site + PAGES[lang])
    violations = web.axe_violations(page)
    assert not violations, web.format_violations(violations)
    page.context.close()


def test_embed_passes_axe_inside_a_host_page(browser, built_sites, municipality, tmp_path):
    embed_document(built_sites[municipality] / "public", tmp_path)
    with web.serve(tmp_path) as base_url:
        page = web.new_page(browser, width=360)
        urls = web.record_requests(page)
        page.goto(base_url + "embed-page.html")
        violations = web.axe_violations(page)
        assert urls == [base_url + "embed-page.html"], "the fragment must not load anything"
        assert not violations, web.format_violations(violations)
        page.context.close()


def test_nu_html_checker_finds_no_errors(built_sites, municipality, nu_errors):
    public = built_sites[municipality] / "public"
    checked = [path for path in nu_errors if (path.is_relative_to(public) and "beredskab" not in path.parts)
               or (path.name == "embed-page.html" and path.parent.name.startswith(f"embed-{municipality}"))]
    assert len(checked) == 3, checked
    errors = [e for path in checked for e in nu_errors[path]]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("lang", PAGES)
def test_prints_on_one_a4_page(browser, any_site, lang, tmp_path):
    page = web.new_page(browser)
    page.goto(any_site + PAGES[lang])
    pdf = tmp_path / f"{lang}.pdf"
    page.pdf(path=str(pdf), format="A4")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == 1
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "112" in text and "41 74 90 90" in text and "114" in text
    page.context.close()
