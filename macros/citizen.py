"""The citizen page: a small public site built only from records marked public.

`public_view` is the one gate between the data set and everything under OUT/public/: it copies the
public fields of public records into plain values, and the templates never see the data set itself.
A record without visibility is internal; a public contact's internal note, its internal phones, who
verified it and its source never cross the gate.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup, escape

from . import citizen_text as text
from .contacts import SCHEMA_ORG_DAYS, Contact, Hours, Phone
from .dataset import DataSet
from .dates import date_text
from .municipality import DEFAULT_ACCENT, DEFAULT_PRIMARY, readable_on_white
from .problems import DataError, Problem
from .render import render

# The national roles the page is built around, in the order a citizen needs them.
NATIONAL_ROLES = ("emergency", "police", "hotline")
# The public legal rule professionals are pointed to (the duty to notify, underretningspligten).
DUTY_TO_NOTIFY = "underretningspligt"


@dataclass(frozen=True)
class PublicContact:
    """What a citizen may see of a public contact: public phones only, no notes, no provenance."""

    id: str
    kind: str  # emergency | police | hotline | local | other
    name: str
    title: str | None
    unit: str | None
    responsibilities: tuple[str, ...]
    phones: tuple[Phone, ...]
    email: str | None
    url: str | None
    hours: tuple[Hours, ...]
    anonymous: bool
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
class CitizenView:
    """Everything the public outputs show, copied out of public records only."""

    municipality: str
    url_public: str
    url_accessibility: str
    topics: tuple[str, ...]
    intro: str | None
    emergency: PublicContact
    police: PublicContact
    hotline: PublicContact
    local: tuple[PublicContact, ...]
    contacts: tuple[PublicContact, ...]
    signs: tuple[tuple[str, tuple[str, ...]], ...]
    duty: Rule | None
    updated: date
    primary: str
    accent: str
    logo: str | None  # file name of the municipality's logo, copied beside index.html


def public_view(ds: DataSet) -> CitizenView:
    """The public slice of `ds`; DataError (in Danish, with the fix) if the page would lack a key number."""
    m = ds.municipality
    local_orgs = {o.id for o in m.organisations}
    contacts = tuple(_public_contact(c, local_orgs) for c in ds.contacts.values() if c.public)
    national = {role: next((c for c in contacts if c.kind == role and c.phone), None) for role in NATIONAL_ROLES}
    problems = [_not_public(ds, role) for role, found in national.items() if found is None]
    local = tuple(c for c in contacts if c.kind == "local")
    if not local:
        problems.append(Problem(_contacts_file(ds), 1, "contacts",
                                f"ingen af {m.name}s egne kontakter er markeret visibility: public, så borgersiden "
                                "har ingen lokal indgang. Giv en funktionskontakt (fx en fælles postkasse og et "
                                "hovednummer) visibility: public."))
    if problems:
        raise DataError(problems)

    path = next((p for p in ds.paths.values() if p.audience == "citizen" and p.visibility == "public"), None)
    signs = tuple((topic, tuple(s.text for s in ds.warning_signs.values()
                                if s.visibility == "public" and s.kind == "sign" and s.topic == topic))
                  for topic in m.topics)
    rule = ds.legal.get(DUTY_TO_NOTIFY)
    shown = (*(national[r] for r in NATIONAL_ROLES), *local)
    updated = max([m.governance.adopted_on, *(v.date for v in m.governance.versions),
                   *(c.verified_on for c in shown)])
    return CitizenView(
        municipality=m.name, url_public=m.url_public, url_accessibility=m.url_accessibility, topics=m.topics,
        intro=path.intro if path else None, emergency=national["emergency"], police=national["police"],
        hotline=national["hotline"], local=local, contacts=contacts,
        signs=tuple((topic, texts) for topic, texts in signs if texts),
        duty=Rule(rule.title, rule.url) if rule and rule.visibility == "public" else None,
        updated=updated, primary=readable_on_white(m.brand_primary, DEFAULT_PRIMARY),
        accent=readable_on_white(m.brand_accent, DEFAULT_ACCENT), logo=m.brand_logo,
    )


def build_public(ds: DataSet, out_dir: Path) -> None:
    """Write OUT/public: index.html (da), en/index.html, embed.html, contacts.json and the logo if any."""
    view = public_view(ds)
    (out_dir / "en").mkdir(parents=True, exist_ok=True)
    if view.logo:
        shutil.copyfile(ds.data_dir / view.logo, out_dir / view.logo)
    ld = json_ld(view)
    for lang, page in (("da", out_dir / "index.html"), ("en", out_dir / "en" / "index.html")):
        page.write_text(render("citizen/index.html", **_context(view, lang), json_ld=ld), encoding="utf-8")
    # The fragment lands in pages of unknown encoding: write every non-ASCII letter as a character reference.
    embed = render("citizen/embed.html", **_context(view, "da"))
    (out_dir / "embed.html").write_text(embed.encode("ascii", "xmlcharrefreplace").decode("ascii"), encoding="ascii")
    (out_dir / "contacts.json").write_text(
        json.dumps(contacts_json(view), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def contacts_json(view: CitizenView) -> dict:
    """The public contacts as plain JSON, for the municipality's other channels."""
    return {
        "municipality": view.municipality,
        "page": view.url_public,
        "updated": view.updated.isoformat(),
        "contacts": [{
            "id": c.id, "kind": c.kind, "name": c.name, "title": c.title, "unit": c.unit,
            "phones": [{"number": p.display, "tel": p.tel, "label": p.label} for p in c.phones],
            "email": c.email, "url": c.url,
            "hours": [{"days": list(h.days), "opens": h.opens, "closes": h.closes} for h in c.hours],
            "hours_text": {lang: c.hours_text(lang) for lang in text.LANGUAGES} if c.hours else None,
            "anonymous": c.anonymous, "responsibilities": list(c.responsibilities),
        } for c in view.contacts],
    }


