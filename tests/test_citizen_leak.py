"""The public site never carries internal data: markers planted in every internal text never reach OUT/public.

Each municipality's data (with the national folder) is copied, and every text the citizen page must not show is
replaced by a unique marker: every text of every record without `visibility: public`, and the internal-only
fields of public records (internal notes, internal phones, who verified, source sections). Ids of internal
records become markers too, everywhere they are referenced. Every internal record is also referenced from a
public one where the check allows it (each internal contact from a public outcome and a public communication
rule, each internal term from a public term, an extra internal source from a public warning sign); an extra
internal legal rule and level are named from a public outcome only in a copy, which the check must refuse.
Then `infohus build` runs in-process and no marker may appear in any file under OUT/public. Negative controls prove the markers were planted where the
build reads them: every marker is in the loaded records, and the handbook (OUT/intranet) shows some of them.

The beredskab's public edition (OUT/public/beredskab/ and the text of beredskab.pdf) shows more of the
municipality record than the citizen page (the team, its organisation, governance) and names each staff
member by their `function`: markers in those fields may appear there, and must (a positive control), but
nowhere else under OUT/public. The internal edition (OUT/intranet/beredskab-intern.pdf) shows named people.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import MUNICIPALITIES, TODAY, error_lines
from macros.citizen.page import build_public
from macros.citizen.view import public_view
from macros.common.dates import date_text
from macros.cli import main
from macros.model.contacts import phone_digits
from macros.model.dataset import load_dataset
from macros.model.loader import load
from macros.model.problems import errors
from support.fields import schema, walk

ROOT = Path(__file__).resolve().parent.parent
LIST_KEYS = {"sources": ("sources",), "organisations": ("organisations",), "contacts": ("contacts",),
             "definitions": ("definitions",), "warning_signs": ("warning_signs",), "legal": ("legal",),
             "escalation": ("levels", "paths"), "forms": ("forms",), "communication": ("communication",),
             "cards": ("cards",)}
# The municipality record has no visibility of its own; these are the fields the citizen page may show.
MUNICIPALITY_PUBLIC = {("name",), ("urls", "public"), ("urls", "accessibility"), ("urls", "underretning"),
                       ("what_happens", "text"), ("what_happens", "en"),
                       *(("after_hours", *topic, field) for topic in ((), *(("topics", t) for t in
                         ("extremism", "social_control", "honour"))) for field in ("text", "when"))}
# ...and these the beredskab's public edition shows besides (the schema says they are public).
PLAN_MUNICIPALITY = {("team",), ("anchoring",), ("description",), ("organisations", "name"), ("organisations", "short"),
                     ("meetings", "team"), ("meetings", "steering"), ("urls", "beredskab"), ("governance", "adopted_by"),
                     ("governance", "versions", "version"), ("governance", "versions", "note"),
                     *((("covered_elsewhere", t),) for t in ("extremism", "social_control", "honour"))}
# A contact's function is public even on an internal contact: the public edition names it instead of the person.
PLAN_CONTACT = {("function",)}
# Knowledge, not people: the beredskab's public edition is the plan minus people, so it shows every sign and factor
# and defines every term it uses, whatever their visibility (which decides only the citizen page).
PLAN_KNOWLEDGE = {"warning_signs": {("text",)}, "definitions": {("term",), ("expansion",), ("definition",)}}
# Internal-only fields inside a public record.
INTERNAL_FIELDS = {("internal_note",), ("verified", "by"), ("source", "section")}
# Id references: (list, field path without indices) -> the kind of record they name. Ids are per kind.
REFS = {
    ("contacts", ("organisation",)): "organisations", ("definitions", ("related",)): "definitions",
    ("paths", ("outcomes", "level")): "levels", ("paths", ("outcomes", "contacts")): "contacts",
    ("paths", ("outcomes", "legal")): "legal", ("communication", ("first_inform",)): "contacts",
    ("cards", ("contacts",)): "contacts", ("cards", ("path",)): "paths",
    ("municipality", ("coordinator",)): "contacts", ("municipality", ("governance", "owner")): "contacts",
    ("municipality", ("organisations", "id")): "organisations", ("municipality", ("id",)): "municipality",
}
# Opening hours given to every internal contact, so they can be looked for too.
INTERNAL_HOURS = ("06:17", "19:43")
MARKER = r"zqleak\d{5}z"
# The id of the extra internal source, legal rule and level planted in each copy (`decoys`).
DECOY = "intern-attrap"
# The beredskab's public edition, as files under OUT/public.
PLAN_WEB, PLAN_PDF = "beredskab/index.html", "beredskab.pdf"


class Planter:
    """Replaces internal texts with unique markers and remembers where each one went."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}  # marker -> "file: path"
        self.plan_public: set[str] = set()  # markers in fields the beredskab's public edition may show
        self.phones: dict[str, str] = {}  # 8 digits -> "file: path"
        self.ids: dict[tuple[str, str], str] = {}  # (kind, internal record id) -> marker id
        self.overridden: set[str] = set()  # "file: path" prefixes of national texts a municipality replaces
        self.referenced: dict[str, list[str]] = {}  # kind -> internal ids a public record references
        self._n = 0
        self._phone = 72350000

    def marker(self, where: str) -> str:
        self._n += 1
        value = f"zqleak{self._n:05d}z"
        self.where[value] = where
        return value

    def rename(self, kind: str, record_id: str, label: str) -> None:
        """Give an internal record id a marker (once per kind: an override shares its national id)."""
        if (kind, record_id) not in self.ids:
            self.ids[kind, record_id] = self.marker(f"{label}: id {record_id}")

    def read(self, marker: str) -> bool:
        """True unless the marker sits in a national text that the municipality overrides."""
        return not any(self.where[marker].startswith(prefix) for prefix in self.overridden)

    def phone(self, where: str) -> str:
        while True:
            self._phone += 1
            digits = str(self._phone)
            if phone_digits(digits) == digits:
                break
        self.phones[digits] = where
        return " ".join(digits[i:i + 2] for i in range(0, 8, 2))

    def text_leaf(self, value: str, kind: str, path: tuple, where: str) -> str:
        """A replacement for one string leaf of an internal record, valid for its schema type."""
        if kind == "text":
            return self.marker(where)
        if kind == "email":
            return f"{self.marker(where)}@hjoerring.dk"
        if kind == "url":
            return f"https://{self.marker(where)}.example.dk/"
        if path[-1] == "number" and "phones" in path:
            return self.phone(where)
        return value  # ids (renamed later), dates, times, enums and patterns keep their value


