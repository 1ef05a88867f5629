"""The rules that need more than one record: references between files, required roles, team members, a helpline
for every covered topic, and how fresh and how certain the national facts are."""
from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING

from ..common.templates import filled, templates
from . import contacts, escalation, forms, legal, municipality, search_terms
from . import plan as plan_text
from .loader import format_path, parse
from .problems import Problem, example_of, unknown_id
from .record import Origin

if TYPE_CHECKING:  # the data set imports this module to run the rules
    from .dataset import Collector, DataSet

# Where the ids a reference can name are written: the municipality's file and the national one.
FOUND_IN = {kind: f"{kind}.yml og national/{kind}.yml" for kind in ("contacts", "definitions", "legal", "sources")} | \
    {"organisations": "municipality.yml (organisations) og national/organisations.yml"}
REQUIRED_ROLES = {
    "emergency": "112 (alarmcentralen)", "police": "politiet på 114",
    "citizen_under_18": "en kontakt for borgerhenvendelser om personer under 18 år (SSP)",
    "citizen_adult": "en kontakt for borgerhenvendelser om voksne (lokalpolitiet)",
}


def check(ds: DataSet, c: Collector, strict: bool) -> list[Problem]:
    """Every rule beyond the schema that needs more than one record; runs even if municipality.yml is broken."""
    m, out = ds.municipality, []
    review_days = m.review_days if m else municipality.REVIEW_DAYS

    def ref(origin: Origin, at: tuple, value: str, kind: str, pool: dict | set, what: str) -> None:
        if value in pool or value in c.known_ids.get(kind, set()) or kind.split(".")[0] in c.unreadable:
            return
        own = [k for k, r in pool.items() if hasattr(r, "origin") and not ds.is_national(r)] \
            if isinstance(pool, dict) else ()
        out.append(origin.problem(at, unknown_id(value, pool, what, FOUND_IN.get(kind), own=own)))

    source_ids = set(ds.sources)
    for record in _citing(ds):
        ref(record.origin, ("source", "doc"), record.source.doc, "sources", source_ids, "sources.yml")
    if m:
        out.extend(municipality.check(m, ds.today, strict))
        ref(m.origin, ("coordinator",), m.coordinator, "contacts", ds.contacts, "contacts.yml")
        ref(m.origin, ("governance", "owner"), m.governance.owner, "contacts", ds.contacts, "contacts.yml")
    if ds.plan:
        out.extend(plan_text.check(ds.plan, strict))
    out.extend(search_terms.problems(ds.search_terms))

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
            # A warning until --strict: a team may not have named its member yet; the plan names the organisation.
            out.append(org.origin.problem((), f"{org.label} er med i {m.team}, men ingen kontakt har "
                                          f"organisation: {org.id} og rollen infohus_member. Indtil da nævner "
                                          "beredskabet og håndbogen kun organisationen, uden en person. Tilføj "
                                          "en kontakt i contacts.yml, eller skriv member: false ved "
                                          "organisationen, hvis den ikke er med i teamet.",
                                          "error" if strict else "warning"))
    for role, what in REQUIRED_ROLES.items():
        if "contacts" not in c.unreadable and not any(role in roles_of(raw) for raw in written):
            out.append(Problem(c.display(ds.data_dir / "contacts.yml"), 1, "contacts",
                               f"der mangler {what}. Giv en kontakt rollen {role} under roles."))

    if m and "contacts" not in c.unreadable:
        out.extend(_helplines(ds, c))
    if m:
        out.extend(_template_content(ds, c, strict))
        out.extend(_other_municipalities(ds, c))
        out.extend(_placeholder_text(ds, c, strict))
        out.extend(_flow_prose(c))
        out.extend(_shared_numbers(ds))
        out.extend(_public_signs(ds, c))
    if m:  # which facts are shown depends on the topics in municipality.yml
        out.extend(_certainty(ds))

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
    out.extend(_public_references(ds))
    out.extend(_citizen_wording(ds))
    if m and "escalation" not in c.unreadable:
        out.extend(_staff_path(ds, c))
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


