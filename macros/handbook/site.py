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

from markupsafe import escape
from mkdocs.exceptions import MkDocsException, PluginError

from . import calendar, pages, vcard
from ..common.dates import date_text
from ..common.faults import SystemFault
from ..common.render import OwnPartialError
from ..common.paths import MKDOCS_YML, default_data_dir
from ..common.text import and_join, genitive
from ..model.dataformat import WrongFormat
from ..model.dataset import DataSet, load_dataset, national_dir_for
from ..model.municipality import TOPIC_NAMES, text_colour
from ..model.problems import Problem, errors, report

BRAND_FOLDER = "assets/brand"

@dataclass(frozen=True)
class BuildLog:
    """What changed since the build this one replaces, for the coordinator page and the Ændringer page."""

    report: Callable[[], object]  # this build's changes.Report, waiting until its files are read; None: none
    history: tuple[dict, ...]     # the earlier builds with changes, newest first: {"shown": date, "changes": [...]}


NO_LOG = BuildLog(lambda: None, ())

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

    reasons = _Reasons()
    logging.getLogger("mkdocs").addHandler(reasons)
    try:
        with given(ds, log):
            build(load_config(str(MKDOCS_YML), site_dir=str(site_dir)))
    except SystemExit as exc:
        if not isinstance(exc, MkDocsException):  # mkdocs-macros' exit on a macro's error
            if reasons.macro and reasons.macro[1] == OwnPartialError.__name__:  # the municipality's own partial
                raise PluginError(f"siden {reasons.macro[0]}: {reasons.macro[2]}") from None
            raise SystemFault(reasons.macro_sentence(exc.code)) from None  # infohus' own fault
        if not reasons.found:  # MkDocs' own Abort: the build's caller says it
            raise
        raise PluginError(" ".join(reasons.found)) from exc
    finally:
        logging.getLogger("mkdocs").removeHandler(reasons)


class _Reasons(logging.Handler):
    """Why a handbook build failed, from MkDocs' and mkdocs-macros' log: the words `infohus build` shows, where
    MkDocs itself would only say "Aborted with a BuildError!"."""

    MACRO = re.compile(r"^_File_: `(?P<page>[^`]+)`.*?^_(?P<kind>\w+)_: (?P<why>.+?)$", re.M | re.S)

    def __init__(self):
        super().__init__(logging.WARNING)
        self.found: list[str] = []
        self.macro: tuple[str, str, str] | None = None  # (page, exception, message) of the last macro error

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        macro = self.MACRO.search(text) if "[macros] - ERROR" in text else None
        if macro:
            self.macro = (macro["page"], macro["kind"], macro["why"].strip())
        elif record.levelno >= logging.ERROR and not text.startswith("Error reading page"):
            self.found.append(text)

    def macro_sentence(self, code) -> str:
        """The Danish sentence for mkdocs-macros' exit: the page and the exception, when it logged them."""
        if self.macro:
            page, kind, why = self.macro
            return (f"Håndbogens side \"{page}\" kunne ikke laves ({kind}: {why}). Det er en fejl i infohus, ikke "
                    "i data: meld den til den, der vedligeholder infohus.")
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
    data_dir = Path(os.environ.get("INFOHUS_DATA") or default_data_dir() or ".")
    try:
        ds, problems = load_dataset(data_dir, strict=os.environ.get("INFOHUS_STRICT") == "1")
    except WrongFormat as exc:
        raise PluginError(exc.sentence()) from None
    if ds is not None and not errors(problems):
        problems = sorted(set(problems) | set(refusals(ds)))
    if ds is None or errors(problems):
        raise PluginError("Data har fejl; intet er bygget.\n" + report(problems, national_dir_for(data_dir)))
    return ds


def define(env, ds: DataSet) -> None:
    """Settings from the data, and every page macro, registered on the macros plugin's `env`."""
    env.variables["data"] = ds
    env.variables["build_log"] = build_log()
    configure(env.conf, ds)
    for name, macro in pages.macros(env, ds).items():
        env.macro(macro, name)


def escape_page_values(env) -> None:
    """Every `{{ value }}` in a page's Markdown that is not markup a macro built becomes plain text there.

    A page writes data straight into Markdown (`{{ data.municipality.team }}`): without this, HTML in the
    data would pass through Markdown into the page, and Markdown syntax in it (a `[link](javascript:…)`)
    would become markup. The macros return `Markup` (HTML they built from escaped partials) and are kept.
    Jinja applies `finalize` when it compiles a page, so this must be set before the first page renders.
    """
    env.env.finalize = lambda value: value if hasattr(value, "__html__") else pages.plain(str(value))


def configure(conf, ds: DataSet) -> None:
    """Settings that come from the data: address, name, description, abbreviations, colours and footer.

    Material prints the settings into its templates without escaping (its Jinja environment does not
    autoescape): site_name in the header, the drawer, `<title>`, `title` and `aria-label`; site_description
    in `<meta name="description">`; site_url, joined with each page's path, in `<link rel="canonical">`, the
    sitemap, and on 404.html as the path of every asset and inside a script's string. So each text is set
    as escaped text (`Markup`: printed as it is, and `| e` leaves it alone, so nothing is escaped twice),
    and the address with every character that could end an attribute, a tag or a string percent-encoded.
    `extra.infohus` is read only by overrides/ (Material reads none of it); it is escaped text too.
    Material's other settings (repo_url, copyright, site_author, extra.*) never come from the data.
    """
    m = ds.municipality
    conf["site_name"] = escape(m.team)
    if not conf.get("site_url"):  # `mkdocs serve` sets its own address
        conf["site_url"] = printable_url(m.url_intranet)
    covered = and_join(TOPIC_NAMES[t] for t in m.topics)
    conf["site_description"] = escape(f"{m.team}: {genitive(m.name)} beredskab mod {covered}")
    conf["mdx_configs"].setdefault("abbr", {})["glossary"] = ds.abbreviations()
    if m.logo:
        conf["theme"]["logo"] = f"{BRAND_FOLDER}/{m.logo.name}"
    latest = max(m.governance.versions, key=lambda v: v.date)
    conf["extra"]["infohus"] = {key: None if value is None else escape(value) for key, value in {
        "team": m.team, "municipality": m.name, "accessibility_url": m.url_accessibility,
        "version": latest.version, "version_date": date_text(latest.date),
        "primary": m.brand_primary, "primary_text": text_colour(m.brand_primary) if m.brand_primary else None,
        "accent": m.brand_accent,
    }.items()}


# What may not stand raw in an attribute, a tag or a script's string: quotes, angle brackets, backslash,
# backtick, ampersand, whitespace and control characters. The URL check refuses all but "&" in the data.
_RAW_UNSAFE = re.compile(r"[\"'<>\\`&\s\x00-\x1f\x7f]")


def printable_url(url: str) -> str:
    """`url` with every character that could end an attribute, a tag or a string percent-encoded."""
    return _RAW_UNSAFE.sub(lambda c: "".join(f"%{b:02X}" for b in c[0].encode("utf-8")), url)


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
