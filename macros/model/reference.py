"""The ids a municipality's data can point at, kind by kind, with what each one is and its topics: for the
coordinator page of the handbook and for the comments `infohus new` writes where the ids are used."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .municipality import TOPIC_NAMES


@dataclass(frozen=True)
class Entry:
    id: str
    what: str
    topics: str      # the topics as words; empty for a record of every topic
    national: bool


@dataclass(frozen=True)
class Group:
    kind: str
    title: str
    used: str        # where in the data these ids are written
    entries: tuple[Entry, ...]


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


# kind -> (title, where the ids are used, what a record is in a few words)
KINDS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "contacts": ("Kontakter", "contacts under et udfald (escalation.yml), på et handlekort (cards.yml), "
                 "first_inform (communication.yml), coordinator og governance.owner (municipality.yml)",
                 lambda c: _short(c.name + (f", {c.title}" if c.title else ""))),
    "legal": ("Lovregler", "legal under et udfald (escalation.yml)", lambda r: r.title),
    "definitions": ("Begreber i ordlisten", "related (definitions.yml)",
                    lambda d: d.term + (f" ({d.expansion})" if d.expansion else "")),
    "warning_signs": ("Bekymringstegn", "et tegn med samme id i kommunens warning_signs.yml erstatter det "
                      "nationale, fx for at gøre det offentligt", lambda s: _short(s.text)),
    "organisations": ("Organisationer", "organisation på en kontakt (contacts.yml)",
                      lambda o: o.name + (f" ({o.short})" if o.short else "")),
    "sources": ("Kilder", "source.doc på alle poster", lambda s: _short(s.title)),
    "levels": ("Forebyggelsestrekantens niveauer", "level under et udfald (escalation.yml)", lambda lvl: lvl.name),
    "paths": ("Veje og deres udfald", "path og outcome på et handlekort (cards.yml)",
              lambda p: f"{p.title} – udfald: {', '.join(o.id for o in p.outcomes)}"),
}


def groups(records: dict[str, dict[str, Any]], national: Callable[[Any], bool]) -> list[Group]:
    """One group per kind present in `records` (kind -> id -> record), ids in data order."""
    found = []
    for kind, (title, used, what) in KINDS.items():
        if records.get(kind):
            entries = tuple(Entry(rid, what(r), _topics(r), national(r)) for rid, r in records[kind].items())
            found.append(Group(kind, title, used, entries))
    return found


def _topics(record: Any) -> str:
    topics: Iterable[str] = getattr(record, "topics", None) or ((record.topic,) if hasattr(record, "topic") else ())
    return ", ".join(TOPIC_NAMES.get(t, t) for t in topics)


def comment(group: Group, indent: str = "", scope: str = "De nationale") -> str:
    """The group as YAML comment lines, for the place in a template where its ids are written."""
    topics = " [emner]" if any(e.topics for e in group.entries) else ""
    lines = [f"{indent}# {scope} {group.title.lower()}, du kan henvise til med id (id – hvad{topics}):"]
    lines += [f"{indent}#   {e.id} – {e.what}" + (f" [{e.topics}]" if e.topics else "") for e in group.entries]
    return "\n".join(lines)
