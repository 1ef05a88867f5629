"""The municipality: its team, organisation, topics, addresses and governance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..common.dates import date_text
from .contacts import Phone, phone_digits
from .logo import Logo
from .organisations import Organisation
from .problems import Problem
from .record import Origin, Source

KIND = "municipality"
TOPIC_NAMES = {"extremism": "ekstremisme og radikalisering", "social_control": "negativ social kontrol",
               "honour": "æresrelaterede konflikter"}
TOPICS = tuple(TOPIC_NAMES)  # the three Barnets lov § 15, stk. 3 names, in the order the handbook shows them
# Barnets lov § 15, stk. 3, in the law's own words where a rule's message cites it.
LAW = "Barnets lov § 15, stk. 3"
LAW_TOPICS = "et beredskab mod »negativ social kontrol, æresrelaterede konflikter og ekstremisme«"
# Who may adopt the beredskab: the municipal council, whatever the municipality calls it.
COUNCILS = ("kommunalbestyrelse", "byråd", "borgerrepræsentation")
REVISION_WARNING_DAYS = 90
REVIEW_DAYS = 180  # how often own contacts are confirmed, when municipality.yml does not say (the schema's default)

# Brand colours when municipality.yml has none, or when its colour is too light for text.
DEFAULT_PRIMARY = "#00596e"
DEFAULT_ACCENT = "#b5291b"
WHITE, INK = "#ffffff", "#1a1a1a"
TEXT_CONTRAST = 4.5  # WCAG 2 AA for body text


@dataclass(frozen=True)
class Version:
    """One entry in the plan's version history."""

    version: str
    date: date
    note: str


@dataclass(frozen=True)
class Governance:
    """Who adopted the plan, when, and when it must be revised (Barnets lov § 15, stk. 3)."""

    adopted_by: str
    adopted_on: date
    next_revision: date
    owner: str
    example: bool
    draft: bool  # not adopted yet: adopted_on is the council meeting that is to adopt it
    versions: tuple[Version, ...]

    def changed_on(self) -> list[date]:
        """The dates the plan changed: every version, and the adoption once it has happened (a draft's
        adopted_on is a meeting still to come, never the date a page was last updated)."""
        return [v.date for v in self.versions] + ([] if self.draft else [self.adopted_on])


@dataclass(frozen=True)
class ElsewherePlan:
    """The municipality's separate plan for a topic this beredskab does not cover: its address, and where the data
    gives them its title (the link's text) and the municipalities it is shared with."""

    url: str
    title: str | None
    partners: tuple[str, ...]

    @classmethod
    def from_raw(cls, raw: str | dict) -> "ElsewherePlan":
        if isinstance(raw, str):
            return cls(raw, None, ())
        return cls(raw["url"], raw.get("title"), tuple(raw.get("partners", ())))


@dataclass(frozen=True)
class AfterHoursRoute:
    """Whom a citizen calls out of office hours, e.g. the police on 114, who can reach the social services' on-call."""

    text: str
    phone: Phone
    when: str
    needs_confirmation: bool  # not yet confirmed by the municipality: --strict refuses it


@dataclass(frozen=True)
class AfterHours:
    """The out-of-hours route for every topic, and another route for a single topic where the data gives one."""

    route: AfterHoursRoute
    topics: dict[str, AfterHoursRoute]

    def for_topic(self, topic: str) -> AfterHoursRoute:
        """The route for `topic`: its own if the data gives one, else the route for every topic."""
        return self.topics.get(topic, self.route)

    def routes(self) -> tuple[AfterHoursRoute, ...]:
        """Every distinct route, the general one first."""
        found = [self.route]
        found += [r for r in self.topics.values() if r not in found]
        return tuple(found)


@dataclass(frozen=True)
class Text:
    """A Danish text with its optional English version, for the citizen page's two languages."""

    da: str
    en: str | None

    def lang(self, lang: str) -> tuple[str, str]:
        """The text in `lang` if the data has it, else the Danish: (text, language it is in)."""
        return (self.en, "en") if lang == "en" and self.en else (self.da, "da")


@dataclass(frozen=True)
class Municipality:
    """The municipality and its team."""

    id: str
    name: str
    team: str
    anchoring: str
    description: str | None
    organisations: tuple[Organisation, ...]
    coordinator: str
    meetings_team: str
    meetings_steering: str
    meetings_example: bool           # the meetings are not decided yet: the texts are an example
    url_intranet: str
    url_public: str
    url_beredskab: str
    url_accessibility: str
    url_staff_page: str | None
    url_underretning: str | None  # the municipality's form for notifications about children (underretning)
    topics: tuple[str, ...]
    covered_elsewhere: dict[str, ElsewherePlan]  # topic -> the municipality's separate plan for it
    review_days: int
    governance: Governance
    brand_primary: str | None
    brand_accent: str | None
    brand_logo: str | None  # the logo's file name as written in municipality.yml
    source: Source
    origin: Origin
    after_hours: AfterHours | None = None  # None only in broken data: the check then reports it missing
    what_happens: Text | None = None  # what happens when a citizen gets in touch, for the citizen page
    logo: Logo | None = None  # the logo as infohus wrote it (macros/model/logo.py), read once by load_dataset

    def covers(self, topic: str) -> bool:
        """True when the municipality's plan covers `topic`."""
        return topic in self.topics


