"""A municipality's name, colours, logo and addresses reach every output from its data, never from code.

One contrast rule (macros/model/municipality.py) decides for the handbook, the citizen page and the cards
whether a brand colour can carry text; the logo each output publishes is the one infohus wrote (tests/test_logo.py).
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MUNICIPALITIES, TODAY
from macros.cards import pdf as cardpdf
from macros.citizen.view import public_view
from macros.handbook import site as handbook
from macros.model import logo
from macros.model.dataset import load_dataset
from macros.model.municipality import DEFAULT_ACCENT, DEFAULT_PRIMARY, INK, WHITE, contrast, readable_on_white
from test_cards_pdf import pdf_text

ON = date.fromisoformat(TODAY)
HALSNAES = MUNICIPALITIES["halsnaes"]
PRIMARY, ACCENT = "#0b4f6c", "#a63d1e"  # Halsnæs' colours in its municipality.yml


def dataset(folder: Path):
    ds, problems = load_dataset(folder, on=ON)
    assert ds is not None, problems
    return ds


def handbook_colours(ds) -> dict:
    """What the handbook's theme gets from the data (config.extra.infohus)."""
    conf = {"site_url": "https://x.example/", "mdx_configs": {}, "theme": {}, "extra": {}}
    handbook.configure(conf, ds)
    return conf["extra"]["infohus"]


def rebrand(folder: Path, primary: str, accent: str) -> Path:
    path = folder / "municipality.yml"
    text = path.read_text(encoding="utf-8")
    assert f'primary: "{PRIMARY}"' in text and f'accent: "{ACCENT}"' in text
    path.write_text(text.replace(PRIMARY, primary).replace(ACCENT, accent), encoding="utf-8")
    return folder


@pytest.fixture
def halsnaes_copy(tmp_path) -> Path:
    folder = tmp_path / "halsnaes"
    shutil.copytree(HALSNAES, folder)
    return folder


# --- one contrast rule ---------------------------------------------------------------------------------

def test_contrast_is_the_wcag_ratio():
    assert contrast(WHITE, "#000000") == pytest.approx(21)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the lightest grey at AA
    assert contrast(PRIMARY, WHITE) == contrast(WHITE, PRIMARY)


@pytest.mark.parametrize(("colour", "used"), [("#00596e", "#00596e"), ("#ffff00", DEFAULT_PRIMARY),
                                               (None, DEFAULT_PRIMARY), ("#767676", "#767676"),
                                               ("#777777", DEFAULT_PRIMARY)])
def test_a_brand_colour_carries_text_only_when_it_reads_on_white(colour, used):
    assert readable_on_white(colour, DEFAULT_PRIMARY) == used


def test_every_output_uses_the_data_colours_when_they_read(halsnaes_copy):
    ds = dataset(halsnaes_copy)
    assert {"primary": PRIMARY, "primary_text": WHITE, "accent": ACCENT}.items() <= handbook_colours(ds).items()
    view = public_view(ds)
    assert (view.primary, view.accent) == (PRIMARY, ACCENT)
    assert cardpdf._brand(ds) == {"primary": PRIMARY, "accent": ACCENT}


def test_every_output_keeps_text_readable_when_the_data_colours_are_too_light(halsnaes_copy):
    ds = dataset(rebrand(halsnaes_copy, "#ffff00", "#ffcc00"))
    # The handbook keeps the colour for its header and writes dark text on it ...
    assert handbook_colours(ds)["primary"] == "#ffff00" and handbook_colours(ds)["primary_text"] == INK
    # ... the citizen page and the cards, which use it as text on white, fall back to the defaults.
    view = public_view(ds)
    assert (view.primary, view.accent) == (DEFAULT_PRIMARY, DEFAULT_ACCENT)
    assert cardpdf._brand(ds) == {"primary": DEFAULT_PRIMARY, "accent": DEFAULT_ACCENT}


# --- the citizen page ------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_citizen_page_shows_the_logo_as_an_image_named_after_the_municipality(built_sites):
    public = built_sites["halsnaes"] / "public"
    assert {str(p.relative_to(public)) for p in public.rglob("*") if p.is_file()} == \
        {"index.html", "en/index.html", "embed.html", "contacts.json", "logo.svg", "beredskab/index.html",
         "beredskab.pdf"}
    written = logo.svg((HALSNAES / "logo.svg").read_bytes())  # as infohus wrote it, never the file itself
    assert (public / "logo.svg").read_bytes() == written
    assert (built_sites["halsnaes"] / "intranet" / "assets" / "brand" / "logo.svg").read_bytes() == written
    for page, src, extra in (("index.html", "logo.svg", {}), ("en/index.html", "../logo.svg", {"lang": "da"})):
        html = (public / page).read_text(encoding="utf-8")
        loading = [(tag, attrs) for tag, attrs in tags(html) if "src" in attrs]
        assert loading == [("img", {"class": "ih-citizen__logo", "src": src, "alt": "Halsnæs Kommune", **extra})]
        assert "<svg" not in html, "the logo is never inlined"


