"""What one action card says, resolved from the records: shared by the PDF cards and the Handlekort page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from urllib.parse import urljoin

import segno
from markupsafe import Markup

from ..model.cards import Card
from ..model.contacts import Contact
from ..model.dataset import DataSet
from ..model.escalation import Outcome, Question
from ..model.municipality import AfterHoursRoute
from ..common.dates import date_text
from ..model.problems import DataError

SHEET_NAME = "alle-kort-a4.pdf"
NUMBER_ROLES = ("emergency", "police")  # always on a card, with their number, before the card's helplines
BAND_FIRST_ROW = 1  # helplines beside 112 and 114; the rest go on a second row of the national band


@dataclass(frozen=True)
class Decision:
    """One question of a path as the card shows it: numbered, each answer with where it leads."""

    number: int
    text: str
    answers: tuple[tuple[str, str], ...]  # (answer label, what follows)


@dataclass(frozen=True)
class Release:
    """Whether the cards may be printed: every reason they are a draft (KLADDE), in Danish."""

    reasons: tuple[str, ...]

    @property
    def draft(self) -> bool:
        return bool(self.reasons)


def release(ds: DataSet) -> Release:
    """The cards are a draft while anything `infohus check --strict` refuses is in the data: an example
    person, path or card, a contact not confirmed in time, an example adoption, an out-of-hours route not
    confirmed, a beredskab not yet adopted or a passed revision date."""
    review_days = ds.municipality.review_days
    gov = ds.municipality.governance
    reasons = []
    for contact in ds.shown_contacts():
        if contact.example:
            reasons.append(f"{contact.name} er en eksempelperson")
        if not ds.is_national(contact) and contact.stale(ds.today, review_days):
            reasons.append(f"{contact.name} er ikke bekræftet siden {date_text(contact.verified.on)} "
                           f"(grænsen er {review_days} dage)")
    reasons += [f"vejen »{p.title}« er et eksempel" for p in ds.paths.values() if p.example and ds.covers(p)]
    reasons += [f"handlekortet »{c.title}« er et eksempel" for c in covered_cards(ds) if c.example]
    if gov.example:
        reasons.append("vedtagelsen af beredskabet er et eksempel")
    after = ds.municipality.after_hours
    reasons += [f"vejen uden for kontortid (»{r.text}«) er ikke bekræftet" for r in (after.routes() if after else ())
                if r.needs_confirmation]
    if gov.draft:
        reasons.append("beredskabet er et udkast, som endnu ikke er vedtaget")
    if gov.next_revision < ds.today:
        reasons.append(f"beredskabet skulle være revideret senest {date_text(gov.next_revision)}")
    return Release(tuple(reasons))


@dataclass(frozen=True)
class CardView:
    """Everything one card shows, with every id resolved to its record."""

    card: Card
    team: str
    outcome: Outcome | None
    decisions: tuple[Decision, ...]
    contacts: tuple[Contact, ...]
    emergency: Contact
    police: Contact
    helplines: tuple[Contact, ...]  # the national helplines of the card's topics, each with a number
    after_hours: tuple[AfterHoursRoute, ...]  # whom to call out of office hours for the card's topics
    url: str
    version: str
    owner: str
    valid_until: date
    draft: bool
    logo: str | None  # file name of the municipality's logo in the card's assets folder
    municipality: str

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def band_rows(self) -> tuple[tuple[Contact, ...], ...]:
        """The helplines of the national band by row: one beside 112 and 114, the others below."""
        first, rest = self.helplines[:BAND_FIRST_ROW], self.helplines[BAND_FIRST_ROW:]
        return (first,) + ((rest,) if rest else ())

    @property
    def pdf_name(self) -> str:
        return f"{self.card.id}.pdf"

    @property
    def png_name(self) -> str:
        return f"{self.card.id}.png"

    @property
    def kind(self) -> str:
        """"actions" (an outcome's steps), "decisions" (a path's questions) or "contacts" (team card)."""
        return "actions" if self.outcome else ("decisions" if self.decisions else "contacts")

    @property
    def valid_until_text(self) -> str:
        return date_text(self.valid_until)

    @property
    def url_text(self) -> str:
        """The handbook address as printed under the QR code, without the scheme."""
        return self.url.split("://", 1)[-1]

    @cached_property
    def qr_svg(self) -> Markup:
        """The QR code to the handbook page as inline SVG (segno writes only the path, no data text)."""
        qr = segno.make(self.url, error="m")
        return Markup(qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="ih-card__qr-code",
                                    lineclass=None))

    @property
    def alt_text(self) -> str:
        """A description of the card preview for readers who cannot see it."""
        what = {"actions": f"{len(self.outcome.actions) if self.outcome else 0} nummererede trin",
                "decisions": f"{len(self.decisions)} spørgsmål, der fører til det rette sted",
                "contacts": "teamets kontakter med telefonnumre"}[self.kind]
        draft = "Kladde, må ikke trykkes. " if self.draft else ""
        numbers = ", ".join(["112", "114", *(h.name for h in self.helplines)])
        return (f"{draft}Handlekortet „{self.card.title}“: {what}, "
                f"{len(self.contacts)} kontakter, {numbers} og en QR-kode til håndbogen.")


def card_view(ds: DataSet, card: Card, draft: bool) -> CardView:
    """Resolve one card's path, outcome, contacts, handbook URL and document control."""
    path = ds.paths.get(card.path) if card.path else None
    outcome = path.outcome(card.outcome) if path and card.outcome else None
    decisions = _decisions(path) if path and not outcome else ()
    emergency, police = (ds.with_role(role)[0] for role in NUMBER_ROLES)
    helplines = tuple(h for h in ds.helplines(card_topics(ds, card)) if h.phones)
    always = {emergency.id, police.id, *(h.id for h in helplines)}
    gov = ds.municipality.governance
    latest = max(gov.versions, key=lambda v: v.date)
    return CardView(
        card=card, team=ds.municipality.team, outcome=outcome, decisions=decisions,
        contacts=tuple(ds.contact(c) for c in card.contacts if c not in always),
        emergency=emergency, police=police, helplines=helplines,
        after_hours=_after_hours(ds, card_topics(ds, card)),
        url=urljoin(ds.municipality.url_intranet, card.page), version=latest.version,
        owner=ds.contact(gov.owner).name, valid_until=gov.next_revision, draft=draft,
        logo=ds.municipality.logo.name if ds.municipality.logo else None, municipality=ds.municipality.name,
    )


