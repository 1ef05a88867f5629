"""Sources: the documents every record cites."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, visibility

KIND = "sources"


@dataclass(frozen=True)
class SourceDocument:
    """A document the data is written from."""

    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    visibility: str
    example: bool  # the source of template and example content: a record citing it is not the municipality's own
    origin: Origin


def build(raw: dict, origin: Origin) -> SourceDocument:
    """A SourceDocument from a schema-valid mapping."""
    return SourceDocument(raw["id"], raw["title"], raw.get("publisher"), raw.get("date"),
                          raw.get("url"), visibility(raw), raw.get("example", False), origin)
