"""Load a municipality's data folder (plus the national one), validate it, and build typed records."""
from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from . import (cards, communication, contacts, definitions, escalation, forms, legal, logo, municipality, national,
               organisations, own_files, plan, rules, search_terms, sources, warning_signs)
from ..common import faults
from ..common.paths import DEFAULT_DATA_DIR, NATIONAL_DIR, SCHEMA_DIR
from ..common.text import danish_key
from .dataformat import require_current
from .loader import Document, format_path, load, schema_line_problem
from .problems import Problem, example_of
from .record import Origin
from .schema import address_problems, validate


# kind -> (may live in national/, must exist in the municipality folder)
KINDS: dict[str, tuple[bool, bool]] = {
    "municipality": (False, True), "sources": (True, True), "organisations": (True, False),
    "contacts": (True, True), "definitions": (True, False), "warning_signs": (True, False),
    "legal": (True, False), "escalation": (False, True), "forms": (False, True),
    "communication": (False, True), "cards": (False, True), "plan": (False, True), "national": (True, False),
    "search_terms": (True, False),
}
NATIONAL_ONLY = {"national"}  # kinds that only data/national/ may hold
# list kinds: kind -> (key in the file, builder)
_LISTS: dict[str, tuple[str, Callable]] = {
    "sources": ("sources", sources.build), "organisations": ("organisations", organisations.build),
    "contacts": ("contacts", contacts.build), "definitions": ("definitions", definitions.build),
    "warning_signs": ("warning_signs", warning_signs.build), "legal": ("legal", legal.build),
    "forms": ("forms", forms.build), "communication": ("communication", communication.build),
    "cards": ("cards", cards.build), "search_terms": ("search_terms", search_terms.build),
}


