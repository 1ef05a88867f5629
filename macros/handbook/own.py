"""The municipality's own pages in the handbook (DATA/docs/*.md, read and checked by macros/model/own_files.py).

A page of the same name as one of infohus' pages takes its place; any other is added to the navigation
after infohus' pages, under its own first heading. It is rendered as infohus' pages are, with the same
macros, but in the sandbox of macros/common/render.py: a macro's HTML stands as it is, every other value
(`{{ data.municipality.team }}`) is text, its HTML and Markdown escaped, and nothing leads out of the sandbox.
"""
from __future__ import annotations

from jinja2 import TemplateError
from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from ..common.paths import OWN_PAGES
from ..common.render import Sandbox
from ..model.dataset import DataSet
from .pages import plain


def dataset_of(config) -> DataSet | None:
    """The data set the macros plugin (listed before `infohus` in mkdocs.yml) is building from; None in a build
    without it (a benchmark's plain Markdown)."""
    macros = config.plugins.get("macros")
    return macros.variables.get("data") if macros is not None else None


def add_to_nav(config, ds: DataSet | None) -> None:
    """The municipality's added pages at the end of the navigation, titled by their first heading."""
    if ds is None:
        return
    added = [name for name in sorted(ds.own.pages) if not ds.own.replaces(name)]
    if added and config.nav is not None:
        config.nav.extend(added)


def add_pages(files, config, ds: DataSet | None):
    """MkDocs' files with the municipality's own pages in (in place of infohus' page of the same name)."""
    for name, text in sorted(ds.own.pages.items() if ds is not None else ()):
        shipped = files.get_file_from_path(name)
        if shipped is not None:
            files.remove(shipped)
        files.append(File.generated(config, name, content=text))
    return files


def render_page(env) -> None:
    """For a page of the municipality's own (mkdocs-macros' pre-page hook): render it in the sandbox now, and
    tell mkdocs-macros it is done, so the page is never rendered outside the sandbox."""
    ds: DataSet = env.variables["data"]
    name = env.page.file.src_uri
    if name not in ds.own.pages or env.page.meta.get("render_macros") is False:
        return
    # As infohus' own pages: a macro's HTML stands; any other value is text, its HTML and Markdown escaped.
    sandbox = Sandbox(undefined=env.env.undefined,
                      finalize=lambda value: value if hasattr(value, "__html__") else plain(str(value)))
    sandbox.filters.update(env.env.filters)
    macros = {key: _as_markup(macro) for key, macro in env.macros.items()}
    try:
        env.markdown = sandbox.from_string(env.markdown).render(**macros, data=ds, page=env.page,
                                                                **env.page.meta)
    except TemplateError as exc:
        why = str(exc.message or exc).rstrip(".")
        raise PluginError(f"Kommunens egen side {OWN_PAGES}/{name} kan ikke bygges: {why}. Siden "
                          "må bruge infohus' makroer, fx {{ contacts() }}, og data.…, men ikke andet.") from None
    env.page.meta["render_macros"] = False


def _as_markup(macro):
    """A macro whose HTML (escaped by its own partial) stands in the page as it is."""
    def call(*args, **kwargs):
        return Markup(macro(*args, **kwargs))
    return call
