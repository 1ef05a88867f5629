"""The citizen page: a small public site built only from what `view.public_view` lets through.

Writes OUT/public: index.html (da), en/index.html, embed.html and contacts.json; every value comes
from the `CitizenView`, never from the data set.
"""
from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup, escape

from . import text
from .view import CitizenView, PublicContact, public_view
from ..common.dates import date_text
from ..common.paths import PLAN_FOLDER, PLAN_PDF
from ..common.render import render
from ..common.text import file_size
from ..model.contacts import SCHEMA_ORG_DAYS, Hours, Phone
from ..model.dataset import DataSet

def build_public(ds: DataSet, out_dir: Path, plan_pdf: tuple[int, int] | None = None) -> None:
    """Write OUT/public: index.html (da), en/index.html, embed.html, contacts.json and the logo if any.

    `plan_pdf` is the (bytes, pages) of the beredskab's public PDF when it is built beside the page: the
    footer then links the beredskab and its PDF.
    """
    view = public_view(ds)
    (out_dir / "en").mkdir(parents=True, exist_ok=True)
    if view.logo:  # as infohus wrote it when the data was loaded, never the file in the data folder
        (out_dir / view.logo.name).write_bytes(view.logo.data)
    ld = json_ld(view)
    for lang, page in (("da", out_dir / "index.html"), ("en", out_dir / "en" / "index.html")):
        html = render("citizen/index.html", **_context(view, lang), json_ld=ld, plan=_plan(plan_pdf, lang))
        page.write_text(text.soft_hyphens(html, lang), encoding="utf-8")
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
    """schema.org organisations with ContactPoints for the municipality and each helpline, safe in <script>."""
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

    topics = text.topics_text(view.topics, "da")
    graph = [
        {"@type": "GovernmentOrganization", "name": view.municipality, "url": view.url_public,
         "contactPoint": [point(c, f"bekymring om {topics}") for c in view.local]},
        *({"@type": "Organization", "name": h.name, **({"url": h.url} if h.url else {}),
           "contactPoint": [point(h, h.title or text.topics_text(h.topics, "da"))]} for h in view.helplines),
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

    def helpline_calls(topics: tuple[str, ...]) -> list[tuple[Phone, str]]:
        """The national lines for `topics` as (phone, name), each once, in the data's order."""
        return [(h.phone, h.name) for h in view.helplines if set(h.topics) & set(topics)]

    return {
        "view": view, "lang": lang, "t": strings, "say": say, "keep": keep_together,
        "local_calls": [(c.phone, c.name) for c in view.local if c.phone], "helpline_calls": helpline_calls,
        "sentence": lambda value: value[:1].upper() + value[1:],
        "topics": text.topics_text(view.topics, lang),
        "topic_names": text.TOPICS[lang],
        "topics_of": lambda topics: text.topics_text(topics, lang, both=True),
        "helpline_for": {t: next(h for h in view.helplines if t in h.topics) for t in view.topics},
        "topic_keys": text.TOPIC_KEYS,
        "updated": date_text(view.updated, lang),
        "exit_url": text.EXIT_URL,
        "home": "" if lang == "da" else "../",
        "other": ("en", "en/") if lang == "da" else ("da", "../"),
        "canonical": view.url_public if lang == "da" else view.url_public.rstrip("/") + "/en/",
        "alternates": (("da", view.url_public), ("en", view.url_public.rstrip("/") + "/en/")),
    }


def _plan(plan_pdf: tuple[int, int] | None, lang: str) -> dict | None:
    """The footer's links to the beredskab (from the Danish or the English page), or None."""
    if plan_pdf is None:
        return None
    size, pages = plan_pdf
    up = "" if lang == "da" else "../"
    return {"web": f"{up}{PLAN_FOLDER}/", "pdf": f"{up}{PLAN_PDF}", "size": file_size(size, lang), "pages": pages}


def keep_together(value: str) -> str:
    """For display: no line break after a dash ("08–22", "mandag–fredag") or after "§" ("§ 133")."""
    return value.replace("–", "–\u2060").replace("§ ", "§\u00a0")



def _e164(phone: Phone) -> str:
    return phone.tel.removeprefix("tel:")


def _opening_hours(h: Hours) -> dict:
    return {"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_ORG_DAYS[d] for d in h.days],
            "opens": h.opens, "closes": "23:59" if h.closes == "24:00" else h.closes}

