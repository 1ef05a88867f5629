"""mkdocs-macros entry point: load the validated data and register the page macros."""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from . import handbook
from .card_page import cards_overview
from .dataset import DEFAULT_DATA_DIR, load_dataset
from .problems import errors, report


def define_env(env) -> None:
    """Validate the data first (same messages as `infohus check`), then expose it to pages."""
    data_dir = Path(os.environ.get("INFOHUS_DATA") or DEFAULT_DATA_DIR)
    strict = os.environ.get("INFOHUS_STRICT") == "1"
    ds, problems = load_dataset(data_dir, strict=strict)
    if ds is None or errors(problems):
        raise PluginError("Data har fejl; intet er bygget.\n" + report(problems))
    env.conf["site_name"] = ds.municipality.team
    env.variables["data"] = ds
    handbook.configure(env.conf, ds)
    for name, macro in handbook.macros(env, ds).items():
        env.macro(macro, name)
    env.macro(lambda: cards_overview(ds), "handlekort")


def on_pre_page_macros(env) -> None:
    """Date every page by its data, never by the clock, so two builds of the same data are identical."""
    env.page.update_date = env.variables["data"].content_date().isoformat()


def on_post_build(env) -> None:
    """Write the vCards (one per contact, one for the team) and the logo into the built site."""
    handbook.write_files(Path(env.conf["site_dir"]), env.variables["data"])
