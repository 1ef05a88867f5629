"""Action cards: A6 PDFs and an A4 sheet, rendered by pdfkit and wkhtmltopdf."""
from __future__ import annotations

from pathlib import Path

from .dataset import DataSet


def build_cards(ds: DataSet, out_dir: Path) -> None:
    """Write the action cards to `out_dir` (placeholder until the action cards land)."""
    out_dir.mkdir(parents=True, exist_ok=True)
