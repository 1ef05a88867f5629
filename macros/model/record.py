"""What every record shares: where it came from, so rules can point at the exact line."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .loader import Document, PathKey, format_path
from .problems import Problem, Severity


@dataclass(frozen=True, eq=False)
class Origin:
    """The file and path a record was read from."""

    doc: Document
    path: PathKey

    def problem(self, sub: PathKey, message: str, severity: Severity = "error") -> Problem:
        """A problem located at `sub` inside this record."""
        where = self.path + tuple(sub)
        return Problem(self.doc.display, self.doc.line(where), format_path(where), message, severity)

    @property
    def file(self) -> str:
        return self.doc.display

    @property
    def line(self) -> int:
        return self.doc.line(self.path)


@dataclass(frozen=True)
class Source:
    """A citation: a document id from sources.yml and an optional section."""

    doc: str
    section: str | None = None

    @classmethod
    def of(cls, raw: dict) -> "Source":
        return cls(raw["doc"], raw.get("section"))


@dataclass(frozen=True)
class Verified:
    """When and by whom a fact was last confirmed."""

    on: date
    by: str

    @classmethod
    def of(cls, raw: dict) -> "Verified":
        return cls(date.fromisoformat(raw["on"]), raw["by"])


def unconfirmed(raw: dict) -> str | None:
    """What the sources could not confirm about a record, if its data says so."""
    return raw.get("unconfirmed")


def visibility(raw: dict) -> str:
    """A record's visibility; a record that says nothing is internal."""
    return raw.get("visibility", "internal")


# What no address in the data may hold: quotes, angle brackets and the backtick end an attribute or a tag
# where a page prints the address, a backslash is a slash to a browser but not to a server, and whitespace,
# control and format characters (e.g. a right-to-left override) end a line or hide what the address really is.
_NOT_IN_URL = "\"'<>`\\"
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Zs"}
_HOST_LABEL = re.compile(r"(?!-)[^\W_]+(?:-+[^\W_]+)*")  # letters (also æ, ø, å) and digits, hyphens inside
EXAMPLE_URL = "\"https://www.kommune.dk/side\""
_CHARACTER_NAMES = {'"': "anførselstegnet \"", "'": "apostroffen '", "<": "tegnet <", ">": "tegnet >", "`": "tegnet `",
                    "\\": "en omvendt skråstreg (\\)", " ": "et mellemrum"}


def valid_url(url: str) -> bool:
    """An https address (urllib.parse) with a host that has a dot, no user name, and nothing that could end an
    attribute, a tag or a line: every address in the data must pass this before any output prints it. No
    address field means mailto: or tel: (e-mail addresses and phone numbers have fields of their own)."""
    return _url_fault(url) is None


def url_message(url: str) -> str:
    """The Danish message for a bad URL: what is wrong with it, and how a right one looks."""
    shown = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in url)
    return f"\"{shown}\" er ikke en gyldig webadresse: {_url_fault(url) or 'den kan ikke læses'}."


def _url_fault(url: str) -> str | None:
    """Why `url` is not a valid address, in Danish; None when it is one."""
    bad = next((c for c in url if c in _NOT_IN_URL or unicodedata.category(c) in _INVISIBLE), None)
    if bad in _CHARACTER_NAMES:
        return (f"den indeholder {_CHARACTER_NAMES[bad]}, som ikke kan stå i en webadresse; skriv "
                f"%{ord(bad):02X} i stedet")
    if bad:
        return f"den indeholder et usynligt tegn (\\u{ord(bad):04x}), som ikke kan stå i en webadresse; slet det"
    try:
        parts = urlsplit(url)
        parts.port  # a port that is not a number between 0 and 65535 raises here
    except ValueError:
        return f"den kan ikke læses som en webadresse. Skriv hele adressen, fx {EXAMPLE_URL}"
    if parts.scheme != "https":
        return f"den skal begynde med https://, fx {EXAMPLE_URL}"
    if "@" in parts.netloc:
        return "den har et brugernavn eller en adgangskode før @; skriv adressen uden"
    labels = (parts.hostname or "").removesuffix(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return f"den mangler et gyldigt domæne med punktum efter https://, fx {EXAMPLE_URL}"
    return None
