"""The rules that need more than one record: references between files, required roles, team members, a helpline
for every covered topic, and how fresh and how certain the national facts are."""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from . import contacts, escalation, forms, legal, municipality
from .problems import Problem
from .record import Origin

if TYPE_CHECKING:  # the data set imports this module to run the rules
    from .dataset import Collector, DataSet

REQUIRED_ROLES = {
    "emergency": "112 (alarmcentralen)", "police": "politiet på 114",
    "citizen_under_18": "en kontakt for borgerhenvendelser om personer under 18 år (SSP)",
    "citizen_adult": "en kontakt for borgerhenvendelser om voksne (lokalpolitiet)",
}


def check(ds: DataSet, c: Collector, strict: bool) -> list[Problem]:
    """Every rule beyond the schema that needs more than one record; runs even if municipality.yml is broken."""
    m, out = ds.municipality, []
    review_days = m.review_days if m else 180

    def ref(origin: Origin, at: tuple, value: str, kind: str, pool: dict | set, what: str) -> None:
        if value in pool or value in c.known_ids.get(kind, set()) or kind.split(".")[0] in c.unreadable:
            return
        options = sorted(pool)
        guess = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
        tip = f"Mente du \"{guess[0]}\"?" if guess else f"Brug et id fra {what}."
        out.append(origin.problem(at, f"\"{value}\" findes ikke i {what}. {tip}"))

    source_ids = set(ds.sources)
    for kind in ("contacts", "definitions", "warning_signs", "legal", "forms", "communication"):
        for record in getattr(ds, kind).values():
            ref(record.origin, ("source", "doc"), record.source.doc, "sources", source_ids, "sources.yml")
    for record in (*ds.levels.values(), *ds.paths.values()):
        ref(record.origin, ("source", "doc"), record.source.doc, "sources", source_ids, "sources.yml")
    if ds.plan:
        ref(ds.plan.origin, ("source", "doc"), ds.plan.source.doc, "sources", source_ids, "sources.yml")
    if m:
        ref(m.origin, ("source", "doc"), m.source.doc, "sources", source_ids, "sources.yml")
        out.extend(municipality.check(m, ds.today, strict))
        ref(m.origin, ("coordinator",), m.coordinator, "contacts", ds.contacts, "contacts.yml")
        ref(m.origin, ("governance", "owner"), m.governance.owner, "contacts", ds.contacts, "contacts.yml")
        out.extend(municipality.logo_problems(m, ds.data_dir))

    for contact in ds.contacts.values():
        # A national contact is kept fresh by infohus itself (the national rule below), not by the coordinator.
        out.extend(contacts.check(contact, ds.today, None if ds.is_national(contact) else review_days, strict))
        if m:  # the municipality's own organisations are unknown while municipality.yml is broken
            ref(contact.origin, ("organisation",), contact.organisation, "organisations", ds.organisations,
                "organisationerne (municipality.yml eller national/organisations.yml)")
    written = c.raw.get("contacts", [])  # roles as written, so one invalid contact does not hide its roles

    def roles_of(raw: dict) -> list:
        return raw["roles"] if isinstance(raw.get("roles"), list) else []

    for org in (m.organisations if m and "contacts" not in c.unreadable else ()):
        if org.member and not any(raw.get("organisation") == org.id and "infohus_member" in roles_of(raw)
                                  for raw in written):
            out.append(org.origin.problem((), f"{org.label} er med i {m.team}, men ingen kontakt har "
                                          f"organisation: {org.id} og rollen infohus_member. Tilføj en kontakt "
                                          "i contacts.yml."))
    for role, what in REQUIRED_ROLES.items():
        if "contacts" not in c.unreadable and not any(role in roles_of(raw) for raw in written):
            out.append(Problem(c.display(ds.data_dir / "contacts.yml"), 1, "contacts",
                               f"der mangler {what}. Giv en kontakt rollen {role} under roles."))

    if m and "contacts" not in c.unreadable:
        out.extend(_helplines(ds, c))
    if m:  # which facts are shown depends on the topics in municipality.yml
        out.extend(_certainty(ds))
    for org in ds.organisations.values():
        if org.source:
            ref(org.origin, ("source", "doc"), org.source.doc, "sources", source_ids, "sources.yml")

    for definition in ds.definitions.values():
        for i, related in enumerate(definition.related):
            ref(definition.origin, ("related", i), related, "definitions", ds.definitions, "ordlisten")
    for rule in ds.legal.values():
        out.extend(legal.check(rule, ds.today))
    if ds.warning_signs and not ds.caveat:
        out.append(Problem(c.display(ds.data_dir / "warning_signs.yml"), 1, "caveat",
                           "forbeholdet mangler. Skriv under caveat, at tegnene ikke er en tjekliste."))

    examples = [(p, f"vejen \"{p.title}\"") for p in ds.paths.values() if p.example] + \
        [(card, f"handlekortet \"{card.title}\"") for card in ds.cards.values() if card.example]
    if m:  # an example of a topic the municipality does not cover is never shown, so it is no one's concern
        examples = [(record, what) for record, what in examples if ds.covers(record)]
    for record, what in examples:
        out.append(record.origin.problem(("example",), f"{what} er et eksempel. Tilpas til kommunens egen plan, og "
                                         "slet linjen \"example: true\" før udgivelse.",
                                         "error" if strict else "warning"))
    for path in ds.paths.values():
        out.extend(escalation.check_path(path))
        for outcome in path.outcomes:
            if outcome.level:
                ref(outcome.origin, ("level",), outcome.level, "escalation.levels", ds.levels,
                    "forebyggelsestrekanten (levels)")
            for i, contact_id in enumerate(outcome.contacts):
                ref(outcome.origin, ("contacts", i), contact_id, "contacts", ds.contacts, "contacts.yml")
            for i, rule_id in enumerate(outcome.legal):
                ref(outcome.origin, ("legal", i), rule_id, "legal", ds.legal, "legal.yml")
    for form in ds.forms.values():
        out.extend(forms.check(form))
    for rule in ds.communication.values():
        for i, contact_id in enumerate(rule.first_inform):
            ref(rule.origin, ("first_inform", i), contact_id, "contacts", ds.contacts, "contacts.yml")
    for card in ds.cards.values():
        for i, contact_id in enumerate(card.contacts):
            ref(card.origin, ("contacts", i), contact_id, "contacts", ds.contacts, "contacts.yml")
        if card.path:
            ref(card.origin, ("path",), card.path, "escalation.paths", ds.paths, "escalation.yml (paths)")
            path = ds.paths.get(card.path)
            if card.outcome and path and card.outcome not in {o.id for o in path.outcomes}:
                out.append(card.origin.problem(("outcome",), f"\"{card.outcome}\" er ikke et udfald i vejen "
                                               f"\"{card.path}\". Brug et af: "
                                               f"{', '.join(o.id for o in path.outcomes)}."))
        elif card.outcome:
            out.append(card.origin.problem(("outcome",), "outcome kræver path. Skriv hvilken vej udfaldet "
                                           "hører til under path."))
    return out


