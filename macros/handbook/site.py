"""The handbook as a MkDocs site: the data set it is built from, the settings and files that come from the data.

`infohus build` hands its already validated data set over in-process (`build_handbook`); a bare
`mkdocs build` or `mkdocs serve` loads and validates the folder in INFOHUS_DATA itself, with the same
messages as `infohus check`.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import PluginError

from . import calendar, prerender, vcard
from ..common.dates import date_text
from ..common.paths import default_data_dir
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


def _epoch(ds: DataSet) -> str:
    """The data's date as SOURCE_DATE_EPOCH: midnight UTC, so MkDocs writes that very date."""
    day = ds.content_date()
    return str(int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()))


def settle(config, ds: DataSet) -> None:
    """The settings from the data on a loaded MkDocs config, and the municipality's added pages in its nav."""
    configure(config, ds)
    added = prerender.added_pages(ds)
    if added and config.nav is not None:
        config.nav.extend(added)


@contextmanager
def dated(ds: DataSet) -> Iterator[None]:
    """Within the block, MkDocs dates every page (the sitemap's lastmod) by the data, never by the clock, so two
    builds of the same data are identical: SOURCE_DATE_EPOCH, the reproducible-builds variable MkDocs reads."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(ds)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def handed() -> bool:
    """True while `infohus build` runs MkDocs over pages it rendered itself."""
    return _given.get() is not None


def date_pages(ds: DataSet) -> None:
    """For a bare MkDocs build in this process: date the pages by the data (see `dated`), for the process."""
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(ds)


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
