"""Action cards: A6 PDFs and an A4 sheet, rendered by pdfkit and wkhtmltopdf, with PNG previews.

wkhtmltopdf only ever sees HTML this module wrote from escaped templates: no JavaScript, no network,
no local files outside the build's own assets folder, and no options from the HTML itself.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from datetime import date
from concurrent.futures import FIRST_COMPLETED, Executor, ThreadPoolExecutor, wait
from collections.abc import Iterator
from pathlib import Path

import pdfkit

from .content import SHEET_NAME, CardView, card_views
from .fit import SIZES, first_size
from ..model.dataset import DataSet
from ..model.municipality import DEFAULT_ACCENT, DEFAULT_PRIMARY, readable_on_white
from ..common import cache
from ..common.faults import MissingTool, run
from ..model.problems import DataError
from ..common.render import render

# Program names (or paths) looked up on PATH; tests point them at missing programs.
WKHTMLTOPDF = "wkhtmltopdf"
PDFTOPPM = "pdftoppm"
PREVIEW_DPI = 120  # previews are shown at half size on the Handlekort page, sharp on dense screens
TOOL_TIMEOUT = 60.0  # seconds one wkhtmltopdf or pdftoppm run may take (a card takes well under one)

MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)  # 297.64 x 419.53 pt
A4 = (210 * MM, 297 * MM)  # 595.28 x 841.89 pt
# Qt snaps page sizes to its table of whole points (A6 comes out 297 x 420, whatever size is asked
# for near it), so the page box is set to the exact size afterwards, anchored at the top edge
# where Qt starts drawing. The card keeps white margins, so the 0.2 mm Qt leaves blank is unseen.
_QT_PAGE = {A6: "A6", A4: "A4"}
_MEDIA_BOX = re.compile(rb"/MediaBox \[([0-9. ]+)\]")
_CREATION_DATE = re.compile(rb"/CreationDate \((D:[0-9]+Z)\)")
CLOSED_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, so no request leaves the machine


class _TrustedPDFKit(pdfkit.PDFKit):
    """pdfkit that never turns <meta name="pdfkit-..."> tags in the HTML into wkhtmltopdf options."""

    def _find_options_in_meta(self, content):
        return {}


def build_cards(ds: DataSet, out_dir: Path) -> None:
    """Write one A6 PDF and one PNG preview per covered card, and the A4 sheet, to `out_dir`."""
    wkhtmltopdf = _program(WKHTMLTOPDF, "wkhtmltopdf")
    pdftoppm = _program(PDFTOPPM, "poppler-utils")
    views = card_views(ds)
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(views), os.cpu_count() or 2))
    # The assets folder sits beside the cards, inside the build's own folder, so a killed build leaves
    # nothing elsewhere; it is gone again before the build is published.
    with tempfile.TemporaryDirectory(prefix=".handlekort-", dir=out_dir.parent) as assets, \
            ThreadPoolExecutor(workers) as pool:
        try:
            logo = ds.municipality.logo
            if logo:  # the one local file wkhtmltopdf may read, as infohus wrote it: inside the assets folder
                (Path(assets) / logo.name).write_bytes(logo.data)
            renderer = CardRenderer(wkhtmltopdf, Path(assets), _brand(ds), ds.content_date())
            # The sheet, the longest render, starts first with the sizes the cards will most likely get;
            # it is rendered again only if a card had to step down.
            guessed = {v.id: first_size(v) for v in views}
            sheet = pool.submit(renderer.sheet, views, guessed)
            sizes, previews = {}, []
            for view, size, pdf in _fitted(renderer, views, guessed, pool):
                (out_dir / view.pdf_name).write_bytes(pdf)
                sizes[view.id] = size
                previews.append(pool.submit(preview, pdftoppm, out_dir / view.pdf_name, out_dir / view.png_name))
            (out_dir / SHEET_NAME).write_bytes(sheet.result() if sizes == guessed else renderer.sheet(views, sizes))
            for job in previews:
                job.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # one failure is enough: do not start the renders still queued
            raise


def _fitted(renderer: CardRenderer, views: list[CardView], first: dict[str, int],
            pool: Executor) -> Iterator[tuple[CardView, int, bytes]]:
    """Each card at the largest text size that fits one A6 page: (view, size, PDF), as they finish.

    Each card starts at the size its text is estimated to fit (`first`) and steps down only if it
    spills onto a second page, so most cards are rendered once. A card that does not fit even the
    smallest size is a data error: shortening the text is the coordinator's call, not the renderer's.
    """
    too_long: list[CardView] = []
    running = {pool.submit(renderer.card, v, first[v.id]): (v, first[v.id]) for v in views}
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for job in done:
            view, size = running.pop(job)
            pdf, pages = job.result()
            if pages == 1:
                yield view, size, pdf
            elif size + 1 < len(SIZES):
                running[pool.submit(renderer.card, view, size + 1)] = (view, size + 1)
            else:
                too_long.append(view)
    if too_long:
        raise DataError([_too_long(v) for v in too_long])


class CardRenderer:
    """Renders card HTML to PDF bytes with pdfkit, inside one assets folder."""

    def __init__(self, wkhtmltopdf: str, assets: Path, brand: dict[str, str], created: date):
        self.configuration = pdfkit.configuration(wkhtmltopdf=wkhtmltopdf, environ=_environment(assets))
        self.assets = assets
        self.brand = brand
        self.created = created
        # What a card may show from the assets folder (the logo), written before the first render: (name, SHA-256).
        shown = sorted(p for p in assets.iterdir() if p.is_file())
        self.files = [(p.name, digest) for p, (_, digest) in zip(shown, cache.file_digests(shown))]

    def card(self, view: CardView, size: int) -> tuple[bytes, int]:
        """One card as an A6 PDF at text size `size`, and its number of pages (1 unless too long)."""
        html = render("cards/a6.html", view=view, size=size, brand=self.brand)
        return self.pdf(html, f"{view.id}-{size}", A6, f"Handlekort: {view.card.title} – {view.team}",
                        f"handlekortet \"{view.id}\"")

    def sheet(self, views: list[CardView], sizes: dict[str, int]) -> bytes:
        """All cards on A4, four to a page, each at the size it has as an A6 card, with crop marks."""
        pages = [[(v, sizes[v.id]) for v in views[i:i + 4]] for i in range(0, len(views), 4)]
        html = render("cards/a4.html", pages=pages, team=views[0].team if views else "", brand=self.brand)
        title = f"Alle handlekort – {views[0].team}" if views else "Alle handlekort"
        return self.pdf(html, "alle-kort-a4", A4, title, "arket med alle handlekort")[0]

    def pdf(self, html: str, name: str, size: tuple[float, float], title: str,
            making: str = "et handlekort") -> tuple[bytes, int]:
        """Render trusted HTML (written to the assets folder) to PDF bytes of exactly `size` points, with
        `title` as the PDF's title (what a reader and a screen reader show instead of the file name)."""
        def parts() -> dict:
            return {"html": html.encode("utf-8"), "name": name, "size": size, "title": title,
                    "created": self.created.isoformat(), "options": self.options(Path("ASSETS")),
                    "environment": cache.environment(self.configuration.environ),
                    "renderer": {"wkhtmltopdf": cache.program(self.configuration.wkhtmltopdf, "--version"),
                                 "packages": cache.packages("pdfkit", "pypdf")},
                    "assets": self.files, "fonts": cache.fonts(html), "code": cache.source(__name__)}
        pdf, meta = cache.cached("card-pdf", parts, lambda: self._render(html, name, size, title, making))
        return pdf, meta["pages"]

    def options(self, assets: Path) -> dict[str, str]:
        """wkhtmltopdf's options for a page of the paper size given later: every option is set here, none comes
        from the HTML. --zoom, --dpi and --disable-smart-shrinking are not passed: unpatched Qt ignores them
        (see style.html)."""
        return {
            "--quiet": "", "--encoding": "utf-8",
            "--margin-top": "0", "--margin-right": "0", "--margin-bottom": "0", "--margin-left": "0",
            "--disable-javascript": "",
            # wkhtmltopdf waits 200 ms after loading "for JavaScript to finish", even with JavaScript off: that
            # wait was most of each card's render (0.24 s against 0.04), and the PDFs are the same bytes without it.
            "--javascript-delay": "0",
            "--disable-local-file-access": "", "--allow": str(assets),
            "--proxy": CLOSED_PROXY,
            "--load-error-handling": "abort",
        }

    def _render(self, html: str, name: str, size: tuple[float, float], title: str,
                making: str) -> tuple[bytes, dict]:
        source = self.assets / f"{name}.html"
        source.write_text(html, encoding="utf-8")
        options = {**self.options(self.assets), "--page-size": _QT_PAGE[size]}
        kit = _TrustedPDFKit(str(source), "file", options=options, configuration=self.configuration)
        # pdfkit builds the command; it is run here so that a hanging wkhtmltopdf is stopped in time.
        output = run(kit.command(), making=making, package="wkhtmltopdf", timeout=TOOL_TIMEOUT,
                     env=self.configuration.environ, accept=_finished)
        pdf, pages = exact_page_size(output, size)
        return titled(pinned_creation_date(pdf, self.created), title), {"pages": pages}


