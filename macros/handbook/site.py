"""The handbook as a MkDocs site: the data set it is built from, the settings and files that come from the data.

`infohus build` hands its already validated data set over in-process (`build_handbook`); a bare
`mkdocs build` or `mkdocs serve` loads and validates the folder in INFOHUS_DATA itself, with the same
messages as `infohus check`.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import MkDocsException, PluginError

from . import calendar, pages, vcard
from ..common.dates import date_text
from ..common.faults import SystemFault
from ..common.paths import DEFAULT_DATA_DIR, MKDOCS_YML
from ..common.text import and_join
from ..model.dataset import DataSet, load_dataset, national_dir_for
from ..model.municipality import TOPIC_NAMES, text_colour
from ..model.problems import Problem, errors, report

BRAND_FOLDER = "assets/brand"

@dataclass(frozen=True)
class BuildLog:
    """What changed since the build this one replaces, for the coordinator page and the Ændringer page."""

    compared: bool                # an earlier build was there to compare with
    changes: tuple[str, ...]      # this build's changes, one sentence each
    history: tuple[dict, ...]     # the builds with changes, newest first: {"shown": date, "changes": [...]}


NO_LOG = BuildLog(False, (), ())

# The data set `infohus build` validated, and its log, while it runs MkDocs in the same process.
_given: ContextVar[tuple[DataSet, BuildLog] | None] = ContextVar("infohus_dataset", default=None)


@contextmanager
def given(ds: DataSet, log: BuildLog = NO_LOG) -> Iterator[None]:
    """Within the block, MkDocs builds the handbook from `ds` instead of loading the data again."""
    token = _given.set((ds, log))
    try:
        yield
    finally:
        _given.reset(token)


def build_handbook(ds: DataSet, site_dir: Path, log: BuildLog = NO_LOG) -> None:
    """Run MkDocs on the handbook with the validated data set (and the build's log) handed to the macros.

    SystemFault if a page macro fails: mkdocs-macros (`on_error_fail`) logs the error and calls exit(100),
    which is no exit code of infohus'; the logged error becomes the sentence instead."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    failures = _MacroFailures()
    logging.getLogger(MACROS_LOGGER).addHandler(failures)
    try:
        with given(ds, log):
            build(load_config(str(MKDOCS_YML), site_dir=str(site_dir)))
    except SystemExit as exc:
        if isinstance(exc, MkDocsException):  # MkDocs' own Abort: the build's caller says it
            raise
        raise SystemFault(failures.sentence(exc.code)) from None
    finally:
        logging.getLogger(MACROS_LOGGER).removeHandler(failures)


MACROS_LOGGER = "mkdocs.plugins.mkdocs_macros"
_MACRO_PAGE = re.compile(r"_File_: `([^`]+)`")
_MACRO_ERROR = re.compile(r"^_(?!File_)(\w+)_: (.+)$", re.M)


class _MacroFailures(logging.Handler):
    """The errors mkdocs-macros logs just before it exits: which page, which exception."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def sentence(self, code) -> str:
        for message in reversed(self.messages):
            page, error = _MACRO_PAGE.search(message), _MACRO_ERROR.search(message)
            if page and error:
                return (f"Håndbogens side \"{page[1]}\" kunne ikke laves ({error[1]}: {error[2].strip()}). Det er "
                        "en fejl i infohus, ikke i data: meld den til den, der vedligeholder infohus.")
        return (f"Håndbogen kunne ikke bygges: MkDocs stoppede (kode {code}). Det er en fejl i infohus, ikke i data: "
                "meld den til den, der vedligeholder infohus.")


def build_log() -> BuildLog:
    """The log handed over by `infohus build`; none under `mkdocs build` or `infohus serve`."""
    handed = _given.get()
    return handed[1] if handed else NO_LOG


def dataset(refusals: Callable[[DataSet], list[Problem]] = lambda ds: []) -> DataSet:
    """The data set handed over by `infohus build`, else the folder in INFOHUS_DATA, validated.

    PluginError with every problem (the messages of `infohus check`, with what `refusals` finds: the other
    outputs' gates, which the preview builds too) if the data has an error.
    """
    handed = _given.get()
    if handed is not None:
        return handed[0]
    data_dir = Path(os.environ.get("INFOHUS_DATA") or DEFAULT_DATA_DIR)
    ds, problems = load_dataset(data_dir, strict=os.environ.get("INFOHUS_STRICT") == "1")
    if ds is not None and not errors(problems):
        problems = sorted(set(problems) | set(refusals(ds)))
    if ds is None or errors(problems):
        raise PluginError("Data har fejl; intet er bygget.\n" + report(problems, national_dir_for(data_dir)))
    return ds


def define(env, ds: DataSet) -> None:
    """Settings from the data, and every page macro, registered on the macros plugin's `env`."""
    env.conf["site_name"] = ds.municipality.team
    env.variables["data"] = ds
    env.variables["build_log"] = build_log()
    configure(env.conf, ds)
    for name, macro in pages.macros(env, ds).items():
        env.macro(macro, name)


def configure(conf, ds: DataSet) -> None:
    """Settings that come from the data: address, description, abbreviations, colours and footer."""
    m = ds.municipality
    if not conf.get("site_url"):  # `mkdocs serve` sets its own address
        conf["site_url"] = m.url_intranet
    covered = and_join(TOPIC_NAMES[t] for t in m.topics)
    conf["site_description"] = f"{m.team}: {m.name}s beredskab mod {covered}"
    conf["mdx_configs"].setdefault("abbr", {})["glossary"] = ds.abbreviations()
    if m.logo:
        conf["theme"]["logo"] = f"{BRAND_FOLDER}/{m.logo.name}"
    latest = max(m.governance.versions, key=lambda v: v.date)
    conf["extra"]["infohus"] = {
        "team": m.team, "municipality": m.name, "accessibility_url": m.url_accessibility,
        "version": latest.version, "version_date": date_text(latest.date),
        "primary": m.brand_primary, "primary_text": text_colour(m.brand_primary) if m.brand_primary else None,
        "accent": m.brand_accent,
    }


def write_files(site_dir: Path, ds: DataSet) -> None:
    """Files the pages link to that are not pages: the vCards, the coordinator's calendar and the logo (as
    infohus wrote it when the data was loaded, never the file in the data folder)."""
    vcard.write(site_dir, ds)
    calendar.write(site_dir, ds)
    logo = ds.municipality.logo
    if logo:
        target = site_dir / BRAND_FOLDER / logo.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(logo.data)
