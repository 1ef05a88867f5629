"""Issue 12: what the beredskab costs: its public web edition in Chromium (bytes, requests), and the time,
pages and size of beredskab.pdf, in this process and in a fresh one (WeasyPrint's import included).

Run alone: `.venv/bin/python bench/bench_beredskab.py`.
"""
from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from settings import RUNS, TODAY, no_cache  # noqa: E402

MUNICIPALITIES = {"hjoerring": ROOT / "data" / "hjoerring", "halsnaes": ROOT / "data" / "halsnaes"}
# One fresh interpreter: load and validate the data, make the public PDF and the web edition.
FRESH = ("import sys; from pathlib import Path; from macros.model.dataset import load_dataset; "
         "from macros.beredskab.page import build_public_edition; "
         "ds, _ = load_dataset(Path(sys.argv[1])); build_public_edition(ds, Path(sys.argv[2]))")


def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """The web edition's weight, then per municipality the PDF's render time, pages and bytes. Every render is timed, so none comes from the cache."""
    with no_cache():
        yield from _rows(tmp)


def _rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    from bench_citizen import measure
    from macros.beredskab.page import document
    from macros.beredskab.pdf import render_pdf
    from macros.beredskab.view import PUBLIC, plan_view
    from macros.cli import main
    from macros.model.dataset import load_dataset
    from support import web

    os.environ.setdefault("INFOHUS_TODAY", TODAY)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    out = tmp / "beredskab-bench"
    with contextlib.redirect_stdout(io.StringIO()):  # the build's example-data warnings are not a result
        code = main(["build", "--data", str(MUNICIPALITIES["hjoerring"]), "--out", str(out)])
    if code != 0:
        raise SystemExit(f"bench: infohus build exited {code}")
    with web.serve(out / "public") as base, web.chromium() as browser:
        first = measure(browser, base + "beredskab/")
        page = web.new_page(browser, javascript=False)
        urls = web.record_requests(page)
        page.goto(base + "beredskab/", wait_until="networkidle")
        page.context.close()
    foreign = web.foreign_requests(urls, base)
    yield "beredskab web edition (hjoerring): bytes (bodies)", f"{first['body'] / 1024:.1f} KB", "no target"
    yield "beredskab web edition (hjoerring): requests", str(first["requests"]), f"{len(foreign)} to other hosts"

    for name, folder in MUNICIPALITIES.items():
        ds, _ = load_dataset(folder)
        html = document(plan_view(ds, PUBLIC), for_pdf=True)
        target = tmp / f"{name}.pdf"
        pages = render_pdf(html, target)  # the first render also imports WeasyPrint: not timed
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            render_pdf(html, target)
            times.append(time.perf_counter() - start)
        yield (f"beredskab.pdf, {name}: render, median of {RUNS} (in process)",
               f"{statistics.median(times):.3f} s", "target <= 3 s")
        fresh = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", FRESH, str(folder), str(tmp / f"fresh-{name}")], cwd=ROOT,
                           check=True, env={**os.environ})
            fresh.append(time.perf_counter() - start)
        yield (f"beredskab.pdf + web edition, {name}: fresh process, median of {RUNS}",
               f"{statistics.median(fresh):.3f} s", "import and data included")
        yield f"beredskab.pdf, {name}: pages", str(pages), ""
        yield f"beredskab.pdf, {name}: bytes", f"{target.stat().st_size / 1024:.0f} KB", ""


if __name__ == "__main__":
    from run import print_rows

    with tempfile.TemporaryDirectory() as tmp:
        print_rows(rows(Path(tmp)))