def today() -> date:
    """Today, or the date in INFOHUS_TODAY (YYYY-MM-DD) so tests and reviews can pin it."""
    pinned = os.environ.get("INFOHUS_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


@dataclass
class DataSet:
    """Every validated record of one municipality, national records merged in."""

    data_dir: Path
    national_dir: Path
    national: national.National
    municipality: municipality.Municipality  # None only inside load_dataset when municipality.yml is invalid
    plan: plan.Plan | None  # None only while plan.yml is missing or invalid (then there are errors)
    sources: dict[str, sources.SourceDocument]
    organisations: dict[str, organisations.Organisation]
    contacts: dict[str, contacts.Contact]
    definitions: dict[str, definitions.Definition]
    warning_signs: dict[str, warning_signs.WarningSign]
    caveat: str
    legal: dict[str, legal.LegalBasis]
    levels: dict[str, escalation.Level]
    paths: dict[str, escalation.EscalationPath]
    forms: dict[str, forms.Form]
    communication: dict[str, communication.CommunicationRule]
    cards: dict[str, cards.Card]
    search_terms: dict[str, search_terms.SearchTerm] = field(default_factory=dict)  # shown nowhere, indexed
    own: own_files.OwnFiles = field(default_factory=own_files.OwnFiles)  # the municipality's own pages, partials
    problems: list[Problem] = field(default_factory=list)
    today: date = field(default_factory=today)
    _national_folders: dict[Path, bool] = field(default_factory=dict, repr=False, compare=False)

    def contact(self, contact_id: str) -> contacts.Contact:
        """The contact with `contact_id` (ids are checked, so this never misses after validation)."""
        return self.contacts[contact_id]

    def content_date(self) -> date:
        """The newest date in the data (not the clock): what pages and cards are dated, so builds repeat."""
        return max([c.verified.on for c in self.contacts.values()] + [r.verified.on for r in self.legal.values()]
                   + self.municipality.governance.changed_on())

    def with_role(self, role: str) -> list[contacts.Contact]:
        """Contacts that have `role`, in data order."""
        return [c for c in self.contacts.values() if role in c.roles]

    def covers(self, record: Any) -> bool:
        """True when `record` (anything with `topics`) is of a topic the municipality covers, or of none."""
        return not record.topics or any(self.municipality.covers(t) for t in record.topics)

    def shown_contacts(self) -> list[contacts.Contact]:
        """The contacts of the covered topics (a contact without topics is for every topic), in data order."""
        return [c for c in self.contacts.values() if self.covers(c)]

    def shown_organisations(self) -> list[organisations.Organisation]:
        """The organisations that a shown contact belongs to, and the municipality's own."""
        used = {c.organisation for c in self.shown_contacts()} | {o.id for o in self.municipality.organisations}
        return [o for oid, o in self.organisations.items() if oid in used]

    def cited_sources(self) -> list[sources.SourceDocument]:
        """The documents that the records shown for the covered topics cite, in data order."""
        m = self.municipality
        records = [*self.shown_contacts(), *filter(self.covers, (*self.definitions.values(), *self.legal.values(),
                                                                  *self.paths.values())),
                   *(s for s in self.warning_signs.values() if m.covers(s.topic)), *self.forms.values(),
                   *self.communication.values(), *self.levels.values(), m, *([self.plan] if self.plan else []),
                   *(o for o in self.shown_organisations() if o.source)]
        cited = {r.source.doc for r in records}
        return [s for sid, s in self.sources.items() if sid in cited]

    def is_national(self, record: Any) -> bool:
        """True when `record` was read from data/national/ (not overridden by the municipality)."""
        folder = record.origin.doc.path.parent
        known = self._national_folders.get(folder)
        if known is None:  # resolved once per folder: the check asks this of every record, many times
            known = self._national_folders[folder] = folder.resolve() == self.national_dir.resolve()
        return known

    def helplines(self, topics: tuple[str, ...] | None = None) -> list[contacts.Contact]:
        """National helplines for any of `topics` (default: the covered topics), in data order."""
        wanted = set(self.municipality.topics if topics is None else topics)
        return [c for c in self.with_role("helpline") if wanted & set(c.topics)]

    def glossary(self) -> list[definitions.Definition]:
        """Definitions of the covered topics (or of no topic), in Danish alphabetical order."""
        return sorted((d for d in self.definitions.values() if self.covers(d)), key=lambda d: danish_key(d.term))

    def abbreviations(self) -> dict[str, str]:
        """Abbreviation -> expansion for every covered definition that has an expansion."""
        return {d.term: d.expansion for d in self.glossary() if d.expansion}


class Collector:
    """Loads files, validates them and builds records, keeping every problem."""

    def __init__(self, data_dir: Path, national_dir: Path, given: dict[str, bytes] | None = None):
        self.data_dir, self.national_dir = data_dir, national_dir
        self.given = given or {}  # file name in the municipality folder -> the bytes to read instead of the file
        self.problems: list[Problem] = []
        self.docs: dict[tuple[str, str], Document] = {}
        self.known_ids: dict[str, set[str]] = {}
        self.raw: dict[str, list[dict]] = {}  # every item as written, valid or not
        self.unreadable: set[str] = set()  # kinds whose file could not be parsed at all

    def display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def load_folder(self, folder: Path, scope: str) -> None:
        try:  # listed here, not by glob, which takes a folder it may not read for an empty one
            names = sorted(name for name in os.listdir(folder) if fnmatch.fnmatchcase(name, "*.y*ml"))
        except OSError as exc:
            raise faults.reading(exc) from None
        for file in (folder / name for name in names):
            kind = file.stem
            if kind not in KINDS or (scope == "national" and not KINDS[kind][0]) \
                    or (scope == "municipality" and kind in NATIONAL_ONLY):
                allowed = [k for k, (national, _) in KINDS.items()
                           if (scope == "municipality" and k not in NATIONAL_ONLY) or (scope == "national" and national)]
                guess = difflib.get_close_matches(kind, allowed, n=1, cutoff=0.6)
                tip = f"Mente du \"{guess[0]}.yml\"?" if guess else \
                    f"Kendte filer: {', '.join(k + '.yml' for k in allowed)}."
                self.problems.append(Problem(self.display(file), 1, "",
                                             f"filen \"{file.name}\" bruges ikke. {tip}"))
                continue
            if (scope, kind) in self.docs:
                self.problems.append(Problem(self.display(file), 1, "", f"{kind} findes både som .yml og "
                                             ".yaml. Slet den ene."))
                continue
            given = self.given.get(file.name) if scope == "municipality" else None
            doc, problems = load(file, self.display(file), given)
            self.problems.extend(problems)
            hint = schema_line_problem(doc, SCHEMA_DIR / f"{kind}.schema.json")
            if hint:
                self.problems.append(hint)
            if doc.data is None:
                self.unreadable.add(kind)
            else:
                schema_problems = validate(doc, kind)
                self.problems.extend(schema_problems)
                doc.invalid = {p.path for p in schema_problems} | {p.path for p in problems}
                self.problems.extend(address_problems(doc, kind))
            self.docs[(scope, kind)] = doc
        if scope == "municipality":
            for kind, (_, required) in KINDS.items():
                if required and ("municipality", kind) not in self.docs:
                    self.unreadable.add(kind)
                    self.problems.append(Problem(self.display(folder / f"{kind}.yml"), 1, "",
                                                 f"filen mangler. Opret {kind}.yml i {self.display(folder)}: "
                                                 f"{example_of(kind)}."))

    def items(self, kind: str, key: str | None = None) -> list[tuple[dict, Origin]]:
        """Schema-valid items of a list, national first; ids of invalid items are still known."""
        list_key = key or _LISTS[kind][0]
        known = self.known_ids.setdefault(kind if key is None else f"{kind}.{key}", set())
        out = []
        for scope in ("national", "municipality"):
            doc = self.docs.get((scope, kind))
            if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(list_key), list):
                continue
            for i, raw in enumerate(doc.data[list_key]):
                if isinstance(raw, dict):
                    self.raw.setdefault(kind, []).append(raw)
                    if isinstance(raw.get("id"), str):
                        known.add(raw["id"])
                prefix = f"{list_key}[{i}]"
                if any(p in (prefix, list_key, "filen") or p.startswith((prefix + ".", prefix + "["))
                       for p in doc.invalid):
                    continue
                out.append((raw, Origin(doc, (list_key, i))))
        return out

    def records(self, kind: str, builder: Callable | None = None, key: str | None = None) -> dict[str, Any]:
        """Build records by id; the municipality overrides national records; duplicates are errors."""
        builder = builder or _LISTS[kind][1]
        result: dict[str, Any] = {}
        scope_of: dict[str, str] = {}
        national_docs = {id(d) for (scope, _), d in self.docs.items() if scope == "national"}
        for raw, origin in self.items(kind, key):
            scope = "national" if id(origin.doc) in national_docs else "municipality"
            record_id = raw["id"]
            if record_id in result and scope_of[record_id] == scope:
                first = result[record_id].origin
                self.problems.append(origin.problem(("id",), f"id \"{record_id}\" bruges allerede "
                                                    f"(linje {first.line} i {first.file}). Giv posten et andet id."))
                continue
            result[record_id] = builder(raw, origin)
            scope_of[record_id] = scope
        return result


