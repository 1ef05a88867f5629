"""What the beredskab as a document shows: the one gate between the data set and its editions.

`plan_view(ds, PUBLIC)` copies only public records and public fields into plain values: a contact that
is not public becomes its function (`function`, or its organisation), never its name, number or
e-mail. What a public record references is asked the same: an outcome's level and legal rules only if
they are public (the check refuses a public path that depends on an internal one), the sources only if
they are public. `plan_view(ds, INTERNAL)` is the same document with the named contacts, for the crisis team's
binder. Neither edition prints doubt: a legal rule or a term marked `unconfirmed` is left out of both (the
coordinator sees it in `infohus check` and on the coordinator page), and no `unconfirmed` text reaches a
template. Templates see only the `PlanView`, never the data set.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..common.dates import date_text
from ..common.text import and_join, genitive
from ..model.contacts import Contact, Phone
from ..model.dataset import DataSet
from ..model import flowchart
from ..model.escalation import EscalationPath, Outcome, Question
from ..model.plan import SECTIONS, ToWrite
from ..model.municipality import DEFAULT_ACCENT, DEFAULT_PRIMARY, TOPIC_NAMES, AfterHoursRoute, readable_on_white
from ..model.problems import DataError, Problem
from ..model.warning_signs import KIND_NAMES

PUBLIC, INTERNAL = "public", "internal"
# The topics in the order Barnets lov § 15, stk. 3 names them, as the title names them.
LAW_ORDER = ("social_control", "honour", "extremism")
TITLE_WORDS = {"social_control": "negativ social kontrol", "honour": "æresrelaterede konflikter",
               "extremism": "ekstremisme"}
BASIS = "beredskab"  # the legal record of Barnets lov § 15, stk. 3
AUDIENCES = {"staff": "Når en medarbejder er bekymret", "citizen": "Når en borger henvender sig"}


@dataclass(frozen=True)
class Person:
    """A contact as the document names it: in the public edition a function unless the contact is public."""

    label: str
    detail: str | None
    phones: tuple[Phone, ...]
    email: str | None
    url: str | None
    hours: str | None
    anonymous: bool
    helps_with: str | None  # a helpline's covered topics, as words


@dataclass(frozen=True)
class Answer:
    label: str
    follows: str
    target: str                      # the anchor of the step it leads to, for a link (and a page number in the PDF)


@dataclass(frozen=True)
class Step:
    """A question of a decision path, numbered in reading order."""

    number: int
    text: str
    help: str | None
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Result:
    """An outcome of a decision path: what to do and whom to contact."""

    title: str
    level: str | None
    urgency: str | None
    actions: tuple[str, ...]
    contacts: tuple[Person, ...]
    legal: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class PathView:
    id: str
    title: str
    audience: str
    example: bool
    intro: str | None
    steps: tuple[Step, ...]
    results: tuple[Result, ...]
    diagram: flowchart.Diagram       # the same diagram the handbook draws, as a figure
    anchors: dict[str, str]          # step id -> its anchor in this document (a diagram box links to it)


@dataclass(frozen=True)
class LevelView:
    id: str
    name: str
    target: str
    aim: str
    urgency: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str | None
    definition: str


@dataclass(frozen=True)
class SignGroup:
    topic: str
    kinds: tuple[tuple[str, tuple[str, ...]], ...]  # (kind name, sign texts)


@dataclass(frozen=True)
class Law:
    id: str
    title: str
    act: str
    summary: str
    quote: str
    quote_from: str | None
    applies_to: str
    url: str


@dataclass(frozen=True)
class Communication:
    title: str
    first_inform: tuple[Person, ...]
    rules: tuple[str, ...]
    example: bool                    # written from example data: a draft shows it in the example box


@dataclass(frozen=True)
class Section:
    """A section a council expects: its heading and content, or why it is still to be written."""

    heading: str
    content: object                  # a text, a tuple of texts, of Roles or of RelatedPlans; None while to_write
    to_write: str | None


@dataclass(frozen=True)
class Version:
    version: str
    date: str
    note: str


@dataclass(frozen=True)
class SourceView:
    title: str
    publisher: str | None
    date: str | None
    url: str | None


@dataclass(frozen=True)
class PlanView:
    """Everything one edition of the beredskab shows, as plain values."""

    edition: str
    municipality: str
    team: str
    title: str
    topics: tuple[str, ...]          # the covered topics, as the law words them, in the law's order
    elsewhere: tuple[tuple[str, str], ...]  # (topic words, address of the separate plan)
    status: str
    adopted: bool
    example: bool                    # the adoption in the data is an example, not the real decision
    version: str
    version_date: str
    created: date                    # the data's date: what the PDF is dated, so builds repeat
    purpose: str
    goals: tuple[str, ...]
    prevention: str
    detection: str
    handling: str
    communication_text: str | None
    policies: tuple[str, ...]
    sections: dict[str, Section]     # key (as in plan.yml) -> Section; a section the data lacks is absent
    levels: tuple[LevelView, ...]
    terms: tuple[Term, ...]
    caveat: str
    signs: tuple[SignGroup, ...]
    paths: tuple[PathView, ...]
    emergency: Person
    police: Person
    after_hours: tuple[AfterHoursRoute, ...]  # whom citizens call out of office hours (one route, or one per topic)
    helplines: tuple[Person, ...]
    local: tuple[Person, ...]
    description: str | None
    anchoring: str
    organisations: tuple[str, ...]   # the team's member organisations
    partners: tuple[str, ...]        # organisations that anchor the work without sitting in the team
    coordinator: Person
    members: tuple[Person, ...]
    meetings_team: str
    meetings_steering: str
    meetings_example: bool           # not decided yet: shown in the example box
    laws: tuple[Law, ...]
    basis: Law | None                # Barnets lov § 15, stk. 3 itself, when the data has it
    communication: tuple[Communication, ...]
    adopted_by: str
    adopted_on: str
    planned: str | None              # a draft's council meeting, when the data names one
    next_revision: str
    owner: Person
    versions: tuple[Version, ...]
    sources: tuple[SourceView, ...]
    contacts: tuple[Person, ...]     # the internal edition's contact list; empty in the public edition
    url_public: str
    url_beredskab: str
    url_accessibility: str
    primary: str
    accent: str
    logo: str | None                 # file name of the logo as infohus wrote it, published by the citizen page
    logo_data: str | None            # the same logo as a data: URI, for the PDF, which loads no file

    @property
    def internal(self) -> bool:
        return self.edition == INTERNAL

    @property
    def topics_text(self) -> str:
        """"negativ social kontrol, æresrelaterede konflikter og ekstremisme"."""
        return and_join(self.topics)


def title_for(topics: tuple[str, ...]) -> str:
    """"Beredskab mod negativ social kontrol, æresrelaterede konflikter og ekstremisme", for the covered topics."""
    return "Beredskab mod " + and_join(TITLE_WORDS[t] for t in LAW_ORDER if t in topics)


def plan_view(ds: DataSet, edition: str) -> PlanView:
    """The edition's view of `ds`; DataError if the public edition would lack 112, 114 or a public entry."""
    m, gov, public = ds.municipality, ds.municipality.governance, edition == PUBLIC

    def visible(record) -> bool:
        """The internal edition shows every record; the public one only the public records."""
        return not public or record.visibility == "public"

    def certain(record) -> bool:
        """A rule or term the sources could not confirm is not printed in either edition."""
        return visible(record) and not record.unconfirmed

    def shown(record) -> bool:
        return ds.covers(record) and visible(record)

    def person(contact: Contact) -> Person:
        helps = ", ".join(TOPIC_NAMES[t] for t in m.topics if t in contact.topics) if contact.topics else None
        if public and not contact.public:  # the function, never the person
            label = contact.function or f"En medarbejder i {ds.organisations[contact.organisation].label}"
            return Person(label, None, (), None, None, None, False, None)
        phones = contact.public_phones if public else contact.phones
        detail = contact.title if contact.public or not public else None
        return Person(contact.name, detail, phones, contact.email, contact.url,
                      contact.hours_text if contact.hours else None, contact.anonymous, helps)

    national = {role: next((c for c in ds.with_role(role) if c.public and c.public_phones), None)
                for role in ("emergency", "police")}
    local_orgs = {o.id for o in m.organisations}
    local = [c for c in ds.shown_contacts() if c.public and c.organisation in local_orgs]
    problems = [Problem(str(ds.data_dir / "contacts.yml"), 1, "contacts",
                        f"beredskabets offentlige udgave skal vise {what}, men ingen offentlig kontakt med et "
                        f"offentligt nummer har rollen {role}. Sæt visibility: public på kontakten.")
                for role, what in (("emergency", "112"), ("police", "114")) if national[role] is None]
    if not local:
        problems.append(Problem(str(ds.data_dir / "contacts.yml"), 1, "contacts",
                                f"beredskabets offentlige udgave skal vise kommunens egen indgang, men ingen af "
                                f"{genitive(m.name)} kontakter er offentlige. Giv en funktionskontakt visibility: public."))
    if problems:
        raise DataError(problems)

    entry = [person(c) for c in local]

    def people(contact_ids) -> tuple[Person, ...]:
        """The persons to contact; where the public edition names a function, the public entry follows."""
        found = [person(ds.contact(c)) for c in contact_ids]
        if public and any(not ds.contact(c).public for c in contact_ids):
            found += entry
        return tuple(dict.fromkeys(found))

    paths = tuple(_path(path, ds, people, visible, certain) for path in sorted(
        (p for p in ds.paths.values() if shown(p)), key=lambda p: p.audience != "staff"))
    signs = []
    for topic in m.topics:
        # Signs and factors are knowledge, not people: the public edition shows all of them (their
        # visibility decides only the citizen page).
        kinds = tuple((name, tuple(s.text for s in ds.warning_signs.values()
                                   if s.topic == topic and s.kind == kind))
                      for kind, name in KIND_NAMES.items())
        kinds = tuple(k for k in kinds if k[1])
        if kinds:
            signs.append(SignGroup(TOPIC_NAMES[topic], kinds))
    laws = tuple(Law(r.id, r.title, r.act, r.summary, r.quote, r.quote_from, r.applies_to, r.url)
                 for r in ds.legal.values() if ds.covers(r) and certain(r))
    latest = max(gov.versions, key=lambda v: v.date)
    # Adopted only when the data says it really was (not example data, not a draft) and the day has come.
    adopted = not gov.example and not gov.draft and gov.adopted_on <= ds.today
    coordinator = ds.contact(m.coordinator)
    example_docs = {sid for sid, s in ds.sources.items() if s.example}
    members = [c for c in ds.shown_contacts() if "infohus_member" in c.roles]
    return PlanView(
        edition=edition, municipality=m.name, team=m.team, title=title_for(m.topics),
        topics=tuple(TITLE_WORDS[t] for t in LAW_ORDER if t in m.topics),
        elsewhere=tuple((TOPIC_NAMES[t], plan) for t, plan in m.covered_elsewhere.items()),
        status=f"Vedtaget af {gov.adopted_by} den {date_text(gov.adopted_on)}" if adopted else "Udkast til vedtagelse",
        adopted=adopted, example=gov.example, version=latest.version, version_date=date_text(latest.date),
        created=ds.content_date(), purpose=ds.plan.purpose, goals=ds.plan.goals, prevention=ds.plan.prevention,
        detection=ds.plan.detection, handling=ds.plan.handling, communication_text=ds.plan.communication,
        policies=ds.plan.policies,
        sections={key: Section(SECTIONS[key], None if isinstance(value, ToWrite) else value,
                               value.reason if isinstance(value, ToWrite) else None)
                  for key, value in ds.plan.sections.items()},
        levels=tuple(LevelView(lid, lvl.name, lvl.target, lvl.aim, lvl.urgency, lvl.examples)
                     for lid, lvl in ds.levels.items() if visible(lvl)),
        # Every term used is defined (visibility aside: a term is knowledge); one the sources could not confirm
        # is not printed.
        terms=tuple(Term(d.term, d.expansion, d.definition) for d in ds.glossary() if not d.unconfirmed),
        caveat=ds.caveat, signs=tuple(signs), paths=paths,
        emergency=person(national["emergency"]), police=person(national["police"]),
        after_hours=m.after_hours.routes() if m.after_hours else (),
        helplines=tuple(person(c) for c in ds.helplines() if c.public and c.public_phones),
        local=tuple(entry),
        description=m.description, anchoring=m.anchoring,
        organisations=tuple(o.label for o in m.organisations if o.member),
        partners=tuple(o.label for o in m.organisations if not o.member),
        coordinator=person(coordinator), members=tuple(person(c) for c in members),
        meetings_team=m.meetings_team, meetings_steering=m.meetings_steering, meetings_example=m.meetings_example,
        laws=laws,
        basis=next((law for law in laws if law.id == BASIS), None),
        communication=tuple(Communication(r.title, people(r.first_inform), r.rules, r.source.doc in example_docs)
                            for r in sorted(ds.communication.values(), key=lambda r: r.audience != "internal")
                            if visible(r)),
        adopted_by=gov.adopted_by, adopted_on=date_text(gov.adopted_on),
        planned=date_text(gov.adopted_on) if gov.draft else None, next_revision=date_text(gov.next_revision),
        owner=person(ds.contact(gov.owner)),
        versions=tuple(Version(v.version, date_text(v.date), v.note)
                       for v in sorted(gov.versions, key=lambda v: v.date, reverse=True)),
        sources=tuple(SourceView(s.title, s.credit, s.date, s.url) for s in _sources(ds, visible)),
        contacts=() if public else tuple(person(c) for c in ds.shown_contacts()),
        url_public=m.url_public, url_beredskab=m.url_beredskab, url_accessibility=m.url_accessibility,
        primary=readable_on_white(m.brand_primary, DEFAULT_PRIMARY),
        accent=readable_on_white(m.brand_accent, DEFAULT_ACCENT),
        logo=m.logo.name if m.logo else None, logo_data=m.logo.data_uri() if m.logo else None,
    )


