"""Organisations: the national bodies (police, hotline, agencies) contacts belong to."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin

KIND = "organisations"


@dataclass(frozen=True)
class Organisation:
    """A body a contact belongs to; `member` ones sit in the municipality's team."""

    id: str
    name: str
    short: str | None
    member: bool
    origin: Origin

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short})" if self.short else self.name


def build(raw: dict, origin: Origin) -> Organisation:
    """An Organisation from a schema-valid mapping."""
    return Organisation(raw["id"], raw["name"], raw.get("short"), raw.get("member", False), origin)
