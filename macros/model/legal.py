"""Legal basis: the rules the work rests on, in plain Danish beside the law's own words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .problems import Problem
from .record import Origin, Source, Verified, unconfirmed, visibility

KIND = "legal"


@dataclass(frozen=True)
class LegalBasis:
    """One rule: law, section, consolidated act, what it means, the law's own key sentence, where to read it."""

    id: str
    law: str
    section: str
    act: str
    summary: str
    quote: str
    quote_from: str | None
    applies_to: str
    url: str
    keywords: tuple[str, ...]
    topics: tuple[str, ...]
    visibility: str
    unconfirmed: str | None
    verified: Verified
    source: Source
    origin: Origin

    @property
    def title(self) -> str:
        return f"{self.law} {self.section}"


def build(raw: dict, origin: Origin) -> LegalBasis:
    """A LegalBasis from a schema-valid mapping."""
    return LegalBasis(raw["id"], raw["law"], raw["section"], raw["act"], raw["summary"], raw["quote"],
                      raw.get("quote_from"), raw["applies_to"], raw["url"], tuple(raw.get("keywords", ())),
                      tuple(raw.get("topics", ())), visibility(raw), unconfirmed(raw), Verified.of(raw["verified"]),
                      Source.of(raw["source"]), origin)


def check(rule: LegalBasis, today: date) -> list[Problem]:
    """The verified date is not in the future (the URL is checked with every address, in schema.py)."""
    problems = []
    if rule.verified.on > today:
        problems.append(rule.origin.problem(("verified", "on"),
                        f"datoen {rule.verified.on} ligger i fremtiden. Skriv den dato, reglen blev tjekket."))
    return problems
