"""What every benchmark suite shares: how many runs, and the quick mode CI uses so the benchmarks cannot rot.

`make bench` takes medians of BENCH_RUNS runs (default 5). With BENCH_QUICK=1 (`.ci/run`) every row runs
once on small generated data: the figures are then only a smoke test, not results.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 1 if QUICK else max(1, int(os.environ.get("BENCH_RUNS", "5")))
TODAY = "2026-12-01"
# The benchmarks never touch the user's cache of rendered artefacts: one folder of this run's own, used by the
# rows that measure the cache; a row that times a render turns it off (--no-cache, INFOHUS_NO_CACHE).
CACHE_DIR = tempfile.mkdtemp(prefix="infohus-bench-cache-")
os.environ["INFOHUS_CACHE_DIR"] = CACHE_DIR
atexit.register(shutil.rmtree, CACHE_DIR, True)
# Python's bytecode and infohus' compiled templates are written as on a user's machine, where they stay from one
# run to the next; a sandbox that sets PYTHONDONTWRITEBYTECODE would otherwise time every run's compiling.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@contextmanager
def no_cache() -> Iterator[None]:
    """Within the block every render is real (INFOHUS_NO_CACHE=1, for this process and the ones it starts)."""
    previous = os.environ.get("INFOHUS_NO_CACHE")
    os.environ["INFOHUS_NO_CACHE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("INFOHUS_NO_CACHE", None)
        else:
            os.environ["INFOHUS_NO_CACHE"] = previous
