"""The beredskab as a document: the accessible PDF the council adopts, its internal edition, and the public
web edition, read back with poppler (pdfinfo, pdftotext, pdffonts) and pypdf, for every municipality.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MUNICIPALITIES, TODAY
from macros.beredskab.page import chapters, document
from macros.beredskab.pdf import render_pdf
from macros.beredskab.view import INTERNAL, PUBLIC, plan_view, title_for
from macros.common.dates import date_text
from macros.common.faults import SystemFault
from macros.model.dataset import load_dataset

A4 = ("595.276", "841.89")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def info(pdf: Path, *args: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", *args, str(pdf)).splitlines() if ":" in line) \
        | {"_raw": run("pdfinfo", *args, str(pdf))}


def page_text(pdf: Path, page: int, layout: bool = False) -> str:
    return run("pdftotext", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page), str(pdf), "-")


def pages(pdf: Path) -> int:
    return int(info(pdf)["Pages"])


@pytest.fixture(scope="module")
def views() -> dict[str, tuple]:
    """Each municipality's public and internal view, as the build made them (today pinned)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        found = {}
        for name, folder in MUNICIPALITIES.items():
            ds, _ = load_dataset(folder)
            found[name] = (ds, plan_view(ds, PUBLIC), plan_view(ds, INTERNAL))
    return found


@pytest.fixture(params=list(MUNICIPALITIES))
def edition(request, built_sites, views):
    """(public PDF, internal PDF, public view, internal view, OUT) of each municipality."""
    out = built_sites[request.param]
    _, public, internal = views[request.param]
    return out / "public" / "beredskab.pdf", out / "intranet" / "beredskab-intern.pdf", public, internal, out


# --- the file: A4, tagged PDF/UA-1, metadata pinned to the data ------------------------------------------

def test_every_page_is_a4_and_the_pdf_is_tagged_pdf_ua(edition):
    for pdf in edition[:2]:
        count = pages(pdf)
        assert count >= 10
        sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info(pdf, "-f", "1", "-l", str(count))["_raw"])
        assert len(sizes) == count and set(sizes) == {A4}
        meta = info(pdf)
        assert meta["Tagged"].strip() == "yes" and meta["PDF version"].strip() == "1.7"
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == "da"
        assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
        assert b'pdfuaid:part="1"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_metadata_title_author_subject_and_dates_come_from_the_data(edition):
    public_pdf, internal_pdf, public, internal, _ = edition
    for pdf, view, title in ((public_pdf, public, f"{public.title} – {public.municipality}"),
                             (internal_pdf, internal, f"{public.title} – {public.municipality} (intern udgave)")):
        meta = {k: v.strip() for k, v in info(pdf, "-isodates").items()}
        assert meta["Title"] == title
        assert meta["Author"] == view.municipality
        assert view.status in meta["Subject"] and f"version {view.version}" in meta["Subject"]
        assert meta["CreationDate"].startswith(view.created.isoformat())
        assert meta["CreationDate"] == meta["ModDate"]


def test_all_fonts_are_embedded(edition):
    for pdf in edition[:2]:
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, "no fonts listed"
        for row in rows:
            emb, sub, uni = row.split()[-5:-2]
            assert (emb, uni) == ("yes", "yes"), row


def test_the_text_extracts_with_danish_letters_intact(edition):
    public_pdf, _, public, _, _ = edition
    text = run("pdftotext", str(public_pdf), "-")
    assert "\ufffd" not in text
    for words in ("æresrelaterede konflikter", "Forebyggelse, opsporing og håndtering", "Når nogen er bekymret",
                  public.municipality, "Lovens ord", "Næste revision"):
        assert words in text, words


# --- structure: headings, lists, tables, links, bookmarks, contents ---------------------------------------

