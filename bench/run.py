"""`make bench`: time the project's commands and print a table of medians, each row as soon as it is measured.

Each command row runs a whole command in a fresh process (interpreter start included), several times,
and reports the median wall time. Targets are those named in the issues. `BENCH_QUICK=1` (CI) runs
every row once on small generated data, so a benchmark that breaks fails CI.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor  # noqa: E402
from settings import QUICK, RUNS, TODAY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = ROOT / "data" / "hjoerring"
NATIONAL = ROOT / "data" / "national"
SCHEMA = ROOT / "data" / "schema"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "INFOHUS_TODAY": TODAY}
SIZES = (100, 1000) if QUICK else (1000, 10000)
NAME_WIDTH = 66
# The floor of any check: PyYAML's C composer over the file, in a fresh process as `infohus check` runs.
COMPOSE = ("import sys, yaml; yaml.compose(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)")


def median_seconds(cmd: list[str], runs: int = RUNS, ok=(0,)) -> float:
    """Median wall time of `cmd` over `runs` runs; fails loudly if the command fails."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            raise SystemExit(f"bench: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return statistics.median(times)


def generated_data(tmp: Path, n: int) -> Path:
    """A copy of the default data with `n` extra generated, valid contacts."""
    folder = tmp / f"gen-{n}"
    shutil.copytree(DATA, folder)
    text = (DATA / "contacts.yml").read_text(encoding="utf-8")
    extra = []
    for i in range(n):
        extra.append({
            "id": f"gen-{i}", "name": f"Eksempel: Person {i}", "title": "Medarbejder",
            "organisation": "bfu", "phones": [{"number": f"72 {30 + i % 10} {i // 100 % 100:02d} {i % 100:02d}"}],
            "email": f"person{i}@kommune.dk",
            "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "15:00"}],
            "verified": {"on": "2026-11-01", "by": "Benchmark"},
            "source": {"doc": "eksempeldata"},
        })
    block = yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, indent=2)
    indented = "".join("  " + line if line.strip() else line for line in block.splitlines(True))
    (folder / "contacts.yml").write_text(text.rstrip("\n") + "\n" + indented, encoding="utf-8")
    return folder


def check_jsonschema_cmd(folder: Path) -> list[list[str]]:
    """check-jsonschema commands that validate every file of `folder` and national/ (one per schema)."""
    cmds = []
    for kind_file in sorted(SCHEMA.glob("*.schema.json")):
        kind = kind_file.name.removesuffix(".schema.json")
        files = [str(f) for f in (folder / f"{kind}.yml", NATIONAL / f"{kind}.yml") if f.exists()]
        if files:
            cmds.append([str(BIN / "check-jsonschema"), "--schemafile", str(kind_file), *files])
    return cmds