def titled(pdf: bytes, title: str) -> bytes:
    """The PDF with `title` in its document information. wkhtmltopdf built on Debian's unpatched Qt ignores
    --title (it writes an empty /Title), so pypdf writes the file again with the title set."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pinned_creation_date(pdf: bytes, day: date) -> bytes:
    """Replace the clock time wkhtmltopdf stamps in /CreationDate with `day`, so equal data gives equal PDFs.

    The stamp keeps its length, so the cross-reference table stays valid.
    """
    stamp = f"D:{day:%Y%m%d}000000Z".encode()

    def pinned(match: re.Match) -> bytes:
        if len(match.group(1)) != len(stamp):
            raise RuntimeError(f"uventet dato fra wkhtmltopdf: {match.group(0)!r}")
        return b"/CreationDate (" + stamp + b")"

    return _CREATION_DATE.sub(pinned, pdf)


def exact_page_size(pdf: bytes, size: tuple[float, float]) -> tuple[bytes, int]:
    """Set every page box to `size` (points), keeping the top edge; returns the PDF and its page count.

    The new box is written in the same number of bytes, so the cross-reference table stays valid.
    """
    width, height = size
    count = 0

    def exact(match: re.Match) -> bytes:
        nonlocal count
        x0, y0, x1, y1 = (float(n) for n in match.group(1).split())
        if x0 != 0 or y0 != 0 or abs(x1 - width) > 1 or abs(y1 - height) > 1:
            raise RuntimeError(f"uventet sidestørrelse fra wkhtmltopdf: {match.group(0)!r}")
        count += 1
        box = " ".join(_number(n) for n in (0, y1 - height, width, y1)).encode()
        if len(box) > len(match.group(1)):
            raise RuntimeError(f"sideboksen kan ikke rettes på stedet: {match.group(0)!r}")
        return b"/MediaBox [" + box.ljust(len(match.group(1))) + b"]"

    fixed = _MEDIA_BOX.sub(exact, pdf)
    if count == 0:
        raise RuntimeError("wkhtmltopdf skrev en PDF uden sider")
    return fixed, count


def _number(value: float) -> str:
    """A PDF number with at most four decimals and no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def preview(pdftoppm: str, pdf: Path, png: Path) -> None:
    """A PNG of the PDF's first page beside it, from the cache of rendered artefacts when the same PDF was shown
    by the same pdftoppm before."""
    options = ["-png", "-r", str(PREVIEW_DPI), "-singlefile"]
    def parts() -> dict:
        return {"pdf": pdf.read_bytes(), "options": options, "renderer": cache.program(pdftoppm, "-v"),
                "code": cache.source(__name__)}

    rendered = []

    def render() -> tuple[bytes, dict]:
        # pdftoppm adds the .png suffix itself
        run([pdftoppm, *options, str(pdf), str(png.with_suffix(""))], making=f"forhåndsvisningen af handlekortet "
            f"\"{pdf.stem}\"", package="poppler-utils", timeout=TOOL_TIMEOUT)
        rendered.append(png)
        return png.read_bytes(), {}

    made, _ = cache.cached("card-preview", parts, render)
    if not rendered:
        png.write_bytes(made)


