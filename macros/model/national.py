"""National settings shared by every municipality (data/national/national.yml): how fresh national facts must
be, and the names of Denmark's municipalities."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source, unconfirmed

KIND = "national"
REVIEW_DAYS = 365  # when national.yml does not say


@dataclass(frozen=True)
class National:
    """How often national facts must be checked again, and the 98 municipalities' names."""

    review_days: int
    municipalities: tuple[str, ...]
    unconfirmed: str | None
    source: Source | None
    origin: Origin | None


DEFAULT = National(REVIEW_DAYS, (), None, None, None)


def build(raw: dict, origin: Origin) -> National:
    """National settings from a schema-valid mapping."""
    return National(raw.get("review_days", REVIEW_DAYS), tuple(raw.get("municipalities", ())), unconfirmed(raw),
                    Source.of(raw["source"]) if "source" in raw else None, origin)
