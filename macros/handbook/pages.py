"""The handbook's page macros, each rendering one partial.

Pages in docs/ call the macros (`{{ contacts() }}`); every macro renders a partial in
overrides/partials/ with validated records and `h`, this module's view helper (links between pages,
Danish dates, abbreviations, freshness). Partials escape everything; only `h.abbr` returns markup.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from markupsafe import Markup, escape

from . import glossary, search_terms, vcard
from .calendar import FILE as CALENDAR
from ..common.dates import date_text
from ..common.paths import INTERNAL_PLAN_PDF
from ..common.render import render
from ..common.text import Abbreviator, and_join, danish_key
from ..model import flowchart, reference
from ..model.contacts import Contact
from ..model.dataset import DataSet
from ..model.due import SOON_DAYS, due_items, soon
from ..model.escalation import EscalationPath, Outcome, Question
from ..model.municipality import TOPIC_NAMES
from ..model.problems import warnings
from ..model.warning_signs import KIND_NAMES

# The pages macros link to, by role. A missing page fails the build.
PAGES = {"guide": "fra-bekymring-til-handling.md", "contacts": "kontakter.md", "legal": "lovgrundlag.md",
         "triangle": "forebyggelsestrekanten.md"}
PATH_AUDIENCES = {"staff": "Når du selv er bekymret", "citizen": "Når en borger kommer til dig"}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def macros(h: Helper) -> dict[str, Callable[..., str]]:
    """Every page macro by the name pages call it with, for the page `h` renders."""
    return {
        "emergency_box": h.emergency_box, "first_steps": h.first_steps, "search_box": h.search_box,
        "glossary": h.glossary, "abbreviations": h.abbreviations, "warning_signs": h.warning_signs,
        "prevention_triangle": h.prevention_triangle, "decision_guides": h.decision_guides,
        "contacts": h.contacts, "legal_basis": h.legal_basis, "forms": h.forms,
        "communication": h.communication, "governance": h.governance,
        "coordinator_report": h.coordinator_report, "team_description": h.team_description,
        "covered_elsewhere": h.covered_elsewhere, "summary": h.summary, "changes": h.changes,
        "plain": plain,
    }


def page_url(name: str) -> str:
    """The site-relative URL of page `name` ("kontakter.md" -> "kontakter/", "index.md" -> ""), as MkDocs
    writes it with `use_directory_urls: true` (mkdocs.yml)."""
    stem = name.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def relative_url(url: str, current: str) -> str:
    """`url` (site-relative) as seen from the page at `current` (site-relative), as MkDocs computes it."""
    parts = posixpath.split(current)
    base = parts[0] if "." in parts[1] else current
    rel = posixpath.relpath("/" + url, "/" + posixpath.dirname(base))
    return rel + "/" if url.endswith("/") else rel


NUMBER_WORDS = ("nul", "ét", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")


def number_word(n: int) -> str:
    """3 -> "tre", as Danish writes small numbers in running text."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def levels(n: int) -> str:
    """"De tre niveauer", "Ét niveau"."""
    return "Ét niveau" if n == 1 else f"De {number_word(n)} niveauer"


def plain(text: str) -> Markup:
    """Data text for a Markdown line (a heading): one line, HTML and Markdown characters escaped, never markup."""
    return escape(_MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split())))


