"""The theme's fixes, run by the `infohus` MkDocs plugin (macros/build.py, found by its entry point, so the
same config works in a checkout and installed): what no block or partial can reach.

`on_files`: overrides/ also holds the citizen page's and the action cards' templates and assets; the
handbook ships only its own assets (overrides/assets/), so nothing else is copied into the intranet.

`on_serve`: the preview server answers only its own address and never prints a traceback (preview.py).

`on_env`: Material 9.8 writes `autocomplete="off"` on its two toggle checkboxes (drawer and search) directly in
base.html, outside every block, and HTML allows autocomplete only on text-like inputs, so the Nu
checker reports an error on every page. Copying base.html would freeze the whole theme; instead the
loader serves base.html with exactly those two attributes removed, and the build fails if Material
changes the lines (then check whether the fix is still needed and delete this hook).
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from ..common import compiled

TOGGLES = ('data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off"',
           'data-md-toggle="search" type="checkbox" id="__search" autocomplete="off"')


class _BaseWithoutCheckboxAutocomplete(jinja2.BaseLoader):
    """Delegates to the theme's loader; serves Material's base.html without autocomplete on checkboxes."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "base.html":
            for toggle in TOGGLES:
                if toggle not in source:
                    raise jinja2.TemplateError(
                        f"Material's base.html ({filename}) no longer contains `{toggle}`. Check whether "
                        "the Nu checker still reports autocomplete on checkboxes, and update macros/handbook/theme.py.")
                source = source.replace(toggle, toggle.removesuffix(' autocomplete="off"'))
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def on_files(files, config):
    """Keep Material's files and overrides/assets/; drop other outputs' files from overrides/."""
    custom = Path(config["theme"].custom_dir).resolve()
    for file in list(files):
        source = Path(file.abs_src_path).resolve() if file.abs_src_path else None
        if source and source.is_relative_to(custom) and not file.src_uri.startswith("assets/"):
            files.remove(file)
    return files


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    """Wrap the theme's template loader, and keep its compiled templates (common/compiled.py): runs once per
    build, before any page is rendered."""
    env.loader = _BaseWithoutCheckboxAutocomplete(env.loader)
    return compiled.keep(env)
