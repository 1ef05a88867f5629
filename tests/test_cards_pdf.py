"""Action cards as printed: what each PDF says, its exact page size, its fonts, its scale and its watermark."""
from __future__ import annotations

import math
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import segno

from conftest import DEFAULT_DATA, MUNICIPALITIES, TODAY
from macros.cards.content import SHEET_NAME, CardView, card_views, release
from macros.cards.pdf import build_cards
from macros.model.dataset import load_dataset

A6_PT = (297.64, 419.53)
A4_PT = (595.28, 841.89)
POINT_TOLERANCE = 0.5
ON = date.fromisoformat(TODAY)


# --- helpers -------------------------------------------------------------------------------------

def views_of(folder: Path) -> list[CardView]:
    """The cards of a data folder as the build sees them on the pinned day."""
    ds, _ = load_dataset(folder, on=ON)
    return card_views(ds)


def pdf_text(pdf: Path) -> str:
    """The PDF's text in drawing order, whitespace collapsed (lines wrap wherever the card wraps them)."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                         encoding="utf-8").stdout
    return " ".join(raw.split())


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Every page's size in points, as pdfinfo reports it."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], check=True, capture_output=True,
                         encoding="utf-8").stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", out, re.M)]


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font pdffonts lists."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           encoding="utf-8").stdout.splitlines()[2:]
    # Columns: name type encoding emb sub uni object ID; the type may contain spaces, so read from the right.
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def raster(pdf: Path, dpi: int, tmp: Path) -> tuple[int, int, bytes]:
    """The first page as RGB pixels (pdftoppm writes PPM by default): width, height, bytes."""
    stem = tmp / f"{pdf.stem}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-singlefile", str(pdf), str(stem)], check=True)
    data = stem.with_suffix(".ppm").read_bytes()
    magic, size, depth, pixels = data.split(b"\n", 3)
    assert magic == b"P6" and depth == b"255"
    width, height = map(int, size.split())
    return width, height, pixels


def watermark_share(pdf: Path, tmp: Path) -> float:
    """Share of the page in the watermark's colour (the accent red at 22 % over white)."""
    width, height, px = raster(pdf, 60, tmp)
    pink = sum(1 for i in range(0, len(px), 3)
               if 225 <= px[i] <= 250 and 192 <= px[i + 1] <= 222 and 188 <= px[i + 2] <= 220)
    return pink / (width * height)


def assert_in_order(text: str, parts: list[str]) -> None:
    """Every part occurs in `text`, each after the one before."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing (or out of order) in the card text:\n{text}"
        position = found + len(part)


def make_fresh(folder: Path) -> Path:
    """Turn a data copy releasable: no example people, adoption, paths or cards (all verified 2026-11-01), no name
    or number label saying "Eksempel", the out-of-hours route confirmed, and nothing written from the example
    source any more."""
    for name in ("contacts.yml", "municipality.yml", "escalation.yml", "cards.yml"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert "    example: true\n" in text
        text = text.replace("    example: true\n", "").replace("doc: eksempeldata", "doc: hjoerring-handlingsplan-2018")
        text = text.replace('"Eksempel: ', '"').replace(" (eksempel)", "")
        text = text.replace("    needs_confirmation: true\n", "")
        path.write_text(text, encoding="utf-8")
    return folder


def build(folder: Path, out: Path) -> Path:
    """Build only the cards of a data folder into `out`."""
    ds, problems = load_dataset(folder, on=ON)
    assert ds is not None and not [p for p in problems if p.severity == "error"], problems
    build_cards(ds, out)
    return out


@pytest.fixture(scope="module")
def cards_dir(built_site) -> Path:
    return built_site / "intranet" / "handlekort"


@pytest.fixture(scope="module")
def default_views() -> list[CardView]:
    return views_of(DEFAULT_DATA)


@pytest.fixture(scope="module")
def built_cards(built_sites, municipality) -> tuple[Path, list[CardView]]:
    """Each municipality's built cards in turn: (OUT/intranet/handlekort, the card views)."""
    return built_sites[municipality] / "intranet" / "handlekort", views_of(MUNICIPALITIES[municipality])


