"""Definitions: the glossary and the abbreviations expanded across the handbook."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source, Verified, unconfirmed, visibility

KIND = "definitions"


@dataclass(frozen=True)
class Definition:
    """A term or abbreviation with its explanation."""

    id: str
    term: str
    expansion: str | None
    definition: str
    synonyms: tuple[str, ...]
    related: tuple[str, ...]
    topics: tuple[str, ...]
    visibility: str
    unconfirmed: str | None
    verified: Verified
    source: Source
    origin: Origin

    @property
    def is_abbreviation(self) -> bool:
        return self.expansion is not None


def build(raw: dict, origin: Origin) -> Definition:
    """A Definition from a schema-valid mapping."""
    return Definition(raw["id"], raw["term"], raw.get("expansion"), raw["definition"],
                      tuple(raw.get("synonyms", ())), tuple(raw.get("related", ())),
                      tuple(raw.get("topics", ())), visibility(raw), unconfirmed(raw), Verified.of(raw["verified"]),
                      Source.of(raw["source"]), origin)
