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

    @property
    def credit(self) -> str | None:
        """The publisher as a source list shows it: left out where the title already names it."""
        return credit(self.title, self.publisher)


def credit(title: str, publisher: str | None) -> str | None:
    """`publisher`, or None when `title` already says it ("Viborg Kommune, Viborg Kommune" never prints)."""
    if not publisher or publisher.strip().casefold() in title.casefold():
        return None
    return publisher


def build(raw: dict, origin: Origin) -> SourceDocument:
    """A SourceDocument from a schema-valid mapping."""
    return SourceDocument(raw["id"], raw["title"], raw.get("publisher"), raw.get("date"),
                          raw.get("url"), visibility(raw), raw.get("example", False), origin)