def _public_references(ds: DataSet) -> list[Problem]:
    """A public decision path whose outcome names an internal legal rule or level: the public edition prints
    the rule and the level's urgency with the outcome, so it would be wrong without them. An error at the
    reference, naming both records. (A contact named by a public record becomes its function in the public
    edition, and an internal source or related term is left out of it: those need no rule.)"""
    out = []
    for path in ds.paths.values():
        if path.visibility != "public" or (ds.municipality and not ds.covers(path)):
            continue
        for outcome in path.outcomes:
            level = ds.levels.get(outcome.level) if outcome.level else None
            if level and level.visibility != "public":
                out.append(outcome.origin.problem(("level",), f"den offentlige vej »{path.title}« henviser til "
                                                  f"niveauet »{level.name}« ({level.origin.file}:{level.origin.line}), "
                                                  "som er internt. Gør niveauet offentligt (visibility: public), "
                                                  "eller fjern henvisningen."))
            for i, rule_id in enumerate(outcome.legal):
                rule = ds.legal.get(rule_id)
                if rule and rule.visibility != "public":
                    out.append(outcome.origin.problem(("legal", i), f"den offentlige vej »{path.title}« henviser til "
                                                      f"lovreglen »{rule.title}« ({rule.origin.file}:"
                                                      f"{rule.origin.line}), som er intern. Gør reglen offentlig "
                                                      "(visibility: public), eller fjern henvisningen."))
    return out


# Words that speak to a member of staff, never to a citizen: a citizen has no leader to inform.
STAFF_WORDING = re.compile(r"\b(din nærmeste leder|din leder|dine kolleger|medarbejder(?:e|en|ne)?)\b", re.IGNORECASE)


def _citizen_wording(ds: DataSet) -> list[Problem]:
    """A citizen's decision path that tells the citizen what a member of staff must do ("Orientér din leder"):
    in an outcome's own actions or note (an error there), or in the urgency its level gives it (an error at the
    level, whose `urgency_citizen` is the fix)."""
    out = []
    inherited: dict[str, list] = {}
    for path in ds.paths.values():
        if path.audience != "citizen" or (ds.municipality and not ds.covers(path)):
            continue
        for outcome in path.outcomes:
            texts = [(("actions", i), action) for i, action in enumerate(outcome.actions)]
            texts += [(("note",), outcome.note)] if outcome.note else []
            for at, text in texts:
                found = STAFF_WORDING.search(text)
                if found:
                    out.append(outcome.origin.problem(at, f"vejen »{path.title}« er til borgere, men udfaldet "
                                                      f"»{outcome.title}« siger »{found.group(0)}«, som taler til en "
                                                      "medarbejder. Skriv, hvad borgeren selv skal gøre, eller flyt "
                                                      "teksten til medarbejdernes vej."))
            level = ds.levels.get(outcome.level) if outcome.level else None
            if level and STAFF_WORDING.search(level.urgency_for("citizen")):
                inherited.setdefault(level.id, []).append((path, outcome))
    for level_id, uses in inherited.items():
        level = ds.levels[level_id]
        found = STAFF_WORDING.search(level.urgency_for("citizen")).group(0)
        where = "; ".join(f"»{o.title}« i »{p.title}« ({o.origin.file}:{o.origin.line})" for p, o in uses)
        out.append(level.origin.problem(("urgency",), f"niveauet »{level.name}« giver borgerens vej sin hastighed, "
                                        f"men den siger »{found}«, som taler til en medarbejder: {where}. Skriv "
                                        "under urgency_citizen, hvad en borger skal gøre, og hvor hurtigt, fx "
                                        "»Kontakt kommunen inden for få dage.«"))
    return out


# The records of the municipality's own files that a template writes, with how the check names each one.
TEMPLATE_RECORDS = {
    "contacts": {"contacts": lambda r: f"kontakten \"{r.get('name')}\""},
    "escalation": {"levels": lambda r: f"niveauet \"{r.get('name')}\" i forebyggelsestrekanten",
                   "paths": lambda r: f"vejen \"{r.get('title')}\""},
    "forms": {"forms": lambda r: f"skemaet \"{r.get('title')}\""},
    "communication": {"communication": lambda r: f"reglerne \"{r.get('title')}\""},
    "cards": {"cards": lambda r: f"handlekortet \"{r.get('title')}\""},
    "definitions": {"definitions": lambda r: f"begrebet \"{r.get('term')}\""},
    "warning_signs": {"warning_signs": lambda r: f"tegnet \"{r.get('text')}\""},
    "legal": {"legal": lambda r: f"reglen \"{r.get('title')}\""},
}
ADAPT = "Tilpas til kommunens egen plan"


