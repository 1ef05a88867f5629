"""What changed since the last build, computed from what was printed: which files must be printed or published again.

`printed(ds, folder)` reads back every file a coordinator hands on (each action card, the A4 sheet, both
beredskab PDFs, the web edition, the citizen pages, contacts.json, the vCards) as the text a reader sees
(pdftotext for a PDF, the visible text of a page, the file itself for a vCard or JSON), and lists for each
its SHA-256 of that text and the facts it shows (key -> [what the fact is, in Danish; its value]). The
build keeps this in the marker of its output (OUT/.infohus-build, never published); the next build
compares: a file whose text differs is listed, with why in words from the facts ("ejeren er ændret:
Mette Prøvesen → Ali Nyborg") or, when no fact explains it, from the lines of text that differ. Equal data
gives equal text, so a rebuild of the same data lists nothing. The earlier marker is hostile: it is read
through marker.parse, and its texts are only compared and quoted, cut short, never run.
"""
from __future__ import annotations

import difflib
import hashlib
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .beredskab.view import INTERNAL, PUBLIC, plan_view
from .cards.content import SHEET_NAME, card_views
from .citizen.view import PublicContact, public_view
from .common import cache
from .common.dates import date_text
from .common.faults import MissingTool, SystemFault
from .common.paths import CARDS_FOLDER, INTERNAL_PLAN_PDF, PLAN_FOLDER, PLAN_PDF
from .handbook import vcard
from .model.contacts import Contact
from .model.dataset import DataSet

HISTORY = 20      # builds with changes the marker remembers, for the handbook's Ændringer page
SHORT = 60        # a value this short is quoted before and after in the report
LINES = 3         # changed lines of text quoted when no fact explains a change
QUOTE = 160       # characters of a changed line quoted
TOOL_TIMEOUT = 60.0

# What must be done with a changed file, in the order the report lists them.
REPRINT, REPUBLISH, RESHARE = "reprint", "republish", "reshare"
GROUPS = {REPRINT: "Skal genoptrykkes", REPUBLISH: "Skal offentliggøres igen",
          RESHARE: "Skal hentes igen (vCards på medarbejderwebben)"}
UNCHANGED = "Uændret"


@dataclass(frozen=True)
class Change:
    """One changed file, as the sentence the coordinator reads, and what must be done with it."""

    item: str       # the file's path in the build: "intranet/handlekort/akut.pdf"
    group: str      # REPRINT, REPUBLISH or RESHARE
    text: str


@dataclass(frozen=True)
class Report:
    """This build compared with the one it replaces: the changed files by group, and the unchanged ones."""

    compared: bool                          # an earlier build with a content list was there
    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]              # "Handlekortet »Akut fare« (intranet/handlekort/akut.pdf)"

    def groups(self) -> list[tuple[str, list[str]]]:
        """(heading, sentences) for each group with a change, in report order; the unchanged last."""
        found = [(GROUPS[g], [c.text for c in self.changes if c.group == g]) for g in GROUPS]
        found = [(title, texts) for title, texts in found if texts]
        return found + ([(UNCHANGED, list(self.unchanged))] if found and self.unchanged else [])

    def lines(self) -> list[str]:
        """The report as the terminal shows it, one line each, group headings unindented."""
        return [line for title, texts in self.groups() for line in (f"{title}:", *(f"  {t}" for t in texts))]


NO_REPORT = Report(False, (), ())


# --- what each file shows ---------------------------------------------------------------------------------

def _contact(c: Contact | PublicContact, phones) -> dict[str, list[str]]:
    key = f"kontakt {c.id}"
    facts = {f"{key}: navn": ["navnet på en kontakt", c.name],
             f"{key}: telefon": [f"telefonnummeret for {c.name}", ", ".join(p.display for p in phones)]}
    if c.email:
        facts[f"{key}: e-mail"] = [f"e-mailadressen for {c.name}", c.email]
    hours = c.hours_text if isinstance(c, Contact) else c.hours_text("da")
    if c.hours and hours:
        facts[f"{key}: åbent"] = [f"åbningstiden for {c.name}", hours]
    return facts


