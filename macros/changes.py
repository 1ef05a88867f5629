"""What changed since the last build: which cards must be printed again, and what the public pages now say.

`shows(ds)` lists, for each action card and each public page, the facts it shows as
key -> (what the fact is, in Danish; its value). The build keeps this in the marker of its output
(OUT/.infohus-build, never published); the next build compares with the marker of the output it
replaces and says, card by card and page by page, what changed: "Handlekortet »Akut fare« skal
genoptrykkes: telefonnummeret for SSP-konsulenten er ændret (72 33 33 33 → 98 76 54 32)."
"""
from __future__ import annotations

from dataclasses import dataclass

from .beredskab.view import PUBLIC, plan_view
from .cards.content import card_views
from .citizen.view import PublicContact, public_view
from .common.dates import date_text
from .model.contacts import Contact
from .model.dataset import DataSet

HISTORY = 20      # builds with changes the marker remembers, for the handbook's Ændringer page
SHORT = 40        # a value this short is quoted before and after in the report


@dataclass(frozen=True)
class Change:
    """What changed on one card or page, as the sentence the coordinator reads."""

    item: str       # "cards/akut", "pages/borgersiden"
    text: str


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


def shows(ds: DataSet) -> dict[str, dict]:
    """item -> {"title": ..., "facts": {key: [what, value]}} for every card and every public page."""
    items = {}
    for view in card_views(ds):
        steps = [*view.outcome.actions] if view.outcome else [f"{d.text}: {', '.join(a for a, _ in d.answers)}"
                                                              for d in view.decisions]
        facts = {"titel": ["titlen", view.card.title], "målgruppe": ["målgruppen", view.card.audience],
                 "trin": ["teksten på kortet", " | ".join(steps)], "adresse": ["adressen under QR-koden", view.url],
                 "version": ["versionen", view.version], "gyldig": ["datoen, kortet gælder til", view.valid_until_text]}
        for contact in (view.emergency, view.police, *view.helplines):
            facts |= _contact(contact, contact.public_phones)
        for contact in view.contacts:
            facts |= _contact(contact, contact.phones)
        items[f"cards/{view.id}"] = {"title": view.card.title, "facts": facts}

    citizen = public_view(ds)
    facts = {"emner": ["emnerne", ", ".join(citizen.topics)],
             "tegn": ["bekymringstegnene", " | ".join(t for _, texts in citizen.signs for t in texts)]}
    for contact in (citizen.emergency, citizen.police, *citizen.helplines, *citizen.local):
        facts |= _contact(contact, contact.phones)
    items["pages/borgersiden"] = {"title": "Borgersiden", "facts": facts}

    plan = plan_view(ds, PUBLIC)
    facts = {"titel": ["titlen", plan.title], "status": ["status", plan.status],
             "version": ["versionen", f"{plan.version}, {plan.version_date}"],
             "revision": ["næste revision", plan.next_revision]}
    for person in plan.local:
        facts[f"indgang {person.label}"] = [f"telefonnummeret for {person.label}",
                                           ", ".join(p.display for p in person.phones)]
    items["pages/beredskabet"] = {"title": "Beredskabets offentlige udgave", "facts": facts}
    return items


def differences(before: dict | None, now: dict) -> list[Change]:
    """What changed from the manifest `before` (None: no earlier build to compare with) to `now`."""
    if not before:
        return []
    changes = []
    for item in sorted(set(before) | set(now), key=lambda i: (not i.startswith("cards/"), i)):
        old, new = before.get(item), now.get(item)
        card = item.startswith("cards/")
        if old is None:
            changes.append(Change(item, f"Handlekortet »{new['title']}« er nyt: tryk det, og del det ud." if card
                                  else f"{new['title']} er ny."))
            continue
        if new is None:
            changes.append(Change(item, f"Handlekortet »{old['title']}« findes ikke længere: tag det ud af omløb."
                                  if card else f"{old['title']} findes ikke længere."))
            continue
        reasons = _reasons(old["facts"], new["facts"])
        if reasons:
            what = "; ".join(reasons)
            changes.append(Change(item, f"Handlekortet »{new['title']}« skal genoptrykkes: {what}." if card
                                  else f"{new['title']} er ændret: {what}."))
    return changes


def _reasons(old: dict, new: dict) -> list[str]:
    reasons = []
    for key in [*new, *(k for k in old if k not in new)]:
        if key not in old:
            reasons.append(f"{new[key][0]} er kommet til")
        elif key not in new:
            reasons.append(f"{old[key][0]} er fjernet")
        elif old[key][1] != new[key][1]:
            before, after = old[key][1], new[key][1]
            quoted = f" ({before} → {after})" if max(len(before), len(after)) <= SHORT else ""
            reasons.append(f"{new[key][0]} er ændret{quoted}")
    return reasons


def history(before: dict | None, changes: list[Change], ds: DataSet) -> list[dict]:
    """The builds with changes, newest first: this one (if anything changed) and those the old marker kept."""
    earlier = list((before or {}).get("history", []))
    if changes:
        earlier.insert(0, {"date": ds.today.isoformat(), "shown": date_text(ds.today),
                           "changes": [c.text for c in changes]})
    return earlier[:HISTORY]
