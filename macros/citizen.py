"""The citizen page: a small public site built only from records marked public."""
from __future__ import annotations

from pathlib import Path

from .dataset import DataSet


def build_public(ds: DataSet, out_dir: Path) -> None:
    """Write the public citizen page to `out_dir` (placeholder until the citizen page lands)."""
    out_dir.mkdir(parents=True, exist_ok=True)
