"""Issue 23: the least time any build that shows a changed phone number can take with this PDF engine.

The coordinator's number is printed in both editions of the beredskab, so a rebuild after it changed must
render both PDFs again, and `build --all` renders both for every municipality. A tagged PDF/UA document is
laid out in one piece by WeasyPrint on one core, so the floor of such a build is the longer of the two
renders, or both spread over every core if that is longer; the rest of the build (start, check, handbook,
index, cards) comes on top. The rows print it beside the ratios it bounds, so `make bench` shows how much of
a target is left to the code at all.
"""
from __future__ import annotations

import functools
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

from settings import RUNS, TODAY, no_cache

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "hjoerring"


@functools.cache
def edition_renders(folder: Path = DATA) -> tuple[float, float]:
    """Median seconds WeasyPrint takes for the internal and the public edition of `folder`'s beredskab, in this
    process (WeasyPrint already loaded: its import is not counted), never from the cache."""
    from macros.beredskab.page import document
    from macros.beredskab.pdf import _render
    from macros.beredskab.view import INTERNAL, PUBLIC, plan_view
    from macros.model.dataset import load_dataset

    os.environ.setdefault("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(folder)
    medians = []
    with no_cache():
        for edition in (INTERNAL, PUBLIC):
            html = document(plan_view(ds, edition), for_pdf=True)
            _render(html)  # the first render imports WeasyPrint and warms its caches: not timed
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                _render(html)
                times.append(time.perf_counter() - start)
            medians.append(statistics.median(times))
    return medians[0], medians[1]


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds of one run of `cmd` and the CPU seconds (user and system) it and every process it waited for
    spent; fails loudly if it fails. CPU time over the cores is what no scheduling of the same work can beat."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def one_build() -> float:
    """Seconds: the floor of one build that renders both editions, the other cores free."""
    internal, public = edition_renders()
    return max(internal, public, (internal + public) / cores())


def many_builds(count: int, folder: Path) -> float:
    """Seconds: the floor of `count` builds of municipalities like `folder` (both editions each), on every core."""
    internal, public = edition_renders(folder)
    return max(internal, public, count * (internal + public) / cores())


def verdict(floor_ratio: float, target: float) -> str:
    """Whether the floor alone already lies above the target."""
    if floor_ratio > target:
        return f"above the target {target} by itself"
    return f"below the target {target}"
