"""The handbook as a MkDocs site: the data set it is built from, the settings and files that come from the data.

`infohus build` hands its already validated data set over in-process (`build_handbook`); a bare
`mkdocs build` or `mkdocs serve` loads and validates the folder in INFOHUS_DATA itself, with the same
messages as `infohus check`.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from mkdocs.exceptions import PluginError

from . import pages, vcard
from ..common.dates import date_text
from ..common.paths import DEFAULT_DATA_DIR, MKDOCS_YML
from ..model.dataset import DataSet, load_dataset
from ..model.municipality import TOPIC_NAMES, text_colour
from ..model.problems import errors, report

BRAND_FOLDER = "assets/brand"

# The data set `infohus build` validated, while it runs MkDocs in the same process.
_given: ContextVar[DataSet | None] = ContextVar("infohus_dataset", default=None)


@contextmanager
def given(ds: DataSet) -> Iterator[None]:
    """Within the block, MkDocs builds the handbook from `ds` instead of loading the data again."""
    token = _given.set(ds)
    try:
        yield
    finally:
        _given.reset(token)


def build_handbook(ds: DataSet, site_dir: Path) -> None:
    """Run MkDocs on the handbook with the validated data set handed to the macros."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with given(ds):
        build(load_config(str(MKDOCS_YML), site_dir=str(site_dir)))


def dataset() -> DataSet:
    """The data set handed over by `infohus build`, else the folder in INFOHUS_DATA, validated.

    PluginError with every problem (the messages of `infohus check`) if the data has an error.
    """
    ds = _given.get()
    if ds is not None:
        return ds
    data_dir = Path(os.environ.get("INFOHUS_DATA") or DEFAULT_DATA_DIR)
    ds, problems = load_dataset(data_dir, strict=os.environ.get("INFOHUS_STRICT") == "1")
    if ds is None or errors(problems):
        raise PluginError("Data har fejl; intet er bygget.\n" + report(problems))
    return ds


def define(env, ds: DataSet) -> None:
    """Settings from the data, and every page macro, registered on the macros plugin's `env`."""
    env.conf["site_name"] = ds.municipality.team
    env.variables["data"] = ds
    configure(env.conf, ds)
    for name, macro in pages.macros(env, ds).items():
        env.macro(macro, name)


def configure(conf, ds: DataSet) -> None:
    """Settings that come from the data: address, description, abbreviations, colours and footer."""
    m = ds.municipality
    if not conf.get("site_url"):  # `mkdocs serve` sets its own address
        conf["site_url"] = m.url_intranet
    topics = [TOPIC_NAMES[t] for t in m.topics]
    covered = ", ".join(topics[:-1]) + " og " + topics[-1] if len(topics) > 1 else topics[0]
    conf["site_description"] = f"{m.team}: {m.name}s beredskab mod {covered}"
    conf["mdx_configs"].setdefault("abbr", {})["glossary"] = ds.abbreviations()
    if m.brand_logo:
        conf["theme"]["logo"] = f"{BRAND_FOLDER}/{m.brand_logo}"
    latest = max(m.governance.versions, key=lambda v: v.date)
    conf["extra"]["infohus"] = {
        "team": m.team, "municipality": m.name, "accessibility_url": m.url_accessibility,
        "version": latest.version, "version_date": date_text(latest.date),
        "primary": m.brand_primary, "primary_text": text_colour(m.brand_primary) if m.brand_primary else None,
        "accent": m.brand_accent,
    }


def write_files(site_dir: Path, ds: DataSet) -> None:
    """Files the pages link to that are not pages: the vCards and the municipality's logo."""
    vcard.write(site_dir, ds)
    logo = ds.municipality.brand_logo
    if logo:
        source = ds.data_dir / logo
        if not source.is_file():
            raise PluginError(f"logoet \"{logo}\" (branding.logo i municipality.yml) findes ikke i {ds.data_dir}. "
                              "Læg filen i kommunens mappe, eller slet linjen.")
        target = site_dir / BRAND_FOLDER / logo
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
