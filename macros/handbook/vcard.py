"""vCards (RFC 6350, version 4.0) for the handbook: one file per contact and one for the whole team.

Lines end in CRLF, values are escaped (backslash, comma, semicolon, every line break), text is UTF-8 and long
lines are folded at 75 octets without splitting a character. Every value comes from the data, so two
builds of the same data write the same bytes (REV is the verified date, UID is derived from the id).
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from ..model.contacts import Contact
from ..model.dataset import DataSet

FOLDER = "vcard"
CONTACT_FOLDER = f"{FOLDER}/kontakter"
TEAM_FILE = f"{FOLDER}/hele-teamet.vcf"
TEAM_ROLE = "infohus_member"
MAX_OCTETS = 75


def contact_path(contact: Contact) -> str:
    """Where a contact's vCard lives, relative to the site root."""
    return f"{CONTACT_FOLDER}/{contact.id}.vcf"


def team(ds: DataSet) -> list[Contact]:
    """The members of the municipality's team, in data order."""
    return [c for c in ds.contacts.values() if TEAM_ROLE in c.roles]


# Every way a text can break a line: CRLF, a bare CR or LF, and the other breaks a reader may split lines on
# (vertical tab, form feed, NEL, the Unicode line and paragraph separators). Each becomes an escaped newline.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def escape(value: str) -> str:
    """A text value escaped as RFC 6350 section 3.4 requires; no line break survives unescaped."""
    escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _LINE_BREAK.sub(r"\\n", escaped)


def fold(line: str) -> str:
    """`line` folded into CRLF-joined pieces of at most 75 octets, never inside a UTF-8 sequence."""
    pieces, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not pieces else MAX_OCTETS - 1  # continuation lines start with a space
        if size + octets > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def card(contact: Contact, ds: DataSet) -> str:
    """One vCard for `contact`, CRLF line endings included."""
    org = ds.organisations[contact.organisation]
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, ds.municipality.url_intranet)
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{escape(contact.name)}",
             "ORG:" + ";".join(escape(part) for part in (org.name, contact.unit) if part)]
    if contact.title:
        lines.append(f"TITLE:{escape(contact.title)}")
    for phone in contact.phones:
        lines.append(f"TEL;VALUE=uri;TYPE=work,voice:{phone.tel}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{escape(contact.email)}")
    if contact.url:
        lines.append(f"URL:{contact.url}")
    note = list(contact.responsibilities)
    if contact.hours:
        note.append(f"Åbent {contact.hours_text}.")
    if contact.example:
        note.insert(0, "EKSEMPEL – ikke en rigtig kontaktperson.")
    if note:
        lines.append(f"NOTE:{escape(chr(10).join(note))}")
    lines.append(f"CATEGORIES:{escape(ds.municipality.team)}")
    lines.append(f"REV:{contact.verified.on:%Y%m%d}T000000Z")
    lines.append(f"UID:urn:uuid:{uuid.uuid5(namespace, contact.id)}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def write(site_dir: Path, ds: DataSet) -> list[Path]:
    """Write the vCard of every contact of the covered topics and the team's into `site_dir`; returns the files."""
    written = []
    for contact in ds.shown_contacts():
        written.append(_write(site_dir / contact_path(contact), card(contact, ds)))
    written.append(_write(site_dir / TEAM_FILE, "".join(card(c, ds) for c in team(ds))))
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path
