"""The directory as Open Referral HSDS 3.0: one service per public entry point, with its organization.

Ids are UUIDv5 of stable infohus ids ("infohus:<municipality>:contact:<id>"), so a record keeps its id from
one export to the next. HSDS times carry a fixed UTC offset, and Denmark changes its offset twice a year:
each opening time is given once per period of one offset (valid_from, valid_to, timezone, opens_at and
closes_at each with the offset Copenhagen has at that moment), over the year from the export's date.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .rows import ADOPTED, FAILED, EntryPoint, Row
from ..model.contacts import Hours
from ..model.municipality import LAW, TOPIC_NAMES

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://infohus.invalid/hsds")  # fixed: ids never change
ZONE = ZoneInfo("Europe/Copenhagen")
SPAN_DAYS = 366
ICAL_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
TAXONOMY = "infohus-emner"


def uid(*parts: str) -> str:
    """The UUIDv5 of the infohus id made of `parts`."""
    return str(uuid.uuid5(NAMESPACE, ":".join(("infohus", *parts))))


def offset_periods(start: date, opens: str = "12:00", closes: str = "12:00",
                   days: int = SPAN_DAYS) -> list[tuple[date, date, int, int]]:
    """(first day, last day, UTC offset at opening, UTC offset at closing, in hours) of each stretch of days
    from `start` on which Copenhagen has the same offsets at those two local times ("24:00" is the next
    midnight). A line open at night on the night of a switch gets a day of its own with two offsets."""
    periods: list[tuple[date, date, int, int]] = []
    for n in range(days):
        day = start + timedelta(days=n)
        key = (_offset(day, opens), _offset(day, closes))
        if periods and periods[-1][2:] == key:
            periods[-1] = (periods[-1][0], day, *key)
        else:
            periods.append((day, day, *key))
    return periods


def _offset(day: date, clock: str) -> int:
    if clock == "24:00":
        day, clock = day + timedelta(days=1), "00:00"
    return int(datetime.combine(day, time.fromisoformat(clock), ZONE).utcoffset().total_seconds() // 3600)


def export(rows: list[Row], on: date) -> list[dict]:
    """Every public entry point of every municipality without errors, as HSDS 3.0 services."""
    return [_service(r, e, on) for r in rows if r.status != FAILED for e in r.entry_points]


def _organization(r: Row) -> dict:
    return {"id": uid(r.municipality_id, "organization"), "name": r.name,
            "description": f"{r.name}s beredskab mod ekstremisme, negativ social kontrol og æresrelaterede "
                           f"konflikter ({LAW}).",
            "website": r.url_public}


def _service(r: Row, e: EntryPoint, on: date) -> dict:
    c, mid = e.contact, r.municipality_id
    sid = uid(mid, "contact", c.id)
    org = _organization(r)
    service = {
        "id": sid, "organization_id": org["id"], "name": c.name, "status": "active",
        "description": c.title or "; ".join(c.responsibilities) or c.name,
        "eligibility_description": f"Henvendelser om personer: {e.ages}.",
        "assured_date": c.verified_on.isoformat(),
        "alert": "" if r.status == ADOPTED else "Beredskabet er et udkast, som endnu ikke er vedtaget.",
        "phones": [{"id": uid(mid, "contact", c.id, "phone", str(i)), "service_id": sid, "number": p.display,
                    "type": "voice", "description": p.label or "", "languages": [_danish(mid, c.id, str(i))]}
                   for i, p in enumerate(c.phones)],
        "schedules": [_schedule(mid, c.id, sid, i, h, period) for i, h in enumerate(c.hours)
                      for period in offset_periods(on, h.opens, h.closes)],
        "service_areas": [{"id": uid(mid, "service_area"), "service_id": sid, "name": r.name,
                           "description": f"Borgere i {r.name} og medarbejdere, der er bekymrede for dem."}],
        "languages": [_danish(mid, c.id)],
        "attributes": [_topic(mid, sid, t) for t in e.topics],
        "organization": org,
    }
    for key, value in (("minimum_age", e.min_age), ("maximum_age", e.max_age), ("email", c.email), ("url", c.url)):
        if value is not None:
            service[key] = value
    if not service["alert"]:
        del service["alert"]
    return service


def _schedule(mid: str, cid: str, sid: str, i: int, h: Hours, period: tuple[date, date, int, int]) -> dict:
    """One opening time over one period; `timezone` is the offset at opening, as opens_at states it."""
    first, last, at_opening, at_closing = period
    return {"id": uid(mid, "contact", cid, "hours", str(i), first.isoformat()), "service_id": sid,
            "valid_from": first.isoformat(), "valid_to": last.isoformat(), "timezone": at_opening,
            "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(ICAL_DAYS[d] for d in h.days),
            "opens_at": f"{h.opens}+{at_opening:02d}:00", "closes_at": f"{h.closes}+{at_closing:02d}:00",
            "description": "døgnet rundt" if h.always else h.text}


def _danish(mid: str, *parts: str) -> dict:
    return {"id": uid(mid, *parts, "language", "da"), "name": "dansk", "code": "da"}


def _topic(mid: str, sid: str, topic: str) -> dict:
    term = {"id": uid("topic", topic), "code": topic, "name": TOPIC_NAMES[topic], "taxonomy": TAXONOMY,
            "description": f"Beredskabets emne {TOPIC_NAMES[topic]} ({LAW})."}
    return {"id": uid(mid, "service", sid, "topic", topic), "link_id": sid, "link_type": "topic",
            "link_entity": "service", "taxonomy_term_id": term["id"], "value": topic, "taxonomy_term": term}
