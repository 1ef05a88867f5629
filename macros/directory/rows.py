"""One directory row per municipality folder, from the public gate's view and the plan's governance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..citizen.view import CitizenView, PublicContact, public_view
from ..model.contacts import Hours
from ..model.dataset import DataSet
from ..model.municipality import TOPIC_NAMES, TOPICS
from ..model.problems import Problem

ADOPTED, DRAFT, FAILED = "vedtaget", "udkast", "data har fejl"
UNDER_18, ADULT = "citizen_under_18", "citizen_adult"
LATE_CLOSING = "18:00"  # a line open after this (or at weekends, or round the clock) is an out-of-hours route


@dataclass(frozen=True)
class EntryPoint:
    """A public local contact of the municipality, as the directory shows it."""

    contact: PublicContact
    topics: tuple[str, ...]  # the covered topics it takes (all of them when the record names none)
    min_age: int | None
    max_age: int | None

    @property
    def ages(self) -> str:
        if self.max_age is not None:
            return f"under {self.max_age + 1} år"
        if self.min_age is not None:
            return f"{self.min_age} år og derover"
        return "alle aldre"

    @property
    def hours(self) -> str:
        if any(h.always for h in self.contact.hours):
            return "døgnet rundt"
        return "; ".join(h.text for h in self.contact.hours)

    @property
    def out_of_hours(self) -> bool:
        return any(_out_of_hours(h) for h in self.contact.hours)


@dataclass(frozen=True)
class Row:
    """What the directory says about one municipality folder."""

    folder: str
    name: str
    status: str  # vedtaget | udkast | data har fejl
    error: Problem | None = None  # the first error, when the data has errors
    municipality_id: str | None = None
    topics: tuple[str, ...] = ()
    elsewhere: tuple = ()  # (topic, ElsewherePlan): the separate plans
    adopted_on: date | None = None
    next_revision: date | None = None
    overdue: bool = False
    entry_points: tuple[EntryPoint, ...] = ()
    emergency: PublicContact | None = None  # 112, the route when no local line is open
    url_plan: str | None = None
    url_public: str | None = None
    assured: date | None = None  # the newest confirmation of what the row shows
    example: bool = False  # the adoption is example data (governance.example), not the council's decision

    @property
    def out_of_hours(self) -> tuple[EntryPoint, ...]:
        return tuple(e for e in self.entry_points if e.out_of_hours)


def _out_of_hours(h: Hours) -> bool:
    return h.always or bool({"sat", "sun"} & set(h.days)) or h.closes > LATE_CLOSING or h.opens < "07:00"


def row(folder: Path, ds: DataSet) -> Row:
    """The row of a municipality whose data has no error (the citizen page's gate lets it through)."""
    view: CitizenView = public_view(ds)
    m, gov = ds.municipality, ds.municipality.governance
    entries = tuple(_entry(ds, view, c) for c in view.local)
    return Row(folder=folder.name, name=m.name, status=DRAFT if gov.draft else ADOPTED, municipality_id=m.id,
               topics=tuple(t for t in TOPICS if t in m.topics), elsewhere=view.elsewhere,
               adopted_on=gov.adopted_on, next_revision=gov.next_revision, overdue=gov.next_revision < ds.today,
               entry_points=entries, emergency=view.emergency, url_plan=m.url_beredskab, url_public=m.url_public,
               assured=max(c.verified_on for c in view.local), example=gov.example)


def failed(folder: Path, first: Problem, name: str | None = None) -> Row:
    """The row of a municipality whose data has errors: its status and the first error's place."""
    return Row(folder=folder.name, name=name or folder.name, status=FAILED, error=first)


def _entry(ds: DataSet, view: CitizenView, c: PublicContact) -> EntryPoint:
    roles = set(ds.contact(c.id).roles)  # a public record's roles: whom it takes, never who works there
    young, adults = UNDER_18 in roles, ADULT in roles
    topics = c.topics or view.topics
    return EntryPoint(contact=c, topics=tuple(t for t in TOPICS if t in topics),
                      min_age=18 if adults and not young else None, max_age=17 if young and not adults else None)


def topic_name(topic: str) -> str:
    return TOPIC_NAMES[topic]


def plain(r: Row) -> dict:
    """The row as plain JSON (kommuner.json), for the hotline's own tools."""
    base = {"mappe": r.folder, "kommune": r.name, "status": r.status}
    if r.error is not None:
        # Only where: the message may quote a value of a record that is not public (the console has it all).
        return {**base, "fejl": {"fil": r.error.file, "linje": r.error.line}}
    return {**base, "id": r.municipality_id, "eksempel": r.example,
            "emner": [{"emne": t, "navn": TOPIC_NAMES[t]} for t in r.topics],
            "andre_planer": [{"emne": t, "navn": TOPIC_NAMES[t], "adresse": plan.url, "titel": plan.title,
                              "partnere": list(plan.partners)} for t, plan in r.elsewhere],
            "vedtaget": r.adopted_on.isoformat() if r.status == ADOPTED else None,
            "moede": r.adopted_on.isoformat() if r.status == DRAFT else None,
            "naeste_revision": r.next_revision.isoformat(), "revision_overskredet": r.overdue,
            "indgange": [_plain_entry(e) for e in r.entry_points],
            "uden_for_aabningstid": [e.contact.name for e in r.out_of_hours],
            "akut": {"navn": r.emergency.name, "telefon": r.emergency.phone.display},
            "beredskab": r.url_plan, "borgerside": r.url_public,
            "bekraeftet": r.assured.isoformat()}


def _plain_entry(e: EntryPoint) -> dict:
    c = e.contact
    return {"navn": c.name, "emner": list(e.topics), "alder": e.ages,
            "min_alder": e.min_age, "max_alder": e.max_age,
            "telefoner": [{"nummer": p.display, "tel": p.tel, "tekst": p.label} for p in c.phones],
            "aabningstid": e.hours, "email": c.email, "web": c.url}
