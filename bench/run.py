"""`make bench`: time the project's commands and print a table of medians.

Each row runs a whole command in a fresh process (interpreter start included), several times,
and reports the median wall time. Targets are those named in the issues.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = ROOT / "data" / "hjoerring"
NATIONAL = ROOT / "data" / "national"
SCHEMA = ROOT / "data" / "schema"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "INFOHUS_TODAY": "2026-11-21"}


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


def time_all(cmds: list[list[str]]) -> float:
    """Median over RUNS of running all `cmds` one after the other."""
    return sum(median_seconds(c) for c in cmds)


def rows_check(tmp: Path) -> list[tuple[str, str, str]]:
    """Issue 2: infohus check on the default data and on 1,000 / 10,000 contacts, beside check-jsonschema."""
    rows = []
    for label, folder in (("default data", DATA), ("1,000 contacts", generated_data(tmp, 1000)),
                          ("10,000 contacts", generated_data(tmp, 10000))):
        ours = median_seconds([str(BIN / "infohus"), "check", "--data", str(folder)])
        theirs = time_all(check_jsonschema_cmd(folder))
        target = "<= 0.5 s" if folder == DATA else ("<= 3 s" if "10,000" in label else "")
        rows.append((f"infohus check, {label}", f"{ours:.3f} s", target))
        rows.append((f"check-jsonschema (schema only), {label}", f"{theirs:.3f} s", f"ratio {ours / theirs:.2f}"))
    return rows


def suites() -> list:
    """Every benchmark suite: this file's check rows, then each output's own `bench_*.py` module."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import importlib

    found = [rows_check]
    for module in sorted(Path(__file__).resolve().parent.glob("bench_*.py")):
        found.append(importlib.import_module(module.stem).rows)
    return found


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """The rows as an aligned table: name, value, note."""
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark (median of %d runs)' % RUNS:<{width}}  {'value':>12}  note")
    print("-" * (width + 30))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print_table([row for suite in suites() for row in suite(Path(tmp))])


if __name__ == "__main__":
    main()