class Helper:
    """The macros and the helpers partials call as `h`, for one page: `page` is its name ("kontakter.md"),
    `names` every page of the handbook, `log` the build's BuildLog (macros/handbook/site.py)."""

    def __init__(self, ds: DataSet, page: str, names: frozenset[str], log):
        self.ds, self.page, self.names, self.log = ds, page, names, log
        self.abbr = Abbreviator(ds.abbreviations())
        self.date = date_text
        self.anchor = glossary.anchor

    # -- helpers for partials --------------------------------------------------------------------

    def link(self, page: str, anchor: str | None = None) -> str:
        """The URL of handbook page `page` (a key of PAGES), relative to the page being rendered."""
        if PAGES[page] not in self.names:
            raise ValueError(f"håndbogen mangler siden docs/{PAGES[page]}, som en makro linker til.")
        target, current = page_url(PAGES[page]), page_url(self.page)
        if target == current and anchor:
            return f"#{anchor}"
        url = relative_url(target, current)
        return f"{url}#{anchor}" if anchor else url

    def site_file(self, path: str) -> str:
        """A file written into the site (e.g. a vCard), relative to the page being rendered."""
        return relative_url(path, page_url(self.page))

    def vcard(self, contact: Contact) -> str:
        return self.site_file(vcard.contact_path(contact))

    def stale(self, contact: Contact) -> bool:
        return contact.stale(self.ds.today, self.ds.municipality.review_days)

    def organisation(self, contact: Contact) -> str:
        return self.ds.organisations[contact.organisation].label

    def step_anchor(self, path: EscalationPath, step_id: str) -> str:
        return f"{path.id}-{step_id}"

    def level_rank(self, level_id: str | None) -> int:
        """1 for the top of the prevention triangle (most urgent), counting down; 0 for no level."""
        ids = list(self.ds.levels)
        return len(ids) - ids.index(level_id) if level_id in ids else 0

    def is_question(self, step) -> bool:
        return isinstance(step, Question)

    def step_title(self, path: EscalationPath, step_id: str) -> str:
        step = path.step(step_id)
        return step.text if isinstance(step, Question) else step.title

    def topic_name(self, topic: str) -> str:
        return TOPIC_NAMES[topic]

    def keywords(self, words, *visible: str) -> list[str]:
        return search_terms.extra_words(words, *visible)

    def _render(self, name: str, **context) -> Markup:
        """A partial's HTML: the partial escaped every value, so the page keeps the result as markup."""
        return Markup(render(f"partials/{name}.html", own_partials=self.ds.own.partials, h=self, data=self.ds,
                             **context))

    # -- front page ------------------------------------------------------------------------------

    def emergency_box(self) -> str:
        """The "Akut fare? Ring 112" box."""
        return self._render("emergency", contact=self.ds.with_role("emergency")[0])

    def first_steps(self) -> str:
        """The three steps of "what do I do with a concern", from the staff decision path."""
        path = self._staff_path()
        direct, onward = [], path.step(path.start)
        while isinstance(onward, Question) and len(direct) < 2:
            ends = [a for a in onward.answers if isinstance(path.step(a.next), Outcome)]
            goes_on = [a for a in onward.answers if isinstance(path.step(a.next), Question)]
            if len(ends) != 1 or len(goes_on) != 1:
                break
            direct.append((onward, path.step(ends[0].next)))
            onward = path.step(goes_on[0].next)
        coordinator = self.ds.contact(self.ds.municipality.coordinator)
        return self._render("first-steps", path=path, direct=direct, onward=onward, coordinator=coordinator)

    def search_box(self) -> str:
        """A search field on the page that opens the handbook's search with the query."""
        return self._render("search-box")

    def summary(self, part: str) -> str:
        """One line about a part of the handbook, with the names the data gives it (escaped for Markdown):
        "Bekymringssamtale til udskrift.", "Forebyggelsen er delt i tre niveauer.", ..."""
        ds = self.ds
        if part == "forms":
            text = f"{and_join(f.title for f in ds.forms.values())} til udskrift."
        elif part == "levels":
            text = f"{levels(len(ds.levels))}, og hvor hurtigt du skal reagere på hvert."
        elif part == "levels_lead":
            n = len(ds.levels)
            text = f"Forebyggelsen er delt i {'ét niveau' if n == 1 else number_word(n) + ' niveauer'}."
        elif part == "communication":
            text = f"{and_join(r.title for r in ds.communication.values())}."
        elif part == "glossary":
            terms = ds.glossary()
            text = f"De {len(terms)} begreber i håndbogen – fra {terms[0].term} til {terms[-1].term}." if terms else ""
        else:
            raise ValueError(f"summary(): ukendt del \"{part}\"")
        return plain(text[:1].upper() + text[1:])

    def changes(self) -> str:
        """The Ændringer page: the beredskab's versions, and what the last builds changed on cards and pages."""
        gov = self.ds.municipality.governance
        return self._render("changes", versions=sorted(gov.versions, key=lambda v: v.date, reverse=True),
                            log=self.log)

    def team_description(self) -> str:
        """The team's own description from municipality.yml."""
        return self._render("team-description", m=self.ds.municipality)

    # -- reference pages -------------------------------------------------------------------------

    def glossary(self) -> str:
        """Every covered term with its anchor, explanation, search words and related terms."""
        terms = self.ds.glossary()
        shown = {d.id for d in terms}
        return self._render("glossary", terms=terms, shown=shown,
                            by_id={d.id: d for d in terms})

    def abbreviations(self) -> str:
        """The abbreviations as a table with links to their terms."""
        return self._render("abbreviations", terms=[d for d in self.ds.glossary() if d.expansion])

    def warning_signs(self) -> str:
        """Signs, risk and protective factors of the covered topics, by kind and category."""
        topics = []
        for topic in self.ds.municipality.topics:
            kinds = []
            for kind, kind_name in KIND_NAMES.items():
                categories: dict[str, list] = {}
                for sign in self.ds.warning_signs.values():
                    if sign.topic == topic and sign.kind == kind:
                        categories.setdefault(sign.category, []).append(sign)
                if categories:
                    kinds.append((kind, kind_name, categories))
            if kinds:
                topics.append((topic, TOPIC_NAMES[topic], kinds))
        return self._render("warning-signs", topics=topics, caveat=self.ds.caveat)

    def prevention_triangle(self) -> str:
        """The three levels, top of the triangle first, and how fast to react at each."""
        return self._render("prevention-triangle", levels=list(self.ds.levels.values()))

    def decision_guides(self) -> str:
        """Every decision path: step by step (works without JavaScript) and as a diagram."""
        names = {lid: level.name for lid, level in self.ds.levels.items()}
        paths = sorted(self._paths(), key=lambda p: p.audience != "staff")
        return Markup("\n").join(
            self._render("decision-guide", path=path, audience=PATH_AUDIENCES.get(path.audience),
                         diagram=flowchart.layout(path, names), steps=path.ordered_steps())
            for path in paths)

    def contacts(self) -> str:
        """The national helplines by covered topic, then every other contact by organisation (the municipality's
        own first), with vCards. A helpline of several topics is shown in full under the first of them."""
        covered = [c for c in self.ds.contacts.values() if self.ds.covers(c)]
        helplines = [c for c in covered if "helpline" in c.roles]
        first_topic = {c.id: next(t for t in self.ds.municipality.topics if t in c.topics) for c in helplines}
        by_topic = [(topic, TOPIC_NAMES[topic], [(c, first_topic[c.id] == topic) for c in helplines if topic in c.topics])
                    for topic in self.ds.municipality.topics]
        own = [o.id for o in self.ds.municipality.organisations]

        def groups(ids) -> list:
            found = [(self.ds.organisations[oid], [c for c in covered if c.organisation == oid and c not in helplines])
                     for oid in ids]
            return [g for g in found if g[1]]

        return self._render("contacts", own=groups(own), helplines=[t for t in by_topic if t[2]],
                            national=groups(oid for oid in self.ds.organisations if oid not in own),
                            team=vcard.team(self.ds), team_vcard=self.site_file(vcard.TEAM_FILE))

    def legal_basis(self) -> str:
        """Every rule of the covered topics: the plain-Danish summary beside the law's own words, the act and link."""
        return self._render("legal-basis", rules=[r for r in self.ds.legal.values() if self.ds.covers(r)])

    def covered_elsewhere(self) -> str:
        """Links to the municipality's separate plans for topics this beredskab does not cover itself."""
        return self._render("covered-elsewhere", m=self.ds.municipality)

    def forms(self) -> str:
        """The forms as printable A4 sheets."""
        return self._render("forms", forms=list(self.ds.forms.values()))

    def communication(self) -> str:
        """The rules for acute communication, internal first."""
        rules = sorted(self.ds.communication.values(), key=lambda r: r.audience != "internal")
        return self._render("communication", rules=rules)

    # -- about -----------------------------------------------------------------------------------

    def governance(self) -> str:
        """Who adopted the plan and when, the next revision, the owner, the team and the history."""
        m = self.ds.municipality
        members = vcard.team(self.ds)
        sources = sorted(self.ds.cited_sources(), key=lambda s: danish_key(s.title))
        return self._render("governance", m=m, owner=self.ds.contact(m.governance.owner), members=members,
                            sources=sources, revision_passed=m.governance.next_revision < self.ds.today,
                            internal_pdf=INTERNAL_PLAN_PDF)

    def coordinator_report(self) -> str:
        """What `infohus check` warns about: stale contacts, example people and every other warning."""
        contacts = list(self.ds.contacts.values())
        ds = self.ds
        # The records of the covered topics only: an uncovered topic is never named in the handbook.
        records = {"contacts": {c.id: c for c in ds.shown_contacts()},
                   "legal": {i: r for i, r in ds.legal.items() if ds.covers(r)},
                   "definitions": {i: d for i, d in ds.definitions.items() if ds.covers(d)},
                   "warning_signs": {i: s for i, s in ds.warning_signs.items() if ds.municipality.covers(s.topic)},
                   "organisations": {o.id: o for o in ds.shown_organisations()},
                   "sources": {s.id: s for s in ds.cited_sources()},
                   "levels": ds.levels, "paths": {i: p for i, p in ds.paths.items() if ds.covers(p)}}
        return self._render("coordinator-report", stale=[c for c in contacts if self.stale(c)],
                            examples=[c for c in contacts if c.example], problems=warnings(ds.problems),
                            review_days=ds.municipality.review_days, log=self.log,
                            due=soon(due_items(ds), ds.today), due_days=SOON_DAYS, calendar=CALENDAR,
                            calendar_url=ds.municipality.url_intranet.rstrip("/") + "/" + CALENDAR,
                            reference=reference.groups(records, ds.is_national))

    def _paths(self) -> list[EscalationPath]:
        """The decision paths of the covered topics, in data order."""
        return [p for p in self.ds.paths.values() if self.ds.covers(p)]

    def _staff_path(self) -> EscalationPath:
        staff = [p for p in self._paths() if p.audience == "staff"]
        if not staff:
            raise ValueError("escalation.yml har ingen vej med audience: staff, som forsiden kan vise trinene fra.")
        return staff[0]