def test_the_structure_tree_tags_headings_lists_tables_and_links(edition):
    public_pdf, _, public, _, _ = edition
    tree = run("pdfinfo", "-struct-text", str(public_pdf))
    kinds = set(re.findall(r"^\s*([A-Z][A-Za-z0-9]*)\b", tree, re.M))
    assert {"H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "Link"} <= kinds
    h2 = re.findall(r"^(\s*)H2\b.*\n((?:\1\s+.*\n)+)", tree, re.M)
    headings = [" ".join(re.findall(r'"([^"]*)"', body)).strip() for _, body in h2]
    expected = [f"{i} {title}" for i, (_, title) in enumerate(chapters(public), 1)]
    assert [h for h in headings if h != "Indhold"] == expected


def test_the_outline_has_one_entry_per_chapter_with_its_sections_below(edition):
    public_pdf, _, public, _, _ = edition
    outline = PdfReader(public_pdf).outline
    top = [entry.title for entry in outline if not isinstance(entry, list)]
    assert top == [f"{i} {title}" for i, (_, title) in enumerate(chapters(public), 1)]
    assert any(isinstance(entry, list) and entry for entry in outline), "sections nest under their chapter"


def test_every_page_number_in_the_contents_is_where_the_chapter_really_starts(edition):
    for pdf, view in ((edition[0], edition[2]), (edition[1], edition[3])):
        assert page_text(pdf, 2, layout=True).lstrip().startswith("Indhold")
        # The contents may run over more than one page: up to the page where chapter 1 starts.
        first = int(re.search(r"^1 \S.*?\s{2,}(\d+)\s*$", page_text(pdf, 2, layout=True), re.M)[1])
        toc = "".join(page_text(pdf, n, layout=True) for n in range(2, first))
        entries = re.findall(r"^\s*(\d+ \S.*?)\s{2,}(\d+)\s*$", toc, re.M)
        assert [title for title, _ in entries] == [f"{i} {t}" for i, (_, t) in enumerate(chapters(view), 1)]
        numbers = [int(n) for _, n in entries]
        assert numbers == sorted(numbers) and numbers[0] == first
        for title, number in entries:
            # Each page starts with its running header (the chapter's title), then the text.
            assert title in page_text(pdf, int(number)).lstrip().split("\n", 2)[:2], f"{title} is not on page {number}"
            assert title not in page_text(pdf, int(number) - 1).lstrip().split("\n", 2)[:2]
        # Each numbered section is listed with the page its heading is on.
        sections = re.findall(r"^\s*(\d+\.\d+) (\S.*?)\s{2,}(\d+)\s*$", toc, re.M)
        assert len(sections) > len(entries)
        for number, heading, page in sections:
            assert f"{number} {heading}" in " ".join(page_text(pdf, int(page)).split()), f"{number} {heading}"


def test_every_link_has_a_target_and_a_description(edition):
    public_pdf, _, public, _, _ = edition
    reader = PdfReader(public_pdf)
    names = set(reader.named_destinations)
    internal, external = [], []
    for page in reader.pages:
        for annot in (a.get_object() for a in page.get("/Annots", [])):
            if annot["/Subtype"] != "/Link":
                continue
            assert str(annot.get("/Contents", "")).strip(), annot
            if "/Dest" in annot:
                internal.append(str(annot["/Dest"]))
            else:
                external.append(str(annot["/A"]["/URI"]))
    ids = {cid for cid, _ in chapters(public)}
    assert ids <= set(internal) and set(internal) <= names, "the contents links every chapter, to a real place"
    assert {law.url for law in public.laws} <= set(external)
    assert "tel:112" in external and "tel:114" in external


def page_blocks(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's text blocks as (top, bottom, words), top and bottom as fractions of the page height."""
    found = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>',
                                   run("pdftotext", "-bbox-layout", str(pdf), "-"), re.S):
        found.append([(float(top) / float(height), float(bottom) / float(height),
                       " ".join(re.findall(r"<word[^>]*>(.*?)</word>", inner)))
                      for top, bottom, inner in re.findall(
                          r'<block xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</block>',
                          body, re.S)])
    return found


HEADER, FOOTER = 0.06, 0.93  # the running header ends above, the footer starts below (fractions of A4's height)


def test_no_page_is_under_a_third_full_unless_a_chapter_starts_on_the_next(edition):
    """A page left mostly empty must be the end of a chapter (chapters start on a new page); a figure or box that
    did not fit must not push the rest of its section over and strand a heading and two lines above it."""
    public_pdf, internal_pdf, *_ = edition
    for pdf in (public_pdf, internal_pdf):
        pages_ = page_blocks(pdf)
        assert len(pages_) > 20
        stranded = []
        for number, (blocks, following) in enumerate(zip(pages_[1:], pages_[2:]), start=2):
            bottom = max((b for t, b, _ in blocks if t > HEADER and b < FOOTER), default=0.0)
            header = [w for t, b, w in following if b < HEADER]
            body = sorted((t, w) for t, b, w in following if t > HEADER and b < FOOTER)
            chapter_starts = bool(header and body and body[0][1].startswith(header[0]))
            if bottom < 1 / 3 and not chapter_starts:
                stranded.append((number, round(bottom, 2), body[0][1][:60] if body else ""))
        assert not stranded, f"{pdf.name}: pages under a third full inside a chapter: {stranded}"


def test_the_footer_says_page_x_of_y_with_the_version_and_date(edition):
    public_pdf, _, public, _, _ = edition
    count = pages(public_pdf)
    assert "Side" not in page_text(public_pdf, 1), "the cover has no footer"
    for number in (2, count // 2, count):
        text = page_text(public_pdf, number)
        assert f"Side {number} af {count}" in text
        assert f"{public.municipality} · Version {public.version}, {public.version_date}" in text


# --- the cover and the editions --------------------------------------------------------------------------

def test_the_cover_names_municipality_title_version_and_draft_status(edition):
    public_pdf, internal_pdf, public, _, _ = edition
    cover = " ".join(page_text(public_pdf, 1).split())
    assert public.title == title_for(("extremism", "social_control", "honour"))
    for words in (public.municipality, public.title, f"Version {public.version}, {public.version_date}",
                  "Udkast til vedtagelse"):
        assert words in cover, words
    assert "Intern udgave" not in cover
    assert "Intern udgave med navngivne kontakter. Må ikke offentliggøres." in " ".join(page_text(internal_pdf, 1).split())


def test_the_status_follows_governance(views, tmp_path, monkeypatch):
    """Example data: a draft. A real adoption in the past: adopted, by whom and when. A future date: a draft."""
    ds, public, _ = views["hjoerring"]
    assert public.status == "Udkast til vedtagelse" and not public.adopted
    gov = ds.municipality.governance
    import dataclasses

    def with_governance(**changes):
        municipality = dataclasses.replace(ds.municipality, governance=dataclasses.replace(gov, **changes))
        return plan_view(dataclasses.replace(ds, municipality=municipality), PUBLIC)

    adopted = with_governance(example=False)
    assert adopted.adopted and adopted.status == f"Vedtaget af {gov.adopted_by} den {date_text(gov.adopted_on)}"
    later = with_governance(example=False, adopted_on=ds.today.replace(year=ds.today.year + 1))
    assert later.status == "Udkast til vedtagelse"
    # And the real PDF carries it on its cover.
    target = tmp_path / "adopted.pdf"
    render_pdf(document(adopted, for_pdf=True), target)
    assert adopted.status in " ".join(page_text(target, 1).split())


def test_the_internal_edition_names_the_people_the_public_edition_names_their_function(edition, views):
    public_pdf, internal_pdf, public, internal, out = edition
    ds = next(d for d, p, _ in views.values() if p is public)
    public_text, internal_text = (" ".join(run("pdftotext", str(p), "-").split()) for p in (public_pdf, internal_pdf))
    # The example people ("Eksempel: Anna Holm"); a unit such as an afdeling is no person to hide.
    staff = [c for c in ds.shown_contacts() if not c.public and c.name.startswith("Eksempel: ")]
    assert len(staff) >= 4
    for contact in staff:
        assert contact.name in internal_text and contact.name not in public_text
        assert contact.function in public_text
    assert "Kontaktliste" in internal_text and "Kontaktliste" not in public_text
    assert not list((out / "public").rglob("*intern*"))


def test_the_pdf_refuses_to_be_flawed_or_to_load_anything(tmp_path):
    """A WeasyPrint warning (an image without a text alternative) or a file or web address in the document
    stops the render with a Danish sentence, and no PDF is written."""
    page = '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>t</title></head><body>{}</body></html>'
    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    for body, says in ((f'<img src="{pixel}">', "WeasyPrint meldte"),
                       ('<img src="https://example.com/x.png" alt="x">', "https://example.com/x.png"),
                       ('<img src="file:///etc/hostname" alt="x">', "file:///etc/hostname")):
        target = tmp_path / "x.pdf"
        with pytest.raises(SystemFault, match=re.escape(says)):
            render_pdf(page.format(body), target)
        assert not target.exists()
    render_pdf(page.format(f'<img src="{pixel}" alt="Et punkt">'), target)
    assert target.exists(), "negative control: the same document with its alternative renders"
