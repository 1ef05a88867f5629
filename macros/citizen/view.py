"""The one gate between the data set and everything under OUT/public/ that the citizen page shows.

`public_view` copies the public fields of public records into plain values; the templates never see the
data set itself. A record without visibility is internal; a public contact's internal note, its internal
phones, who verified it and its source never cross the gate.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from . import text
from ..model.contacts import Contact, Hours, Phone
from ..model.dataset import DataSet
from ..model.logo import Logo
from ..model.municipality import DEFAULT_ACCENT, DEFAULT_PRIMARY, TOPIC_NAMES, AfterHoursRoute, ElsewherePlan, Text, readable_on_white
from ..model.problems import DataError, Problem

# The national numbers the page always shows first, in the order a citizen needs them; then the
# helplines of the covered topics.
NATIONAL_ROLES = ("emergency", "police")
HELPLINE = "helpline"
# The public legal rule professionals are pointed to (the duty to notify, underretningspligten).
DUTY_TO_NOTIFY = "underretningspligt"


@dataclass(frozen=True)
class PublicContact:
    """What a citizen may see of a public contact: public phones only, no notes, no provenance."""

    id: str
    kind: str  # emergency | police | helpline | local | other
    name: str
    title: str | None
    unit: str | None
    responsibilities: tuple[str, ...]
    phones: tuple[Phone, ...]
    email: str | None
    url: str | None
    hours: tuple[Hours, ...]
    anonymous: bool
    topics: tuple[str, ...]  # a helpline's topics that the municipality covers
    verified_on: date

    @property
    def phone(self) -> Phone | None:
        """The first public phone, the one the page shows big."""
        return self.phones[0] if self.phones else None

    def hours_text(self, lang: str) -> str:
        """Opening hours in Danish or English, from the structured hours."""
        return text.hours_text(self.hours, lang)


@dataclass(frozen=True)
class Rule:
    """A public legal rule, as a citizen page links it."""

    title: str
    url: str


@dataclass(frozen=True)
class AfterHours:
    """The out-of-hours route and the covered topics it is for (one route for all, or one per topic)."""

    route: AfterHoursRoute
    topics: tuple[str, ...]


@dataclass(frozen=True)
class CitizenView:
    """Everything the public outputs show, copied out of public records only."""

    municipality: str
    url_public: str
    url_accessibility: str
    topics: tuple[str, ...]
    intro: str | None
    emergency: PublicContact
    police: PublicContact
    helplines: tuple[PublicContact, ...]  # one or more for each covered topic, in data order
    local: tuple[PublicContact, ...]
    contacts: tuple[PublicContact, ...]
    signs: tuple[tuple[str, tuple[str, ...]], ...]  # per covered topic, the signs in Danish
    signs_bilingual: tuple[tuple[str, tuple[Text, ...]], ...]  # the same, each in Danish and maybe English
    duty: Rule | None
    elsewhere: tuple[tuple[str, ElsewherePlan], ...]  # (topic, the separate plan) for topics covered elsewhere
    updated: date
    primary: str
    accent: str
    logo: Logo | None  # the municipality's logo as infohus wrote it, published beside index.html
    after_hours: tuple[AfterHours, ...]  # the general route first, then any topic's own
    what_happens: Text | None
    underretning: str | None  # the municipality's form for notifications about children
    draft_examples: bool  # the page shows an example record or an unconfirmed route: the data is not final
    draft_unadopted: bool  # the beredskab is not adopted yet

    def after_hours_for(self, topic: str) -> AfterHoursRoute:
        """The out-of-hours route for `topic`."""
        return next(a.route for a in self.after_hours if topic in a.topics)


def public_view(ds: DataSet) -> CitizenView:
    """The public slice of `ds`; DataError (in Danish, with the fix) if the page would lack a key number."""
    m = ds.municipality
    local_orgs = {o.id for o in m.organisations}
    # A contact of topics the municipality does not cover (e.g. a helpline for another topic) never shows.
    contacts = tuple(_public_contact(c, local_orgs, m.topics) for c in ds.contacts.values()
                     if c.public and ds.covers(c))
    national = {role: next((c for c in contacts if c.kind == role and c.phone), None) for role in NATIONAL_ROLES}
    problems = [_not_public(ds, role) for role, found in national.items() if found is None]
    helplines = tuple(c for c in contacts if c.kind == HELPLINE and c.topics and c.phone)
    problems += [Problem(_contacts_file(ds), 1, "contacts", f"borgersiden skal vise en rådgivningslinje for "
                         f"{TOPIC_NAMES[t]}, men ingen offentlig kontakt med rollen helpline og et telefonnummer "
                         "har emnet. Giv en kontakt rollen helpline og emnet under topics.")
                 for t in m.topics if not any(t in h.topics for h in helplines)]
    local = tuple(c for c in contacts if c.kind == "local")
    if local:  # the entry point's scope is the topics the page covers, whatever its title says for the handbook
        entry = replace(local[0], title=text.STRINGS["da"]["entry_lead"].format(
            topics=text.topics_text(m.topics, "da", both=True)))
        local = (entry, *local[1:])
        contacts = tuple(entry if c.id == entry.id else c for c in contacts)
    if not local:
        problems.append(Problem(_contacts_file(ds), 1, "contacts",
                                f"ingen af {m.name}s egne kontakter er markeret visibility: public, så borgersiden "
                                "har ingen lokal indgang. Giv en funktionskontakt (fx en fælles postkasse og et "
                                "hovednummer) visibility: public."))
    if m.after_hours is None:
        problems.append(m.origin.problem((), "borgersiden skal vise, hvem man kan ringe til uden for kontortid, men "
                                         "municipality.yml har ingen after_hours. Tilføj den (se infohus check)."))
    if problems:
        raise DataError(problems)

    # The citizen path's introduction, if one public path covers every topic the page is about.
    path = next((p for p in ds.paths.values() if p.audience == "citizen" and p.visibility == "public"
                 and (not p.topics or set(m.topics) <= set(p.topics))), None)
    signs = tuple((topic, tuple(Text(s.text, s.en) for s in ds.warning_signs.values()
                                if s.visibility == "public" and s.kind == "sign" and s.topic == topic))
                  for topic in m.topics)
    rule = ds.legal.get(DUTY_TO_NOTIFY)
    shown = (*(national[r] for r in NATIONAL_ROLES), *helplines, *local)
    routes = m.after_hours.routes()
    after_hours = tuple(AfterHours(r, tuple(t for t in m.topics if m.after_hours.for_topic(t) == r)) for r in routes)
    after_hours = tuple(a for a in after_hours if a.topics)
    examples = any(ds.contacts[c.id].example for c in contacts) or m.governance.example \
        or any(a.route.needs_confirmation for a in after_hours)
    updated = max([*m.governance.changed_on(), *(c.verified_on for c in shown)])
    return CitizenView(
        municipality=m.name, url_public=m.url_public, url_accessibility=m.url_accessibility, topics=m.topics,
        intro=path.intro if path else None, emergency=national["emergency"], police=national["police"],
        helplines=helplines, local=local, contacts=contacts,
        signs=tuple((topic, tuple(t.da for t in texts)) for topic, texts in signs if texts),
        signs_bilingual=tuple((topic, texts) for topic, texts in signs if texts),
        duty=Rule(rule.title, rule.url) if rule and rule.visibility == "public" and not rule.unconfirmed else None,
        elsewhere=tuple(m.covered_elsewhere.items()), updated=updated, primary=readable_on_white(m.brand_primary, DEFAULT_PRIMARY),
        accent=readable_on_white(m.brand_accent, DEFAULT_ACCENT), logo=m.logo,
        after_hours=after_hours, what_happens=m.what_happens, underretning=m.url_underretning,
        draft_examples=examples, draft_unadopted=m.governance.draft,
    )



def _public_contact(c: Contact, local_orgs: set[str], covered: tuple[str, ...]) -> PublicContact:
    kind = next((role for role in (*NATIONAL_ROLES, HELPLINE) if role in c.roles),
                "local" if c.organisation in local_orgs else "other")
    return PublicContact(id=c.id, kind=kind, name=c.name, title=c.title, unit=c.unit,
                         responsibilities=c.responsibilities, phones=c.public_phones, email=c.email, url=c.url,
                         hours=c.hours, anonymous=c.anonymous, topics=tuple(t for t in covered if t in c.topics),
                         verified_on=c.verified.on)


def _not_public(ds: DataSet, role: str) -> Problem:
    """The problem when no public contact with a phone has `role` (the data check ensures one exists)."""
    what = {"emergency": "112", "police": "114"}[role]
    message = (f"borgersiden skal vise {what}, men kontakten med rollen {role} er ikke offentlig eller har "
               "intet offentligt telefonnummer. Sæt visibility: public på kontakten og dens nummer.")
    records = ds.with_role(role)
    return records[0].origin.problem(("visibility",), message) if records else \
        Problem(_contacts_file(ds), 1, "contacts", message)


def _contacts_file(ds: DataSet) -> str:
    return str(ds.data_dir / "contacts.yml")