def _template_content(ds: DataSet, c: Collector, strict: bool) -> list[Problem]:
    """The municipality's records that are still template content: unchanged from what `infohus new` wrote,
    or written from an example source (`example: true` in sources.yml). A warning, and an error under
    --strict: a generic template must never be published as the municipality's adopted plan. A record
    marked `example: true` itself is reported by its own rule."""
    out = []
    severity = "error" if strict else "warning"
    written = _templates(ds.municipality.name)
    example_sources = {sid for sid, s in ds.sources.items() if s.example}
    cited = {r.source.doc for r in _citing(ds)}
    for sid in sorted(example_sources - cited):
        source = ds.sources[sid]
        if not ds.is_national(source):
            out.append(source.origin.problem(("id",), f"kilden \"{sid}\" er skabelonens kilde til eksempeldata, og "
                                             "ingen post henviser til den længere. Slet den fra sources.yml.",
                                             "warning"))
    for kind, lists in TEMPLATE_RECORDS.items():
        doc = c.docs.get(("municipality", kind))
        if doc is None or not isinstance(doc.data, dict):
            continue
        for key, name in lists.items():
            items = doc.data.get(key)
            template = {t.get("id"): t for t in written.get(kind, {}).get(key, []) if isinstance(t, dict)}
            for i, item in enumerate(items if isinstance(items, list) else ()):
                if not isinstance(item, dict) or item.get("example") is True:
                    continue
                source = item.get("source", {}).get("doc") if isinstance(item.get("source"), dict) else None
                origin = Origin(doc, (key, i))
                if isinstance(item.get("id"), str) and item["id"] in template and _same(item, template[item["id"]]):
                    cite = " (en ny kilde under source.doc alene er ikke nok)" if "source" in item else ""
                    out.append(origin.problem((), f"{name(item)} står, som infohus new skrev det. {ADAPT}: skriv "
                                              f"teksterne om, så de siger det, kommunen gør{cite}.", severity))
                elif isinstance(source, str) and source in example_sources:
                    out.append(origin.problem(("source", "doc"), f"{name(item)} bygger på eksempeldata "
                                              f"(source.doc: {source}). {ADAPT}, og henvis til kommunens egen "
                                              "kilde under source.doc.", severity))
    out.extend(_template_plan(c, written.get("plan", {}).get("plan"), severity))
    return out


def _template_plan(c: Collector, template, severity: str) -> list[Problem]:
    """Each text of plan.yml that is still the template's (written by `infohus new` or `infohus migrate`)."""
    doc = c.docs.get(("municipality", "plan"))
    plan = doc.data.get("plan") if doc is not None and isinstance(doc.data, dict) else None
    if not isinstance(plan, dict) or not isinstance(template, dict):
        return []
    out = []
    for key, text in template.items():
        if key in ("source", "sections") or key not in plan:  # a section still to write has its own warning
            continue
        items = plan[key] if isinstance(plan[key], list) and isinstance(text, list) else [plan[key]]
        wanted = text if isinstance(text, list) else [text]
        for i, item in enumerate(items):
            if item in wanted:
                at = ("plan", key, i) if isinstance(plan[key], list) else ("plan", key)
                out.append(Problem(doc.display, doc.line(at), format_path(at), "er skabelonens tekst (fra infohus "
                                   f"new eller infohus migrate), ikke kommunens egen. {ADAPT}: skriv, hvad "
                                   "kommunen selv gør.", severity))
    return out


def _citing(ds: DataSet) -> list:
    """Every record that cites a source."""
    m = ds.municipality
    return [*ds.contacts.values(), *ds.definitions.values(), *ds.warning_signs.values(), *ds.legal.values(),
            *ds.forms.values(), *ds.communication.values(), *ds.levels.values(), *ds.paths.values(),
            *([ds.plan] if ds.plan else []), *([m] if m else []), *(o for o in ds.organisations.values() if o.source)]


