"""Warning signs, risk factors and protective factors, by topic and category."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source, visibility

KIND = "warning_signs"
KIND_NAMES = {"sign": "Bekymringstegn", "risk": "Risikofaktorer", "protective": "Beskyttende faktorer"}


@dataclass(frozen=True)
class WarningSign:
    """One sign or factor to be aware of; never a checklist item on its own."""

    id: str
    topic: str
    kind: str
    category: str
    text: str
    en: str | None  # the text in English, for the English citizen page
    keywords: tuple[str, ...]
    visibility: str
    source: Source
    origin: Origin


def build(raw: dict, origin: Origin) -> WarningSign:
    """A WarningSign from a schema-valid mapping."""
    return WarningSign(raw["id"], raw["topic"], raw["kind"], raw["category"], raw["text"], raw.get("en"),
                       tuple(raw.get("keywords", ())), visibility(raw), Source.of(raw["source"]), origin)
