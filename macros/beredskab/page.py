"""The beredskab's editions: the public web edition and PDF under OUT/public, the internal PDF under
OUT/intranet. Every value comes from a `PlanView`, never from the data set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import pdf
from .view import INTERNAL, PUBLIC, PlanView, plan_view
from ..common.dates import date_text
from ..common.paths import PLAN_FOLDER, PLAN_PDF
from ..common.render import render
from ..common.text import file_size, genitive
from ..model.dataset import DataSet


@dataclass(frozen=True)
class Published:
    """What the citizen page says about the public PDF beside the link to it."""

    pdf_bytes: int
    pdf_pages: int


def chapters(view: PlanView) -> list[tuple[str, str]]:
    """The chapters in reading order as (id, title); a chapter the data has nothing for is left out."""
    parts = [
        ("om-beredskabet", "Om beredskabet", True),
        ("formaal", "Formål og strategiske mål", True),
        ("indsats", "Forebyggelse, opsporing og håndtering", True),
        ("begreber", "Begreber", bool(view.terms)),
        ("bekymringstegn", "Bekymringstegn", bool(view.signs)),
        ("bekymring", "Når nogen er bekymret", True),
        ("organisering", "Organisering", True),
        ("lovgrundlag", "Lovgrundlag", bool(view.laws)),
        ("kommunikation", "Kommunikation", bool(view.communication_text or view.communication)),
        ("vedtagelse", "Vedtagelse og revision", True),
        ("kontakter", "Kontaktliste", bool(view.contacts)),
        ("kilder", "Kilder", bool(view.sources)),
    ]
    return [(cid, title) for cid, title, shown in parts if shown]


def document(view: PlanView, *, for_pdf: bool, links: dict[str, str] | None = None) -> str:
    """The edition as one HTML document: for the web (with `links`) or for the PDF (cover and contents)."""
    subject = (f"{genitive(view.municipality)} beredskab efter {view.basis.title if view.basis else 'Barnets lov'}: "
               f"forebyggelse, opsporing og håndtering. {view.status}, version {view.version}.")
    context = dict(view=view, chapters=chapters(view), pdf=for_pdf, links=links or {}, subject=subject,
                   updated=date_text(view.created))
    # Twice: the first pass finds each chapter's sections (its h3 headings), the second lists them in the contents.
    first = render("beredskab/document.html", sections={}, **context)
    return render("beredskab/document.html", sections=_sections(first), **context)


_CHAPTER = re.compile(r'<section class="ih-doc__chapter" aria-labelledby="([^"]+)">(.*?)</section>', re.S)
_SECTION = re.compile(r'<h3 id="([^"]+)">(.*?)</h3>', re.S)


def _sections(html: str) -> dict[str, list[tuple[str, Markup]]]:
    """Chapter id -> its sections as (anchor, heading) in reading order, from a render of our own template (the
    heading is already escaped there, so it stays Markup)."""
    return {chapter: [(anchor, Markup(heading.strip())) for anchor, heading in _SECTION.findall(body)]
            for chapter, body in _CHAPTER.findall(html)}


def build_public_edition(ds: DataSet, public_dir: Path) -> Published:
    """Write the public PDF (OUT/public/beredskab.pdf) and the web edition that links it (beredskab/)."""
    public = plan_view(ds, PUBLIC)
    public_dir.mkdir(parents=True, exist_ok=True)
    pages = pdf.render_pdf(document(public, for_pdf=True), public_dir / PLAN_PDF)
    size = (public_dir / PLAN_PDF).stat().st_size
    web = public_dir / PLAN_FOLDER
    web.mkdir(exist_ok=True)
    links = {"citizen": "../", "pdf": f"../{PLAN_PDF}", "pdf_facts": f"PDF, {file_size(size)}, {pages} sider"}
    (web / "index.html").write_text(document(public, for_pdf=False, links=links), encoding="utf-8")
    return Published(size, pages)


def build_internal_edition(ds: DataSet, target: Path) -> None:
    """Write the internal PDF, with named contacts, to `target` (OUT/intranet/beredskab-intern.pdf)."""
    pdf.render_pdf(document(plan_view(ds, INTERNAL), for_pdf=True), target)
