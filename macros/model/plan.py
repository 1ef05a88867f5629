"""The plan's own text (plan.yml): purpose, strategic goals, and how the municipality prevents, detects and
handles concerns. All of it is public: it is what the council adopts and the municipality publishes."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin, Source

KIND = "plan"
# The sections a council expects in a beredskab, in reading order, with their Danish headings.
SECTIONS = {"summary": "Resumé", "target_groups": "Målgrupper", "roles": "Roller og ansvar",
            "competence": "Kompetenceudvikling", "follow_up": "Opfølgning og afrapportering",
            "related_plans": "Relaterede planer", "partners": "Samarbejdspartnere"}


@dataclass(frozen=True)
class Role:
    who: str
    does: str


@dataclass(frozen=True)
class RelatedPlan:
    title: str
    url: str | None


@dataclass(frozen=True)
class ToWrite:
    """A section the municipality's sources say nothing about yet: why, until it is written."""

    reason: str


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
    # section key -> its content (text, tuple of texts, Roles or RelatedPlans) or ToWrite; a missing key is absent
    sections: dict
    source: Source
    origin: Origin


def build(raw: dict, origin: Origin) -> Plan:
    """A Plan from a schema-valid mapping (the inner `plan:` object)."""
    return Plan(raw["purpose"], tuple(raw["goals"]), raw["prevention"], raw["detection"], raw["handling"],
                raw.get("communication"), tuple(raw.get("policies", ())),
                {key: _section(key, value) for key, value in raw.get("sections", {}).items()},
                Source.of(raw["source"]), origin)


def _section(key: str, value):
    if isinstance(value, dict):
        return ToWrite(value["to_write"])
    if key == "roles":
        return tuple(Role(r["who"], r["does"]) for r in value)
    if key == "related_plans":
        return tuple(RelatedPlan(r["title"], r.get("url")) for r in value)
    return tuple(value) if isinstance(value, list) else value


def check(the_plan: Plan, strict: bool) -> list:
    """A section a council expects that is missing or still to be written: a warning, an error under --strict."""
    out = []
    severity = "error" if strict else "warning"
    for key, heading in SECTIONS.items():
        value = the_plan.sections.get(key)
        if value is None:
            at = ("sections",) if "sections" in the_plan.origin.doc.data.get("plan", {}) else ()
            out.append(the_plan.origin.problem(at, f"afsnittet »{heading}« mangler. En kommunalbestyrelse forventer "
                                               f"det i beredskabet: skriv det under sections: {key}:, eller skriv "
                                               f"{key}: {{to_write: hvorfor det mangler}}, indtil det er skrevet.",
                                               severity))
        elif isinstance(value, ToWrite):
            out.append(the_plan.origin.problem(("sections", key, "to_write"),
                                               f"afsnittet »{heading}« er ikke skrevet endnu: {value.reason.rstrip('.')}. "
                                               "Skriv afsnittet i stedet for to_write-linjen.", severity))
    return out
