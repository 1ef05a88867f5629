"""Issue 3 and 22 benchmarks: the staff handbook's build time, the share spent in macros, the search index's
size and indexing time.

`rows(tmp)` yields (name, value, note) rows for bench/run.py; `python bench/bench_handbook.py` prints
them alone. Times are medians of `settings.RUNS` runs.

- The full build runs in a fresh process each time (interpreter start and imports included), as a
  coordinator runs it.
- The macros' share compares, in one warm process, the real build (infohus renders the pages, then MkDocs)
  with MkDocs alone over the very same pages, rendered once beforehand (handbook/prerender.py).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from settings import RUNS, TODAY  # noqa: E402


ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "hjoerring"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "INFOHUS_TODAY": TODAY}

def rows(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """Benchmark rows for the handbook, each as soon as it is measured."""
    tmp = Path(tmp) / "handbook"
    tmp.mkdir(parents=True, exist_ok=True)
    fresh = _median(lambda i: _fresh_build(tmp / f"fresh-{i}"))
    yield "handbook build, default data (fresh process)", f"{fresh:.3f} s", "target <= 3 s"
    with_macros, plain = _macro_share(tmp)
    yield "handbook build, warm, with macros", f"{with_macros:.3f} s", "same process, after one warm-up"
    yield "handbook build, warm, same pages as plain Markdown", f"{plain:.3f} s", "macros removed"
    yield ("time in macros (difference)", f"{with_macros - plain:.3f} s",
           f"{(with_macros - plain) / with_macros:.0%} of the warm build")
    seconds, from_cache, index_bytes, data_bytes = _search_index(tmp)
    yield "search indexing (Pagefind, compounds, search terms)", f"{seconds:.3f} s", "target <= 1 s"
    yield "search index from the cache (the same pages again)", f"{from_cache:.3f} s", "unchanged rebuild"
    yield "search index, all of pagefind/ (default data)", f"{index_bytes / 1024:.1f} KiB", "target <= 300 KB"
    yield "search index, words and fragments only", f"{data_bytes / 1024:.1f} KiB", "without Pagefind's scripts and wasm"


def _search_index(tmp: Path) -> tuple[float, float, int, int]:
    """Median times of indexing the built handbook (a fresh copy each run) with Pagefind and from the cache of
    rendered artefacts, and the index's size in bytes."""
    import shutil

    from macros.common import cache
    from macros.handbook.search_index import FOLDER, write_index
    from macros.model.dataset import load_dataset

    ds, _ = load_dataset(DATA)
    built = tmp / "real--1"
    sites = [tmp / f"indexed-{i}" for i in range(RUNS)]
    for site in sites:
        shutil.copytree(built, site)
    with cache.turned_off():  # Pagefind itself each time, not the cached index of an earlier run
        seconds = _median(lambda i: write_index(sites[i], ds.search_terms.values()))
    again = [tmp / f"indexed-again-{i}" for i in range(RUNS + 1)]
    for site in again:
        shutil.copytree(built, site)
    write_index(again[-1], ds.search_terms.values())  # fills the cache with these pages' index
    from_cache = _median(lambda i: write_index(again[i], ds.search_terms.values()))
    files = [f for f in (sites[0] / FOLDER).rglob("*") if f.is_file()]
    data = [f for f in files if f.suffix in (".pf_index", ".pf_fragment", ".pf_meta", ".json")]
    return seconds, from_cache, sum(f.stat().st_size for f in files), sum(f.stat().st_size for f in data)


@contextmanager
def environment(**settings: str) -> Iterator[None]:
    """Set environment variables for the block and restore them after."""
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _median(run) -> float:
    times = []
    for i in range(RUNS):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fresh_build(out: Path) -> None:
    code = textwrap.dedent(f"""
        from pathlib import Path
        from macros.build import build_handbook
        from macros.model.dataset import load_dataset
        build_handbook(load_dataset(Path({str(DATA)!r}))[0], Path({str(out)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench: handbook build failed:\n{done.stderr[-2000:]}")


def _macro_share(tmp: Path) -> tuple[float, float]:
    """Warm medians of the real build and of the plain-Markdown build."""
    with environment(NO_MKDOCS_2_WARNING="1", INFOHUS_TODAY=TODAY, INFOHUS_DATA=str(DATA), INFOHUS_STRICT="0"):
        return _measure(tmp)


def _measure(tmp: Path) -> tuple[float, float]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from macros.build import build_handbook, other_macros
    from macros.handbook import prerender, site
    from macros.model.dataset import load_dataset

    ds, _ = load_dataset(DATA)
    rendered = tmp / "rendered-docs"
    prerender.render_all(ds, rendered, site.NO_LOG, other_macros(ds))

    def real(i: int) -> None:
        build_handbook(ds, tmp / f"real-{i}")

    def plain(i: int) -> None:  # MkDocs alone over the pages as infohus rendered them
        with site.given(ds), site.dated(ds):
            config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp / f"plain-{i}"), docs_dir=str(rendered))
            site.settle(config, ds)
            build(config)

    real(-1), plain(-1)  # warm-up: imports, template caches; real--1 is the site _search_index indexes
    return _median(real), _median(plain)


def main() -> None:
    import tempfile

    from run import print_rows

    with tempfile.TemporaryDirectory() as tmp:
        print_rows(rows(Path(tmp)))


if __name__ == "__main__":
    main()
