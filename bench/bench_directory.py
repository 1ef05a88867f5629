"""Issue 23: `infohus directory` over the generated municipalities, beside a plain `mkdocs build` of the handbook.

`rows(tmp)` generates the 98 municipalities (bench/generate.py; 10 in quick mode), times `infohus directory`
over them in a fresh process (interpreter start included), and `infohus build --all` over 10 of them (2 in
quick mode), and times a plain `mkdocs build` of the default data's handbook in the same run, so the ratios
compare figures of one machine at one moment. Medians of `settings.RUNS` runs. Run alone: `.venv/bin/python bench/bench_directory.py`.
"""
from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from settings import QUICK, RUNS, TODAY  # noqa: E402

import floor  # noqa: E402
import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = ROOT / "data" / "hjoerring"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "INFOHUS_TODAY": TODAY}
COUNT = 10 if QUICK else None  # None: all 98
ALL_COUNT = 2 if QUICK else 10


def _median(cmd: list[str], outs: list[Path], env: dict[str, str] = ENV, cpu: list[float] | None = None) -> float:
    """Median wall time of `cmd` + [out] for each out in `outs` (a fresh folder each run); each run's CPU time is
    appended to `cpu` if given."""
    times = []
    for out in outs:
        took, used = floor.run([*cmd, str(out)], env)
        times.append(took)
        if cpu is not None:
            cpu.append(used)
    return statistics.median(times)


def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """The plain MkDocs build, then the directory with its ratio to it and the overview's size."""
    tmp = Path(tmp) / "directory"
    root = tmp / "kommuner"
    made = generate.generate(root, COUNT)
    plain = _median([sys.executable, "-m", "mkdocs", "build", "-q", "-d"], [tmp / f"mkdocs-{i}" for i in range(RUNS)],
                    env={**ENV, "INFOHUS_DATA": str(DATA)})
    yield "plain mkdocs build, handbook of the default data (fresh process)", f"{plain:.3f} s", "the unit of the ratios"
    outs = [tmp / f"out-{i}" for i in range(RUNS)]
    took = _median([str(BIN / "infohus"), "directory", str(root), "--out"], outs)
    yield (f"infohus directory, {len(made)} municipalities (fresh process)", f"{took:.3f} s",
           f"ratio {took / plain:.2f}; target <= 60 s for 98")
    size = (outs[0] / "index.html").stat().st_size
    yield f"directory index.html, {len(made)} rows", f"{size / 1024:.1f} KiB", f"{size} bytes; target <= 100 KB for 98"
    some = tmp / "kommuner-all"
    generate.generate(some, ALL_COUNT)
    cpu: list[float] = []
    every = _median([str(BIN / "infohus"), "build", "--no-cache", "--all", str(some), "--out"],
                    [tmp / f"all-{i}" for i in range(RUNS)], cpu=cpu)
    yield (f"infohus build --all --no-cache, {ALL_COUNT} municipalities (wall, all cores)", f"{every:.3f} s",
           f"{every / ALL_COUNT / plain:.2f}x plain mkdocs per municipality; target <= 2.5")
    spread = statistics.median(cpu) / floor.cores()
    yield (f"  its CPU time over {floor.cores()} cores", f"{spread:.3f} s",
           f"{spread / ALL_COUNT / plain:.2f}x plain mkdocs per municipality: the least any scheduling of the same "
           "work takes")
    least = floor.many_builds(ALL_COUNT, generate.TEMPLATE)
    yield (f"  floor of that: both PDF/UA editions of each, {floor.cores()} cores", f"{least:.3f} s",
           f"{least / ALL_COUNT / plain:.2f}x plain mkdocs per municipality, "
           f"{floor.verdict(least / ALL_COUNT / plain, 2.5)}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for row in rows(Path(folder)):
            print(*row, sep="  ", flush=True)