def national_records(national_dir: Path = NATIONAL_DIR) -> dict[str, dict[str, Any]]:
    """The national folder's records by kind (kind -> id -> record), without a municipality: what
    `infohus new` lists in the comments of the files it writes."""
    c = Collector(Path(national_dir), Path(national_dir))
    c.load_folder(Path(national_dir), "national")
    return {kind: c.records(kind) for kind in _LISTS if KINDS[kind][0]}


def national_dir_for(data_dir: Path) -> Path:
    """The national folder beside the municipality folder if there is one, else the shipped one."""
    beside = Path(data_dir).resolve().parent / "national"
    return beside if beside.is_dir() else NATIONAL_DIR


@dataclass(frozen=True)
class NationalFolder:
    """The national folder read and schema-checked once, for a command that reads many municipalities."""

    folder: Path  # resolved
    docs: dict[tuple[str, str], Document]
    problems: tuple[Problem, ...]
    unreadable: frozenset[str]


def read_national(national_dir: Path) -> NationalFolder:
    """Read `national_dir` as `load_dataset` does, to be handed to every `load_dataset` of one command."""
    c = Collector(Path(national_dir), Path(national_dir))
    c.load_folder(Path(national_dir), "national")
    return NationalFolder(Path(national_dir).resolve(), dict(c.docs), tuple(c.problems), frozenset(c.unreadable))


