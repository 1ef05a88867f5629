"""Acute communication: internal rules and press handling."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source, visibility

KIND = "communication"


@dataclass(frozen=True)
class CommunicationRule:
    """How to communicate in an acute situation, for one audience."""

    id: str
    audience: str
    title: str
    first_inform: tuple[str, ...]
    rules: tuple[str, ...]
    keywords: tuple[str, ...]
    visibility: str
    source: Source
    origin: Origin


def build(raw: dict, origin: Origin) -> CommunicationRule:
    """A CommunicationRule from a schema-valid mapping."""
    return CommunicationRule(raw["id"], raw["audience"], raw["title"], tuple(raw.get("first_inform", ())),
                             tuple(raw["rules"]), tuple(raw.get("keywords", ())), visibility(raw),
                             Source.of(raw["source"]), origin)
