"""The handbook's pages rendered by infohus itself, before any site generator sees them: Markdown in, Markdown out.

Every page (infohus' own in docs/, and the municipality's own in DATA/docs/, which may take the place of one
of infohus' pages) is rendered here with the page macros, the data set and the page's own name, and written
into a folder of rendered Markdown that MkDocs then builds as plain Markdown. So the site generator needs no
macros plugin and no late hooks: the links between pages are computed from the page's name (the site uses
directory URLs), and nothing asks the generator which page it is on or which files it has. A successor of
MkDocs that reads Markdown and the theme builds the same pages (DEVELOPING.md, "After MkDocs 1.x").

Every page renders in the sandbox of macros/common/render.py, the municipality's and infohus' alike: a macro's
HTML stands as it is, every other value (`{{ data.municipality.team }}`) is text, its HTML and Markdown
escaped, and nothing leads out of the sandbox.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError
from markupsafe import Markup
from mkdocs.exceptions import PluginError

from ..common.faults import SystemFault
from ..common.paths import DOCS_DIR, OWN_PAGES
from ..common.render import OwnPartialError, Sandbox, _with_filters
from ..model.dataset import DataSet
from . import pages

# A page's YAML front matter, kept as it is for the site generator (title, hide, ...).
_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*\n)", re.S)


def sources(ds: DataSet, docs: Path = DOCS_DIR) -> dict[str, tuple[str, bool]]:
    """Every page of the handbook: name -> (Markdown, whether it is the municipality's own), infohus' pages
    (in `docs`) first; a page of the municipality's own of the same name takes the place of infohus' page."""
    found = {path.name: (path.read_text(encoding="utf-8"), False) for path in sorted(docs.glob("*.md"))}
    for name, text in sorted(ds.own.pages.items()):
        found[name] = (text, True)
    return found


def added_pages(ds: DataSet) -> list[str]:
    """The municipality's pages that are not in place of one of infohus': listed after infohus' own in the nav."""
    return [name for name in sorted(ds.own.pages) if not ds.own.replaces(name)]


def render_all(ds: DataSet, folder: Path, log, extra: Mapping[str, Callable[[], str]] | None = None,
               docs: Path = DOCS_DIR) -> list[Path]:
    """Render every page into `folder` (made if missing); a file whose text is unchanged is not written again,
    so a preview server watching the folder sees only real changes. Returns the files written.

    `log`: the build's BuildLog (handbook/site.py), for the coordinator and Ændringer pages.

    `extra`: macros of other outputs the pages call (the Handlekort page's overview of the cards), by name.
    `docs`: the folder of infohus' own page templates (a bare MkDocs build may be given another)."""
    found = sources(ds, docs)
    names = frozenset(found)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (text, own) in found.items():
        rendered = render_page(ds, name, text, own=own, names=names, log=log, extra=extra)
        target = folder / name
        if _unchanged(target, rendered):
            continue
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(rendered, encoding="utf-8")
        os.replace(temporary, target)
        written.append(target)
    return written


def _unchanged(target: Path, text: str) -> bool:
    try:
        return not target.is_symlink() and target.read_text(encoding="utf-8") == text
    except (FileNotFoundError, UnicodeDecodeError):
        return False


def render_page(ds: DataSet, name: str, text: str, *, own: bool = False, names: frozenset[str] = frozenset(),
                log=None, extra: Mapping[str, Callable[[], str]] | None = None) -> str:
    """Page `name`'s Markdown with its macros rendered; its front matter is kept as written.

    A page whose front matter says `render_macros: false` is left as it is. A page of the municipality's own
    that cannot render is a PluginError naming the page (a data error); one of infohus' is a SystemFault (a fault
    of infohus, not of the data)."""
    front, body, meta = split_front_matter(text)
    if meta.get("render_macros") is False:
        return text
    helper = pages.Helper(ds, page=name, names=names or frozenset({name}), log=log)
    macros = {key: _as_markup(macro) for key, macro in pages.macros(helper).items()}
    macros.update({key: _as_markup(macro) for key, macro in (extra or {}).items()})
    variables = {key: value for key, value in meta.items() if isinstance(key, str) and key.isidentifier()}
    try:
        return front + _environment().from_string(body).render(**variables, **macros, data=ds)
    except OwnPartialError as exc:
        raise PluginError(f"siden {name}: {exc}") from None
    except (TemplateError, ValueError, TypeError, AttributeError, KeyError, LookupError) as exc:
        why = str(getattr(exc, "message", None) or exc).rstrip(".")
        if own:
            raise PluginError(f"Kommunens egen side {OWN_PAGES}/{name} kan ikke bygges: {why}. Siden må bruge "
                              "infohus' makroer, fx {{ contacts() }}, og data.…, men ikke andet.") from None
        raise SystemFault(f"Håndbogens side \"{name}\" kunne ikke laves ({type(exc).__name__}: {why}). Det er en "
                          "fejl i infohus, ikke i data: meld den til den, der vedligeholder infohus.") from None


def split_front_matter(text: str) -> tuple[str, str, dict]:
    """(front matter as written, the rest, the front matter's values); a page without one has ("", text, {})."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return "", text, {}
    try:
        meta = yaml.safe_load(found[2] or "") or {}
    except yaml.YAMLError:
        meta = {}
    return found[1], text[found.end():], meta if isinstance(meta, dict) else {}


def _environment() -> Sandbox:
    """The sandbox every page renders in: Markdown (no autoescape), strict about undefined names, and every
    value that is not a macro's markup written as plain text (pages.plain: HTML and Markdown escaped)."""
    env = Sandbox(undefined=StrictUndefined, keep_trailing_newline=True,
                  finalize=lambda value: value if hasattr(value, "__html__") else pages.plain(str(value)))
    return _with_filters(env)


def _as_markup(macro):
    """A macro whose HTML (escaped by its own partial) stands in the page as it is."""
    def call(*args, **kwargs):
        return Markup(macro(*args, **kwargs))
    return call