def load_dataset(data_dir: Path = DEFAULT_DATA_DIR, national_dir: Path | None = None,
                 strict: bool = False, on: date | None = None,
                 national_read: NationalFolder | None = None,
                 given: dict[str, bytes] | None = None) -> tuple[DataSet | None, list[Problem]]:
    """Load, validate and build; returns the data set (None if unusable) and every problem found.

    `given`: file name -> bytes read instead of that file of the municipality folder (a save being checked).

    `national_read` is the national folder already read (`read_national`); it is used when it is the folder
    this municipality uses, else that folder is read here. `WrongFormat` if the folder is written for another
    data format (then nothing else is checked).
    """
    require_current(Path(data_dir))
    national_dir = national_dir or national_dir_for(data_dir)
    c = Collector(Path(data_dir), Path(national_dir), given)
    if Path(national_dir).is_dir() and Path(national_dir).resolve() != Path(data_dir).resolve():
        if national_read is not None and national_read.folder == Path(national_dir).resolve():
            c.docs.update(national_read.docs)
            c.problems.extend(national_read.problems)
            c.unreadable |= national_read.unreadable
        else:
            c.load_folder(Path(national_dir), "national")
    c.load_folder(Path(data_dir), "municipality")
    day = on or today()

    mdoc = c.docs.get(("municipality", "municipality"))
    the_municipality = None
    if mdoc is not None and isinstance(mdoc.data, dict) and not mdoc.invalid:
        the_municipality = municipality.build(mdoc.data["municipality"], Origin(mdoc, ("municipality",)))
        if the_municipality.brand_logo:  # read once: every output publishes what infohus wrote, never the file
            try:
                written = logo.read(Path(data_dir), the_municipality.brand_logo)
                the_municipality = dataclasses.replace(the_municipality, logo=written)
            except logo.Refused as refused:
                c.problems.append(the_municipality.origin.problem(("branding", "logo"), str(refused)))

    records = {kind: c.records(kind) for kind in _LISTS}
    levels = c.records("escalation", escalation.build_level, "levels")
    paths = c.records("escalation", escalation.build_path, "paths")
    caveat = next((d.data["caveat"] for scope in ("municipality", "national")
                   if (d := c.docs.get((scope, "warning_signs"))) and isinstance(d.data, dict)
                   and isinstance(d.data.get("caveat"), str)), None)

    orgs = dict(records["organisations"])
    orgs.update({o.id: o for o in the_municipality.organisations} if the_municipality else {})
    pdoc = c.docs.get(("municipality", "plan"))
    the_plan = None
    if pdoc is not None and isinstance(pdoc.data, dict) and not pdoc.invalid:
        the_plan = plan.build(pdoc.data["plan"], Origin(pdoc, ("plan",)))
    ndoc = c.docs.get(("national", "national"))
    settings = national.DEFAULT
    if ndoc is not None and isinstance(ndoc.data, dict) and not ndoc.invalid:
        settings = national.build(ndoc.data["national"], Origin(ndoc, ("national",)))
    ds = DataSet(
        data_dir=Path(data_dir), national_dir=Path(national_dir), national=settings,
        municipality=the_municipality, plan=the_plan, sources=records["sources"],
        organisations=orgs, contacts=records["contacts"], definitions=records["definitions"],
        warning_signs=records["warning_signs"], caveat=caveat or "", legal=records["legal"],
        levels=levels, paths=paths, forms=records["forms"], communication=records["communication"],
        cards=records["cards"], search_terms=records["search_terms"], today=day,
    )
    ds.own, own_problems = own_files.load(Path(data_dir), c.display)
    c.problems.extend(own_problems)
    c.problems.extend(rules.check(ds, c, strict))
    ds.problems = _with_placeholders(c)
    # Without a valid municipality the other files are still checked, but nothing can be built.
    return (ds if the_municipality else None), ds.problems


PLACEHOLDER = "UDFYLD"


def _with_placeholders(c: Collector) -> list[Problem]:
    """Every problem, with each UDFYLD placeholder reported once and other complaints about it dropped."""
    marks: list[Problem] = []
    for doc in c.docs.values():
        marks.extend(_placeholders_in(doc, doc.data, ()))
    spots = {(p.file, p.path) for p in marks}
    kept = [p for p in c.problems if (p.file, p.path) not in spots]
    return sorted(set(kept + marks))


def _placeholders_in(doc: Document, value: Any, path: tuple) -> list[Problem]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _placeholders_in(doc, item, path + (key,))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _placeholders_in(doc, item, path + (i,))]
    if isinstance(value, str) and PLACEHOLDER in value:
        hint = value.split(PLACEHOLDER, 1)[1].lstrip(" :–-") or "den rigtige værdi"
        return [Problem(doc.display, doc.line(path), format_path(path),
                        f"mangler at blive udfyldt: {hint}. Erstat hele teksten \"{value}\".")]
    return []
