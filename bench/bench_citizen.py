"""Issue 4: what the citizen page costs a phone, measured in Chromium, beside a default Material page.

`rows(tmp)` builds the default data with `infohus build` into `tmp`, serves OUT/ on loopback and loads
each page in a fresh browser context (empty cache) several times: bytes (response bodies and bytes on
the wire, headers included), requests, and the median time to the load event. Run alone:
`.venv/bin/python bench/bench_citizen.py`.
"""
from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from settings import RUNS, TODAY  # noqa: E402
DATA = ROOT / "data" / "hjoerring"
PAGES = (("citizen page (da)", "public/"), ("citizen page (en)", "public/en/"),
         ("handbook start page (Material)", "intranet/"))


def measure(browser, url: str) -> dict:
    """One cold load of `url`: requests, body bytes, wire bytes and milliseconds to the load event."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    load_ms = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("networkidle")
    body = sum(len(r.response().body()) for r in finished if r.response())
    # Bodies plus response headers (Chromium reports a worker script's own body size as 0, so bodies
    # are counted from the responses themselves).
    wire = body + sum(r.sizes()["responseHeadersSize"] for r in finished)
    context.close()
    return {"requests": len(finished), "body": body, "wire": wire, "load_ms": load_ms}


def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """Bytes, requests and median load time of the citizen page beside the handbook's Material page."""
    from macros.cli import main
    from support import web

    out = tmp / "citizen-bench"
    os.environ.setdefault("INFOHUS_TODAY", TODAY)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with contextlib.redirect_stdout(io.StringIO()):  # the build's example-people warnings are not a result
        code = main(["build", "--data", str(DATA), "--out", str(out)])
    if code != 0:
        raise SystemExit(f"bench: infohus build exited {code}")
    with web.serve(out) as base, web.chromium() as browser:
        for label, path in PAGES:
            runs = [measure(browser, base + path) for _ in range(RUNS)]
            first = runs[0]
            load = statistics.median(r["load_ms"] for r in runs)
            target = "<= 30 KB, <= 3 requests" if path.startswith("public") else "for comparison"
            yield f"{label}: bytes (bodies)", f"{first['body'] / 1024:.1f} KB", target
            yield f"{label}: bytes with headers", f"{first['wire'] / 1024:.1f} KB", "uncompressed (no gzip on loopback)"
            yield f"{label}: requests", str(first["requests"]), ""
            yield f"{label}: load event, median of {RUNS}", f"{load:.0f} ms", "loopback, cold context"
    embed = (out / "public" / "embed.html").stat().st_size
    yield "embed.html fragment", f"{embed / 1024:.1f} KB", "0 requests of its own"


if __name__ == "__main__":
    from run import print_rows

    with tempfile.TemporaryDirectory() as tmp:
        print_rows(rows(Path(tmp)))