def _card_facts(view) -> dict[str, list[str]]:
    steps = [*view.outcome.actions] if view.outcome else [f"{d.text}: {', '.join(a for a, _ in d.answers)}"
                                                          for d in view.decisions]
    facts = {"titel": ["titlen", view.card.title], "målgruppe": ["målgruppen", view.card.audience],
             "trin": ["teksten på kortet", " | ".join(steps)], "adresse": ["adressen under QR-koden", view.url],
             "version": ["versionen", view.version], "ejer": ["ejeren", view.owner],
             "gyldig": ["datoen, kortet gælder til", view.valid_until_text]}
    for contact in (view.emergency, view.police, *view.helplines):
        facts |= _contact(contact, contact.public_phones)
    for contact in view.contacts:
        facts |= _contact(contact, contact.phones)
    return facts


def _plan_facts(ds: DataSet, edition: str) -> dict[str, list[str]]:
    plan = plan_view(ds, edition)
    facts = {"titel": ["titlen", plan.title], "status": ["status", plan.status],
             "version": ["versionen", f"{plan.version}, {plan.version_date}"],
             "revision": ["næste revision", plan.next_revision]}
    if edition == PUBLIC:
        for person in plan.local:
            facts[f"indgang {person.label}"] = [f"telefonnummeret for {person.label}",
                                               ", ".join(p.display for p in person.phones)]
    else:  # the named contacts: only those the text shows are kept (see printed)
        for contact in ds.shown_contacts():
            facts |= _contact(contact, contact.phones)
    return facts


def _citizen_facts(ds: DataSet) -> dict[str, list[str]]:
    citizen = public_view(ds)
    facts = {"emner": ["emnerne", ", ".join(citizen.topics)],
             "tegn": ["bekymringstegnene", " | ".join(t for _, texts in citizen.signs for t in texts)]}
    for contact in (citizen.emergency, citizen.police, *citizen.helplines, *citizen.local):
        facts |= _contact(contact, contact.phones)
    return facts


CITIZEN_FILES = (("public/index.html", "Borgersiden"), ("public/en/index.html", "Borgersiden på engelsk"),
                 ("public/embed.html", "Borgersidens indlejrede boks (embed.html)"),
                 ("public/contacts.json", "Kontaktlisten contacts.json"))


def _read_back(ds: DataSet) -> list[str]:
    """The paths of the files in `_files` whose text is read back from what the build wrote (not made from the data,
    as the vCards' is), without working out what each shows: what `read_ahead` reads in each part."""
    return [*(f"intranet/{CARDS_FOLDER}/{v.pdf_name}" for v in card_views(ds)), f"intranet/{CARDS_FOLDER}/{SHEET_NAME}",
            f"intranet/{INTERNAL_PLAN_PDF}", f"public/{PLAN_PDF}", f"public/{PLAN_FOLDER}/index.html",
            *(path for path, _ in CITIZEN_FILES)]


def _files(ds: DataSet) -> list[tuple[str, str, str, dict, str | None]]:
    """(path in the build, group, title, facts, the text itself if it is not read from the file) per file."""
    views = card_views(ds)
    found = [(f"intranet/{CARDS_FOLDER}/{v.pdf_name}", REPRINT, f"Handlekortet »{v.card.title}«", _card_facts(v), None)
             for v in views]
    sheet = {}
    for view in views:
        sheet |= {f"{view.id}: {key}": fact for key, fact in _card_facts(view).items()}
    found.append((f"intranet/{CARDS_FOLDER}/{SHEET_NAME}", REPRINT, "A4-arket med alle handlekort", sheet, None))
    found.append((f"intranet/{INTERNAL_PLAN_PDF}", REPRINT, "Beredskabet til kriseteamets mappe",
                  _plan_facts(ds, INTERNAL), None))
    public = _plan_facts(ds, PUBLIC)
    found.append((f"public/{PLAN_PDF}", REPUBLISH, "Beredskabets PDF", public, None))
    found.append((f"public/{PLAN_FOLDER}/index.html", REPUBLISH, "Beredskabets webudgave", public, None))
    citizen = _citizen_facts(ds)
    for path, title in CITIZEN_FILES:
        found.append((path, REPUBLISH, title, citizen, None))
    for contact in ds.shown_contacts():
        found.append((f"intranet/{vcard.contact_path(contact)}", RESHARE, f"vCard for {contact.name}",
                      _contact(contact, contact.phones), vcard.card(contact, ds)))
    team = vcard.team(ds)
    everyone = {}
    for contact in team:
        everyone |= _contact(contact, contact.phones)
    found.append((f"intranet/{vcard.TEAM_FILE}", RESHARE, "vCard for hele teamet", everyone,
                  "".join(vcard.card(c, ds) for c in team)))
    return found


