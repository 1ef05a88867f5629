"""Anchors of the glossary's terms, made the way the toc extension makes heading anchors."""
from __future__ import annotations

from pymdownx.slugs import slugify

# The same slugify as the toc extension in mkdocs.yml, so generated anchors look like heading anchors.
_slugify = slugify(case="lower")


def anchor(text: str) -> str:
    """The anchor of a heading with `text`, æøå kept: "Æresrelaterede konflikter" -> "æresrelaterede-konflikter"."""
    return _slugify(text, "-")