def _relative(path: tuple, prefix: tuple) -> tuple:
    return tuple(p for p in path[len(prefix):] if not isinstance(p, int))


def plant(data_root: Path) -> Planter:
    """Plant markers in the copies under `data_root` (municipality folder and national/)."""
    planter = Planter()
    files = sorted(data_root.glob("*/*.yml"))
    docs = {}
    for file in files:
        doc, problems = load(file, str(file))
        assert not problems, problems
        docs[file] = doc.data
    decoys(docs, data_root)
    # Municipality records replace national ones with the same id; the replaced ones are never read.
    local_ids = {(key, r["id"]) for file, data in docs.items() if file.parent.name != "national"
                 for key in LIST_KEYS.get(file.stem, ()) for r in data.get(key, [])}
    if any(f.parent.name != "national" and f.stem == "warning_signs" and "caveat" in d for f, d in docs.items()):
        planter.overridden.add("national/warning_signs.yml: caveat")

    for file, data in docs.items():
        kind = file.stem
        root = schema(f"{kind}.schema.json")
        label = f"{file.parent.name}/{file.name}"

        def visit(value, name, path, file=file, label=label, data=data):
            where = f"{label}: {'.'.join(map(str, path))}"
            if kind == "municipality":
                inner = path[1:]
                if inner in MUNICIPALITY_PUBLIC:
                    return value
                planted = planter.text_leaf(value, name, inner, where)
                if planted != value and _relative(path, path[:1]) in PLAN_MUNICIPALITY:
                    planter.plan_public.update(re.findall(MARKER, planted))
                return planted
            if kind == "plan":  # the plan's own text is public; only where in a source it stands is not
                return planter.marker(where) if path[1:] == ("source", "section") else value
            if kind == "national":  # one object of settings, none of them public
                return planter.text_leaf(value, name, path[1:], where)
            if kind == "warning_signs" and path == ("caveat",):  # the plan shows it over the public signs
                planted = planter.marker(where)
                planter.plan_public.add(planted)
                return planted
            list_key, index = path[0], path[1] if len(path) > 1 else None
            record = data[list_key][index]
            inner = path[2:]
            if record.get("visibility") == "public":
                if _relative(path, (list_key, index)) in INTERNAL_FIELDS:
                    return planter.marker(where)
                return value
            planted = planter.text_leaf(value, name, inner, where)
            if kind == "contacts" and planted != value and _relative(path, (list_key, index)) in PLAN_CONTACT:
                planter.plan_public.add(planted)
            if planted != value and _relative(path, (list_key, index)) in PLAN_KNOWLEDGE.get(kind, ()):
                planter.plan_public.update(re.findall(MARKER, planted))
            return planted

        docs[file] = walk(data, root, root, (), visit)

        # Internal record ids become markers, per kind (a card and a path may share an id).
        if kind == "municipality":
            m = docs[file]["municipality"]
            planter.rename("municipality", m["id"], label)
            for org in m.get("organisations", []):
                planter.rename("organisations", org["id"], label)
        for list_key in LIST_KEYS.get(kind, ()):
            for index, record in enumerate(docs[file].get(list_key, [])):
                if record.get("visibility") != "public":
                    planter.rename(list_key, record["id"], label)
                if file.parent.name == "national" and (list_key, record["id"]) in local_ids:
                    planter.overridden.add(f"{label}: {list_key}.{index}.")

    planter.referenced = reference_internal(docs, planter)
    for file, data in docs.items():
        kind = file.stem
        root = schema(f"{kind}.schema.json")
        if kind == "contacts":
            for i, contact in enumerate(data["contacts"]):
                where = f"{file.parent.name}/{file.name}: contacts[{i}]"
                if contact.get("visibility") == "public":
                    if "internal_note" not in contact:
                        contact["internal_note"] = planter.marker(where + ".internal_note")
                    contact.setdefault("phones", []).append(
                        {"number": planter.phone(where + ".phones[+]"), "label": planter.marker(where + ".phones[+].label"),
                         "visibility": "internal"})
                else:
                    for hours in contact.get("hours", []):
                        hours["from"], hours["to"] = INTERNAL_HOURS
        data = walk(data, root, root, (), lambda v, name, path, kind=kind: _rename(planter, kind, v, name, path))
        header = f"# yaml-language-server: $schema=../schema/{kind}.schema.json\n"
        file.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                        encoding="utf-8")
    return planter


