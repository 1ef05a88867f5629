"""One Jinja environment for every HTML the project writes: autoescaped, strict about undefined names.

YAML text is data, never markup: every value passes through Jinja's autoescape. A template that
really needs to emit HTML it built itself must mark it with `Markup` in Python, in one named place.
"""
from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .paths import OVERRIDES



@cache
def environment() -> Environment:
    """The shared environment over `overrides/` (partials, citizen page, card templates)."""
    return Environment(loader=FileSystemLoader(str(OVERRIDES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def render(template: str, **context) -> str:
    """Render `template` (a path under overrides/, e.g. "partials/contact.html") with `context`."""
    return environment().get_template(template).render(**context)