def _same(item: dict, template: dict) -> bool:
    """True when a record says what the template says (its source aside: changing only that adapts nothing)."""
    def content(record: dict) -> str:
        return json.dumps({k: v for k, v in record.items() if k != "source"}, sort_keys=True, default=str)
    return content(item) == content(template)


@cache
def _templates(name: str) -> dict[str, dict]:
    """What `infohus new` writes for a municipality called `name`: kind -> its parsed template."""
    found = {}
    for path in templates():
        data = parse(filled(path.read_text(encoding="utf-8"), name, "."), str(path))
        if isinstance(data, dict):
            found[path.stem] = data
    return found


# Municipality names that are also everyday Danish words ("vejen", "odder", "greve", "skive", "tønder"):
# named only as "Vejen Kommune", never alone, or every sentence about a road would be a warning.
COMMON_WORDS = {"Vejen", "Odder", "Greve", "Skive", "Tønder", "Faxe"}
# Fields that hold no prose of the municipality's own: ids, addresses, citations, dates and tags.
NOT_PROSE = {"id", "mentions", "source", "url", "urls", "email", "verified", "roles", "topics", "covered_elsewhere", "branding",
             "organisation", "contacts", "first_inform", "legal", "level", "path", "outcome", "next", "start",
             "related", "coordinator", "owner", "days", "from", "to", "number", "page", "type"}
LETTER = "A-Za-zÆØÅæøåÉé0-9"


def _other_municipalities(ds: DataSet, c: Collector) -> list[Problem]:
    """A warning for free text in the municipality's own files that names another of Denmark's municipalities
    (national.yml): the usual trace of text copied from an example. Sources may name anyone."""
    own = re.sub(r"\s+kommune$", "", ds.municipality.name, flags=re.IGNORECASE)
    names = [n for n in ds.national.municipalities if n != own]
    if not names:
        return []
    plain = [n for n in names if n not in COMMON_WORDS]
    pattern = re.compile(rf"(?<![{LETTER}-])(?:({'|'.join(map(re.escape, plain))})s?(?![{LETTER}-])"
                         rf"|({'|'.join(map(re.escape, COMMON_WORDS & set(names)))})s? Kommune)")
    partners = _partners(ds, names)
    out = []
    for (scope, kind), doc in c.docs.items():
        if scope != "municipality" or kind == "sources" or not isinstance(doc.data, (dict, list)):
            continue
        for path, text in _prose(doc.data, ()):
            if kind == "contacts" and path[-1:] == ("name",):
                continue  # a person's surname may be a town's name (Nyborg, Holbæk)
            allowed = partners | _mentioned(doc.data, path)
            for found in pattern.finditer(text):
                name = found[1] or found[2]
                if name in allowed:
                    continue
                out.append(Problem(doc.display, doc.line(path), format_path(path),
                                   f"teksten nævner {name}, en anden kommune end {own}. Er den kopieret fra et "
                                   f"eksempel? Skriv teksten om til {ds.municipality.name}. Nævner den {name} "
                                   f"med vilje, så skriv \"mentions: [{name}]\" i posten.", "warning"))
                break
    return out


# Lists of words, not sentences: written [a, b] on purpose, an item may start in lower case.
WORD_LISTS = {"keywords", "synonyms", "mentions", "days", "topics", "roles"}
# Lists whose items are sentences, each ending in a full stop.
SENTENCE_LISTS = {"actions", "responsibilities", "goals", "policies", "rules", "examples"}


