"""`infohus serve`: the handbook with its action cards, the beredskab and the citizen page, on this computer,
with live reload.

MkDocs' own server builds the handbook into a temporary folder and rebuilds it when a file in the data
folder, `docs/`, `macros/` or `overrides/` is saved. After each build the cards, the beredskab and the
citizen page are made into the same temporary folder, so every link works in the preview. Nothing is
written elsewhere.
"""
from __future__ import annotations

import io
import logging
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .beredskab.page import build_internal_edition, build_public_edition
from .cards.pdf import build_cards
from .citizen.page import build_public
from .common.paths import CARDS_FOLDER, IN_CHECKOUT, INTERNAL_PLAN_PDF, MKDOCS_YML, OVERRIDES, PACKAGE, PLAN_FOLDER
from .model.dataset import DataSet, national_dir_for

CITIZEN_FOLDER = "borgerside"  # the citizen page's place in the preview: http://127.0.0.1:8000/borgerside/
PREVIEW = "INFOHUS_PREVIEW"


def serve(data_dir: Path, addr: str) -> int:
    """Serve the preview of `data_dir` on `addr` until Ctrl+C."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    data_dir = data_dir.resolve()
    os.environ.update({"INFOHUS_DATA": str(data_dir), PREVIEW: "1", "NO_MKDOCS_2_WARNING": "1"})
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_in_danish)
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    sys.stdout.write(f"Forhåndsvisning af {data_dir.name}:\n"
                     f"  håndbogen med handlekort: http://{addr}/\n"
                     f"  borgersiden:              http://{addr}/{CITIZEN_FOLDER}/\n"
                     f"  beredskabet:              http://{addr}/{CITIZEN_FOLDER}/{PLAN_FOLDER}/\n"
                     "Siderne opdateres, når du gemmer en fil. Stop med Ctrl+C.\n")
    sys.stdout.flush()
    stderr, sys.stderr = sys.stderr, _WithoutAbort(sys.stderr)
    try:
        mkdocs_serve(str(MKDOCS_YML), livereload=True, dev_addr=addr,
                     watch=[str(p) for p in _watched(data_dir)])
    except Abort:  # the first build failed; its problems are printed above
        stderr.write("Forhåndsvisningen kunne ikke starte. Ret fejlene ovenfor, og start den igen.\n")
        return 1
    finally:
        sys.stderr = stderr
    return 0


def _watched(data_dir: Path) -> list[Path]:
    """What a save in rebuilds the preview (MkDocs watches docs/ and mkdocs.yml itself): the data, the national
    data, the templates, and in a checkout the code."""
    return [data_dir, national_dir_for(data_dir), OVERRIDES, *([PACKAGE] if IN_CHECKOUT else [])]


class _WithoutAbort(io.TextIOBase):
    """stderr without the line MkDocs' server prints after a failed rebuild (its log says it in Danish)."""

    LINE = "Aborted with a BuildError!"

    def __init__(self, stream):
        self.stream, self.dropped = stream, False

    def write(self, text: str) -> int:
        if text == self.LINE or (self.dropped and text == "\n"):
            self.dropped = text == self.LINE
            return len(text)
        self.dropped = False
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


# MkDocs' own lines about a failed rebuild, said in Danish (the data's problems are printed before them).
_DANISH = {
    "Aborted with a BuildError!": None,
    "An error happened during the rebuild. The server will appear stuck until build errors are resolved.":
        "Forhåndsvisningen er ikke opdateret. Ret fejlene ovenfor, og gem filen igen.",
}


_CLOCK = re.compile(r"^\[\d\d:\d\d:\d\d\] ")  # the live-reload server puts the time first


def _in_danish(record: logging.LogRecord) -> bool:
    """Replace MkDocs' known English lines by Danish ones (or drop them); keep every other line."""
    message = _CLOCK.sub("", record.getMessage())
    if message not in _DANISH:
        return True
    if _DANISH[message] is None:
        return False
    record.msg, record.args = _DANISH[message], None
    return True


def previewing() -> bool:
    """True inside `infohus serve`."""
    return os.environ.get(PREVIEW) == "1"


def write_preview(ds: DataSet, site_dir: Path) -> None:
    """The action cards, the beredskab and the citizen page beside the handbook in the preview's folder.

    The cards are made in a thread (wkhtmltopdf works in its own processes) while the beredskab's PDFs
    are made here, so a saved file shows sooner."""
    with ThreadPoolExecutor(1) as pool:
        cards = pool.submit(build_cards, ds, site_dir / CARDS_FOLDER)
        build_internal_edition(ds, site_dir / INTERNAL_PLAN_PDF)
        plan = build_public_edition(ds, site_dir / CITIZEN_FOLDER)
        cards.result()
    build_public(ds, site_dir / CITIZEN_FOLDER, (plan.pdf_bytes, plan.pdf_pages))
