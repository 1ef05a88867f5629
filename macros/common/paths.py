"""Where the project's own folders are: the one place that knows the layout of the checkout."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
SCHEMA_DIR = DATA_DIR / "schema"
NATIONAL_DIR = DATA_DIR / "national"
DEFAULT_DATA_DIR = DATA_DIR / "hjoerring"
OVERRIDES = ROOT / "overrides"
MKDOCS_YML = ROOT / "mkdocs.yml"
