"""What falls due: each of the municipality's own contacts must be confirmed again within `review_days` of
its last confirmation, and the beredskab revised by `next_revision`. For the end of `infohus check`, the
coordinator page and the calendar the build writes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dataset import DataSet

SOON_DAYS = 30  # what `infohus check` lists: everything due within this many days (and what is overdue)


@dataclass(frozen=True, order=True)
class Due:
    """One thing to do by a date."""

    on: date
    what: str    # "Bekræft kontakten »Eksempel: Anna Holm«"
    how: str     # what to do, in a sentence
    file: str
    line: int
    uid: str     # stable across builds, so a calendar that subscribes updates the event instead of adding one


def due_items(ds: DataSet) -> list[Due]:
    """Everything with a date, earliest first: each own contact's next confirmation, a draft's council meeting
    and the revision."""
    m = ds.municipality
    items = []
    for contact in ds.contacts.values():
        if ds.is_national(contact):
            continue  # infohus keeps the national contacts current, not the coordinator
        on = contact.confirm_by(m.review_days)
        line = contact.origin.doc.line(contact.origin.path + ("verified", "on"))
        items.append(Due(on, f"Bekræft kontakten »{contact.name}«",
                         f"Ring eller skriv til kontakten, ret det, der er ændret, og sæt verified.on til dagens "
                         f"dato ({contact.origin.file}:{line}).",
                         contact.origin.file, line, f"bekraeft-{contact.id}-{on:%Y%m%d}@{m.id}.infohus"))
    gov = m.governance
    if gov.draft:  # a draft's adopted_on is the council meeting that is to adopt it
        line = m.origin.doc.line(m.origin.path + ("governance", "draft"))
        items.append(Due(gov.adopted_on, f"{gov.adopted_by} skal vedtage beredskabet",
                         f"Mødet, hvor beredskabet forelægges. Når det er vedtaget, så slet linjen \"draft: true\" "
                         f"({m.origin.file}:{line}), og byg igen.",
                         m.origin.file, line, f"vedtagelse-{gov.adopted_on:%Y%m%d}@{m.id}.infohus"))
    line = m.origin.doc.line(m.origin.path + ("governance", "next_revision"))
    items.append(Due(gov.next_revision, "Revidér beredskabet",
                     f"Barnets lov § 15, stk. 3: beredskabet skal revideres og vedtages af {gov.adopted_by} mindst "
                     f"hvert fjerde år. Ret derefter adopted_on og next_revision ({m.origin.file}:{line}).",
                     m.origin.file, line, f"revision-{gov.next_revision:%Y%m%d}@{m.id}.infohus"))
    return sorted(items)


def soon(items: list[Due], today: date, days: int = SOON_DAYS) -> list[Due]:
    """The items due within `days` of `today`, the overdue ones included."""
    return [item for item in items if item.on <= today + timedelta(days=days)]
