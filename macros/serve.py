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
from .common import cache, faults
from .common.address import parse
from .common.paths import (
    CARDS_FOLDER,
    IN_CHECKOUT,
    INTERNAL_PLAN_PDF,
    MKDOCS_YML,
    OVERRIDES,
    PACKAGE,
    PLAN_FOLDER,
)
from .handbook.search_index import write_index
from .model.dataset import DataSet, national_dir_for
from .model.problems import DataError, report

CITIZEN_FOLDER = "borgerside"  # the citizen page's place in the preview: http://127.0.0.1:8000/borgerside/
PREVIEW = "INFOHUS_PREVIEW"


ADDRESS_FORM = "Skriv den som VÆRT:PORT, fx 127.0.0.1:8000 (kun denne computer) eller 0.0.0.0:8000 (alle netværk)."


def address(addr: str) -> tuple[str, int]:
    """`--addr` as (host, port): HOST an IP address ([IPv6] in brackets) or localhost, PORT from 1 to 65535.

    ValueError with the Danish sentence that says how to write it."""
    return parse(addr, ADDRESS_FORM, "127.0.0.1:8000")


def _free(host: str, port: int) -> None:
    """SystemFault if the preview could not listen on `host`:`port`, found now rather than after the first build."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise faults.binding(exc, host, port) from None


def serve(data_dir: Path, addr: str) -> int:
    """Serve the preview of `data_dir` on `addr` until Ctrl+C; 2 with a Danish sentence for an address it cannot use."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    try:
        host, port = address(addr)
    except ValueError as exc:
        sys.stderr.write(f"infohus: {exc}\n")
        return 2
    _free(host, port)
    addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
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
_NOT_UPDATED = _DANISH["An error happened during the rebuild. The server will appear stuck until build errors are "
                       "resolved."]
UPDATED = "Opdateret: forhåndsvisningen viser dine rettelser."
_last_rebuild = {"failed": False}  # this process's preview: whether the last rebuild failed


def _in_danish(record: logging.LogRecord) -> bool:
    """Replace MkDocs' known English lines by Danish ones (or drop them); keep every other line, and never a
    traceback: MkDocs' server logs one for a request it could not answer, said here in one line instead."""
    if record.exc_info:
        error = record.exc_info[1]
        record.msg = f"Forhåndsvisningen kunne ikke svare på en forespørgsel ({type(error).__name__}: {error})."
        record.args = None
        record.exc_info, record.exc_text = None, None
    message = _CLOCK.sub("", record.getMessage())
    if message not in _DANISH:
        return True
    if _DANISH[message] is None:
        return False
    record.msg, record.args = _DANISH[message], None
    _last_rebuild["failed"] = record.msg == _NOT_UPDATED
    return True


def previewing() -> bool:
    """True inside `infohus serve`."""
    return os.environ.get(PREVIEW) == "1"


def write_preview(ds: DataSet, site_dir: Path) -> None:
    """The handbook's search index, and the action cards, the beredskab and the citizen page beside the handbook
    in the preview's folder.

    The cards are made in a thread (wkhtmltopdf works in its own processes) while the beredskab's PDFs
    are made here, so a saved file shows sooner.

    A data error found only while rendering (a card too long for A6) is a PluginError, which MkDocs' server
    reports like the check's own errors (a DataError would end in a traceback in its rebuild loop)."""
    cache.forget()
    from mkdocs.exceptions import PluginError

    try:
        write_index(site_dir, ds.search_terms.values())  # the pages as MkDocs wrote them, before the others are added
        with ThreadPoolExecutor(1) as pool:
            cards = pool.submit(build_cards, ds, site_dir / CARDS_FOLDER)
            build_internal_edition(ds, site_dir / INTERNAL_PLAN_PDF)
            plan = build_public_edition(ds, site_dir / CITIZEN_FOLDER)
            cards.result()
        build_public(ds, site_dir / CITIZEN_FOLDER, (plan.pdf_bytes, plan.pdf_pages))
        if _last_rebuild["failed"]:  # the coordinator saw "ikke opdateret": say when the fix has worked
            _last_rebuild["failed"] = False
            sys.stderr.write(UPDATED + "\n")
            sys.stderr.flush()
    except DataError as exc:
        raise PluginError("Data har fejl; forhåndsvisningen er ikke opdateret.\n"
                          + report(exc.problems, national_dir_for(ds.data_dir))) from None
