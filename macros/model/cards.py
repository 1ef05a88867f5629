"""Action cards: which pocket cards exist, for whom, with which path and contacts."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin

KIND = "cards"


@dataclass(frozen=True)
class Card:
    """One A6 action card."""

    id: str
    title: str
    audience: str
    path: str | None
    outcome: str | None
    contacts: tuple[str, ...]
    page: str
    topics: tuple[str, ...]
    example: bool
    origin: Origin


def build(raw: dict, origin: Origin) -> Card:
    """A Card from a schema-valid mapping."""
    return Card(raw["id"], raw["title"], raw["audience"], raw.get("path"), raw.get("outcome"),
                tuple(raw["contacts"]), raw["page"], tuple(raw.get("topics", ())), raw.get("example", False), origin)
