"""Legal basis: the rules the work rests on, in plain Danish."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .problems import Problem
from .record import Origin, Source, Verified, url_message, valid_url, visibility

KIND = "legal"


@dataclass(frozen=True)
class LegalBasis:
    """One rule: law, section, what it means, for whom, where to read it."""

    id: str
    law: str
    section: str
    summary: str
    applies_to: str
    url: str
    keywords: tuple[str, ...]
    visibility: str
    verified: Verified
    source: Source
    origin: Origin

    @property
    def title(self) -> str:
        return f"{self.law} {self.section}"


def build(raw: dict, origin: Origin) -> LegalBasis:
    """A LegalBasis from a schema-valid mapping."""
    return LegalBasis(raw["id"], raw["law"], raw["section"], raw["summary"], raw["applies_to"], raw["url"],
                      tuple(raw.get("keywords", ())), visibility(raw), Verified.of(raw["verified"]),
                      Source.of(raw["source"]), origin)


def check(rule: LegalBasis, today: date) -> list[Problem]:
    """The URL is https and the verified date is not in the future."""
    problems = []
    if not valid_url(rule.url):
        problems.append(rule.origin.problem(("url",), url_message(rule.url)))
    if rule.verified.on > today:
        problems.append(rule.origin.problem(("verified", "on"),
                        f"datoen {rule.verified.on} ligger i fremtiden. Skriv den dato, reglen blev tjekket."))
    return problems