def rows_commands(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """infohus check on the default data and on generated contacts beside check-jsonschema; the full build."""
    targets = {0: "<= 0.5 s", 10000: "<= 3 s"}
    for n in (0, *SIZES):
        folder, label = (DATA, "default data") if n == 0 else (generated_data(tmp, n), f"{n:,} contacts")
        ours = median_seconds([str(BIN / "infohus"), "check", "--data", str(folder)])
        yield f"infohus check, {label}", f"{ours:.3f} s", targets.get(n, "")
        theirs = sum(median_seconds(c) for c in check_jsonschema_cmd(folder))
        yield f"check-jsonschema (schema only), {label}", f"{theirs:.3f} s", f"ratio {ours / theirs:.2f}"
        if n:
            composer = median_seconds([sys.executable, "-c", COMPOSE, str(folder / "contacts.yml")])
            yield (f"PyYAML C composer alone, contacts.yml of {label}", f"{composer:.3f} s",
                   f"infohus check {ours / composer:.2f}x" + ("; target <= 2" if n == 10000 else ""))
    for name, folder in (("hjoerring", DATA), ("halsnaes", ROOT / "data" / "halsnaes")):
        out = tmp / f"build-{name}"
        full = median_seconds([str(BIN / "infohus"), "build", "--data", str(folder), "--out", str(out), "--no-cache"])
        yield (f"infohus build --no-cache, {name} (all outputs, fresh process)", f"{full:.3f} s",
               "target <= 5 s, 2 cores")
    yield from rows_rebuild(tmp)


def rows_rebuild(tmp: Path) -> Iterator[tuple[str, str, str]]:
    """Issue 23: rebuilds with the cache of rendered artefacts, each as a ratio to a plain `mkdocs build` of the
    handbook measured in the same run: with nothing changed, and after one phone number changed (a new number
    each time, so what shows it is rendered anew). Each run times the three one after the other, so a machine
    busy with something else weighs on all three alike."""
    env = {**ENV, "INFOHUS_CACHE_DIR": str(tmp / "rebuild-cache")}
    folder, out = tmp / "rebuild-data", tmp / "rebuild-out"
    shutil.copytree(DATA, folder)
    build = [str(BIN / "infohus"), "build", "--data", str(folder), "--out", str(out)]
    contacts = folder / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    _timed(build, env)  # fills the cache
    plain, unchanged, changed, changed_cpu = [], [], [], []
    for i in range(RUNS):
        plain.append(_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp / f"mkdocs-{i}")],
                            {**ENV, "INFOHUS_DATA": str(DATA)}))
        unchanged.append(_timed(build, env))
        contacts.write_text(text.replace('"72 33 33 33"', f'"72 33 40 {10 + i:02d}"', 1), encoding="utf-8")
        changed.append(_timed(build, env, changed_cpu))
    unit, same, one = (statistics.median(t) for t in (plain, unchanged, changed))
    yield "plain mkdocs build, handbook of the default data (fresh process)", f"{unit:.3f} s", "the unit of the ratios"
    yield ("infohus build, rebuild with nothing changed (cache)", f"{same:.3f} s",
           f"{same / unit:.2f}x plain mkdocs; target <= 1.3")
    yield ("infohus build, rebuild after one phone number changed (cache)", f"{one:.3f} s",
           f"{one / unit:.2f}x plain mkdocs; target <= 2.5")
    spread = statistics.median(changed_cpu) / floor.cores()
    yield (f"  its CPU time over {floor.cores()} cores", f"{spread:.3f} s",
           f"{spread / unit:.2f}x plain mkdocs: the least any scheduling of the same work takes")
    internal, public = floor.edition_renders()
    least = floor.one_build()
    yield (f"  floor of that rebuild: both PDF/UA editions rendered, {floor.cores()} cores", f"{least:.3f} s",
           f"{least / unit:.2f}x plain mkdocs, {floor.verdict(least / unit, 2.5)} (internal {internal:.2f} s, "
           f"public {public:.2f} s, in process)")


def _timed(cmd: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall time of one run of `cmd` (its CPU time appended to `cpu` if given); fails loudly if it fails."""
    took, used = floor.run(cmd, env)
    if cpu is not None:
        cpu.append(used)
    return took


def suites() -> list:
    """Every benchmark suite: this file's command rows, then each output's own `bench_*.py` module."""
    import importlib

    found = [rows_commands]
    for module in sorted(Path(__file__).resolve().parent.glob("bench_*.py")):
        found.append(importlib.import_module(module.stem).rows)
    return found


def print_rows(rows: Iterable[tuple[str, str, str]]) -> None:
    """Print the table head, then each row the moment it is measured: name, value, note."""
    mode = "quick mode: 1 run each, small data; not results" if QUICK else f"median of {RUNS} runs"
    print(f"{'benchmark (' + mode + ')':<{NAME_WIDTH}}  {'value':>12}  note")
    print("-" * (NAME_WIDTH + 40), flush=True)
    for name, value, note in rows:
        print(f"{name:<{NAME_WIDTH}}  {value:>12}  {note}", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print_rows(row for suite in suites() for row in suite(Path(tmp)))


if __name__ == "__main__":
    main()
