"""The municipality: its team, organisation, topics, addresses and governance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .organisations import Organisation
from .problems import Problem
from .record import Origin, Source, url_message, valid_url

KIND = "municipality"
TOPIC_NAMES = {"extremism": "ekstremisme og radikalisering", "social_control": "negativ social kontrol",
               "honour": "æresrelaterede konflikter"}
REVISION_WARNING_DAYS = 90


@dataclass(frozen=True)
class Version:
    """One entry in the plan's version history."""

    version: str
    date: date
    note: str


@dataclass(frozen=True)
class Governance:
    """Who adopted the plan, when, and when it must be revised (Barnets lov § 15, stk. 3)."""

    adopted_by: str
    adopted_on: date
    next_revision: date
    owner: str
    example: bool
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class Municipality:
    """The municipality and its team."""

    id: str
    name: str
    team: str
    anchoring: str
    description: str | None
    organisations: tuple[Organisation, ...]
    coordinator: str
    meetings_team: str
    meetings_steering: str
    url_intranet: str
    url_public: str
    url_accessibility: str
    url_staff_page: str | None
    topics: tuple[str, ...]
    review_days: int
    governance: Governance
    brand_primary: str | None
    brand_accent: str | None
    brand_logo: str | None
    source: Source
    origin: Origin

    def covers(self, topic: str) -> bool:
        """True when the municipality's plan covers `topic`."""
        return topic in self.topics


def build(raw: dict, origin: Origin) -> Municipality:
    """A Municipality from a schema-valid mapping (the inner `municipality:` object)."""
    gov, urls, brand = raw["governance"], raw["urls"], raw.get("branding", {})
    orgs = tuple(Organisation(o["id"], o["name"], o.get("short"), o.get("member", False),
                              Origin(origin.doc, origin.path + ("organisations", i)))
                 for i, o in enumerate(raw["organisations"]))
    return Municipality(
        id=raw["id"], name=raw["name"], team=raw["team"], anchoring=raw["anchoring"],
        description=raw.get("description"), organisations=orgs, coordinator=raw["coordinator"],
        meetings_team=raw["meetings"]["team"], meetings_steering=raw["meetings"]["steering"],
        url_intranet=urls["intranet"], url_public=urls["public"], url_accessibility=urls["accessibility"],
        url_staff_page=urls.get("staff_page"), topics=tuple(raw["topics"]),
        review_days=raw.get("review_days", 180),
        governance=Governance(
            adopted_by=gov["adopted_by"], adopted_on=date.fromisoformat(gov["adopted_on"]),
            next_revision=date.fromisoformat(gov["next_revision"]), owner=gov["owner"],
            example=gov.get("example", False),
            versions=tuple(Version(v["version"], date.fromisoformat(v["date"]), v["note"])
                           for v in gov["versions"])),
        brand_primary=brand.get("primary"), brand_accent=brand.get("accent"), brand_logo=brand.get("logo"),
        source=Source.of(raw["source"]), origin=origin,
    )


def check(m: Municipality, today: date, strict: bool) -> list[Problem]:
    """URLs, revision dates and the example flag of the governance block."""
    o, problems = m.origin, []
    for key, url in (("intranet", m.url_intranet), ("public", m.url_public),
                     ("accessibility", m.url_accessibility), ("staff_page", m.url_staff_page)):
        if url and not valid_url(url):
            problems.append(o.problem(("urls", key), url_message(url)))
    gov = m.governance
    if gov.adopted_on > today:
        problems.append(o.problem(("governance", "adopted_on"),
                        f"vedtagelsesdatoen {gov.adopted_on} ligger i fremtiden. Skriv den dato, "
                        "beredskabet blev vedtaget."))
    if (gov.next_revision - gov.adopted_on).days > 4 * 366:
        problems.append(o.problem(("governance", "next_revision"),
                        f"næste revision {gov.next_revision} ligger mere end fire år efter vedtagelsen "
                        f"{gov.adopted_on}. Barnets lov § 15, stk. 3 kræver revision mindst hvert fjerde år."))
    days_left = (gov.next_revision - today).days
    if days_left < 0:
        problems.append(o.problem(("governance", "next_revision"),
                        f"revisionsdatoen {gov.next_revision} er overskredet. Beredskabet skal revideres "
                        "og vedtages igen; ret derefter next_revision.", "error" if strict else "warning"))
    elif days_left <= REVISION_WARNING_DAYS:
        problems.append(o.problem(("governance", "next_revision"),
                        f"beredskabet skal revideres senest {gov.next_revision} (om {days_left} dage). "
                        "Planlæg revisionen nu.", "warning"))
    if gov.example:
        problems.append(o.problem(("governance", "example"),
                        "vedtagelsen er et eksempel. Skriv den rigtige vedtagelse, og slet "
                        "\"example: true\" før udgivelse.", "error" if strict else "warning"))
    return problems