def test_citizen_page_has_the_municipality_colours_name_and_addresses(built_sites):
    html = (built_sites["halsnaes"] / "public" / "index.html").read_text(encoding="utf-8")
    assert f":root{{--ih-primary:{PRIMARY};--ih-accent:{ACCENT}}}" in html
    assert '<link rel="canonical" href="https://www.halsnaes.dk/infohus/">' in html
    assert 'href="https://www.was.digst.dk/halsnaes-dk"' in html
    assert "<title>Bekymret for radikalisering og ekstremisme, negativ social kontrol eller æresrelaterede " \
           "konflikter? – Halsnæs Kommune</title>" in html


def test_negative_control_without_a_logo_the_citizen_page_names_the_municipality_in_text(built_sites):
    html = (built_sites["hjoerring"] / "public" / "index.html").read_text(encoding="utf-8")
    assert '<p class="ih-citizen__org">Hjørring Kommune</p>' in html and "<img" not in html
    assert not (built_sites["hjoerring"] / "public" / "logo.svg").exists()


# --- the cards -------------------------------------------------------------------------------------------

def raster(pdf: Path, tmp: Path) -> tuple[int, bytes]:
    """The first page at 10 pixels a millimetre: (width, RGB bytes)."""
    subprocess.run(["pdftoppm", "-r", "254", "-singlefile", str(pdf), str(tmp / pdf.stem)], check=True)
    magic, size, depth, pixels = (tmp / f"{pdf.stem}.ppm").read_bytes().split(b"\n", 3)
    return int(size.split()[0]), pixels


def pixels_like(width: int, px: bytes, colour: str, box: tuple[float, float, float, float], tolerance=6) -> int:
    """How many pixels in `box` (x0, y0, x1, y1 in mm) have `colour`, give or take `tolerance` a channel."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    x0, y0, x1, y1 = (round(v * 10) for v in box)
    return sum(1 for y in range(y0, y1) for x in range(x0, x1)
               if all(abs(px[(y * width + x) * 3 + i] - rgb[i]) <= tolerance for i in range(3)))


def accent_bar(width: int, px: bytes, colour: str) -> float:
    """The height (mm) of the first row with a bar in `colour` across the card (90 mm or more)."""
    for y in range(30, 400):
        if pixels_like(width, px, colour, (0, y / 10, 105, y / 10 + 0.1), tolerance=30) >= 900:
            return y / 10
    raise AssertionError(f"no bar in {colour} under the card's header")


@pytest.mark.parametrize("name", MUNICIPALITIES)
def test_card_header_has_the_team_the_accent_bar_the_title_in_the_primary_colour_and_the_logo(
        built_sites, tmp_path, name):
    ds = dataset(MUNICIPALITIES[name])
    brand = cardpdf._brand(ds)
    pdf = built_sites[name] / "intranet" / "handlekort" / "akut.pdf"
    width, px = raster(pdf, tmp_path)
    bar = accent_bar(width, px, brand["accent"])
    assert pixels_like(width, px, brand["primary"], (5, bar + 0.5, 100, bar + 8)) > 1000, "title in primary"
    logo = pixels_like(width, px, brand["primary"], (70, 3, 100, bar - 0.2))
    if ds.municipality.brand_logo:
        assert logo > 300 and pixels_like(width, px, brand["accent"], (70, 3, 100, bar - 0.2)) > 100
        assert 10 <= bar <= 13, "the logo's row is 6 mm"
    else:
        assert logo == 0, "no logo, nothing drawn beside the team's name"
    text = pdf_text(pdf)
    assert f"{ds.municipality.team} · Handlekort".upper() in text
    assert ds.municipality.url_intranet.split("://")[1] in text


def test_negative_control_the_card_pixels_tell_the_two_primaries_apart(built_sites, tmp_path):
    width, px = raster(built_sites["halsnaes"] / "intranet" / "handlekort" / "akut.pdf", tmp_path)
    bar = accent_bar(width, px, ACCENT)
    assert pixels_like(width, px, DEFAULT_PRIMARY, (5, bar + 0.5, 100, bar + 8)) == 0


def test_a_municipality_without_branding_gets_the_defaults_everywhere(halsnaes_copy):
    ds = dataset(halsnaes_copy)
    plain = dataclasses.replace(ds, municipality=dataclasses.replace(
        ds.municipality, brand_primary=None, brand_accent=None, brand_logo=None, logo=None))
    assert handbook_colours(plain)["primary"] is None  # the handbook's stylesheet has the defaults
    view = public_view(plain)
    assert (view.primary, view.accent, view.logo) == (DEFAULT_PRIMARY, DEFAULT_ACCENT, None)
    assert cardpdf._brand(plain) == {"primary": DEFAULT_PRIMARY, "accent": DEFAULT_ACCENT}
