"""Format 1 -> 2: a municipality's data as infohus 0.1.0 (and every commit before 0.2.0) read it, brought to
infohus 0.2.0's format.

What changed between the two, and what this step does about each (CHANGES, in order):
- plan.yml is required, the beredskab's own text: written from the scaffold's template (what `infohus new`
  writes), as template text that `infohus check` warns about and `--strict` refuses until it is written.
- municipality.urls.beredskab is required: set to the citizen page's address + "beredskab/", where the
  public web edition lies when OUT/public/ is published there; the coordinator is asked to check it.
- `verified` is required on the municipality's own definitions and organisations: set to the date of the
  data's newest version, with `unconfirmed` saying so, so the check warns until someone confirms them.
- National ids infohus no longer ships: a reference is changed to the replacement or removed from its
  list, with the reason (REMOVED_NATIONAL_IDS); a single reference without replacement is left to decide.
- Contact roles: `hotline` is now `helpline`; `reporting_duty` is gone.
- municipality.after_hours is required (whom citizens call out of office hours): set to the police on 114, who
  can contact the municipality's social services on call, with `needs_confirmation: true`, so the check warns
  and `--strict` refuses until the municipality has confirmed the route or written its own.

A change to format 2 made before 0.2.0 is released (a new required field, a removed national id) extends
this step: a function below, listed in CHANGES, and the fixtures in tests/formats/ (see RELEASING.md).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..common.paths import SCHEMA_DIR
from ..model.loader import format_path
from ..model.plan import SECTIONS
from ..scaffold.create import template_text
from .report import Report
from .yamlfile import Folder, YamlFile, insert_after, insert_before, quoted

FROM, TO = 1, 2

# National ids that format-1 data may name and infohus 0.2.0 no longer ships (every id any earlier release
# shipped is listed in tests/formats/format-1-national-ids.json; the tests hold this table to it).
# kind -> old id -> (the id that replaces it, or None; why, in Danish; words that may still name it in a text)
REMOVED_NATIONAL_IDS: dict[str, dict[str, tuple[str | None, str, tuple[str, ...]]]] = {
    "contacts": {
        "udlaendingestyrelsen-indberetning": (
            None, "infohus har ikke længere en kontakt for kommunernes indberetningspligt til Udlændingestyrelsen: "
                  "pligten gælder offentlige ydelser til visse udlændinge, ikke bekymringer om ekstremisme",
            ("Udlændingestyrelsen", "indberetningspligt")),
    },
    "legal": {
        "indberetning-udlaendingestyrelsen": (
            None, "infohus har ikke længere reglen om kommunernes indberetningspligt til Udlændingestyrelsen: "
                  "pligten gælder offentlige ydelser til visse udlændinge, ikke bekymringer om ekstremisme",
            ("Udlændingestyrelsen", "indberetningspligt")),
    },
    "definitions": {
        "ncfe": ("cde", "NCFE blev i 2022 lagt sammen med Udlændingestyrelsens Kontor for Landedokumentation til "
                        "Center for Dokumentation og Indsats mod Ekstremisme (CDE)", ("NCFE",)),
        "eae": (None, "begrebet EAE står ikke længere i de nationale data", ("EAE",)),
    },
    "sources": {
        "stopekstremisme": ("cde-definitioner", "stopekstremisme.dk hedder nu »Ekstremisme og radikalisering "
                                                "(nationale definitioner)« fra CDE i de nationale kilder", ()),
        "nationale-kontakter": (None, "den samlede kilde er erstattet af en kilde for hver national oplysning", ()),
        "nationale-myndigheder": (None, "den samlede kilde er erstattet af en kilde for hver national oplysning", ()),
        "forvaltningsloven": (None, "forvaltningsloven er ikke længere blandt de nationale kilder", ()),
        "nyidanmark-indberetningspligt": (None, "kilden om indberetningspligten til Udlændingestyrelsen er fjernet "
                                                "sammen med reglen", ()),
        # Law is cited from the consolidated act itself (retsinformation.dk), never from a copy elsewhere.
        "barnets-lov-15": ("barnets-lov", "barnets lov § 15 citeres nu fra selve lovbekendtgørelsen, ikke fra "
                                          "lovguiden.dk", ()),
        "serviceloven-152-154": ("barnets-lov", "underretningspligten står nu i barnets lov §§ 133 og 135, ikke i "
                                                "servicelovens §§ 152-154", ()),
        "viborg-underretning": ("barnets-lov", "den almindelige underretningspligt citeres nu fra barnets lov § 135, "
                                               "ikke fra Viborg Kommunes gengivelse af servicelovens § 154", ()),
        "egedal-rpl-115": ("retsplejeloven", "retsplejelovens § 115 citeres nu fra selve lovbekendtgørelsen, ikke "
                                             "fra Egedal Kommunes gengivelse", ()),
        "straffeloven-1985-152": ("straffeloven", "straffelovens § 152 citeres nu fra den gældende "
                                                  "lovbekendtgørelse, ikke fra lovforslaget fra 1985", ()),
        "straffeloven-kap-26": ("straffeloven", "straffelovens § 260 citeres nu fra selve lovbekendtgørelsen, ikke "
                                                "fra familieadvokaten.dk", ()),
        "njord-psykisk-vold": ("straffeloven", "straffelovens § 243 citeres nu fra selve lovbekendtgørelsen, ikke "
                                               "fra et advokatfirma", ()),
        "gdpr-betragtning-26": ("databeskyttelsesforordningen", "databeskyttelsesforordningen citeres nu fra "
                                                                "forordningen selv, ikke fra gdpr-text.com", ()),
    },
    "organisations": {
        "udlaendingestyrelsen": (None, "Udlændingestyrelsen er ikke længere en national organisation i infohus "
                                       "(CDE, som hører under den, er: cde)", ()),
    },
}
RENAMED_ROLES = {"hotline": "helpline"}
REMOVED_ROLES = {"reporting_duty": "rollen findes ikke længere, da indberetningskontakten er fjernet"}
# Reference fields: key -> the kind of record it names. A list of ids, except where marked single.
LIST_REFERENCES = {"contacts": "contacts", "first_inform": "contacts", "legal": "legal", "related": "definitions"}
SINGLE_REFERENCES = {"organisation": "organisations", "doc": "sources"}
OWN_RECORDS = {"contacts": "contacts", "legal": "legal", "definitions": "definitions", "sources": "sources",
               "organisations": "organisations"}


def run(folder: Folder, report: Report) -> None:
    """Every change from format 1 to 2, in order."""
    for change in CHANGES:
        change(folder, report)


def _municipality(folder: Folder) -> CommentedMap | None:
    """The `municipality:` mapping of municipality.yml, to read (edit only when the file is editable)."""
    data = folder.get("municipality").data
    inner = data.get("municipality") if isinstance(data, CommentedMap) else None
    return inner if isinstance(inner, CommentedMap) else None


def _editable(folder: Folder, kind: str, report: Report, what: str) -> YamlFile | None:
    """The file of `kind` to edit; None (with a note saying what to do by hand) when it may not be edited."""
    file = folder.get(kind)
    if file.base is None:
        return None
    if not file.editable:
        report.undecided(file.name, (), f"{file.why_not}, så infohus migrate har ikke rettet den. Ret selv: {what}")
        return None
    return file


# -- plan.yml ---------------------------------------------------------------------------------------------

def plan(folder: Folder, report: Report) -> None:
    """plan.yml from the scaffold's template, when the folder has none; the sections a plan of an older infohus
    lacks are reported as to be written."""
    if folder.exists("plan"):
        file = folder.get("plan")
        text = file.data.get("plan") if isinstance(file.data, CommentedMap) else None
        if isinstance(text, CommentedMap):
            sections = text.get("sections") if isinstance(text.get("sections"), CommentedMap) else {}
            at = ("plan", "sections") if "sections" in text else ("plan",)
            for key, heading in SECTIONS.items():
                if key not in sections:
                    report.to_write(file.name, at, f"{format_path(('plan', 'sections', key))}: afsnittet »{heading}« "
                                                   "mangler; skriv det (se plan.schema.json), eller skriv "
                                                   f"{key}: {{to_write: hvorfor det mangler}}.")
        return
    m = _municipality(folder)
    name = m.get("name") if m is not None else None
    if not isinstance(name, str):
        report.undecided("plan.yml", (), "filen mangler, og kommunens navn kunne ikke læses i municipality.yml. "
                                         "Ret municipality.yml, og kør infohus migrate igen.")
        return
    file = folder.create("plan", template_text("plan", folder.path, name))
    text = file.data["plan"]
    report.changed(file.name, (), "oprettet fra skabelonen (som infohus new skriver den): beredskabets egen tekst, "
                                  "der står i den offentlige udgave og i PDF'en, kommunalbestyrelsen vedtager.")
    own_source = m.get("source", {}).get("doc") if isinstance(m.get("source"), CommentedMap) else None
    if text["source"]["doc"] not in _own_ids(folder, "sources") and isinstance(own_source, str):
        text["source"]["doc"] = own_source
        file.edited = True
        report.changed(file.name, ("plan", "source", "doc"), f"henviser til {own_source}, kommunens kilde i "
                                                             "municipality.yml (source.doc).")
    described = _plan_fields()
    for key, value in text.items():
        if key == "source":
            continue
        if key == "sections":  # each section the template leaves to write says why in its to_write line
            for section, spec in value.items():
                at = ("plan", "sections", section, "to_write")
                report.to_write(file.name, at, f"{format_path(at)}: afsnittet »{SECTIONS[section]}« skal skrives: "
                                               f"{spec['to_write'].rstrip('.')}.")
            continue
        for at in [("plan", key, i) for i in range(len(value))] if isinstance(value, list) else [("plan", key)]:
            report.to_write(file.name, at, f"{format_path(at)}: {described.get(key, 'skriv teksten')} Erstat "
                                           "skabelonteksten med kommunens egne ord.")


def _plan_fields() -> dict[str, str]:
    """plan.yml's fields and what each holds, in the schema's words."""
    schema = json.loads((SCHEMA_DIR / "plan.schema.json").read_text(encoding="utf-8"))
    fields = schema["properties"]["plan"]["properties"]
    return {key: spec.get("description", "") for key, spec in fields.items()}


# -- municipality.yml ------------------------------------------------------------------------------------

def beredskab_url(folder: Folder, report: Report) -> None:
    """urls.beredskab: the address of the public edition, from the citizen page's address."""
    m = _municipality(folder)
    urls = m.get("urls") if m is not None else None
    if not isinstance(urls, CommentedMap) or "beredskab" in urls:
        return
    public = urls.get("public")
    path = ("municipality", "urls")
    if not (isinstance(public, str) and public.startswith("https://")):
        report.undecided("municipality.yml", path, "urls.beredskab mangler, og borgersidens adresse (urls.public) "
                                                   "er ikke en https-adresse. Skriv adressen på beredskabets "
                                                   "offentlige udgave under urls.beredskab.")
        return
    address = public.rstrip("/") + "/beredskab/"
    if not _editable(folder, "municipality", report, f"tilføj urls.beredskab: {address} (eller den adresse, "
                                                     "beredskabets offentlige udgave får)."):
        return
    insert_after(urls, "public", "beredskab", address)
    folder.get("municipality").edited = True
    report.changed("municipality.yml", path + ("beredskab",),
                   f"urls.beredskab sat til {address}: der ligger beredskabets offentlige udgave, når mappen public/ "
                   f"fra infohus build lægges ud på {public}. Ret adressen, hvis beredskabet offentliggøres et andet "
                   "sted.")


