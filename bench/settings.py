"""What every benchmark suite shares: how many runs, and the quick mode CI uses so the benchmarks cannot rot.

`make bench` takes medians of BENCH_RUNS runs (default 5). With BENCH_QUICK=1 (`.ci/run`) every row runs
once on small generated data: the figures are then only a smoke test, not results.
"""
from __future__ import annotations

import os

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 1 if QUICK else max(1, int(os.environ.get("BENCH_RUNS", "5")))
TODAY = "2026-12-01"
