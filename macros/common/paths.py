"""Where infohus' own files are, installed or in a checkout: the one place that knows the layout.

The program reads files beside its code: the MkDocs config, the handbook's pages (docs/), the templates
(overrides/), the schemas and the national data. In the repository they are its top-level folders. A wheel
carries the same files as package data under macros/share/, in the same layout (setup.py copies them), so
ROOT is that folder when installed and the repository when run from a checkout (the editable install `make`
makes). Every path below is relative to ROOT, so both work alike.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("macros")))      # the installed package (a real folder: pip unpacks wheels)
SHARE = PACKAGE / "share"                 # only in a wheel
IN_CHECKOUT = not SHARE.is_dir()          # run from the repository (editable install): its folders are used
ROOT = PACKAGE.parent if IN_CHECKOUT else SHARE
DATA_DIR = ROOT / "data"
SCHEMA_DIR = DATA_DIR / "schema"
NATIONAL_DIR = DATA_DIR / "national"
# The repository's example municipality: the default --data in a checkout (`make site`). A wheel has none.
DEFAULT_DATA_DIR = DATA_DIR / "hjoerring"
DOCS_DIR = ROOT / "docs"
OVERRIDES = ROOT / "overrides"
MKDOCS_YML = ROOT / "mkdocs.yml"
SYSTEM_DEPS = ROOT / "scripts" / "system-deps.sh"
# What `infohus new` writes: the check compares a municipality's records with it, to find untouched template text.
SCAFFOLD_TEMPLATES = PACKAGE / "scaffold" / "templates"
# The command line's Danish catalogue: compiled (.mo) in a wheel, its source (.po) in a checkout.
CATALOGUE = PACKAGE / "locale" / "da" / "LC_MESSAGES" / "argparse"
# The files without which nothing works: a broken install is told apart from bad data.
ESSENTIAL = (MKDOCS_YML, DOCS_DIR, OVERRIDES, SCHEMA_DIR, NATIONAL_DIR, SCAFFOLD_TEMPLATES)

# Where a municipality's own additions live in its data folder (see macros/model/additions.py).
OWN_PAGES = "docs"                        # DATA/docs/*.md: pages added to, or replacing pages of, the handbook
OWN_PARTIALS = "overrides/partials"       # DATA/overrides/partials/*.html: replacing the handbook's partials

# Places in a build (OUT/...) that one output writes and another links.
CARDS_FOLDER = "handlekort"               # OUT/intranet/handlekort/: the action cards
PLAN_FOLDER = "beredskab"                 # OUT/public/beredskab/index.html: the public web edition
PLAN_PDF = "beredskab.pdf"                # OUT/public/beredskab.pdf: the PDF the council adopts
INTERNAL_PLAN_PDF = "beredskab-intern.pdf"  # OUT/intranet/beredskab-intern.pdf: the crisis team's binder

MUNICIPALITY_FILE = "municipality.yml"


def default_data_dir(cwd: Path | None = None) -> Path | None:
    """The data folder a command uses without --data: the current folder if it holds municipality.yml,
    else in a checkout the repository's example municipality; None when there is neither."""
    here = Path(".") if cwd is None else cwd
    if (here / MUNICIPALITY_FILE).is_file():
        return here
    return DEFAULT_DATA_DIR if IN_CHECKOUT and DEFAULT_DATA_DIR.is_dir() else None