def after_hours(folder: Folder, report: Report) -> None:
    """after_hours: the police's 114 (a real number), the route to the social services on call to be confirmed."""
    m = _municipality(folder)
    if m is None or "after_hours" in m:
        return
    if not _editable(folder, "municipality", report, "tilføj after_hours (hvem borgere kan ringe til uden for "
                                                     "kontortid), fx politiet på 114."):
        return
    route = CommentedMap([("text", "Politiet, der kan kontakte kommunens socialvagt"), ("number", quoted("114")),
                          ("when", "uden for kontortid og i weekender"), ("needs_confirmation", True)])
    insert_after(m, "topics", "after_hours", route)
    folder.get("municipality").edited = True
    at = ("municipality", "after_hours", "needs_confirmation")
    report.to_write("municipality.yml", at, f"{format_path(at)}: after_hours er sat til politiet på 114, der kan kontakte kommunens socialvagt (borgersiden og "
                    "handlekortene viser vejen uden for kontortid). Bekræft vejen, eller skriv kommunens egen, og slet "
                    "needs_confirmation.")


# -- verified on own records -----------------------------------------------------------------------------

def verified(folder: Folder, report: Report) -> None:
    """`verified` on the municipality's own definitions and organisations: the newest version's date, and
    `unconfirmed` so the check warns until someone has confirmed each."""
    on, why = _data_date(folder)
    for kind, key, label in (("definitions", "definitions", "term"), ("organisations", "organisations", "name")):
        file = folder.get(kind)
        if file.base is None:
            continue
        items = file.data.get(key) if isinstance(file.data, CommentedMap) else None
        missing = [i for i, item in enumerate(items or ()) if isinstance(item, CommentedMap) and "verified" not in item]
        if missing and not _editable(folder, kind, report, f"tilføj verified (on og by) til hver post i {file.name}."):
            continue
        for i in missing:
            item = items[i]
            stamp = CommentedMap([("on", quoted(on)), ("by", "infohus migrate (ikke bekræftet)")])
            insert_before(item, "source", "unconfirmed", "Ført over fra dataformat 1 uden en dato for, hvornår "
                                                         "oplysningen sidst blev bekræftet.")
            insert_before(item, "source", "verified", stamp)
            file.edited = True
            report.undecided(file.name, (key, i, "verified"),
                             f"»{item.get(label)}« havde ingen dato for, hvornår den sidst blev bekræftet. verified er "
                             f"sat til {on} ({why}) med unconfirmed. Læs posten igennem, skriv dags dato og dit navn "
                             "under verified, og slet linjen unconfirmed.")


