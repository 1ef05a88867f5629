"""Contacts: people and functions to call, their phones, hours and freshness."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import shortnumberinfo

from .problems import Problem
from .record import Origin, Source, Verified, unconfirmed, visibility

KIND = "contacts"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {"mon": "mandag", "tue": "tirsdag", "wed": "onsdag", "thu": "torsdag",
             "fri": "fredag", "sat": "lørdag", "sun": "søndag"}
DAY_SHORT = {"mon": "man", "tue": "tir", "wed": "ons", "thu": "tor", "fri": "fre", "sat": "lør", "sun": "søn"}
SCHEMA_ORG_DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
                   "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
_TIME = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")


@dataclass(frozen=True)
class Phone:
    """A phone number as written, shown ("41 74 90 90") and dialled ("tel:+4541749090")."""

    number: str
    label: str | None
    visibility: str

    @property
    def digits(self) -> str:
        return phone_digits(self.number) or self.number

    @property
    def display(self) -> str:
        """Pairs of digits for Danish numbers, as Danes write them; "+45" kept where the data writes it
        (a number also called from abroad, such as the foreign ministry's)."""
        digits = self.digits
        if len(digits) == 8:
            pairs = " ".join(digits[i:i + 2] for i in range(0, 8, 2))
            return f"+45 {pairs}" if self.number.strip().startswith("+45") else pairs
        if len(digits) == 6:  # the harmonised European numbers, e.g. BørneTelefonen's 116 111
            return f"{digits[:3]} {digits[3:]}"
        return digits

    @property
    def tel(self) -> str:
        """The `tel:` URI: +45 for subscriber numbers, bare for short numbers like 112."""
        digits = self.digits
        return f"tel:+45{digits}" if len(digits) == 8 else f"tel:{digits}"


@dataclass(frozen=True)
class Hours:
    """Opening hours for some days: "08:00" to "22:00"."""

    days: tuple[str, ...]
    opens: str
    closes: str

    @property
    def text(self) -> str:
        """Danish, e.g. "alle dage kl. 08–22" or "mandag–fredag kl. 08.00–15.00"."""
        return f"{days_text(self.days)} kl. {time_text(self.opens)}–{time_text(self.closes)}"

    @property
    def always(self) -> bool:
        return len(self.days) == 7 and self.opens == "00:00" and self.closes == "24:00"


@dataclass(frozen=True)
class Contact:
    """A person or function to contact."""

    id: str
    name: str
    title: str | None
    function: str | None  # public: how the plan's public edition names an internal contact
    organisation: str
    unit: str | None
    roles: tuple[str, ...]
    topics: tuple[str, ...]
    responsibilities: tuple[str, ...]
    phones: tuple[Phone, ...]
    email: str | None
    url: str | None
    hours: tuple[Hours, ...]
    anonymous: bool
    visibility: str
    internal_note: str | None
    example: bool
    unconfirmed: str | None
    verified: Verified
    source: Source
    origin: Origin

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    @property
    def public_phones(self) -> tuple[Phone, ...]:
        return tuple(p for p in self.phones if p.visibility == "public" or
                     (p.visibility is None and self.public))

    @property
    def hours_text(self) -> str:
        """All opening hours in one Danish phrase; "døgnet rundt" for 24/7."""
        if any(h.always for h in self.hours):
            return "døgnet rundt"
        return "; ".join(h.text for h in self.hours)

    def confirm_by(self, review_days: int) -> date:
        """The last day on which the contact is still fresh: its confirmation plus the review interval."""
        return self.verified.on + timedelta(days=review_days)

    def stale(self, today: date, review_days: int) -> bool:
        """True when the contact was confirmed longer ago than the review interval."""
        return today > self.confirm_by(review_days)


def build(raw: dict, origin: Origin) -> Contact:
    """A Contact from a schema-valid mapping."""
    return Contact(
        id=raw["id"], name=raw["name"], title=raw.get("title"), function=raw.get("function"),
        organisation=raw["organisation"],
        unit=raw.get("unit"), roles=tuple(raw.get("roles", ())), topics=tuple(raw.get("topics", ())),
        responsibilities=tuple(raw.get("responsibilities", ())),
        phones=tuple(Phone(p["number"], p.get("label"), p.get("visibility"))
                     for p in raw.get("phones", ())),
        email=raw.get("email"), url=raw.get("url"),
        hours=tuple(Hours(tuple(h["days"]), h["from"], h["to"]) for h in raw.get("hours", ())),
        anonymous=raw.get("anonymous", False), visibility=visibility(raw),
        internal_note=raw.get("internal_note"), example=raw.get("example", False), unconfirmed=unconfirmed(raw),
        verified=Verified.of(raw["verified"]), source=Source.of(raw["source"]), origin=origin,
    )


@lru_cache(maxsize=1 << 16)  # every number is read twice (its own check, the shared-number rule)
def phone_digits(number: str) -> str | None:
    """The 8 digits of a valid Danish number, the digits of a valid short number, else None."""
    try:
        parsed = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        return None
    digits = str(parsed.national_number)
    if parsed.country_code == 45 and len(digits) == 8 and phonenumbers.is_valid_number(parsed):
        return digits
    if parsed.country_code == 45 and not number.strip().startswith("+") \
            and shortnumberinfo.is_valid_short_number_for_region(parsed, "DK"):
        return digits
    return None


def days_text(days: tuple[str, ...], names: dict[str, str] = DAY_NAMES, every: str = "alle dage") -> str:
    """Days as text, runs joined: ("mon",...,"fri") -> "mandag–fredag"; all seven -> `every`."""
    if len(days) == 7:
        return every
    ordered = sorted(days, key=DAYS.index)
    runs: list[list[str]] = []
    for day in ordered:
        if runs and DAYS.index(day) == DAYS.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [names[r[0]] if len(r) == 1 else f"{names[r[0]]}–{names[r[-1]]}" for r in runs]
    return ", ".join(parts)


def time_text(value: str) -> str:
    """"08:00" -> "08", "15:30" -> "15.30" (Danish clock style)."""
    hours, minutes = value.split(":")
    return hours if minutes == "00" else f"{hours}.{minutes}"


def check(contact: Contact, today: date, review_days: int | None, strict: bool) -> list[Problem]:
    """The rules one contact must meet beyond the schema; `review_days` None skips the freshness rule."""
    o, problems = contact.origin, []
    for i, phone in enumerate(contact.phones):
        if phone_digits(phone.number) is None:
            problems.append(o.problem(("phones", i, "number"),
                            f"\"{phone.number}\" er ikke et dansk telefonnummer (8 cifre). "
                            "Skriv fx \"41 74 90 90\"."))
    if contact.email:
        try:
            validate_email(contact.email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(o.problem(("email",), f"\"{contact.email}\" er ikke en gyldig e-mailadresse. "
                                      "Skriv fx \"infohus@kommune.dk\"."))
    if not (contact.phones or contact.email or contact.url):
        problems.append(o.problem((), f"kontakten \"{contact.id}\" har hverken telefon, e-mail eller "
                                  "webadresse. Tilføj mindst én af dem."))
    for i, hours in enumerate(contact.hours):
        problems.extend(_check_hours(hours, o, ("hours", i)))
    if contact.verified.on > today:
        problems.append(o.problem(("verified", "on"),
                        f"datoen {contact.verified.on.isoformat()} ligger i fremtiden. "
                        "Skriv den dato, kontakten faktisk blev bekræftet."))
    elif review_days is not None and contact.stale(today, review_days):
        age = (today - contact.verified.on).days
        problems.append(o.problem(("verified", "on"),
                        f"\"{contact.name}\" blev sidst bekræftet for {age} dage siden "
                        f"(grænsen er {review_days}). Ring eller skriv og bekræft oplysningerne, "
                        "og sæt verified.on til dagens dato.", "error" if strict else "warning"))
    if contact.example:
        problems.append(o.problem(("example",),
                        f"\"{contact.name}\" er en eksempelperson. Erstat med en rigtig kontakt, "
                        "og slet linjen \"example: true\" før udgivelse.", "error" if strict else "warning"))
    return problems


def _check_hours(hours: Hours, o: Origin, at: tuple) -> list[Problem]:
    problems = []
    for key, value in (("from", hours.opens), ("to", hours.closes)):
        match = _TIME.match(value)
        if not match or (match.group(1) == "24" and match.group(2) != "00"):
            problems.append(o.problem(at + (key,), f"\"{value}\" er ikke et klokkeslæt. "
                                      "Skriv TT:MM, fx \"08:00\" eller \"22:00\"."))
    if not problems and hours.opens >= hours.closes:
        problems.append(o.problem(at, f"åbningstiden {hours.opens}–{hours.closes} slutter før den "
                                  "begynder. Skriv fx from: \"08:00\" og to: \"22:00\"."))
    if not problems and hours.opens == "24:00":
        problems.append(o.problem(at + ("from",), "\"24:00\" kan kun bruges som lukketid."))
    return problems