# --- every municipality's cards ------------------------------------------------------------------

def test_every_card_shows_its_numbers_steps_and_contacts_with_danish_letters_intact(built_cards):
    folder, views = built_cards
    assert views, "every municipality has cards"
    checked = []
    for view in views:
        text = pdf_text(folder / view.pdf_name)
        parts = [view.card.title, view.card.audience, view.emergency.phones[0].display,
                 view.police.phones[0].display, *(h.phones[0].display for h in view.helplines)]
        assert view.after_hours, "every card says whom to call out of office hours"
        for route in view.after_hours:
            assert f"{route.phone.display} Uden for kontortid: {route.text}" in text
        parts += list(view.outcome.actions) if view.outcome else [d.text for d in view.decisions]
        assert_in_order(text, parts)
        for contact in view.contacts:
            who = [contact.name, *([contact.title] if contact.title else []), *(p.display for p in contact.phones)]
            assert_in_order(text, who)
            parts += who
        assert f"{view.team} · Handlekort".upper() in text and view.url_text in text
        checked += parts
    assert {"æ", "ø", "å"} <= set(" ".join(checked).lower()), "the checked text has every Danish letter"


def test_every_card_is_one_a6_page_and_the_sheet_a4_four_to_a_page(built_cards):
    folder, views = built_cards
    for view in views:
        sizes = page_sizes(folder / view.pdf_name)
        assert len(sizes) == 1, f"{view.id}: {len(sizes)} pages"
        (width, height), = sizes
        assert abs(width - A6_PT[0]) <= POINT_TOLERANCE and abs(height - A6_PT[1]) <= POINT_TOLERANCE, \
            f"{view.id}: {width} x {height} pt is not A6"
    sizes = page_sizes(folder / SHEET_NAME)
    assert len(sizes) == math.ceil(len(views) / 4)
    for width, height in sizes:
        assert abs(width - A4_PT[0]) <= POINT_TOLERANCE and abs(height - A4_PT[1]) <= POINT_TOLERANCE
    assert_in_order(pdf_text(folder / SHEET_NAME), [v.card.title for v in views])


def test_every_card_and_the_sheet_have_a_pdf_title_not_a_file_name(built_cards):
    """What a PDF reader shows in its title bar and reads aloud; wkhtmltopdf alone leaves it empty."""
    folder, views = built_cards

    def title(pdf: Path) -> str:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        return re.search(r"^Title:\s*(.*)$", info, re.M)[1]

    for view in views:
        assert title(folder / view.pdf_name) == f"Handlekort: {view.card.title} – {view.team}"
    assert title(folder / SHEET_NAME) == f"Alle handlekort – {views[0].team}"


def test_all_fonts_are_embedded_liberation_sans(built_cards):
    folder, views = built_cards
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == len(views) + 1
    for pdf in pdfs:
        found = fonts(pdf)
        assert found, f"{pdf.name} has no fonts"
        assert all(emb == "yes" for _, emb in found), f"{pdf.name}: {found}"
        assert all("LiberationSans" in name for name, _ in found), f"{pdf.name} fell back: {found}"


def test_cards_from_example_people_carry_the_kladde_watermark(built_cards, tmp_path):
    folder, views = built_cards
    assert all(view.draft for view in views), "both municipalities' data still has example people"
    for pdf in sorted(folder.glob("*.pdf")):
        assert "KLADDE – MÅ IKKE TRYKKES" in pdf_text(pdf), pdf.name
        assert watermark_share(pdf, tmp_path) > 0.02, f"{pdf.name}: the diagonal KLADDE is not visible"


# --- what each card says ---------------------------------------------------------------------------

def test_the_default_data_has_the_cards_of_its_plan_and_for_the_two_other_topics(default_views):
    assert [v.id for v in default_views] == ["under-18", "voksen", "akut", "borger", "team", "nsk", "udrejse"]
    assert [v.kind for v in default_views] == ["actions", "actions", "actions", "decisions", "contacts",
                                              "actions", "actions"]


