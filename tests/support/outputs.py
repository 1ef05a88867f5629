"""Helpers for the tests of `--out`: run `infohus build` as a coordinator does, and look at what it left."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT / "data" / "hjoerring"
TODAY = "2026-12-01"
ENV = {**os.environ, "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of every file under `folder` (links as their target text), skipping folders named in `skip`."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            path = Path(root) / name
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[str(path.relative_to(folder))] = hashlib.sha256(data).hexdigest()
    return found


def build(out: Path, *extra: str, data: Path = DEFAULT_DATA, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """`infohus build` in a fresh process, as a coordinator runs it."""
    return subprocess.run([sys.executable, "-m", "macros.cli", "build", "--data", str(data), "--out", str(out),
                           *extra], cwd=cwd, env=ENV, capture_output=True, text=True)


def one_sentence(stderr: str, *expected: str) -> None:
    """The fault is told on one line starting with "infohus:", with the expected words and no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("infohus: "), stderr
    for words in expected:
        assert words in lines[0], lines[0]


def leftovers(parent: Path) -> list[str]:
    """What builds left beside their output: staging and old folders, lock files."""
    return sorted(p.name for p in parent.iterdir() if ".infohus-" in p.name)
