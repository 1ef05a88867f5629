"""One Jinja environment for every HTML the project writes: autoescaped, strict about undefined names.

YAML text is data, never markup: every value passes through Jinja's autoescape. A template that
really needs to emit HTML it built itself must mark it with `Markup` in Python, in one named place.

A municipality may replace some of the handbook's partials with its own (DATA/overrides/partials/, read and
checked by macros/model/own_files.py). Those are data, not code: a render that may reach one runs in Jinja's
immutable sandbox, with the same autoescape, so a template can neither reach Python's internals nor change
the records it is shown.
"""
from __future__ import annotations

import os
import types
from collections.abc import Mapping
from functools import cache

from jinja2 import (BaseLoader, ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined, Template,
                    TemplateError)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .compiled import keep
from .paths import OVERRIDES
from .text import and_join, full_stop, genitive

_SETTINGS = dict(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                 keep_trailing_newline=True)


@cache
def environment() -> Environment:
    """The shared environment over `overrides/` (partials, citizen page, card templates)."""
    return keep(_with_filters(Environment(loader=FileSystemLoader(str(OVERRIDES)), **_SETTINGS)))


def _with_filters(env: Environment) -> Environment:
    """`env` with the Danish text filters every template may use: `genitive`, `full_stop` and `and_join`."""
    env.filters.update(genitive=genitive, full_stop=full_stop, and_join=and_join)
    return env


# Objects a template of the municipality must never get hold of: a path can write files, an environment,
# template or loader compiles code outside the sandbox, a module or class builds anything, MkDocs' objects
# (the plugins, the config) lead to all of those.
_OFF_LIMITS = (os.PathLike, Environment, Template, BaseLoader, types.ModuleType, type)
_OFF_LIMITS_PACKAGES = {"mkdocs", "mkdocs_macros", "material"}


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with nothing reachable that leads out of it (see _OFF_LIMITS)."""

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return super().is_safe_attribute(obj, attr, value) and not off_limits(value)


def off_limits(value) -> bool:
    """True for a value a template of the municipality may not reach."""
    return isinstance(value, _OFF_LIMITS) or type(value).__module__.partition(".")[0] in _OFF_LIMITS_PACKAGES


@cache
def _with_own(own: tuple[tuple[str, str], ...]) -> Environment:
    """The sandboxed environment in which the municipality's partials (name, text) come before `overrides/`."""
    mine = DictLoader({f"partials/{name}": text for name, text in own})
    return keep(_with_filters(Sandbox(loader=ChoiceLoader([mine, FileSystemLoader(str(OVERRIDES))]), **_SETTINGS)))


def render(template: str, *, own_partials: Mapping[str, str] | None = None, **context) -> str:
    """Render `template` (a path under overrides/, e.g. "partials/contact.html") with `context`; with
    `own_partials` (the municipality's partials by file name), those replace the shipped ones, rendered in the sandbox."""
    if not own_partials:
        return environment().get_template(template).render(**context)
    try:
        return _with_own(tuple(sorted(own_partials.items()))).get_template(template).render(**context)
    except TemplateError as exc:
        why = str(exc.message or exc).rstrip(".")
        raise OwnPartialError(f"en af kommunens egne partials (overrides/partials/) kan ikke bygges: {why}. En "
                              "partial må bruge de værdier, infohus' egen partial af samme navn får, men ikke "
                              "andet.") from None


class OwnPartialError(ValueError):
    """A partial of the municipality's own failed to render (in the sandbox); the message is a Danish sentence."""
