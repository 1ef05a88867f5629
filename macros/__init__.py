"""mkdocs-macros entry point (mkdocs.yml: `modules: [macros]`): the handbook's data set and page macros.

Only wiring lives here. The handbook's macros come from `handbook`, the Handlekort page from `cards`;
imports are inside the hooks so `infohus check` never loads MkDocs.
"""
from __future__ import annotations

from pathlib import Path


def define_env(env) -> None:
    """The validated data set (handed over by `infohus build`, or loaded as `infohus check` would), then the macros."""
    from markupsafe import Markup

    from .cards.page import cards_overview
    from .gates import refusals
    from .handbook import site

    ds = site.dataset(refusals)
    site.define(env, ds)
    env.macro(lambda: Markup(cards_overview(ds)), "handlekort")


def on_pre_page_macros(env) -> None:
    """Data in a page's Markdown is text; date every page by its data, never by the clock, so two builds of
    the same data are identical; a page of the municipality's own is rendered here, in the sandbox."""
    from .handbook import own, site

    site.escape_page_values(env)
    env.page.update_date = env.variables["data"].content_date().isoformat()
    own.render_page(env)


def on_post_build(env) -> None:
    """Write the vCards (one per contact, one for the team) and the logo into the built site; under
    `infohus serve` also the action cards and the citizen page, so the preview has every output."""
    from . import serve
    from .handbook import site

    site_dir, ds = Path(env.conf["site_dir"]), env.variables["data"]
    site.write_files(site_dir, ds)
    if serve.previewing():
        serve.write_preview(ds, site_dir)