def _data_date(folder: Folder) -> tuple[str, str]:
    """The date of the data's newest version (governance.versions), and how it was found."""
    m = _municipality(folder)
    gov = m.get("governance") if m is not None else None
    versions = gov.get("versions") if isinstance(gov, CommentedMap) else None
    dates = sorted(str(v["date"]) for v in versions or () if isinstance(v, CommentedMap) and _is_date(v.get("date")))
    if dates:
        return dates[-1], "datoen for den nyeste version i municipality.yml"
    return date.today().isoformat(), "dags dato: municipality.yml har ingen version med dato"


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


# -- national ids that are gone --------------------------------------------------------------------------

def removed_national_ids(folder: Folder, report: Report) -> None:
    """Every reference to a national id infohus no longer ships: replaced, or removed with the reason."""
    own = {kind: _own_ids(folder, kind) for kind in REMOVED_NATIONAL_IDS}
    for kind in ("municipality", "contacts", "definitions", "legal", "escalation", "cards", "communication",
                 "forms", "warning_signs", "organisations", "sources", "plan"):
        file = folder.get(kind)
        if file.base is None or file.created:
            continue
        if not file.editable:
            if _names_removed(file.base or ""):
                _editable(folder, kind, report, "fjern eller erstat de nationale id'er, infohus ikke længere har "
                                                "(se CHANGELOG.md for version 0.2.0).")
            continue
        _walk(file, file.data, (), own, report)