def printed(ds: DataSet, folder: Path, waiting: dict[str, Path] | None = None,
            known: dict[str, str] | None = None) -> tuple[dict[str, dict], dict]:
    """For every file in the build in `folder` that is printed or published, read back from what was written
    there: path -> {"title", "group", "facts", "digest", "lines"} for the marker (the text itself is not
    kept: only a hash of each line), and path -> its lines of text, to quote what changed. `waiting` names
    where a part still lies that is moved into place later: {"intranet/handlekort": folder/".handlekort"}.
    `known`: the text of files the parts already read back (`read_ahead`), by path in the build."""
    files = _files(ds)
    known = known or {}
    pdftotext = _program("pdftotext") if any(f[0].endswith(".pdf") and f[0] not in known for f in files) else ""

    def read(path: str, given: str | None) -> str:
        if given is not None:
            return given
        if path in known:
            return known[path]
        file = folder / path
        for place, there in (waiting or {}).items():
            if path == place or path.startswith(place + "/"):
                file = there / path[len(place) + 1:] if path != place else there
        return _text(pdftotext, file)

    with ThreadPoolExecutor(4) as pool:  # pdftotext runs in its own processes
        texts = list(pool.map(read, [f[0] for f in files], [f[4] for f in files]))
    items, lines = {}, {}
    for (path, group, title, facts, _), text in zip(files, texts):
        text = "\n".join(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)
        flat = " ".join(text.split())
        # Only the values this file shows: a contact it does not print is none of its reasons.
        names = {k.rpartition(": ")[0]: " ".join(f[1].split()) for k, f in facts.items() if k.endswith(": navn")}
        shown = {k: f for k, f in facts.items()
                 if k.rpartition(": ")[0] not in names or names[k.rpartition(": ")[0]] in flat}
        lines[path] = text.splitlines()
        items[path] = {"title": title, "group": group, "facts": shown, "lines": [_line(t) for t in lines[path]],
                       "digest": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return items, lines


def _line(text: str) -> str:
    """A line of text as the marker keeps it: the start of its SHA-256, enough to tell lines apart."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MissingTool(f"Listen over, hvad der skal genoptrykkes, kan ikke laves, fordi programmet \"{name}\" "
                          "ikke er installeret. Installér det og byg igen:\n  sudo apt-get install poppler-utils")
    return found


def read_ahead(ds: DataSet, place: str, there: Path) -> dict[str, str]:
    """The text of each printed or published file under `place` in the build (a folder, or one file), read back
    now from `there`, where the part of the build that made it wrote it: `printed` then takes it as `known`
    instead of reading it again, while the part everything waits for is still at work. A PDF's text also goes
    into the cache of rendered artefacts. Without pdftotext no PDF is read here (`printed` says what is missing)."""
    pdftotext = shutil.which("pdftotext")
    found = {}
    for path in _read_back(ds):
        if path == place or path.startswith(place + "/"):
            if path.endswith(".pdf") and not pdftotext:
                continue
            found[path] = _text(pdftotext or "", there / path[len(place) + 1:] if path != place else there)
    return found


def _text(pdftotext: str, file: Path) -> str:
    """The text of a file the build wrote: a PDF's as pdftotext reads it, a page's as a reader sees it."""
    if file.suffix == ".pdf":
        return _pdf_text(pdftotext, file)
    if file.suffix == ".html":
        return page_text(file.read_text(encoding="utf-8"))
    return file.read_text(encoding="utf-8")


def _pdf_text(pdftotext: str, pdf: Path) -> str:
    """The text of `pdf` as pdftotext reads it; from the cache of rendered artefacts for a PDF read before."""
    options = ["-enc", "UTF-8"]
    text, _ = cache.cached("pdf-text", lambda: {"pdf": pdf.read_bytes(), "options": options,
                                                "program": cache.program(pdftotext, "-v")}, lambda: (_pdftotext(pdftotext, options, pdf), {}))
    return text.decode("utf-8", "replace")


def _pdftotext(pdftotext: str, options: list[str], pdf: Path) -> bytes:
    try:
        done = subprocess.run([pdftotext, *options, str(pdf), "-"], capture_output=True,
                              timeout=TOOL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SystemFault(f"pdftotext kunne ikke læse \"{pdf.name}\" inden for {TOOL_TIMEOUT:.0f} sekunder.") from None
    if done.returncode != 0:
        raise SystemFault(f"pdftotext kunne ikke læse \"{pdf.name}\", som infohus lige har lavet "
                          f"(kode {done.returncode}). Meld fejlen til dem, der vedligeholder infohus.")
    return done.stdout


class _Text(HTMLParser):
    """The text a reader sees on a page: no script, style or template, a line break at every block."""

    HIDDEN = {"script", "style", "template", "head"}
    BLOCKS = {"p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
              "footer", "nav", "ul", "ol", "table", "td", "th", "dt", "dd", "caption", "blockquote", "aside", "main", "details", "summary", "figure"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The visible text of an HTML page, a line per block."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# --- comparing with the build before ---------------------------------------------------------------------

def compare(before: dict | None, now: dict, ds: DataSet, lines: dict[str, list[str]]) -> Report:
    """What changed from the earlier marker's content list `before` (None: nothing to compare with) to `now`,
    whose files have the lines of text `lines`."""
    earlier = {k: v for k, v in (before or {}).items() if "digest" in v and "group" in v}  # older lists: facts only
    if not earlier:
        return NO_REPORT
    changes, unchanged, same_vcards = [], [], 0
    order = {g: i for i, g in enumerate(GROUPS)}
    place = {item: i for i, item in enumerate([*now, *sorted(set(earlier) - set(now))])}  # cards, sheet, binder, …
    for item in sorted(place, key=lambda i: (order.get((now.get(i) or earlier[i])["group"], 9), place[i])):
        old, new = earlier.get(item), now.get(item)
        if new is None:
            changes.append(Change(item, old["group"], f"{_cut(old['title'])} ({_cut(item)}) findes ikke længere: "
                                  + ("tag den ud af omløb." if old["group"] == REPRINT else "fjern den.")))
        elif old is None:
            changes.append(Change(item, new["group"], f"{new['title']} ({item}) er ny."))
        elif old["digest"] != new["digest"]:
            reasons = _reasons(old["facts"], new["facts"]) or _text_reasons(old.get("lines", []), lines.get(item, []))
            text = f"{new['title']} ({item}): {'; '.join(reasons) or 'indholdet er ændret'}."
            if item in (f"public/{PLAN_PDF}", f"public/{PLAN_FOLDER}/index.html") and _adopted(ds):
                text += (" Det er ændringer i det vedtagne beredskab: forelæg dem for "
                         f"{ds.municipality.governance.adopted_by}.")
            changes.append(Change(item, new["group"], text))
        elif new["group"] == RESHARE:
            same_vcards += 1
        else:
            unchanged.append(f"{new['title']} ({item})")
    if same_vcards:
        unchanged.append(f"{same_vcards} vCard" + ("s" if same_vcards > 1 else ""))
    return Report(True, tuple(changes), tuple(unchanged))


def _adopted(ds: DataSet) -> bool:
    return not ds.municipality.governance.draft


def _quoted(before: str, after: str) -> str:
    return f": {before} → {after}" if max(len(before), len(after)) <= SHORT else ""


def _reasons(old: dict, new: dict) -> list[str]:
    reasons, said = [], set()
    for key in [*new, *(k for k in old if k not in new)]:
        if key not in old:
            reasons.append(f"{_cut(new[key][0])} er kommet til")
        elif key not in new:
            reasons.append(f"{_cut(old[key][0])} er fjernet")
        elif old[key][1] != new[key][1]:
            pair = (_cut(old[key][1]), _cut(new[key][1]))
            if pair not in said:  # the owner's name is also a contact's name: said once
                said.add(pair)
                reasons.append(f"{_cut(new[key][0])} er ændret{_quoted(*pair)}")
    return list(dict.fromkeys(reasons))  # the A4 sheet shows one owner on every card: said once


def _text_reasons(old: list[str], new: list[str]) -> list[str]:
    """The lines of text that are new or changed, quoted short, when no listed fact explains the change.

    The earlier build kept only a hash of each line, so what was there before is counted, never quoted."""
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, [_line(t) for t in new],
                                                       autojunk=False).get_opcodes():
        now = _cut(" ".join(new[j1:j2]), QUOTE)
        if tag == "insert":
            found.append(f"ny tekst: »{now}«")
        elif tag == "delete":
            found.append("tekst er fjernet (" + ("én linje" if i2 - i1 == 1 else f"{i2 - i1} linjer") + ")")
        elif tag == "replace":
            found.append(f"teksten er ændret, nu: »{now}«")
    if len(found) > LINES:
        found = [*found[:LINES], f"og {len(found) - LINES} steder mere"]
    return found


def _cut(text: str, length: int = SHORT) -> str:
    """A text from a file, on one line, cut short, with control characters left out."""
    text = "".join(c for c in " ".join(text.split()) if c.isprintable())
    return text if len(text) <= length else text[:length - 1] + "…"


def history(before: dict | None, report: Report, ds: DataSet) -> list[dict]:
    """The builds with changes, newest first: this one (if anything changed) and those the old marker kept."""
    earlier = list((before or {}).get("history", []))
    if report.changes:
        earlier.insert(0, {"date": ds.today.isoformat(), "shown": date_text(ds.today),
                           "changes": [f"{GROUPS[c.group]}: {c.text}" for c in report.changes]})
    return earlier[:HISTORY]



# --- foreseen from the data alone (infohus edit) ---------------------------------------------------------

def foreseen(before: DataSet, after: DataSet) -> Report:
    """Which printed and published files an edit changes, from the facts each file shows (names, numbers,
    e-mail, hours, titles …) in the data before and after it, without building: a file whose facts differ
    is listed with why, in the words of the build's report. A change the facts do not hold (a text of the
    plan, a page number) is not seen here; the next build's report is the final word."""
    then = {path: (group, facts) for path, group, _, facts, _ in _files(before)}
    changes, unchanged = [], []
    for path, group, title, facts, _ in _files(after):
        old = then.get(path)
        if old is None:
            changes.append(Change(path, group, f"{title} ({path}) er ny."))
            continue
        reasons = _reasons(old[1], facts)
        if reasons:
            changes.append(Change(path, group, f"{title} ({path}): {'; '.join(reasons)}."))
        elif group != RESHARE:
            unchanged.append(f"{title} ({path})")
    now = {path for path, *_ in _files(after)}
    for path, (group, _) in then.items():
        if path not in now:
            changes.append(Change(path, group, f"{_cut(path)} findes ikke længere."))
    order = {g: i for i, g in enumerate(GROUPS)}
    return Report(True, tuple(sorted(changes, key=lambda c: order[c.group])), tuple(unchanged))
