"""Benchmark the action cards: `infohus build`'s card step on the default data, and the same card HTML
printed by wkhtmltopdf (through pdfkit, as the build does) beside Chromium's own headless print.

`rows(tmp)` yields (name, value, note) rows for bench/run.py; medians of `settings.RUNS` runs.
Run alone: `.venv/bin/python bench/bench_cards.py`.
"""
from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from macros.cards.content import card_views  # noqa: E402
from macros.cards.fit import first_size  # noqa: E402
from macros.cards.pdf import A6, CardRenderer, _brand, build_cards  # noqa: E402
from macros.model.dataset import load_dataset  # noqa: E402
from macros.common.render import render  # noqa: E402
from tests.support.web import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from settings import RUNS, no_cache  # noqa: E402

DATA = ROOT / "data" / "hjoerring"
TODAY = date(2026, 11, 21)
WORKERS = os.cpu_count() or 2
# Chromium ignores the zoom wkhtmltopdf needs and has no page size of its own: tell it both, so it
# prints the same card on the same A6 page.
CHROMIUM_PAGE = "<style>@page { size: 105mm 148mm; margin: 0; } html { zoom: 1 !important; }</style></head>"


def median(action, runs: int = RUNS) -> float:
    """Median wall time of `action()` over `runs` runs."""
    return timed(action, runs)[0]


def timed(action, runs: int = RUNS) -> tuple[float, float]:
    """Medians of wall time and of CPU time (this process and its children) of `action()`."""
    walls, cpus = [], []
    for _ in range(runs):
        before = _cpu()
        start = time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - before)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """Issue 5: all cards of the default data (<= 3 s, <= 0.4 s a card) and wkhtmltopdf beside Chromium. Every render is timed, so none comes from the cache."""
    with no_cache():
        yield from _rows(tmp)


def _rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    ds, _ = load_dataset(DATA, on=TODAY)
    views = card_views(ds)
    n = len(views)
    out = tmp / "handlekort"

    def build() -> None:
        shutil.rmtree(out, ignore_errors=True)
        build_cards(ds, out)

    total, cpu = timed(build)
    yield f"handlekort: all {n} cards (A6 PDFs, A4 sheet, PNG previews)", f"{total:.3f} s", "<= 3 s"
    yield "handlekort: per card", f"{total / n:.3f} s", "<= 0.4 s"
    yield ("handlekort: CPU time of all processes", f"{cpu:.3f} s",
           f"{WORKERS} cores; load average {os.getloadavg()[0]:.1f} at the end")

    # The same HTML per card, written once, printed by each engine with the same number of workers.
    html_dir = tmp / "html"
    html_dir.mkdir(exist_ok=True)
    brand = _brand(ds)
    sources = []
    for view in views:
        html = render("cards/a6.html", view=view, size=first_size(view), brand=brand)
        (html_dir / f"{view.id}.html").write_text(html, encoding="utf-8")
        (html_dir / f"{view.id}-chromium.html").write_text(html.replace("</head>", CHROMIUM_PAGE, 1),
                                                           encoding="utf-8")
        sources.append(view.id)
    renderer = CardRenderer(shutil.which("wkhtmltopdf"), html_dir, brand, ds.content_date())

    def wkhtmltopdf_one(card_id: str) -> None:
        renderer.pdf((html_dir / f"{card_id}.html").read_text(encoding="utf-8"), f"{card_id}-bench", A6, card_id)

    def chromium_one(card_id: str) -> None:
        # Not NO_SCRIPT_ARG: with scripts off this Chromium silently writes no PDF. The cards have none.
        pdf = tmp / f"{card_id}-chromium.pdf"
        pdf.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([str(CHROMIUM), "--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                            "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                            (html_dir / f"{card_id}-chromium.html").as_uri()],
                           check=True, capture_output=True)
        if not pdf.is_file():
            raise SystemExit(f"bench: Chromium wrote no PDF for {card_id}")

    def all_with(engine) -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(engine, sources))

    ours = median(lambda: all_with(wkhtmltopdf_one))
    yield f"wkhtmltopdf via pdfkit: {n} A6 cards, {WORKERS} workers", f"{ours:.3f} s", ""
    chromium = median(lambda: all_with(chromium_one))
    yield (f"Chromium headless print: same {n} cards, {WORKERS} workers", f"{chromium:.3f} s",
           f"ratio wkhtmltopdf/Chromium {ours / chromium:.2f}")


if __name__ == "__main__":
    from run import print_rows

    with tempfile.TemporaryDirectory() as folder:
        print_rows(rows(Path(folder)))