def _names_removed(text: str) -> bool:
    return any(old in text for table in REMOVED_NATIONAL_IDS.values() for old in table)


def _walk(file: YamlFile, node: Any, path: tuple, own: dict[str, set[str]], report: Report) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node):
            value, at = node[key], path + (key,)
            if len(path) >= 1 and key in LIST_REFERENCES and isinstance(value, CommentedSeq):
                _list_reference(file, node, at, LIST_REFERENCES[key], own, report)
            elif len(path) >= 1 and key in SINGLE_REFERENCES and isinstance(value, str) \
                    and (key != "doc" or path[-1] == "source"):
                _single_reference(file, node, at, SINGLE_REFERENCES[key], own, report)
            else:
                _walk(file, value, at, own, report)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            _walk(file, item, path + (i,), own, report)


def _list_reference(file: YamlFile, record: CommentedMap, path: tuple, kind: str, own: dict[str, set[str]],
                    report: Report) -> None:
    ids = record[path[-1]]
    for old in [v for v in ids if isinstance(v, str)]:
        if old not in REMOVED_NATIONAL_IDS.get(kind, {}) or old in own.get(kind, set()):
            continue
        new, why, words = REMOVED_NATIONAL_IDS[kind][old]
        position = ids.index(old)
        if new and new not in ids:
            ids[position] = new
            report.changed(file.name, path, f"{old} er erstattet af {new}: {why}.")
        else:
            del ids[position]
            report.changed(file.name, path, f"{old} er fjernet fra listen: {why}.")
        file.edited = True
        for at, text in _texts(record, path[:-1]):
            if any(word.lower() in text.lower() for word in words) and \
                    not any(n.file == file.name and n.path == at for n in report.notes):
                report.undecided(file.name, at, f"teksten nævner stadig det, {old} handlede om (»{_short(text)}«). "
                                                "Læs den, og ret eller slet den, hvis den ikke længere passer.")