# The national band of each card: the helplines of its topics after 112 and 114.
BANDS = {
    "under-18": ["41 74 90 90", "Hotline mod radikalisering, alle dage kl. 08–22"],
    "voksen": ["41 74 90 90", "Hotline mod radikalisering, alle dage kl. 08–22"],
    "akut": ["41 74 90 90", "Hotline mod radikalisering, alle dage kl. 08–22"],
    "borger": ["41 74 90 90", "Hotline mod radikalisering, alle dage kl. 08–22"],
    "team": ["41 74 90 90", "Hotline mod radikalisering, alle dage kl. 08–22"],
    "nsk": ["70 27 76 66", "RED Rådgivning, anonymt", "116 111", "BørneTelefonen, døgnet rundt",
            "+45 33 92 11 12", "Udenrigsministeriets Borgerservice, døgnet rundt"],
    "udrejse": ["70 27 76 66", "RED Rådgivning, anonymt", "116 111", "BørneTelefonen, døgnet rundt",
                "+45 33 92 11 12", "Udenrigsministeriets Borgerservice, døgnet rundt"],
}


@pytest.mark.parametrize("card_id", list(BANDS))
def test_card_shows_title_steps_contacts_numbers_qr_address_and_document_control(cards_dir, default_views,
                                                                                 card_id):
    view = next(v for v in default_views if v.id == card_id)
    text = pdf_text(cards_dir / view.pdf_name)
    expected = [view.card.title, view.card.audience, "112", "Akut fare for liv eller helbred", "114", *BANDS[card_id]]
    assert_in_order(text, expected)
    if card_id in ("nsk", "udrejse"):  # a card about social control or honour never shows the extremism hotline
        assert "41 74 90 90" not in text and "Hotline mod radikalisering" not in text
    else:
        assert "70 27 76 66" not in text and "116 111" not in text
    if view.kind == "actions":
        assert "SÅDAN GØR DU" in text
        assert_in_order(text, list(view.outcome.actions))
    if view.kind == "decisions":
        for decision in view.decisions:
            assert_in_order(text, [decision.text] + [f"{label}: {follows}" for label, follows in decision.answers])
    assert view.contacts, "every default card names someone to call"
    for contact in view.contacts:
        assert_in_order(text, [contact.name] + [p.display for p in contact.phones])
    assert_in_order(text, ["medarbejderweb.hjoerring.dk/infohus/" + view.card.page,
                           "Version 2.0 · Ejer: Eksempel: Helle Krogh", "Gyldig til 24. juni 2030"])


def test_cards_keep_danish_letters(cards_dir):
    under_18 = pdf_text(cards_dir / "under-18.pdf")
    for word in ("år?", "Orientér din nærmeste leder", "Børne- og Familieafdelingen", "SÆH", "SÅDAN GØR DU",
                 "Infohus Hjørring", "mandag–fredag kl. 08–15"):
        assert word in under_18
    udrejse = pdf_text(cards_dir / "udrejse.pdf")
    for word in ("Udenrigsministeriets Borgerservice", "Børne- og Familieafdelingen", "Sikkerhedskonsulenterne",
                 "Få råd hos sikkerhedskonsulenterne"):
        assert word in udrejse


def test_team_card_lists_every_member_with_number_unit_and_email(cards_dir, default_views):
    view = next(v for v in default_views if v.kind == "contacts")
    text = pdf_text(cards_dir / view.pdf_name)
    for contact in view.contacts:
        assert_in_order(text, [contact.name, *(p.display for p in contact.phones)])
        assert contact.email in text
    assert "SSP, Børne-, Fritids- og Undervisningsforvaltningen" in text


# --- paper --------------------------------------------------------------------------------------

