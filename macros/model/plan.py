"""The plan's own text (plan.yml): purpose, strategic goals, and how the municipality prevents, detects and
handles concerns. All of it is public: it is what the council adopts and the municipality publishes."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source

KIND = "plan"


@dataclass(frozen=True)
class Plan:
    """What the beredskab says about itself."""

    purpose: str
    goals: tuple[str, ...]
    prevention: str
    detection: str
    handling: str
    communication: str | None
    policies: tuple[str, ...]
    source: Source
    origin: Origin


def build(raw: dict, origin: Origin) -> Plan:
    """A Plan from a schema-valid mapping (the inner `plan:` object)."""
    return Plan(raw["purpose"], tuple(raw["goals"]), raw["prevention"], raw["detection"], raw["handling"],
                raw.get("communication"), tuple(raw.get("policies", ())), Source.of(raw["source"]), origin)