def _single_reference(file: YamlFile, record: CommentedMap, path: tuple, kind: str, own: dict[str, set[str]],
                      report: Report) -> None:
    old = record[path[-1]]
    if old not in REMOVED_NATIONAL_IDS.get(kind, {}) or old in own.get(kind, set()):
        return
    new, why, _ = REMOVED_NATIONAL_IDS[kind][old]
    if new:
        record[path[-1]] = new
        file.edited = True
        report.changed(file.name, path, f"{old} er erstattet af {new}: {why}.")
    else:
        where = "sources.yml" if kind == "sources" else "municipality.yml (organisations)"
        report.undecided(file.name, path, f"{old} findes ikke længere: {why}. Vælg en anden, eller tilføj en "
                                          f"egen i {where}.")


def _short(text: str, limit: int = 70) -> str:
    """`text` cut at a word before `limit` characters, with … where it was cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _texts(node: Any, path: tuple):
    """(path, text) of every string under `node` (a record), ids and references aside."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, CommentedMap):
        for key, value in node.items():
            if key not in LIST_REFERENCES and key not in SINGLE_REFERENCES and key != "id":
                yield from _texts(value, path + (key,))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            yield from _texts(value, path + (i,))


def _own_ids(folder: Folder, kind: str) -> set[str]:
    """The ids the municipality's own files give records of `kind` (these are never national references)."""
    ids = set()
    file = folder.get(OWN_RECORDS[kind])
    if file.base is not None and isinstance(file.data, CommentedMap):
        ids |= {r.get("id") for r in file.data.get(kind) or () if isinstance(r, CommentedMap)}
    if kind == "organisations":
        m = _municipality(folder)
        ids |= {o.get("id") for o in (m.get("organisations") or ()) if isinstance(o, CommentedMap)} if m else set()
    return {i for i in ids if isinstance(i, str)}


# -- contact roles ---------------------------------------------------------------------------------------

def roles(folder: Folder, report: Report) -> None:
    """Roles renamed or removed since format 1, in the municipality's own contacts."""
    file = folder.get("contacts")
    if file.base is None:
        return
    if not file.editable:
        if any(f"{role}" in file.base for role in (*RENAMED_ROLES, *REMOVED_ROLES)):
            _editable(folder, "contacts", report, "skriv helpline i stedet for hotline under roles, og slet "
                                                  "reporting_duty.")
        return
    for i, contact in enumerate(file.data.get("contacts") or ()):
        held = contact.get("roles") if isinstance(contact, CommentedMap) else None
        if not isinstance(held, CommentedSeq):
            continue
        for role in [r for r in held if r in RENAMED_ROLES or r in REMOVED_ROLES]:
            at = ("contacts", i, "roles")
            position = held.index(role)
            if role in RENAMED_ROLES and RENAMED_ROLES[role] not in held:
                held[position] = RENAMED_ROLES[role]
                report.changed(file.name, at, f"rollen {role} hedder nu {RENAMED_ROLES[role]}.")
            else:
                del held[position]
                report.changed(file.name, at, f"rollen {role} er fjernet: "
                                              f"{REMOVED_ROLES.get(role, 'den står der allerede under sit nye navn')}.")
            file.edited = True


CHANGES = (plan, beredskab_url, after_hours, verified, removed_national_ids, roles)
