"""The coordinator's calendar (OUT/intranet/frister.ics, RFC 5545): one all-day event for each contact's next
confirmation and one for the revision deadline, so Outlook or any calendar can subscribe to it.

Written with the `icalendar` library. Builds repeat byte for byte: every event's stamp is the data's own
date, and its UID is stable, so a subscribed calendar updates an event rather than adding a copy.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from icalendar import Calendar, Event, vText

from ..common.text import genitive
from ..model.dataset import DataSet
from ..model.due import due_items

FILE = "frister.ics"


def calendar(ds: DataSet) -> bytes:
    """The calendar of everything due, as iCalendar bytes."""
    m = ds.municipality
    stamp = datetime.combine(ds.content_date(), time(0), tzinfo=timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//infohus//Frister//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # icalendar escapes a known text property by itself, an X- property only as vText: else a line break in
    # the team's name would end the line (a bare CR) or fail the build (an LF).
    cal.add("x-wr-calname", vText(f"{m.team}: frister"))
    cal.add("x-wr-caldesc", vText(f"Kontakter, der skal bekræftes, og revisionen af {genitive(m.name)} beredskab."))
    for item in due_items(ds):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("summary", item.what)
        event.add("description", item.how)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy hour
        cal.add_component(event)
    return cal.to_ical()


def write(site_dir: Path, ds: DataSet) -> None:
    (site_dir / FILE).write_bytes(calendar(ds))