def _doc(docs: dict, data_root: Path, folder: str, kind: str) -> dict:
    return docs[data_root / folder / f"{kind}.yml"]


def decoys(docs: dict, data_root: Path) -> None:
    """One more internal record of each kind the data may hold none of (a source, a legal rule, a level), made
    from a copy of a public one without its visibility: its texts become markers like every internal text."""
    municipality = next(p.parent.name for p in docs if p.parent.name != "national")
    sources = _doc(docs, data_root, municipality, "sources")["sources"]
    sources.append({k: v for k, v in sources[0].items() if k not in ("visibility", "example")} | {"id": DECOY})
    legal = _doc(docs, data_root, "national", "legal")["legal"]
    legal.append({k: v for k, v in legal[0].items() if k not in ("visibility", "topics")} | {"id": DECOY})
    levels = _doc(docs, data_root, municipality, "escalation")["levels"]
    levels.append({k: v for k, v in levels[0].items() if k != "visibility"} | {"id": DECOY})


def reference_internal(docs: dict, planter: Planter) -> dict[str, list[str]]:
    """Reference every internal record from a public one, where the check allows it: every internal contact
    from a public outcome and from a public communication rule, every internal term from a public term's
    related terms, and the internal source from a public record. Returns kind -> the ids referenced.

    A public path naming an internal legal rule or level is refused by the check instead (see
    test_a_public_path_naming_any_internal_rule_or_level_is_refused)."""
    internal = {kind: [rid for (k, rid) in planter.ids if k == kind] for kind in ("contacts", "definitions")}
    by_kind = {(f.parent.name, f.stem): d for f, d in docs.items()}
    municipality = next(folder for folder, _ in by_kind if folder != "national")
    cards = by_kind[municipality, "cards"]["cards"]
    on_cards = {(c.get("path"), c.get("outcome")) for c in cards}
    path = next(p for p in by_kind[municipality, "escalation"]["paths"]
                if p.get("visibility") == "public" and p["audience"] == "staff")
    outcome = next(o for o in path["outcomes"] if (path["id"], o["id"]) not in on_cards)  # cards keep their size
    outcome["contacts"] += [c for c in internal["contacts"] if c not in outcome["contacts"]]
    rule = next(r for r in by_kind[municipality, "communication"]["communication"] if r.get("visibility") == "public")
    rule["first_inform"] += [c for c in internal["contacts"] if c not in rule["first_inform"]]
    overridden = {d["id"] for d in by_kind.get((municipality, "definitions"), {}).get("definitions", [])}
    term = next(d for folder in (municipality, "national") for d in by_kind.get((folder, "definitions"), {})
                .get("definitions", []) if d.get("visibility") == "public" and (folder == municipality
                                                                                 or d["id"] not in overridden))
    term["related"] = [*term.get("related", []), *(d for d in internal["definitions"]
                                                    if d != term["id"] and d not in term.get("related", []))]
    cites = next(s for s in by_kind[municipality, "warning_signs"]["warning_signs"] if s.get("visibility") == "public")
    cites["source"]["doc"] = DECOY
    return {"contacts": internal["contacts"], "definitions": internal["definitions"], "sources": [DECOY],
            "outcome": [path["id"], outcome["id"]], "term": [term["id"]]}


