"""What every record shares: where it came from, so rules can point at the exact line."""
from __future__ import annotations

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


def valid_url(url: str) -> bool:
    """An https URL with a host that has a dot and no spaces."""
    parts = urlsplit(url)
    return parts.scheme == "https" and "." in parts.netloc and not any(c.isspace() for c in url)


def url_message(url: str) -> str:
    """The Danish message for a bad URL."""
    return f"\"{url}\" er ikke en gyldig webadresse. Skriv hele adressen, fx \"https://www.kommune.dk/side\"."
