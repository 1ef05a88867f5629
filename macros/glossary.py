"""The glossary as the handbook shows it: terms of the covered topics, Danish order, anchors, abbreviations."""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from pymdownx.slugs import slugify

from .dataset import DataSet
from .definitions import Definition

# The same slugify as the toc extension in mkdocs.yml, so generated anchors look like heading anchors.
_slugify = slugify(case="lower")
# Danish alphabetical order: æ, ø and å come after z.
_DANISH = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}", "é": "e", "ü": "y"})


def anchor(text: str) -> str:
    """The anchor of a heading with `text`, æøå kept: "Æresrelaterede konflikter" -> "æresrelaterede-konflikter"."""
    return _slugify(text, "-")


def danish_key(text: str) -> str:
    """A sort key that puts æ, ø, å last, as a Danish dictionary does."""
    return text.lower().translate(_DANISH)


def covered(ds: DataSet) -> list[Definition]:
    """Definitions of topics the municipality covers (or of no topic), in Danish alphabetical order."""
    m = ds.municipality
    terms = [d for d in ds.definitions.values() if not d.topics or any(m.covers(t) for t in d.topics)]
    return sorted(terms, key=lambda d: danish_key(d.term))


def abbreviations(ds: DataSet) -> dict[str, str]:
    """Abbreviation -> expansion for every covered definition that has an expansion."""
    return {d.term: d.expansion for d in covered(ds) if d.expansion}


class Abbreviator:
    """Escapes plain text and wraps known abbreviations in <abbr title="...">, like the Markdown abbr extension."""

    def __init__(self, glossary: dict[str, str]):
        self.glossary = glossary
        names = sorted(glossary, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None

    def __call__(self, text: str) -> Markup:
        escaped = str(escape(text))
        if self.pattern is None:
            return Markup(escaped)
        return Markup(self.pattern.sub(
            lambda m: f'<abbr title="{escape(self.glossary[m.group(1)])}">{m.group(1)}</abbr>', escaped))
