"""Action cards in the build: release rule, missing programs, safe rendering and the Handlekort page."""
from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pdfkit
import pytest
import segno

from conftest import DEFAULT_DATA, MUNICIPALITIES, error_lines
from macros.cards import pdf as cardpdf
from macros.cards.content import SHEET_NAME, card_views
from macros.cards.page import cards_overview
from macros.cards.pdf import A6, CardRenderer
from macros.cli import main
from macros.common.faults import MissingTool, SystemFault
from macros.model.dataset import load_dataset
from macros.model.problems import DataError
from macros.common.render import render
from test_cards_pdf import (A4_PT, A6_PT, POINT_TOLERANCE, build, make_fresh, page_sizes, pdf_text, views_of)

HOSTILE_TITLE = '<meta name="pdfkit-page-size" content="A0"> Kort'
HOSTILE_AUDIENCE = "<script>document.title = 'x'</script> Alle"
HOSTILE_NAME = "<b>html</b> Hansen"


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hostile(folder: Path) -> Path:
    """A data copy whose card title, audience and a contact's name are HTML, script and a pdfkit meta tag."""
    edit(folder, "cards.yml", "title: Akut fare for liv eller helbred", f"title: '{HOSTILE_TITLE}'")
    edit(folder, "cards.yml", "audience: Alle medarbejdere i Hjørring Kommune\n",
         f"audience: \"{HOSTILE_AUDIENCE}\"\n")
    edit(folder, "contacts.yml", 'name: "Eksempel: Peter Dahl"', f'name: "{HOSTILE_NAME}"')
    return folder


# --- release rule and missing programs --------------------------------------------------------------