def _helplines(ds: DataSet, c: Collector) -> list[Problem]:
    """Every covered topic has a public national helpline with a number, and every helpline says its topics."""
    out = []
    for contact in ds.with_role("helpline"):
        if not contact.topics:
            out.append(contact.origin.problem(("roles",), f"\"{contact.name}\" har rollen helpline, men ingen "
                                              "topics. Skriv under topics, hvilke emner linjen hjælper med."))
    for topic in ds.municipality.topics:
        if not any(h.public and h.public_phones for h in ds.helplines((topic,))):
            out.append(Problem(c.display(ds.data_dir / "contacts.yml"), 1, "contacts",
                               f"der er ingen offentlig rådgivningslinje med telefonnummer for "
                               f"{municipality.TOPIC_NAMES[topic]}, så borgersiden og handlekortene kan ikke vise "
                               f"en. Giv en kontakt rollen helpline, topics: [{topic}] og visibility: public "
                               "(se data/national/contacts.yml)."))
    return out


def _certainty(ds: DataSet) -> list[Problem]:
    """Warnings for facts the sources could not confirm, and for national facts not checked for too long."""
    out = []
    limit = ds.national.review_days
    if ds.national.unconfirmed:
        out.append(ds.national.origin.problem(("unconfirmed",), f"ikke bekræftet i kilderne: "
                                              f"{ds.national.unconfirmed} Opdatér infohus, når det er tjekket.",
                                              "warning"))
    if ds.national.source:
        ref_source = ds.national.source.doc
        if ref_source not in ds.sources:
            out.append(ds.national.origin.problem(("source", "doc"), f"\"{ref_source}\" findes ikke i sources.yml. "
                                                  "Brug et id fra sources.yml."))
    # Only what the municipality's outputs show: a fact of a topic it does not cover is not its concern.
    records = [*ds.shown_contacts(), *filter(ds.covers, (*ds.legal.values(), *ds.definitions.values())),
               *(o for o in ds.shown_organisations() if o.verified)]
    for record in records:
        national = ds.is_national(record)
        update = " Det er en national oplysning: opdatér infohus, når den er tjekket." if national else ""
        if record.unconfirmed:
            out.append(record.origin.problem(("unconfirmed",), f"ikke bekræftet i kilderne: {record.unconfirmed} "
                                             f"Tjek det, og slet linjen unconfirmed.{update}", "warning"))
        age = (ds.today - record.verified.on).days
        if age < 0 and not isinstance(record, (contacts.Contact, legal.LegalBasis)):  # those two say it themselves
            out.append(record.origin.problem(("verified", "on"), f"datoen {record.verified.on} ligger i fremtiden. "
                                             "Skriv den dato, oplysningen faktisk blev tjekket."))
        elif national and age > limit:
            out.append(record.origin.problem(("verified", "on"), f"den nationale oplysning blev sidst tjekket "
                                             f"{record.verified.on} ({age} dage siden; grænsen er {limit} dage). "
                                             "Opdatér infohus, så de nationale oplysninger er nye.", "warning"))
    return out