def _flow_prose(c: Collector) -> list[Problem]:
    """A warning for a list of text written [a, b, c] that looks like one sentence split at its commas:
    YAML reads every comma in brackets as a new item, so the plan would number the halves of a sentence."""
    out = []
    for (scope, kind), doc in c.docs.items():
        if scope != "municipality":
            continue
        for path in sorted(doc.flow, key=doc.line):
            key = next((k for k in reversed(path) if isinstance(k, str)), "")
            items = _at(doc.data, path)
            if key in WORD_LISTS or key in NOT_PROSE or not isinstance(items, list) or len(items) < 2 \
                    or not all(isinstance(i, str) and i.strip() for i in items):
                continue
            split = any(i.lstrip()[:1].islower() for i in items[1:]) or \
                key in SENTENCE_LISTS and any(not i.rstrip().endswith((".", "!", "?")) for i in items)
            if split:
                whole = ", ".join(items)
                out.append(Problem(doc.display, doc.line(path), format_path(path),
                                   f"listen i firkantede parenteser bliver til {len(items)} punkter, fordi hvert "
                                   f"komma begynder et nyt: {' | '.join(f'»{i}«' for i in items)}. Er det én "
                                   f"sætning, så skriv hvert punkt på sin egen linje under {key}: med \"- \" "
                                   f"foran, fx \"- {whole}\".", "warning"))
    return out


# A number labelled like this is shared on purpose (a switchboard), not one person's direct line.
SHARED_NUMBER = re.compile(r"hovednummer|omstilling|fælles", re.IGNORECASE)


def _shared_numbers(ds: DataSet) -> list[Problem]:
    """Warnings for a number two of the municipality's contacts both have, unless it is labelled as shared,
    and for a public contact whose number is a staff member's direct line (the citizen page would show it)."""
    out, first = [], {}
    for contact in (c for c in ds.contacts.values() if not ds.is_national(c)):
        for i, phone in enumerate(contact.phones):
            where = ("phones", i, "number")
            earlier = first.setdefault(phone.digits, (contact, phone))
            other, theirs = earlier
            if other is contact or SHARED_NUMBER.search(phone.label or "") and SHARED_NUMBER.search(theirs.label or ""):
                continue
            public, staff = (contact, other) if contact.public and not other.public else (other, contact)
            if public.public and not staff.public:
                out.append(contact.origin.problem(where, f"{public.name}s offentlige nummer {phone.display} er også "
                                                  f"{staff.name}s direkte nummer, så borgersiden viser en "
                                                  "medarbejders linje. Skriv teamets fælles nummer hos "
                                                  f"{public.name}; er nummeret fælles, så skriv det under label hos "
                                                  "begge, fx label: Hovednummer.", "warning"))
            else:
                at = other.origin.problem(("phones",), "")
                out.append(contact.origin.problem(where, f"nummeret {phone.display} står også hos {other.name} "
                                                  f"({at.file}:{at.line}). Er det kopieret, så skriv det rigtige "
                                                  "nummer; er det et fælles nummer, så skriv det under label hos "
                                                  "begge, fx label: Hovednummer.", "warning"))
    return out


def _at(data, path: tuple):
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _plain_letters(text: str) -> str:
    """A name as it is written in a web address: "Holbæk" -> "holbaek"."""
    text = text.lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e")):
        text = text.replace(letter, spelled)
    return re.sub(r"[^a-z0-9]", "", text)


def _partners(ds: DataSet, names: list[str]) -> set[str]:
    """The municipalities the separate plans under covered_elsewhere name: partners the text may name."""
    said = []

    def strings(value) -> None:
        if isinstance(value, str):
            said.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)
    strings([[p.url, p.title or "", *p.partners] for p in ds.municipality.covered_elsewhere.values()])
    words = [_plain_letters(s) for s in said]
    return {n for n in names if any(_plain_letters(n) in w for w in words) or any(n in s for s in said)}


def _mentioned(data, path: tuple) -> set[str]:
    """The names the records around `path` acknowledge with `mentions: [...]`."""
    allowed, node = set(), data
    for step in path:
        if isinstance(node, dict) and isinstance(node.get("mentions"), list):
            allowed |= {m for m in node["mentions"] if isinstance(m, str)}
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return allowed


def _prose(value, path: tuple):
    """(path, text) of every string of prose under `value`."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_PROSE or not path:  # a file's own list ("contacts:") is no reference field
                yield from _prose(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _prose(item, (*path, i))


def _staff_path(ds: DataSet, c: Collector) -> list[Problem]:
    """The handbook's front page walks staff through the first steps of a path for staff of a covered topic."""
    written = [raw for raw in c.raw.get("escalation", []) if isinstance(raw, dict) and raw.get("audience") == "staff"]
    if any(p.audience == "staff" and ds.covers(p) for p in ds.paths.values()) or \
            any(raw.get("id") not in ds.paths for raw in written):
        return []  # a staff path with errors of its own is reported there
    doc = c.docs.get(("municipality", "escalation"))
    where = (doc.display, doc.line(("paths",))) if doc else (c.display(ds.data_dir / "escalation.yml"), 1)
    return [Problem(*where, "paths", "ingen vej for de emner, kommunen dækker, har audience: staff, så håndbogens "
                    "forside kan ikke vise medarbejderne de første trin. Giv en af vejene audience: staff.")]