def test_one_css_millimetre_prints_as_one_millimetre(cards_dir, tmp_path):
    # The footer's rule is 94 mm long (5.5 mm in from each side) and 23 mm above the bottom edge.
    width, height, px = raster(cards_dir / "akut.pdf", 254, tmp_path)  # 10 pixels a millimetre
    brand = (0x00, 0x59, 0x6E)

    def run_on(row: int) -> tuple[int, int]:
        xs = [x for x in range(width) if all(abs(px[(row * width + x) * 3 + i] - brand[i]) < 40 for i in range(3))]
        return (min(xs), max(xs)) if xs else (0, -1)

    rows = {y: run_on(y) for y in range(1200, 1270)}
    y, (left, right) = max(rows.items(), key=lambda item: item[1][1] - item[1][0])
    assert abs((right - left + 1) / 10 - 94) <= 0.5, (left, right)
    assert abs(left / 10 - 5.5) <= 0.5
    assert abs(y / 10 - 125) <= 0.6


@pytest.mark.parametrize("card_id", ["under-18", "team"])
def test_printed_qr_code_is_the_symbol_for_the_handbook_page(cards_dir, default_views, tmp_path, card_id):
    # No QR decoder is installed, so compare the printed modules with segno's symbol for the URL:
    # segno is deterministic, so the same modules mean the same content.
    view = next(v for v in default_views if v.id == card_id)
    assert view.url == "https://medarbejderweb.hjoerring.dk/infohus/" + view.card.page
    expected = [list(row) for row in segno.make(view.url, error="m").matrix]
    width, height, px = raster(cards_dir / view.pdf_name, 600, tmp_path)
    per_mm = 600 / 25.4

    def dark(x: int, y: int) -> bool:
        return sum(px[(y * width + x) * 3:(y * width + x) * 3 + 3]) < 384

    # The code (16 mm with a 2-module quiet zone) sits below the footer's rule, 5.5 mm from the left.
    box = [(x, y) for y in range(int(126.5 * per_mm), int(143.5 * per_mm))
           for x in range(int(5 * per_mm), int(22 * per_mm)) if dark(x, y)]
    left, right = min(x for x, _ in box), max(x for x, _ in box)
    top, bottom = min(y for _, y in box), max(y for _, y in box)
    size = len(expected)
    module = (right - left + 1) / size
    assert abs((bottom - top + 1) / size - module) < 0.5, "the code is not square"
    assert 0.35 <= module / per_mm <= 0.5, f"{module / per_mm:.2f} mm a module"
    printed = [[int(dark(int(left + (c + 0.5) * module), int(top + (r + 0.5) * module))) for c in range(size)]
               for r in range(size)]
    assert printed == expected


def test_crop_marks_sit_on_the_cut_lines(cards_dir, tmp_path):
    width, height, px = raster(cards_dir / SHEET_NAME, 254, tmp_path)

    def dark(x: int, y: int) -> bool:
        return sum(px[(y * width + x) * 3:(y * width + x) * 3 + 3]) < 200

    middle_x = round(width / 2)
    assert any(dark(x, 20) for x in range(middle_x - 3, middle_x + 4)), "no mark at the top of the vertical cut"
    assert any(dark(x, height - 20) for x in range(middle_x - 3, middle_x + 4)), "no bottom mark"
    cut_y = round(148.5 * 10)
    assert any(dark(20, y) for y in range(cut_y - 3, cut_y + 4)), "no mark at the left of the horizontal cut"
    assert any(dark(width - 20, y) for y in range(cut_y - 3, cut_y + 4)), "no right mark"


# --- release rule ----------------------------------------------------------------------------------

def test_cards_from_fresh_real_contacts_have_no_watermark(data_copy, tmp_path):
    out = build(make_fresh(data_copy), tmp_path / "kort")
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 8
    for pdf in pdfs:
        assert "KLADDE" not in pdf_text(pdf), pdf.name
        assert watermark_share(pdf, tmp_path) == 0, pdf.name


def test_a_passed_revision_date_makes_the_cards_a_draft(data_copy):
    folder = make_fresh(data_copy)
    path = folder / "municipality.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("next_revision: 2030-06-24",
                                                             "next_revision: 2026-11-01"), encoding="utf-8")
    ds, _ = load_dataset(folder, on=ON)
    assert release(ds).reasons == ("beredskabet skulle være revideret senest 1. november 2026",)
    assert all(view.draft for view in card_views(ds))