def json_ld(view: CitizenView) -> Markup:
    """schema.org GovernmentOrganization + ContactPoint for the municipality and the hotline, safe in <script>."""
    def point(c: PublicContact, contact_type: str) -> dict:
        data = {"@type": "ContactPoint", "name": c.name, "contactType": contact_type,
                "availableLanguage": "da", "areaServed": "DK"}
        if c.phone:
            data["telephone"] = _e164(c.phone)
        if c.email:
            data["email"] = c.email
        if c.url:
            data["url"] = c.url
        if c.hours:
            data["hoursAvailable"] = [_opening_hours(h) for h in c.hours]
        return data

    hotline = view.hotline
    topics = text.topics_text(view.topics, "da")
    graph = [
        {"@type": "GovernmentOrganization", "name": view.municipality, "url": view.url_public,
         "contactPoint": [point(c, f"bekymring om {topics}") for c in view.local]},
        {"@type": "GovernmentOrganization", "name": hotline.name,
         **({"url": hotline.url} if hotline.url else {}),
         "contactPoint": [point(hotline, hotline.title or text.STRINGS["da"]["hotline_lead"])]},
    ]
    return script_json({"@context": "https://schema.org", "@graph": graph})


def script_json(data: object) -> Markup:
    """JSON that cannot end its <script> element or open a comment: <, > and & become \\u escapes."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _context(view: CitizenView, lang: str) -> dict:
    strings = text.STRINGS[lang]

    def say(key: str, **values: object) -> Markup:
        """A fixed sentence with its placeholders filled; plain values are escaped, Markup is kept."""
        return escape(strings[key]).format(**values)

    return {
        "view": view, "lang": lang, "t": strings, "say": say, "keep": keep_together,
        "topics": text.topics_text(view.topics, lang),
        "topic_names": text.TOPICS[lang],
        "topic_keys": text.TOPIC_KEYS,
        "updated": date_text(view.updated, lang),
        "exit_url": text.EXIT_URL,
        "home": "" if lang == "da" else "../",
        "other": ("en", "en/") if lang == "da" else ("da", "../"),
        "canonical": view.url_public if lang == "da" else view.url_public.rstrip("/") + "/en/",
        "alternates": (("da", view.url_public), ("en", view.url_public.rstrip("/") + "/en/")),
    }


def keep_together(value: str) -> str:
    """For display: no line break after a dash ("08–22", "mandag–fredag") or after "§" ("§ 133")."""
    return value.replace("–", "–\u2060").replace("§ ", "§\u00a0")


def _public_contact(c: Contact, local_orgs: set[str]) -> PublicContact:
    kind = next((role for role in NATIONAL_ROLES if role in c.roles),
                "local" if c.organisation in local_orgs else "other")
    return PublicContact(id=c.id, kind=kind, name=c.name, title=c.title, unit=c.unit,
                         responsibilities=c.responsibilities, phones=c.public_phones, email=c.email, url=c.url,
                         hours=c.hours, anonymous=c.anonymous, verified_on=c.verified.on)


def _not_public(ds: DataSet, role: str) -> Problem:
    """The problem when no public contact with a phone has `role` (the data check ensures one exists)."""
    what = {"emergency": "112", "police": "114", "hotline": "den nationale hotline"}[role]
    message = (f"borgersiden skal vise {what}, men kontakten med rollen {role} er ikke offentlig eller har "
               "intet offentligt telefonnummer. Sæt visibility: public på kontakten og dens nummer.")
    records = ds.with_role(role)
    return records[0].origin.problem(("visibility",), message) if records else \
        Problem(_contacts_file(ds), 1, "contacts", message)


def _contacts_file(ds: DataSet) -> str:
    return str(ds.data_dir / "contacts.yml")


def _e164(phone: Phone) -> str:
    return phone.tel.removeprefix("tel:")


def _opening_hours(h: Hours) -> dict:
    return {"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_ORG_DAYS[d] for d in h.days],
            "opens": h.opens, "closes": "23:59" if h.closes == "24:00" else h.closes}

