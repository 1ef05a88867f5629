"""The citizen page with the phone's text turned up: 360 × 800 px at 100, 150 and 200 % root font size.

For both municipalities and a freshly scaffolded one, in Danish and English: no sideways scroll, no word broken
inside (soft hyphens from the build are the only places a word may wrap), every call button whole on screen, the
part that stays on screen while scrolling at most a quarter of it, the shortcuts lead to their sections, and axe
finds nothing.
"""
from __future__ import annotations

import contextlib

import pytest

from conftest import MUNICIPALITIES, TODAY
from macros.citizen.page import build_public
from macros.cli import main
from macros.model.dataset import load_dataset
from support import web
from test_new_municipality import fill

WIDTH, HEIGHT = 360, 800
SCALES = (100, 150, 200)
PAGES = {"da": "", "en": "en/"}
SCAFFOLDED = "scaffolded"

# Every word that the browser laid out on more than one line, unless the build gave it a soft hyphen or it
# has a hyphen, dash or slash of its own: a word broken inside.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.textContent.matchAll(/\\S+/g)) {
      if (/[\\u00ad\\-–\\/]/.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""
# Elements whose content is wider than they are (a word too long for its line spills out of its box).
SPILLING = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 60))"""


@pytest.fixture(scope="module")
def browser():
    with web.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, str]:
    """Each municipality's public site and a scaffolded one (filled in as a coordinator would), served."""
    base = tmp_path_factory.mktemp("large-text")
    scaffold = base / "data" / "ny"
    assert main(["new", str(scaffold), "--name", "Æbeltoft Kommune"]) == 0
    fill(scaffold)
    folders = {**MUNICIPALITIES, SCAFFOLDED: scaffold}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        for name, folder in folders.items():
            ds, problems = load_dataset(folder)
            assert ds is not None, problems
            build_public(ds, base / name)
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(web.serve(base / name)) for name in folders}


@pytest.fixture(params=[*MUNICIPALITIES, SCAFFOLDED])
def site(request, sites) -> str:
    return sites[request.param]


def _open(browser, url: str, scale: int):
    page = web.new_page(browser, width=WIDTH)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(url)
    page.add_style_tag(content=f"html{{font-size:{scale}%}}")
    return page


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", PAGES)
def test_large_text_reflows_without_sideways_scroll_or_a_word_broken_inside(browser, site, lang, scale):
    page = _open(browser, site + PAGES[lang], scale)
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 16 * scale / 100
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate(SPILLING) == []
    assert page.evaluate(BROKEN_WORDS) == []
    page.context.close()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", PAGES)
def test_every_call_button_lies_whole_inside_the_screen_width(browser, site, lang, scale):
    page = _open(browser, site + PAGES[lang], scale)
    boxes = page.evaluate("""() => [...document.querySelectorAll('a[href^="tel:"]')]
        .map(a => { const r = a.getBoundingClientRect(); return [a.textContent.trim(), r.left, r.right]; })""")
    assert len(boxes) >= 8
    cut = [(text, left, right) for text, left, right in boxes if left < 0 or right > WIDTH]
    assert not cut, cut
    page.context.close()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", PAGES)
def test_what_stays_on_screen_while_scrolling_is_the_quick_exit_and_at_most_a_quarter_of_it(browser, site, lang,
                                                                                           scale):
    page = _open(browser, site + PAGES[lang], scale)
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 1000")
    stuck = page.evaluate("""() => [...document.body.querySelectorAll('*')]
        .filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position))
        .map(e => { const r = e.getBoundingClientRect(); return [e.className, r.top, r.height]; })""")
    assert [name for name, _, _ in stuck] == ["ih-citizen__exit-bar"]
    _, top, height = stuck[0]
    assert top == 0 and height <= HEIGHT / 4, stuck
    exit_box = page.locator(".ih-citizen__exit").bounding_box()
    assert exit_box["y"] >= 0 and exit_box["x"] + exit_box["width"] <= WIDTH
    page.context.close()


@pytest.mark.parametrize("scale", SCALES)
def test_each_shortcut_under_the_112_box_leads_to_its_section_with_its_own_call_buttons(browser, site, scale):
    page = _open(browser, site, scale)
    links = page.locator(".ih-citizen__shortcuts a")
    assert [t.replace("\u00ad", "") for t in links.all_inner_texts()] == [
        "Jeg er forælder eller pårørende", "Jeg er ung", "Jeg er fagperson"]
    emergency = page.locator(".ih-citizen__emergency").bounding_box()
    shortcuts = page.locator(".ih-citizen__shortcuts").bounding_box()
    assert shortcuts["y"] > emergency["y"] + emergency["height"]
    for index, (target, title) in enumerate((("ih-parents", "Er du forælder, pårørende eller ven?"),
                                             ("ih-youth", "Er du ung?"), ("ih-pros", "Er du fagperson?"))):
        links.nth(index).click()
        page.wait_for_function(f"location.hash === '#{target}'")
        section = page.locator(f"#{target}")
        assert section.locator("h2").inner_text().replace("\u00ad", "") == title
        box = section.bounding_box()
        assert -1 <= box["y"] < HEIGHT / 2, (target, box)  # scrolled to, below the sticky quick exit at most
        calls = section.locator(".ih-citizen__calls a[href^='tel:']")
        assert calls.count() >= 2, target
        assert section.locator(".ih-citizen__calls-after a[href='tel:114']").count() == 1, target
    page.context.close()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", PAGES)
def test_axe_finds_no_violations_at_large_text(browser, site, lang, scale):
    page = _open(browser, site + PAGES[lang], scale)
    violations = web.axe_violations(page)
    assert not violations, web.format_violations(violations)
    page.context.close()


def test_negative_control_the_checks_see_a_broken_word_a_spill_and_sideways_scroll(browser, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '<title>t</title></head><body style="margin:0">'
        '<p style="width:120px;overflow-wrap:anywhere">Tilgængelighedserklæring</p>'
        '<p style="width:120px;font-size:2rem">Børnetelefonrådgivningen</p></body></html>', encoding="utf-8")
    with web.serve(tmp_path) as url:
        page = _open(browser, url, 200)
        assert page.evaluate(BROKEN_WORDS) == ["Tilgængelighedserklæring"]
        assert page.evaluate(SPILLING) == ["P.: Børnetelefonrådgivningen"]
        assert page.evaluate("document.documentElement.scrollWidth") > WIDTH
        page.context.close()