def test_one_stale_contact_makes_every_card_a_draft(data_copy, tmp_path):
    folder = make_fresh(data_copy)
    contacts = folder / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    # Only the first contact (the SSP consultant) is confirmed long ago.
    contacts.write_text(text.replace("on: 2026-11-01", "on: 2025-01-02", 1), encoding="utf-8")
    out = build(folder, tmp_path / "kort")
    for pdf in sorted(out.glob("*.pdf")):
        assert "KLADDE – MÅ IKKE TRYKKES" in pdf_text(pdf), pdf.name
    assert watermark_share(out / "team.pdf", tmp_path) > 0.02


# --- wkhtmltopdf talks to nothing ---------------------------------------------------------------------------

CONNECT = re.compile(r"^\d+\s+connect\(\d+, \{sa_family=(\w+)(?:, sun_path=\"([^\"]*)\")?.*\) = (.*)$")


def traced_card(tmp_path: Path, environment) -> list[tuple[str, str | None, str]]:
    """Render a real card (the default data's first, with Halsnæs' logo) with wkhtmltopdf under
    `strace -f -e trace=connect`, in the environment `environment(assets)` gives; every connect() it made."""
    import shutil

    from macros.cards import pdf as cardpdf
    from macros.cards.fit import first_size

    strace, wkhtmltopdf = shutil.which("strace"), shutil.which("wkhtmltopdf")
    assert strace, "strace is missing; run `bash scripts/system-deps.sh test`"
    log = tmp_path / "connect.log"
    wrapper = tmp_path / "wkhtmltopdf"
    wrapper.write_text(f'#!/bin/sh\nexec "{strace}" -f -qq -e trace=connect -o "{log}" "{wkhtmltopdf}" "$@"\n')
    wrapper.chmod(0o755)
    ds, _ = load_dataset(MUNICIPALITIES["halsnaes"], on=date.fromisoformat(TODAY))
    view = card_views(ds)[0]
    assets = tmp_path / "assets"
    assets.mkdir(mode=0o700)
    (assets / ds.municipality.logo.name).write_bytes(ds.municipality.logo.data)
    renderer = cardpdf.CardRenderer(str(wrapper), assets, cardpdf._brand(ds), ds.content_date())
    renderer.configuration.environ = environment(assets)
    pdf, pages = renderer.card(view, first_size(view))
    assert pdf.startswith(b"%PDF-") and pages == 1
    return [CONNECT.match(line).groups() for line in log.read_text().splitlines() if " connect(" in line]


def test_wkhtmltopdf_connects_to_nothing_while_it_renders_a_card(tmp_path):
    """Debian's wkhtmltopdf asks CUPS for printers (localhost:631) and D-Bus for the network for every card.

    With its environment there is no connect() at all but libcups' attempt at the socket named in
    CUPS_SERVER: a path inside the card's own 0700 assets folder where nothing exists (ENOENT), so no
    connection is ever made. Qt has no switch to skip its printer lookup (QPrinter asks for the default
    printer as it is created); this is the one address libcups is pointed at that cannot answer."""
    from macros.cards import pdf as cardpdf

    connects = traced_card(tmp_path, cardpdf._environment)
    assets = str(tmp_path / "assets")
    assert connects, "negative control: the trace shows no connect() at all, so it may not be tracing"
    assert {(family, path) for family, path, _ in connects} == {("AF_UNIX", f"{assets}/no-cups")}, connects
    assert all(result.startswith("-1 ENOENT") for _, _, result in connects), connects


def test_negative_control_wkhtmltopdf_in_the_callers_environment_connects_to_cups_and_d_bus(tmp_path):
    import os

    connects = traced_card(tmp_path, lambda assets: {k: v for k, v in os.environ.items() if k != "DISPLAY"})
    families = {family for family, _, _ in connects}
    assert families & {"AF_INET", "AF_INET6"}, connects  # CUPS on localhost:631
    assert any(path and "dbus" in path for _, path, _ in connects), connects
