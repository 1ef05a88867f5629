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
# What `infohus new` writes: the check compares a municipality's records with it, to find untouched template text.
SCAFFOLD_TEMPLATES = ROOT / "macros" / "scaffold" / "templates"

# Places in a build (OUT/...) that one output writes and another links.
CARDS_FOLDER = "handlekort"               # OUT/intranet/handlekort/: the action cards
PLAN_FOLDER = "beredskab"                 # OUT/public/beredskab/index.html: the public web edition
PLAN_PDF = "beredskab.pdf"                # OUT/public/beredskab.pdf: the PDF the council adopts
INTERNAL_PLAN_PDF = "beredskab-intern.pdf"  # OUT/intranet/beredskab-intern.pdf: the crisis team's binder