def build(raw: dict, origin: Origin) -> Municipality:
    """A Municipality from a schema-valid mapping (the inner `municipality:` object)."""
    gov, urls, brand = raw["governance"], raw["urls"], raw.get("branding", {})
    orgs = tuple(Organisation(o["id"], o["name"], o.get("short"), o.get("member", False),
                              Origin(origin.doc, origin.path + ("organisations", i)))
                 for i, o in enumerate(raw["organisations"]))
    return Municipality(
        id=raw["id"], name=raw["name"], team=raw["team"], anchoring=raw["anchoring"],
        description=raw.get("description"), organisations=orgs, coordinator=raw["coordinator"],
        meetings_team=raw["meetings"]["team"], meetings_steering=raw["meetings"]["steering"],
        meetings_example=raw["meetings"].get("example", False),
        url_intranet=urls["intranet"], url_public=urls["public"], url_beredskab=urls["beredskab"],
        url_accessibility=urls["accessibility"], url_staff_page=urls.get("staff_page"),
        url_underretning=urls.get("underretning"), topics=tuple(raw["topics"]),
        covered_elsewhere={t: ElsewherePlan.from_raw(v) for t, v in raw.get("covered_elsewhere", {}).items()},
        review_days=raw.get("review_days", REVIEW_DAYS),
        governance=Governance(
            adopted_by=gov["adopted_by"], adopted_on=date.fromisoformat(gov["adopted_on"]),
            next_revision=date.fromisoformat(gov["next_revision"]), owner=gov["owner"],
            example=gov.get("example", False), draft=gov.get("draft", False),
            versions=tuple(Version(v["version"], date.fromisoformat(v["date"]), v["note"])
                           for v in gov["versions"])),
        brand_primary=brand.get("primary"), brand_accent=brand.get("accent"), brand_logo=brand.get("logo"),
        source=Source.of(raw["source"]), origin=origin,
        after_hours=_after_hours(raw["after_hours"]) if "after_hours" in raw else None,
        what_happens=Text(raw["what_happens"]["text"], raw["what_happens"].get("en")) if "what_happens" in raw else None,
    )


def _route(raw: dict) -> AfterHoursRoute:
    return AfterHoursRoute(raw["text"], Phone(raw["number"], None, "public"), raw["when"],
                           raw.get("needs_confirmation", False))


def _after_hours(raw: dict) -> AfterHours:
    return AfterHours(_route(raw), {topic: _route(r) for topic, r in raw.get("topics", {}).items()})