def _finished(code: int, stderr: str) -> bool:
    """Whether wkhtmltopdf finished, by pdfkit's rule (it sometimes exits non-zero after "Done")."""
    try:
        pdfkit.PDFKit.handle_error(code, stderr)
    except OSError:
        return False
    return True


def _program(name: str, package: str) -> str:
    """The path of a system program the cards need, or MissingTool saying how to install it."""
    found = shutil.which(name)
    if not found:
        raise MissingTool(f"Handlekortene kan ikke laves, fordi programmet \"{name}\" ikke er installeret. "
                          f"Installér det og byg igen:\n  sudo apt-get install {package}")
    return found


def _environment(assets: Path) -> dict[str, str]:
    """wkhtmltopdf's environment: it makes no connection, and equal data gives equal PDFs.

    Measured on Debian's wkhtmltopdf 0.12.6 (unpatched Qt 5.15) with `strace -e trace=connect`
    (tests/test_cards_pdf.py): Qt's network bearer plugins ask NetworkManager and ConnMan on the D-Bus
    system bus, Qt's print support asks CUPS for the default printer (localhost:631), and QStandardPaths
    and libcups look the user up (the nscd socket) unless XDG_RUNTIME_DIR and CUPS_USER say who runs them.
    So: no display (the offscreen platform), a D-Bus address no transport knows ("disabled:", so libdbus
    opens no socket), CUPS pointed at a socket that cannot exist (a name in the build's own 0700 assets
    folder; libcups tries it and gets ENOENT, the one connect() left: Qt has no switch to skip the printer
    lookup), the assets folder as the runtime folder, a CUPS user name, no proxy settings, and a fixed Qt
    hash seed, so fonts are written in the same order."""
    dropped = {"DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "CUPS_SERVER",
               "CUPS_USER"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.lower().endswith("_proxy")}
    return {**env, "QT_HASH_SEED": "0", "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(assets),
            "DBUS_SESSION_BUS_ADDRESS": "disabled:", "DBUS_SYSTEM_BUS_ADDRESS": "disabled:",
            "CUPS_SERVER": str(assets / "no-cups"), "CUPS_USER": "infohus"}


def _brand(ds: DataSet) -> dict[str, str]:
    """The municipality's colours where text in them (and white text on them) reads, else the defaults."""
    m = ds.municipality
    return {"primary": readable_on_white(m.brand_primary, DEFAULT_PRIMARY),
            "accent": readable_on_white(m.brand_accent, DEFAULT_ACCENT)}


def _too_long(view: CardView):
    """The data problem for a card whose text does not fit on one A6 page even in the smallest text."""
    where = ("outcome",) if view.card.outcome else (("path",) if view.card.path else ("contacts",))
    return view.card.origin.problem(where, f"handlekortet \"{view.id}\" kan ikke være på ét A6-kort. "
                                    "Forkort handlingerne eller spørgsmålene, det viser, eller fjern "
                                    "kontakter fra kortet.")