def test_strict_build_refuses_cards_and_names_the_stale_contact(data_copy, tmp_path, capsys):
    folder = make_fresh(data_copy)
    edit(folder, "contacts.yml", "on: 2026-11-01", "on: 2025-01-02")  # the SSP consultant
    out = tmp_path / "site"
    code = main(["build", "--data", str(folder), "--out", str(out), "--strict"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Data har fejl; intet er bygget." in err
    assert any('"Anna Holm" blev sidst bekræftet for 698 dage siden' in line and "contacts.yml" in line
               for line in error_lines(err)), err
    assert not out.exists(), "a strict build with stale contacts must not write any card"


def test_strict_build_makes_cards_without_watermark_when_all_is_fresh(data_copy, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["build", "--data", str(make_fresh(data_copy)), "--out", str(out), "--strict"]) == 0
    cards = out / "intranet" / "handlekort"
    assert "KLADDE" not in pdf_text(cards / "under-18.pdf")
    assert "KLADDE" not in (cards / "index.html").read_text(encoding="utf-8")


def test_build_without_wkhtmltopdf_exits_2_with_the_apt_command(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # nothing can be found on PATH
    out = tmp_path / "site"
    code = main(["build", "--data", str(DEFAULT_DATA), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert 'programmet "wkhtmltopdf" ikke er installeret' in err
    assert "sudo apt-get install wkhtmltopdf" in err
    assert not out.exists()


def test_missing_pdftoppm_names_poppler_utils(tmp_path, monkeypatch):
    monkeypatch.setattr(cardpdf, "PDFTOPPM", str(tmp_path / "no-such-pdftoppm"))
    ds, _ = load_dataset(DEFAULT_DATA)
    with pytest.raises(MissingTool, match="sudo apt-get install poppler-utils"):
        cardpdf.build_cards(ds, tmp_path / "kort")


def test_cards_render_without_a_display_server(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":99")  # no X server there; wkhtmltopdf must not need one
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    out = build(data_copy, tmp_path / "kort")
    assert len(page_sizes(out / "akut.pdf")) == 1
    # Debian's wkhtmltopdf itself runs without any display variable.
    source = tmp_path / "a.html"
    source.write_text(page("<p>uden skærm</p>"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(["wkhtmltopdf", "--quiet", str(source), str(tmp_path / "a.pdf")], check=True, env=env,
                   capture_output=True)
    assert "uden skærm" in pdf_text(tmp_path / "a.pdf")


# --- fitting a card on A6 -----------------------------------------------------------------------

def test_a_card_too_big_for_its_first_size_steps_down_until_it_fits(data_copy, tmp_path, monkeypatch):
    tried: list[tuple[str, int]] = []
    card = CardRenderer.card

    def counting(self, view, size):
        tried.append((view.id, size))
        return card(self, view, size)

    monkeypatch.setattr(cardpdf, "first_size", lambda view: 0)  # always start at the largest text
    monkeypatch.setattr(CardRenderer, "card", counting)
    out = build(data_copy, tmp_path / "kort")
    assert ("under-18", 0) in tried and ("under-18", 1) in tried, tried
    for view in views_of(data_copy):
        assert len(page_sizes(out / view.pdf_name)) == 1, view.id


def test_a_card_that_cannot_fit_a6_is_a_data_error_naming_the_card(data_copy, tmp_path):
    long_step = "Ring 112 med det samme, og sig, hvad der sker, og hvor du er. " * 40
    edit(data_copy, "escalation.yml", "- Ring 112 med det samme, og sig, hvad der sker, og hvor du er.",
         f"- {long_step.strip()}")
    ds, _ = load_dataset(data_copy)
    with pytest.raises(DataError) as raised:
        cardpdf.build_cards(ds, tmp_path / "kort")
    message = str(raised.value)
    assert 'cards.yml:' in message and 'handlekortet "akut" kan ikke være på ét A6-kort' in message


def test_112_without_a_phone_number_stops_the_cards(data_copy, tmp_path):
    national = data_copy.parent / "national"
    shutil.copytree(DEFAULT_DATA.parent / "national", national)
    edit(national, "contacts.yml", '    phones:\n      - number: "112"\n        label: Alarmnummer\n', "")
    edit(national, "contacts.yml", "    roles: [emergency]\n", "    roles: [emergency]\n    url: https://www.112.dk\n")
    ds, problems = load_dataset(data_copy)
    assert ds is not None and not [p for p in problems if p.severity == "error"], problems
    with pytest.raises(DataError, match='"Alarm 112" har rollen emergency, men intet telefonnummer'):
        cardpdf.build_cards(ds, tmp_path / "kort")


# --- safe rendering ------------------------------------------------------------------------------

def test_html_script_and_pdfkit_meta_in_the_data_print_as_text(data_copy, tmp_path):
    out = build(hostile(data_copy), tmp_path / "kort")
    text = pdf_text(out / "akut.pdf")
    for value in (HOSTILE_TITLE, HOSTILE_AUDIENCE, HOSTILE_NAME):
        assert value in text
    for pdf in (out / "akut.pdf", out / "team.pdf"):
        (width, height), = page_sizes(pdf)
        assert abs(width - A6_PT[0]) <= POINT_TOLERANCE and abs(height - A6_PT[1]) <= POINT_TOLERANCE
    assert HOSTILE_TITLE in pdf_text(out / SHEET_NAME)
    assert all(abs(w - A4_PT[0]) <= POINT_TOLERANCE and abs(h - A4_PT[1]) <= POINT_TOLERANCE
               for w, h in page_sizes(out / SHEET_NAME))


def test_html_in_the_data_is_escaped_on_the_handlekort_page(data_copy):
    ds, _ = load_dataset(hostile(data_copy))
    html = cards_overview(ds)
    assert "&lt;meta name=&#34;pdfkit-page-size&#34; content=&#34;A0&#34;&gt; Kort" in html
    assert "&lt;script&gt;" in html
    assert "<meta" not in html and "<script" not in html


def test_escaped_meta_tag_is_invisible_to_pdfkits_own_parser(data_copy):
    # pdfkit looks for options with a regex over the raw HTML: `<meta [^>]*>` then `name="pdfkit-`.
    view = next(v for v in views_of(hostile(data_copy)) if HOSTILE_TITLE in v.card.title)
    html = render("cards/a6.html", view=view, size=0, brand={"primary": "#00596e", "accent": "#b5291b"})
    assert "&lt;meta name=&#34;pdfkit-page-size&#34;" in html
    stock = pdfkit.PDFKit("<p></p>", "string")
    assert stock._find_options_in_meta(html) == {}
    # The same tag unescaped would have become an option: that is what the escaping prevents.
    assert stock._find_options_in_meta(HOSTILE_TITLE) == {"page-size": "A0"}


def renderer(tmp_path: Path) -> CardRenderer:
    assets = tmp_path / "assets"
    assets.mkdir()
    return CardRenderer(shutil.which("wkhtmltopdf"), assets, {}, date(2026, 11, 1))


def page(body: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'


def test_renderer_ignores_pdfkit_meta_tags_even_unescaped(tmp_path):
    # Two locks: the HTML goes to wkhtmltopdf as a file (pdfkit parses meta tags only in strings),
    # and the renderer's pdfkit never parses them at all.
    assert "page-size" in pdfkit.PDFKit(page(HOSTILE_TITLE), "string").options
    assert cardpdf._TrustedPDFKit(page(HOSTILE_TITLE), "string").options == {}
    pdf, pages = renderer(tmp_path).pdf(page(f"{HOSTILE_TITLE}<p>a</p>"), "meta", A6, "Test")
    (tmp_path / "meta.pdf").write_bytes(pdf)
    assert pages == 1
    (width, height), = page_sizes(tmp_path / "meta.pdf")
    assert abs(width - A6_PT[0]) <= POINT_TOLERANCE and abs(height - A6_PT[1]) <= POINT_TOLERANCE


def test_renderer_runs_no_javascript(tmp_path):
    body = '<p id="x">statisk</p><script>document.getElementById("x").textContent = "JS KØRTE";</script>'
    pdf, _ = renderer(tmp_path).pdf(page(body), "js", A6, "Test")
    (tmp_path / "js.pdf").write_bytes(pdf)
    assert pdf_text(tmp_path / "js.pdf") == "statisk"


def test_renderer_reads_local_files_only_from_the_assets_folder(tmp_path):
    r = renderer(tmp_path)
    segno.make("inside").save(r.assets / "inside.png", scale=4)
    picture = tmp_path / "outside.png"
    segno.make("outside").save(picture, scale=4)
    pdf, _ = r.pdf(page('<img src="inside.png" alt="">'), "inside", A6, "Test")
    (tmp_path / "inside.pdf").write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(tmp_path / "inside.pdf")], capture_output=True,
                            encoding="utf-8", check=True).stdout.splitlines()[2:]
    assert len(listed) == 1, "a picture in the assets folder is allowed"
    with pytest.raises(SystemFault, match="ProtocolUnknownError"):  # outside: refused, and the render fails
        r.pdf(page(f'<img src="file://{picture}" alt="">'), "outside", A6, "Test")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_renderer_makes_no_network_requests(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        body = f'<link rel="stylesheet" href="{url}/a.css"><img src="{url}/b.png" alt=""><p>a</p>'
        renderer(tmp_path).pdf(page(body), "net", A6, "Test")
        assert _Recorder.requests == []
        # Control: the same page through wkhtmltopdf without our options does reach the server.
        source = tmp_path / "net.html"
        source.write_text(page(body), encoding="utf-8")
        subprocess.run(["wkhtmltopdf", "--quiet", str(source), str(tmp_path / "net.pdf")], capture_output=True)
        assert _Recorder.requests, "the control request never arrived, so the test proves nothing"
    finally:
        server.shutdown()
        server.server_close()


# --- the Handlekort page ---------------------------------------------------------------------------

class _Links(HTMLParser):
    """The links and images inside the page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


@pytest.mark.parametrize("name", MUNICIPALITIES)
def test_handlekort_page_lists_every_card_with_working_links_and_previews(built_sites, name):
    folder = built_sites[name] / "intranet" / "handlekort"
    html = (folder / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article'):html.index('</article>')]
    links = _Links()
    links.feed(article)
    local = [h for h in links.hrefs if not re.match(r"^([a-z]+:|/|#|\.\./)", h)]
    views = views_of(MUNICIPALITIES[name])
    assert SHEET_NAME in local
    for view in views:
        assert view.pdf_name in local, view.id
        image = next(i for i in links.images if i["src"] == view.png_name)
        assert view.card.title in image["alt"] and "QR-kode" in image["alt"]
        assert int(image["width"]) > 0 and int(image["height"]) > 0
    for name in local + [i["src"] for i in links.images]:
        assert (folder / name).is_file(), f"{name} is linked from the Handlekort page but was not built"
    assert (folder / views[0].png_name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in folder.glob("*.pdf")) == sorted([SHEET_NAME] + [v.pdf_name for v in views])


def test_handlekort_page_explains_why_the_cards_are_drafts(built_site):
    html = (built_site / "intranet" / "handlekort" / "index.html").read_text(encoding="utf-8")
    assert "Kladde – må ikke trykkes" in html
    assert "Eksempel: Anna Holm er en eksempelperson." in html
    assert "infohus check --strict" in html


# --- topics -------------------------------------------------------------------------------------

def retopic(folder: Path, card_id: str, line: str) -> None:
    """Replace the `topics:` line of one card in cards.yml with `line` ("" removes it)."""
    path = folder / "cards.yml"
    blocks = re.split(r"(?m)^(?=  - id: )", path.read_text(encoding="utf-8"))
    block = next(i for i, b in enumerate(blocks) if b.startswith(f"  - id: {card_id}\n"))
    assert "    topics: [extremism]\n" in blocks[block]
    blocks[block] = blocks[block].replace("    topics: [extremism]\n", line)
    path.write_text("".join(blocks), encoding="utf-8")


ALL_TOPICS = "topics: [extremism, social_control, honour]"


def test_a_card_of_a_topic_the_municipality_does_not_cover_is_not_made_nor_listed(data_copy, tmp_path):
    edit(data_copy, "municipality.yml", ALL_TOPICS, "topics: [extremism]")
    retopic(data_copy, "voksen", "    topics: [honour]\n")
    retopic(data_copy, "team", "")
    ds, _ = load_dataset(data_copy)
    assert [v.id for v in card_views(ds)] == ["under-18", "akut", "borger", "team"], "a card without topics is for all"
    page = cards_overview(ds)
    assert "voksen" not in page and "Bekymret for en voksen over 18 år?" not in page
    assert "Hent alle 4 kort" in page
    out = build(data_copy, tmp_path / "kort")
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(
        [SHEET_NAME, "under-18.pdf", "akut.pdf", "borger.pdf", "team.pdf"])
    assert "Bekymret for en voksen" not in pdf_text(out / SHEET_NAME)


def test_negative_control_the_same_card_is_made_when_the_municipality_covers_its_topic(data_copy):
    retopic(data_copy, "voksen", "    topics: [honour]\n")
    edit(data_copy, "municipality.yml", ALL_TOPICS, "topics: [extremism, honour]")
    ds, _ = load_dataset(data_copy)
    assert "voksen" in [v.id for v in card_views(ds)]


def test_no_card_for_a_covered_topic_is_a_data_error_that_says_what_to_do(data_copy):
    edit(data_copy, "municipality.yml", ALL_TOPICS, "topics: [extremism]")
    text = (data_copy / "cards.yml").read_text(encoding="utf-8")
    (data_copy / "cards.yml").write_text(text.replace("topics: [extremism]", "topics: [honour]"), encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    with pytest.raises(DataError) as raised:
        card_views(ds)
    assert "intet handlekort hører til de emner, Hjørring Kommune dækker (extremism). Ret topics på kortene" \
        in str(raised.value) and "cards.yml:" in str(raised.value)
