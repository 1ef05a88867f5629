"""Issue 17: what replacing `--out` safely costs: looking at OUT under the lock, and the swap with the old
build's removal, each file hashed beneath a held folder.

`rows(tmp)` times the two steps of `macros.outdir` on an earlier build of the default data's size and on
a generated build of many small files (the build itself is not timed): `claim` + `held` (the marker read
strictly, every file hashed, twice) and `publish` (the new marker, OUT checked again, the exchange, the
old build removed file by file by its marker). Run alone: `.venv/bin/python bench/bench_outdir.py`.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from settings import QUICK, RUNS, TODAY  # noqa: E402

from macros import outdir  # noqa: E402

DATA = ROOT / "data" / "hjoerring"


def built(tmp: Path) -> Path:
    """The default data built once with `infohus build`."""
    out = tmp / "outdir-built"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "INFOHUS_TODAY": TODAY}
    subprocess.run([sys.executable, "-m", "macros.cli", "build", "--data", str(DATA), "--out", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return out


def generated(tmp: Path, files: int) -> Path:
    """A build of `files` small files in folders of 100 (content only: no marker)."""
    folder = tmp / f"outdir-gen-{files}"
    for i in range(files):
        page = folder / f"part-{i // 100}" / f"page-{i}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>side {i}</p>\n" * 20, encoding="utf-8")
    return folder


def replace_once(content: Path, place_dir: Path) -> tuple[float, float]:
    """Seconds for claim+held and for publish, replacing an earlier build of `content` with `content`."""
    out = place_dir / "site"
    for _ in range(2):  # the first publish makes the earlier build the second one replaces
        target = outdir.claim(out, {})
        started = time.perf_counter()
        with outdir.held(target) as place:
            looked = time.perf_counter() - started
            with place.staging() as folder:
                shutil.copytree(content, folder, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(outdir.MARKER))
                started = time.perf_counter()
                place.publish({"data": str(DATA), "date": TODAY})
                swapped = time.perf_counter() - started
    return looked, swapped


def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    many = 1000 if QUICK else 10000
    default = built(tmp)
    pages = sum(1 for p in default.rglob("*") if p.is_file() and p.name != outdir.MARKER)
    sources = [(f"default data ({pages} files)", default), (f"{many:,} small files", generated(tmp, many))]
    for label, content in sources:
        looks, swaps = [], []
        for run in range(RUNS):
            place_dir = tmp / f"outdir-{label.split()[0]}-{run}"
            place_dir.mkdir()
            looked, swapped = replace_once(content, place_dir)
            looks.append(looked)
            swaps.append(swapped)
            shutil.rmtree(place_dir)
        yield f"--out: lock and check an earlier build, {label}", \
            f"{statistics.median(looks):.3f} s", "marker read strictly, every file hashed"
        yield f"--out: marker, swap, remove the old build, {label}", f"{statistics.median(swaps):.3f} s", \
            "every removed file hashed first"


if __name__ == "__main__":
    import tempfile

    from run import print_rows

    with tempfile.TemporaryDirectory() as tmp:
        print_rows(rows(Path(tmp)))