def _public_signs(ds: DataSet, c: Collector) -> list[Problem]:
    """A warning for a covered topic without one public warning sign: the citizen page would show none."""
    out = []
    file = ds.data_dir / "warning_signs.yml"
    for topic in ds.municipality.topics:
        if not any(s.topic == topic and s.visibility == "public" for s in ds.warning_signs.values()):
            fix = (f"Giv et eller flere af tegnene topic: {topic} visibility: public, eller skriv nye" if file.exists()
                   else f"Opret filen warning_signs.yml i kommunens mappe ({example_of('warning_signs')}), og "
                        f"skriv tegn med topic: {topic} og visibility: public")
            out.append(Problem(c.display(file), 1, "warning_signs",
                               f"ingen bekymringstegn for {municipality.TOPIC_NAMES[topic]} er offentlige, så "
                               f"borgersiden viser ingen tegn for emnet. {fix}.", "warning"))
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
            out.append(ds.national.origin.problem(("source", "doc"), unknown_id(ref_source, ds.sources,
                                                                              "national/sources.yml")))
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


# Words with which a text says of itself that it is not the municipality's own yet.
PLACEHOLDER = re.compile(r"\(eksempel\b|\beksempel:|\b(?:fastlægges|besluttes|aftales) lokalt\b|\bskal erstattes\b",
                         re.IGNORECASE)


STRAIGHT_QUOTES = re.compile(r'"([^"\n]{1,80})"')


def _placeholder_text(ds: DataSet, c: Collector, strict: bool) -> list[Problem]:
    """Free text in the municipality's own files that calls itself an example or says it is still to be
    decided ("(eksempel – fastlægges lokalt)"): it would print as plan text. A warning, an error under
    --strict. A record marked `example: true`, or citing an example source, is already reported as an
    example and shown in the draft's example box, so its text may say so. Straight quotes ("Nej") are a warning:
    the documents quote with »…«."""
    example_sources = {sid for sid, s in ds.sources.items() if s.example}

    def marked(value) -> bool:
        source = value.get("source") if isinstance(value, dict) else None
        return isinstance(value, dict) and (value.get("example") is True or
                                            (isinstance(source, dict) and source.get("doc") in example_sources))

    def texts(value, path: tuple):
        if marked(value):
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from texts(item, (*path, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_PROSE or not path:
                    yield from texts(item, (*path, key))
        elif isinstance(value, str):
            yield path, value

    out = []
    for (scope, kind), doc in c.docs.items():
        if scope != "municipality" or kind == "sources" or not isinstance(doc.data, (dict, list)):
            continue
        for path, text in texts(doc.data, ()):
            quoted = STRAIGHT_QUOTES.search(text)
            if quoted:
                out.append(Problem(doc.display, doc.line(path), format_path(path),
                                   f"teksten bruger lige anførselstegn ({quoted[0]}), men beredskabet bruger »…«. "
                                   f"Skriv »{quoted[1]}«.", "warning"))
            found = PLACEHOLDER.search(text)
            if found:
                where = ("under meetings" if "meetings" in path else "på posten"
                         if path[:1] in (("paths",), ("cards",), ("contacts",)) else None)
                hint = (f" Er det ikke besluttet endnu, så slet ordene og sæt example: true {where}; så viser "
                        "udkastet teksten i en eksempelboks." if where else "")
                out.append(Problem(doc.display, doc.line(path), format_path(path),
                                   f"teksten kalder sig selv en pladsholder (»{found[0].strip('(')}«), og den ville "
                                   f"stå i beredskabet som kommunens tekst. Skriv, hvad kommunen har besluttet.{hint}",
                                   "error" if strict else "warning"))
    return out