def _sources(ds: DataSet, visible) -> list:
    """The documents the edition's own records cite; in the public edition only the public documents."""
    m = ds.municipality
    covered = filter(ds.covers, (*ds.paths.values(), *ds.legal.values()))
    signs = (s for s in ds.warning_signs.values() if m.covers(s.topic))
    # Every edition shows every sign and term (see plan_view), so their sources are cited in every edition.
    records = [ds.plan, m, *signs, *(d for d in ds.glossary() if not d.unconfirmed),
               *filter(visible, (*covered, *ds.levels.values(), *ds.communication.values(), *ds.shown_contacts()))]
    cited = {r.source.doc for r in records}
    # An example source ("Opdigtede eksempeldata") is not a document the plan is written from.
    return [s for sid, s in ds.sources.items() if sid in cited and visible(s) and not s.example]


def _path(path: EscalationPath, ds: DataSet, people, visible, certain) -> PathView:
    """A decision path in reading order: its questions numbered, then its outcomes.

    An outcome's level is shown only if it is `visible`, its legal rules only if they are `certain` (the check
    refuses a public path that names an internal one; this holds even for data that never passed the check).
    A citizen path gives a level's `urgency_citizen` where the level has one: the staff urgency speaks to staff."""
    ordered = path.ordered_steps()
    questions = [s for s in ordered if isinstance(s, Question)]
    number = {q.id: i for i, q in enumerate(questions, 1)}

    outcomes = {s.id: i for i, s in enumerate((s for s in ordered if isinstance(s, Outcome)), 1)}

    def follows(step_id: str) -> str:
        step = path.step(step_id)
        return step.title if isinstance(step, Outcome) else f"se spørgsmål {number[step_id]}"

    def target(step_id: str) -> str:
        """The anchor the template gives the step: a question's list item, an outcome's heading."""
        return f"vej-{path.id}-{outcomes[step_id]}" if step_id in outcomes else f"vej-{path.id}-spm-{number[step_id]}"

    steps = tuple(Step(number[q.id], q.text, q.help,
                       tuple(Answer(a.label, follows(a.next), target(a.next)) for a in q.answers))
                  for q in questions)
    results = []
    for outcome in (s for s in ordered if isinstance(s, Outcome)):
        level = ds.levels.get(outcome.level) if outcome.level else None
        level = level if level and visible(level) else None
        rules = (ds.legal[r] for r in outcome.legal if r in ds.legal)
        urgency = (level.urgency_for(path.audience) if level else None)
        results.append(Result(outcome.title, level.name if level else None, urgency,
                              outcome.actions, people(outcome.contacts),
                              tuple(rule.title for rule in rules if certain(rule)), outcome.note))
    names = {lid: level.name for lid, level in ds.levels.items() if visible(level)}
    return PathView(path.id, path.title, AUDIENCES.get(path.audience, ""), path.example, path.intro, steps,
                    tuple(results), flowchart.layout(path, names), {s.id: target(s.id) for s in ordered})