def _rename(planter: Planter, kind: str, value: str, name: str | None, path: tuple) -> str:
    """The marker id for an id or id reference to an internal record; other values unchanged."""
    if name != "id":
        return value
    if kind in ("municipality", "national"):  # one object each, not a list of records
        scope, rel = kind, _relative(path, path[:1])
    else:
        scope, rel = path[0], _relative(path, path[:2])
    if rel == ("id",) and (kind == "municipality" or len(path) == 3):
        target = scope
    elif rel == ("source", "doc"):
        target = "sources"
    else:
        target = REFS.get((scope, rel))
    return planter.ids.get((target, value), value) if target else value


def _strings(obj, seen=None) -> list[str]:
    """Every string reachable from a record graph (dataclasses, containers)."""
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (*_strings(k, seen), *_strings(v, seen))]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [s for v in obj for s in _strings(v, seen)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # origin holds the raw YAML and problems quote it: neither is what renderers receive.
        return [s for f in dataclasses.fields(obj) if f.name not in ("origin", "problems")
                for s in _strings(getattr(obj, f.name), seen)]
    return []


@pytest.fixture(scope="module", params=list(MUNICIPALITIES))
def planted(request, tmp_path_factory):
    """A municipality's data with markers planted, built with `infohus build`; (planter, data dir, out dir)."""
    name = request.param
    base = tmp_path_factory.mktemp(f"leak-{name}")
    data_root = base / "data"
    shutil.copytree(MUNICIPALITIES[name], data_root / name)
    shutil.copytree(ROOT / "data" / "national", data_root / "national")
    planter = plant(data_root)
    out = base / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        code = main(["build", "--data", str(data_root / name), "--out", str(out)])
    assert code == 0, f"infohus build failed on the planted data of {name}"
    return planter, data_root / name, out


def _files(folder: Path) -> dict[str, str]:
    """Every file under `folder` as text; a PDF as the text pdftotext extracts from it."""
    return {str(p.relative_to(folder)): _pdf_text(p) if p.suffix == ".pdf" else
            p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()}


def _pdf_text(pdf: Path) -> str:
    """The PDF's text with every line joined: a marker in a URL may be broken across two lines."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", "", text)


def _markers(content: str) -> set[str]:
    return set(re.findall(MARKER, content))


def test_planted_data_is_valid_and_markers_reach_the_records(planted, monkeypatch):
    planter, data_dir, _ = planted
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, problems = load_dataset(data_dir)
    assert ds is not None and not errors(problems), "\n".join(map(str, errors(problems)))
    national = data_dir.parent / "national"
    assert any(c.origin.file.startswith(str(national)) for c in ds.contacts.values()), \
        "the build did not read the planted national folder"
    everything = "\n".join(_strings(ds))
    missing = [f"{m} ({w})" for m, w in planter.where.items() if planter.read(m) and m not in everything]
    assert not missing, "markers the loader never read:\n" + "\n".join(missing)
    missing_phones = [d for d in planter.phones if " ".join(d[i:i + 2] for i in range(0, 8, 2)) not in everything]
    assert not missing_phones, missing_phones
    assert len(planter.where) > 300 and len(planter.phones) >= 10  # planted at scale in either municipality


def test_no_marker_reaches_any_public_file(planted):
    """No internal text in any public file; in the beredskab's public edition only its public fields."""
    planter, _, out = planted
    files = _files(out / "public")
    assert {"index.html", "en/index.html", "embed.html", "contacts.json", PLAN_WEB, PLAN_PDF} <= set(files)
    assert len(files) <= 7, "only the pages, the embed, the contacts, the logo and the beredskab are published"
    leaks = [f"{name}: {m} (planted in {planter.where[m]})" for name, content in files.items()
             for m in _markers(content) - (planter.plan_public if name in (PLAN_WEB, PLAN_PDF) else set())]
    assert not leaks, "internal data on the public site:\n" + "\n".join(sorted(set(leaks)))


def test_the_public_edition_shows_functions_and_the_team_but_the_internal_edition_names_people(planted):
    """Positive and negative controls for the beredskab's gate: the markers it may show do show, in the web
    edition and in the PDF's text, and the people behind the functions show only in the internal PDF."""
    planter, data_dir, out = planted
    functions = {m for m in planter.plan_public if planter.where[m].endswith(".function")}
    team = next(m for m, w in planter.where.items() if w.endswith("municipality.yml: municipality.team"))
    names = {m for m, w in planter.where.items() if re.search(r"contacts\.yml: contacts\.\d+\.name$", w)
             and w.startswith(data_dir.name)}
    assert functions and names
    internal = _markers(_pdf_text(out / "intranet" / "beredskab-intern.pdf"))
    for name in (PLAN_WEB, PLAN_PDF):
        shown = _markers(_files(out / "public")[name])
        assert team in shown and shown & functions, f"{name} does not show the planted team and functions"
        knowledge = {m for m in planter.plan_public if re.search(r"(warning_signs|definitions)\.yml: ", planter.where[m])}
        assert shown & knowledge, f"{name} does not show the internal signs and terms the plan defines"
        assert not shown & names
    assert names & internal, "the internal edition names no planted person: it did not read the planted data"
    assert team in internal
    assert not (out / "public" / "beredskab-intern.pdf").exists()
    assert not list((out / "public").rglob("*intern*"))


def test_no_internal_phone_or_hours_reach_any_public_file(planted):
    planter, _, out = planted
    leaks = []
    for name, content in _files(out / "public").items():
        digits = re.sub(r"[\s.\-]|&nbsp;|\u00a0", "", content)
        leaks += [f"{name}: phone {d} (planted in {w})" for d, w in planter.phones.items() if d in digits]
        leaks += [f"{name}: internal hours {t}" for t in INTERNAL_HOURS
                  if t in content or t.replace(":", ".") in content]
    assert not leaks, "\n".join(leaks)


def test_negative_control_markers_do_reach_the_handbook(planted):
    planter, _, out = planted
    found = {m for content in _files(out / "intranet").values() for m in _markers(content)}
    assert found, "no planted marker in OUT/intranet: the build did not read the planted data"


def test_negative_control_the_same_record_made_public_does_reach_the_page(planted, tmp_path, monkeypatch):
    """The visibility gate, not the shape of the markers, is what keeps them off the page."""
    planter, data_dir, _ = planted
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    copy = tmp_path / "data"
    shutil.copytree(data_dir.parent, copy)
    contacts_file = copy / data_dir.name / "contacts.yml"
    doc, problems = load(contacts_file, str(contacts_file))
    assert not problems and doc.data["contacts"][0].get("visibility") != "public"
    doc.data["contacts"][0]["visibility"] = "public"
    contacts_file.write_text(yaml.safe_dump(doc.data, allow_unicode=True, sort_keys=False, width=1000),
                             encoding="utf-8")
    ds, problems = load_dataset(copy / data_dir.name)
    assert ds is not None and not errors(problems), "\n".join(map(str, errors(problems)))
    build_public(ds, tmp_path / "public")
    page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")
    name = next(m for m, w in planter.where.items() if w == f"{data_dir.name}/contacts.yml: contacts.0.name")
    note = next(m for m, w in planter.where.items() if w == f"{data_dir.name}/contacts.yml: contacts.0.internal_note")
    assert name in page, "a contact made public must show; otherwise the leak scan proves nothing"
    assert note not in page, "an internal note must stay internal even on a public contact"


def test_public_site_still_shows_the_public_facts_after_planting(planted, monkeypatch):
    _, data_dir, out = planted
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(MUNICIPALITIES[data_dir.name])  # the unplanted data: what the page must still say
    page = (out / "public" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")  # as read
    for fact in ("tel:112", "tel:114", "tel:+4541749090", "41 74 90 90", ds.municipality.name):
        assert fact in page
    local = [c for c in ds.contacts.values() if c.public and c.organisation in
             {o.id for o in ds.municipality.organisations}]
    assert local and all(c.name in page for c in local)
    assert date_text(public_view(ds).updated, "da") in page  # "Sidst opdateret", as before planting


def test_every_internal_record_a_public_one_may_reference_is_referenced(planted, monkeypatch):
    """Control for the leak scan: the public outcome, the public communication rule, the public term and the
    public warning sign really reference every internal contact, every internal term and the internal source,
    and the public edition names each referenced contact by its function (the one thing the gate lets through)."""
    planter, data_dir, out = planted
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(data_dir)
    ids = {kind: {planter.ids[kind, rid] for rid in planter.referenced[kind]} for kind in ("contacts", "definitions")}
    assert len(ids["contacts"]) >= 5 and ids["definitions"]
    path_id, outcome_id = planter.referenced["outcome"]
    assert ids["contacts"] <= set(ds.paths[path_id].outcome(outcome_id).contacts)
    assert ids["contacts"] <= {c for r in ds.communication.values() if r.visibility == "public" for c in r.first_inform}
    assert ids["definitions"] <= {r for d in ds.definitions.values() if d.visibility == "public" for r in d.related}
    source = planter.ids["sources", DECOY]
    assert any(s.visibility == "public" and s.source.doc == source for s in ds.warning_signs.values())
    assert source in ds.sources and planter.ids["legal", DECOY] in ds.legal and planter.ids["levels", DECOY] in ds.levels
    functions = {ds.contacts[c].function for c in ids["contacts"] if ds.contacts[c].function}
    assert functions, "the referenced internal contacts have functions to show"
    web = (out / "public" / PLAN_WEB).read_text(encoding="utf-8")
    assert all(f in web for f in functions), "a referenced internal contact is named by its function"


def test_a_public_path_naming_any_internal_rule_or_level_is_refused(planted, tmp_path, check):
    """The references the check does not allow: each internal legal rule and level named from a public outcome
    is one error at that reference (and then nothing is built)."""
    planter, data_dir, _ = planted
    copy = tmp_path / "data"
    shutil.copytree(data_dir.parent, copy)
    escalation = copy / data_dir.name / "escalation.yml"
    doc, _ = load(escalation, str(escalation))
    rules = [planter.ids[k, rid] for (k, rid) in planter.ids if k == "legal"]
    levels = [planter.ids[k, rid] for (k, rid) in planter.ids if k == "levels"]
    assert rules and levels
    path = next(p for p in doc.data["paths"] if p.get("visibility") == "public")
    outcomes = path["outcomes"][:len(levels)]
    assert len(outcomes) == len(levels), "one public outcome per internal level"
    for outcome, level in zip(outcomes, levels):
        outcome["level"] = level
    path["outcomes"][0]["legal"] = [*path["outcomes"][0].get("legal", []), *rules]
    escalation.write_text(yaml.safe_dump(doc.data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    code, output = check(copy / data_dir.name)
    refused = [line for line in error_lines(output) if line.startswith(f"{escalation}:")]
    assert code == 1
    assert len([line for line in refused if "som er intern" in line]) == len(rules) + len(levels), output
    assert all(f"»{path['title']}«" in line for line in refused)