def _after_hours(ds: DataSet, topics: tuple[str, ...]) -> tuple[AfterHoursRoute, ...]:
    """The distinct out-of-hours routes of `topics`, in topic order (none in data the check refuses)."""
    after = ds.municipality.after_hours
    routes: list[AfterHoursRoute] = []
    for topic in topics if after else ():
        if after.for_topic(topic) not in routes:
            routes.append(after.for_topic(topic))
    return tuple(routes)


def card_topics(ds: DataSet, card: Card) -> tuple[str, ...]:
    """The covered topics a card is about: its own topics that are covered, or every covered topic."""
    covered = ds.municipality.topics
    return tuple(t for t in covered if t in card.topics) if card.topics else covered


def covered_cards(ds: DataSet) -> list[Card]:
    """The cards of topics the municipality covers (a card without topics is for every topic), in data order."""
    return [card for card in ds.cards.values() if ds.covers(card)]


def card_views(ds: DataSet) -> list[CardView]:
    """Every covered card, in data order; DataError if 112 or 114 lacks a number or no card is left."""
    missing = [c.origin.problem(("phones",), f"\"{c.name}\" har rollen {role}, men intet telefonnummer. "
                                "Handlekortene viser altid nummeret; tilføj det under phones.")
               for role in NUMBER_ROLES for c in ds.with_role(role)[:1] if not c.phones]
    cards = covered_cards(ds)
    if ds.cards and not cards:
        m, first = ds.municipality, next(iter(ds.cards.values()))
        missing.append(first.origin.problem(("topics",), f"intet handlekort hører til de emner, {m.name} dækker "
                                            f"({', '.join(m.topics)}). Ret topics på kortene, eller tilføj et kort "
                                            "til et af emnerne."))
    if missing:
        raise DataError(missing)
    draft = release(ds).draft
    return [card_view(ds, card, draft) for card in cards]


def _decisions(path) -> tuple[Decision, ...]:
    """The path's questions in reading order; each answer says which outcome or question follows."""
    questions = [s for s in path.ordered_steps() if isinstance(s, Question)]
    number = {q.id: i for i, q in enumerate(questions, 1)}

    def follows(step_id: str) -> str:
        step = path.step(step_id)
        return step.title if isinstance(step, Outcome) else f"gå til {number[step_id]}"

    return tuple(Decision(number[q.id], q.text, tuple((a.label, follows(a.next)) for a in q.answers))
                 for q in questions)
