"""Organisations: the bodies contacts belong to, national (police, centres, helplines) and the municipality's own."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source, Verified, unconfirmed

KIND = "organisations"


@dataclass(frozen=True)
class Organisation:
    """A body a contact belongs to; `member` ones sit in the municipality's team."""

    id: str
    name: str
    short: str | None
    member: bool
    origin: Origin
    description: str | None = None
    formerly: tuple[str, ...] = ()
    url: str | None = None
    unconfirmed: str | None = None
    verified: Verified | None = None  # national organisations; the municipality's own share municipality.yml's
    source: Source | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short})" if self.short else self.name


def build(raw: dict, origin: Origin) -> Organisation:
    """An Organisation from a schema-valid mapping of organisations.yml."""
    return Organisation(raw["id"], raw["name"], raw.get("short"), False, origin, raw.get("description"),
                        tuple(raw.get("formerly", ())), raw.get("url"), unconfirmed(raw),
                        Verified.of(raw["verified"]), Source.of(raw["source"]))