def four_years_after(day: date) -> date:
    """The same day four years later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 4)
    except ValueError:
        return day.replace(year=day.year + 4, day=28)


def check(m: Municipality, today: date, strict: bool) -> list[Problem]:
    """What Barnets lov § 15, stk. 3 asks of the plan (topics, adoption, revision) and the example flag (the
    addresses are checked with every address, in schema.py)."""
    o, problems = m.origin, []
    for topic in m.covered_elsewhere:
        if topic in m.topics:
            problems.append(o.problem(("covered_elsewhere", topic),
                            f"{TOPIC_NAMES[topic]} står både under topics og under covered_elsewhere. Slet den ene: "
                            "dækker beredskabet selv emnet, så fjern det fra covered_elsewhere."))
    for topic in TOPICS:
        if topic not in m.topics and topic not in m.covered_elsewhere:
            problems.append(o.problem(("topics",),
                            f"beredskabet dækker ikke {TOPIC_NAMES[topic]}. {LAW} kræver {LAW_TOPICS}. Tilføj "
                            f"{topic} under topics, eller skriv under covered_elsewhere, hvor kommunens særskilte "
                            f"plan for emnet findes (fx {topic}: https://kommune.dk/plan).",
                            "error" if strict else "warning"))
    problems += _check_after_hours(m, strict)
    gov = m.governance
    if not any(council in gov.adopted_by.lower() for council in COUNCILS):
        problems.append(o.problem(("governance", "adopted_by"),
                        f"\"{gov.adopted_by}\" er ikke en kommunalbestyrelse. {LAW}: beredskabet skal »vedtages af "
                        f"kommunalbestyrelsen«. Skriv fx \"Byrådet i {m.name}\" eller \"Kommunalbestyrelsen i "
                        f"{m.name}\".", "warning"))
    if gov.adopted_on > today and not gov.draft:
        problems.append(o.problem(("governance", "adopted_on"),
                        f"vedtagelsesdatoen {gov.adopted_on} ligger i fremtiden. Skriv den dato, beredskabet blev "
                        "vedtaget; er det ikke vedtaget endnu, så skriv datoen for mødet og \"draft: true\" under "
                        "governance."))
    if gov.draft and gov.adopted_on < today:
        problems.append(o.problem(("governance", "draft"),
                        f"mødet {date_text(gov.adopted_on)} er holdt, men beredskabet står stadig som udkast. Skriv "
                        "vedtagelsen ind: slet linjen \"draft: true\", og ret adopted_on, hvis det blev vedtaget på "
                        "en anden dag. Blev det ikke vedtaget, så skriv datoen for det næste møde under adopted_on.",
                        "error" if strict else "warning"))
    elif gov.draft:
        problems.append(o.problem(("governance", "draft"),
                        "beredskabet er et udkast, som endnu ikke er vedtaget. Når kommunalbestyrelsen har vedtaget "
                        "det, så slet linjen \"draft: true\" (og ret adopted_on, hvis det blev vedtaget på en anden "
                        "dag end mødet, der står nu).",
                        "error" if strict else "warning"))
    latest = four_years_after(gov.adopted_on)
    if gov.next_revision > latest:
        problems.append(o.problem(("governance", "next_revision"),
                        f"næste revision {gov.next_revision} ligger mere end fire år efter vedtagelsen "
                        f"{gov.adopted_on}. {LAW}: beredskabet skal revideres »som minimum hvert fjerde år«. "
                        f"Sæt next_revision til senest {latest}."))
    days_left = (gov.next_revision - today).days
    if days_left < 0:
        problems.append(o.problem(("governance", "next_revision"),
                        f"revisionsdatoen {gov.next_revision} er overskredet. Beredskabet skal revideres "
                        "og vedtages igen; ret derefter next_revision.", "error" if strict else "warning"))
    elif days_left <= REVISION_WARNING_DAYS:
        problems.append(o.problem(("governance", "next_revision"),
                        f"beredskabet skal revideres senest {gov.next_revision} (om {days_left} dage). "
                        "Planlæg revisionen nu.", "warning"))
    if m.meetings_example:
        problems.append(o.problem(("meetings", "example"),
                        "møderne er et eksempel, ikke besluttet endnu. Skriv, hvor ofte teamet og ledelsen mødes, "
                        "og slet \"example: true\" under meetings før udgivelse.", "error" if strict else "warning"))
    if gov.example:
        problems.append(o.problem(("governance", "example"),
                        "vedtagelsen er et eksempel. Skriv den rigtige vedtagelse, og slet "
                        "\"example: true\" før udgivelse.", "error" if strict else "warning"))
    return problems


def _check_after_hours(m: Municipality, strict: bool) -> list[Problem]:
    """The out-of-hours route: there, with a valid number, for covered topics only, and confirmed locally."""
    o = m.origin
    if m.after_hours is None:
        return [o.problem((), "borgersiden og handlekortene skal vise, hvem man kan ringe til uden for kontortid, men "
                          "municipality.yml har ingen after_hours. Tilføj after_hours under municipality med text, number og "
                          "when, fx text: Politiet, der kan kontakte kommunens socialvagt, number: \"114\", when: uden "
                          "for kontortid og i weekender. Skriv kun et kommunalt nummer, kommunen selv har bekræftet.")]
    problems = []
    places = [(("after_hours",), m.after_hours.route),
              *((("after_hours", "topics", t), r) for t, r in m.after_hours.topics.items())]
    for path, route in places:
        if phone_digits(route.phone.number) is None:
            problems.append(o.problem(path + ("number",), f"\"{route.phone.number}\" er ikke et dansk telefonnummer "
                                      "(8 cifre) eller et kort nummer som 114. Skriv fx \"114\"."))
        if route.needs_confirmation:
            problems.append(o.problem(path + ("needs_confirmation",),
                            f"vejen uden for kontortid (»{route.text}«, {route.phone.display}) er ikke bekræftet af "
                            "kommunen. Bekræft den (fx med politiet og socialvagten), og slet linjen "
                            "\"needs_confirmation: true\" før udgivelse.", "error" if strict else "warning"))
    for topic in m.after_hours.topics:
        if topic not in m.topics:
            problems.append(o.problem(("after_hours", "topics", topic),
                            f"after_hours har en vej for {TOPIC_NAMES[topic]}, men beredskabet dækker ikke emnet. "
                            f"Slet {topic} under after_hours.topics, eller tilføj emnet under topics."))
    return problems


# -- branding: one rule for every output ---------------------------------------------------------

def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two #RRGGBB colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour(background: str) -> str:
    """White or near-black text, whichever the rule allows on `background`: white when it reads at AA."""
    return WHITE if contrast(WHITE, background) >= TEXT_CONTRAST else INK


def readable_on_white(colour: str | None, default: str) -> str:
    """`colour` if text in it reads on white, and white text on it reads, at AA; else `default`.

    Used where a brand colour is both text on the page and a background behind white text.
    """
    return colour if colour and contrast(colour, WHITE) >= TEXT_CONTRAST else default
