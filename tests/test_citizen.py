"""The citizen page's content, as a citizen and a web editor get it: numbers, languages, topics, files."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import TODAY
from macros.citizen import text as citizen_text
from macros.citizen.page import build_public
from macros.model.contacts import DAYS, Hours
from macros.model.dataset import load_dataset
from macros.model.problems import DataError

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("index.html", "en/index.html")
NUMBER = re.compile(r"\b\d{2} \d{2} \d{2} \d{2}\b|\b11[24]\b")
# Words that belong to topics Hjørring does not cover (negative social control, honour-related conflicts).
UNCOVERED = ("social kontrol", "æresrelater", "tvangsægteskab", "social control", "honour", "forced marriage",
             "gift mod din vilje", "married against")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """A parsed element: tag, attributes, children (Nodes and strings)."""

    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def text(self, skip=lambda node: False) -> str:
        """The text inside, leaving out elements for which `skip` is true."""
        return "".join(c if isinstance(c, str) else ("" if skip(c) else c.text(skip)) for c in self.children)

    def strings(self):
        """(text, its element) for every text node."""
        for child in self.children:
            if isinstance(child, str):
                yield child, self
            else:
                yield from child.strings()

    def inside(self, predicate) -> bool:
        node = self
        while node is not None:
            if predicate(node):
                return True
            node = node.parent
        return False


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        # As read: word joiners (which keep "08–22" on one line) and soft hyphens (where a long word may wrap at
        # large text) are invisible, a no-break space is a space.
        self.current.children.append(data.replace("\u2060", "").replace("\u00ad", "").replace("\u00a0", " "))


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def read(site: Path, name: str) -> str:
    """The file's text; soft hyphens, invisible unless a long word wraps at them, left out."""
    return (site / "public" / name).read_text(encoding="utf-8").replace("\u00ad", "")


def is_tel(node: Node) -> bool:
    return node.tag == "a" and node.attrs.get("href", "").startswith("tel:")


def is_code(node: Node) -> bool:
    return node.tag in ("script", "style", "head")


def build_variant(folder: Path, out: Path, edit=None) -> Path:
    """Build only the public site from a data folder, after `edit(folder)`; returns OUT/public."""
    if edit:
        edit(folder)
    ds, problems = load_dataset(folder)
    assert ds is not None, problems
    build_public(ds, out / "public")
    return out


def replace_in(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- files ---------------------------------------------------------------------------------------------

def test_public_site_is_exactly_the_pages_the_embed_the_contacts_and_the_beredskab(built_site):
    files = {str(p.relative_to(built_site / "public")) for p in (built_site / "public").rglob("*") if p.is_file()}
    assert files == {"index.html", "en/index.html", "embed.html", "contacts.json", "beredskab/index.html",
                     "beredskab.pdf"}


# --- numbers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_112_is_the_first_thing_in_main_and_the_first_number(built_site, name):
    doc = parse(read(built_site, name))
    main = doc.find_all("main")[0]
    first = next(c for c in main.children if isinstance(c, Node))
    assert "ih-citizen__emergency" in first.attrs["class"]
    assert [n.attrs["href"] for n in doc.iter() if is_tel(n)][:2] == ["tel:112", "tel:114"]


@pytest.mark.parametrize("name", (*PAGES, "embed.html"))
def test_every_phone_number_is_a_tel_link_that_dials_what_it_shows(built_site, name):
    doc = parse(read(built_site, name))
    loose = [text.strip() for text, element in doc.strings()
             if NUMBER.search(text) and not element.inside(is_tel) and not element.inside(is_code)]
    assert not loose, f"numbers without a tel: link: {loose}"
    links = [n for n in doc.iter() if is_tel(n)]
    assert len(links) >= 4
    for link in links:
        shown = re.sub(r"\D", "", link.text())
        written_plus = "+" in link.text()  # "+45 33 92 11 12" dials exactly what it shows
        assert link.attrs["href"] in ((f"tel:+{shown}",) if written_plus else (f"tel:{shown}", f"tel:+45{shown}")), \
            (link.attrs["href"], link.text())


def test_the_key_numbers_are_on_both_pages_and_the_embed(built_site):
    for name in (*PAGES, "embed.html"):
        hrefs = {n.attrs["href"] for n in parse(read(built_site, name)).iter() if is_tel(n)}
        assert {"tel:112", "tel:114", "tel:+4541749090", "tel:+4572333333"} <= hrefs, name


HOTLINE_PAGE = "https://stopekstremisme.dk/er-du-bekymret-1/her-kan-du-henvende-dig"


def _helpline_cards(site: Path, name: str) -> list[str]:
    cards = parse(read(site, name)).find_all("section", class_="ih-citizen__card ih-citizen__card--helpline")
    return [" ".join(card.text().split()) for card in cards]


def test_hotline_shows_number_hours_web_address_and_anonymity(built_site):
    doc = parse(read(built_site, "index.html"))
    da = doc.find_all("section", class_="ih-citizen__card ih-citizen__card--helpline")[0]
    text = " ".join(da.text().split())
    assert "Hotline mod radikalisering" in text
    assert "41 74 90 90" in text and "Åben alle dage kl. 08–22." in text and "Du kan være anonym." in text
    assert da.find_all("a", href=HOTLINE_PAGE)
    en = parse(read(built_site, "en/index.html")).find_all("section", class_="ih-citizen__card ih-citizen__card--helpline")[0]
    text = " ".join(en.text().split())
    assert "Helps with radicalisation and extremism." in text
    assert "Open every day 08:00–22:00." in text and "You can stay anonymous." in text
    assert en.find_all("a", href=HOTLINE_PAGE)


@pytest.mark.parametrize("municipality", ["hjoerring", "halsnaes"])
def test_each_covered_topic_shows_its_helplines_as_prominently_as_the_hotline(built_sites, municipality):
    site = built_sites[municipality]
    cards = _helpline_cards(site, "index.html")
    named = {name: next((c for c in cards if c.startswith(name)), None)
             for name in ("Hotline mod radikalisering", "RED Rådgivning", "BørneTelefonen",
                          "Udenrigsministeriets Borgerservice")}
    assert all(named.values()), named
    assert "70 27 76 66" in named["RED Rådgivning"] and "negativ social kontrol og æresrelaterede konflikter" \
        in named["RED Rådgivning"] and "Du kan være anonym." in named["RED Rådgivning"]
    assert "116 111" in named["BørneTelefonen"] and "døgnet rundt" in named["BørneTelefonen"]
    assert "+45 33 92 11 12" in named["Udenrigsministeriets Borgerservice"]
    english = _helpline_cards(site, "en/index.html")
    assert any("RED Rådgivning" in c and "Helps with negative social control and honour-related conflicts." in c
               for c in english)
    # 112 stays first on the page, before every helpline.
    html = read(site, "index.html")
    assert html.index('href="tel:112"') < html.index('href="tel:+4570277666"')


def test_the_local_contact_is_the_public_function_and_no_internal_person(built_site, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(ROOT / "data" / "hjoerring")
    card = parse(read(built_site, "index.html")).find_all("section", class_="ih-citizen__card ih-citizen__card--local")
    text = " ".join(card[0].text().split())
    assert "Infohus Hjørring" in text and "Skriv til eksempel.infohus@hjoerring.dk" in text
    assert "Åben mandag–fredag kl. 08–15." in text
    internal = [c for c in ds.contacts.values() if not c.public]
    assert internal, "the default data should have internal contacts to keep out"
    for name in (*PAGES, "embed.html", "contacts.json"):
        text = read(built_site, name)
        assert not [c.name for c in internal if c.name in text], name
        assert not [c.internal_note for c in ds.contacts.values() if c.internal_note and c.internal_note in text]


# --- content -------------------------------------------------------------------------------------------

def test_danish_page_has_the_sections_a_worried_citizen_needs(built_site):
    text = " ".join(parse(read(built_site, "index.html")).text(is_code).split())
    for heading in ("Akut fare for liv eller helbred?", "Mistanke om en forbrydelse?",
                    "Hvad sker der, når du henvender dig?", "Er du ung?", "Er du forælder, pårørende eller ven?",
                    "Er du fagperson?", "Tegn, du kan være opmærksom på"):
        assert heading in text
    assert "erstatter ikke din underretningspligt" in text
    assert "Tegnene er ikke en tjekliste." in text
    assert "Sidst opdateret 1. december 2026." in text


def test_professionals_are_pointed_to_the_duty_to_notify_from_the_data(built_site):
    doc = parse(read(built_site, "index.html"))
    link = doc.find_all("a", href="https://www.retsinformation.dk/eli/lta/2025/282")
    assert link and link[0].text() == "Barnets lov § 133"


def test_only_public_signs_of_covered_topics_are_shown(built_site, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(ROOT / "data" / "hjoerring")
    page = " ".join(read(built_site, "index.html").split())
    covered = ds.municipality.topics
    shown = [s for s in ds.warning_signs.values() if " ".join(s.text.split()) in page]
    assert shown and all(s.visibility == "public" and s.kind == "sign" and s.topic in covered for s in shown)
    assert len(shown) == sum(1 for s in ds.warning_signs.values()
                             if s.visibility == "public" and s.kind == "sign" and s.topic in covered)
    assert {s.topic for s in shown} == set(covered)


ALL_TOPICS = "topics: [extremism, social_control, honour]"


def test_topics_the_municipality_does_not_cover_are_never_mentioned(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    site = build_variant(data_copy, tmp_path, lambda f: replace_in(f / "municipality.yml", ALL_TOPICS,
                                                                    "topics: [extremism]"))
    strings = [citizen_text.STRINGS[lang][key] for lang in citizen_text.LANGUAGES
               for topic in ("social_control", "honour") for key in citizen_text.TOPIC_KEYS[topic]]
    for name in (*PAGES, "embed.html", "contacts.json"):
        text = read(site, name).lower()
        assert not [w for w in UNCOVERED if w in text], name
        assert not [s for s in strings if s.split("{")[0].lower() in text], name
        assert not [n for n in ("70 27 76 66", "116 111", "33 92 11 12") if n in text], name


def test_negative_control_covered_topics_are_mentioned(built_site):
    site = built_site
    da, en = read(site, "index.html"), read(site, "en/index.html")
    assert "Bekymret for radikalisering og ekstremisme, negativ social kontrol eller æresrelaterede konflikter?" in da
    assert "Worried about radicalisation and extremism, negative social control or honour-related conflicts?" in en
    assert "Bestemmer andre over dig" in da and "gift mod din vilje" in da and "married against your will" in en
    assert "Den unge må ikke se venner efter skole" in " ".join(da.split())  # a public national sign
    assert "<h3>Negativ social kontrol</h3>" in da and "<h3>Honour-related conflicts</h3>" in en


# --- languages -----------------------------------------------------------------------------------------

def test_pages_declare_their_language_and_mark_danish_names_on_the_english_page(built_site):
    da, en = parse(read(built_site, "index.html")), parse(read(built_site, "en/index.html"))
    assert da.find_all("html")[0].attrs["lang"] == "da" and en.find_all("html")[0].attrs["lang"] == "en"
    danish_spans = [n.text() for n in en.find_all("span") if n.attrs.get("lang") == "da"]
    assert "Infohus Hjørring" in danish_spans and "Hjørring Kommune" in danish_spans
    assert "Hotline mod radikalisering" in danish_spans and "RED Rådgivning" in danish_spans


def test_english_page_has_no_unmarked_danish(built_site):
    doc = parse(read(built_site, "en/index.html"))
    body = doc.find_all("body")[0]
    english = " ".join(body.text(lambda n: is_code(n) or n.attrs.get("lang") == "da").split())
    for danish in ("mandag", "alle dage", " kl. ", "Ring ", "Åben", "Sidst opdateret", "Tilgængelighed"):
        assert danish not in english
    assert "Open Monday–Friday 08:00–15:00." in english and "Last updated 1 December 2026." in english


def test_language_switch_links_each_page_to_the_other(built_site):
    da, en = parse(read(built_site, "index.html")), parse(read(built_site, "en/index.html"))
    assert da.find_all("a", class_="ih-citizen__lang")[0].attrs == {
        "class": "ih-citizen__lang", "href": "en/", "hreflang": "en", "lang": "en"}
    assert en.find_all("a", class_="ih-citizen__lang")[0].attrs["href"] == "../"


@pytest.mark.parametrize(("hours", "english"), [
    ((Hours(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "08:00", "22:00"),), "every day 08:00–22:00"),
    ((Hours(("mon", "tue", "thu"), "09:30", "15:00"),), "Monday–Tuesday, Thursday 09:30–15:00"),
    ((Hours(("sat",), "10:00", "12:00"), Hours(("mon", "fri"), "08:00", "09:00")),
     "Saturday 10:00–12:00; Monday, Friday 08:00–09:00"),
    ((Hours(DAYS, "00:00", "24:00"),), "24 hours a day, every day"),
])
def test_hours_are_written_in_english_from_the_structured_hours(hours, english):
    assert citizen_text.hours_text(hours, "en") == english


# --- quick exit and weight -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_quick_exit_is_a_plain_link_to_a_neutral_site_enhanced_by_replace(built_site, name):
    html = read(built_site, name)
    doc = parse(html)
    exit_link = doc.find_all("a", class_="ih-citizen__exit")[0]
    assert exit_link.attrs["href"] == citizen_text.EXIT_URL and "noreferrer" in exit_link.attrs["rel"]
    assert exit_link.text() == citizen_text.STRINGS[name[:2] if name.startswith("en") else "da"]["exit"]
    script = doc.find_all("script")[-1].text()
    assert "location.replace" in script and '"Escape"' in script
    assert not [n for n in doc.find_all("link") if n.attrs.get("rel") in ("prefetch", "preconnect", "dns-prefetch")]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_but_itself(built_site, name):
    html = read(built_site, name)
    doc = parse(html)
    assert not [n for n in doc.iter() if n.attrs.get("src")], "no external scripts, images or frames"
    assert [n.attrs["rel"] for n in doc.find_all("link")].count("stylesheet") == 0
    assert doc.find_all("link", rel="icon")[0].attrs["href"] == "data:,"  # no favicon request
    assert "@font-face" not in html and "@import" not in html and "url(" not in html
    assert "assets/javascripts" not in html and "md-" not in html  # no Material


# --- machine-readable ----------------------------------------------------------------------------------

def _json_ld(html: str) -> dict:
    doc = parse(html)
    script = next(n for n in doc.find_all("script") if n.attrs.get("type") == "application/ld+json")
    return json.loads(script.text())


def test_json_ld_describes_the_municipality_and_the_helplines(built_site):
    for name in PAGES:
        graph = _json_ld(read(built_site, name))["@graph"]
        assert [g["@type"] for g in graph] == ["GovernmentOrganization"] + ["Organization"] * 4
        municipality, hotline, red, children, foreign = graph
        assert municipality["name"] == "Hjørring Kommune"
        assert municipality["contactPoint"][0]["name"] == "Infohus Hjørring"
        assert municipality["contactPoint"][0]["telephone"] == "+4572333333"
        assert [red["name"], children["name"], foreign["name"]] == \
            ["RED Rådgivning", "BørneTelefonen", "Udenrigsministeriets Borgerservice"]
        assert red["contactPoint"][0]["telephone"] == "+4570277666"
        assert children["contactPoint"][0]["telephone"] == "116111"
        assert foreign["contactPoint"][0]["telephone"] == "+4533921112"
        point = hotline["contactPoint"][0]
        assert point["telephone"] == "+4541749090" and hotline["url"] == HOTLINE_PAGE
        assert point["hoursAvailable"] == [{"@type": "OpeningHoursSpecification",
                                            "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday",
                                                          "Friday", "Saturday", "Sunday"],
                                            "opens": "08:00", "closes": "22:00"}]


def test_json_ld_and_page_escape_markup_in_the_data(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    evil = '</script><script>alert("x")</script><!-- & Infohus'
    assert "</script>" in json.dumps(evil), "negative control: naive JSON would end the <script> element"
    site = build_variant(data_copy, tmp_path, lambda f: replace_in(
        f / "contacts.yml", "    name: Infohus Hjørring\n", f"    name: '{evil}'\n"))
    for name in PAGES:
        html = read(site, name)
        head = html.split("</head>")[0]
        script = head.split('<script type="application/ld+json">')[1].split("</script>")[0]
        assert "</" not in script and "<!--" not in script
        assert json.loads(script)["@graph"][0]["contactPoint"][0]["name"] == evil
        assert html.count("<script") == 2 and "&lt;/script&gt;&lt;script&gt;alert" in html
    embed = read(site, "embed.html")
    assert "<script" not in embed and "&lt;/script&gt;" in embed


def test_contacts_json_lists_exactly_the_public_contacts_with_public_fields(built_site, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(ROOT / "data" / "hjoerring")
    data = json.loads(read(built_site, "contacts.json"))
    assert data["municipality"] == "Hjørring Kommune" and data["updated"] == "2026-12-01"
    assert [c["id"] for c in data["contacts"]] == [c.id for c in ds.contacts.values() if c.public]
    kinds = {c["id"]: c["kind"] for c in data["contacts"]}
    assert kinds["alarm-112"] == "emergency" and kinds["hotline"] == "helpline" and kinds["red-raadgivning"] == "helpline"
    assert kinds["infohus-hjoerring"] == "local"
    for contact in data["contacts"]:
        assert not {"internal_note", "verified", "source", "example", "organisation", "roles"} & set(contact)
        assert all(p["tel"].startswith("tel:") for p in contact["phones"])
    hotline = next(c for c in data["contacts"] if c["id"] == "hotline")
    assert hotline["hours_text"] == {"da": "alle dage kl. 08–22", "en": "every day 08:00–22:00"}
    assert hotline["anonymous"] is True


def test_embed_is_a_self_contained_fragment_with_scoped_classes(built_site):
    html = read(built_site, "embed.html")
    assert html.isascii(), "letters like ø are character references, so the host page's encoding does not matter"
    assert "Hj&#248;rring" in html
    doc = parse(html)
    assert not doc.find_all("html") and not doc.find_all("head") and not doc.find_all("body")
    assert not doc.find_all("script") and not doc.find_all("link") and not [n for n in doc.iter() if n.attrs.get("src")]
    classes = {c for n in doc.iter() for c in n.attrs.get("class", "").split()}
    assert classes and all(c.startswith("ih-embed") for c in classes)
    style = doc.find_all("style")[0].text()
    selectors = re.findall(r"(?:^|})\s*([^{}]+)\{", style)
    assert selectors and all(s.strip().startswith(".ih-embed") for s in selectors)
    root = [n for n in doc.children if isinstance(n, Node)]
    assert [n.tag for n in root] == ["section"] and root[0].attrs["lang"] == "da"


# --- the gate ------------------------------------------------------------------------------------------

def test_an_internal_112_stops_the_public_build_with_the_fix(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    contacts = data_copy / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + """
  - id: alarm-112
    name: Alarm 112
    organisation: politi
    roles: [emergency]
    phones:
      - number: "112"
    visibility: internal
    verified:
      on: 2026-11-20
      by: Test
    source:
      doc: eksempeldata
""", encoding="utf-8")
    ds, problems = load_dataset(data_copy)
    assert ds is not None and not [p for p in problems if p.severity == "error"]
    with pytest.raises(DataError) as caught:
        build_public(ds, tmp_path / "public")
    message = str(caught.value)
    assert "borgersiden skal vise 112" in message and "visibility: public" in message
    assert "contacts.yml:" in message and not (tmp_path / "public" / "index.html").exists()


def test_no_public_local_contact_stops_the_public_build(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    contacts = data_copy / "contacts.yml"
    assert contacts.read_text(encoding="utf-8").count("    visibility: public\n") == 2, "Infohus and Børne- og Familieafdelingen"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("    visibility: public\n", "    visibility: internal\n"),
                        encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    with pytest.raises(DataError, match="ingen lokal indgang"):
        build_public(ds, tmp_path / "public")


def test_an_internal_phone_of_a_public_contact_is_left_out(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    site = build_variant(data_copy, tmp_path, lambda f: replace_in(
        f / "contacts.yml", '''        label: Hovednummer (eksempel)
    email: eksempel.infohus''', '''        label: Hovednummer (eksempel)
      - number: "72 33 44 55"
        label: Direkte linje
        visibility: internal
    email: eksempel.infohus'''))
    for name in (*PAGES, "embed.html", "contacts.json"):
        text = read(site, name)
        assert "72 33 44 55" not in text and "+4572334455" not in text and "Direkte linje" not in text
        assert "72 33 33 33" in text


# --- issue 20: out of hours, who is asking, what happens, drafts, English, entry point -------------------

def test_the_out_of_hours_route_stands_beside_114_on_both_pages_and_in_the_embed(built_site):
    da, en = parse(read(built_site, "index.html")), parse(read(built_site, "en/index.html"))
    for doc, title, body in ((da, "Uden for kontortid?", "Uden for kontortid og i weekender kan du ringe til Politiet, "
                                                         "der kan kontakte kommunens socialvagt."),
                             (en, "Outside office hours?", "Uden for kontortid og i weekender, you can call Politiet, "
                                                           "der kan kontakte kommunens socialvagt.")):
        cards = [c for c in doc.find_all("section") if "ih-citizen__card" in c.attrs.get("class", "")]
        kinds = [c.attrs["class"].split("--")[-1] for c in cards]
        assert kinds[:2] == ["police", "after"], kinds  # right after 114
        after = cards[1]
        assert after.find_all("h2")[0].text() == title
        assert [a.attrs["href"] for a in after.find_all("a")] == ["tel:114"]
        assert body in " ".join(after.text().split())
    assert [s.attrs for s in en.find_all("section")[1].find_all("span") if s.attrs.get("lang")] != []
    embed = " ".join(parse(read(built_site, "embed.html")).text().split())
    assert "114 Uden for kontortid og i weekender: Politiet, der kan kontakte kommunens socialvagt." in embed


def test_each_section_by_who_is_asking_has_its_own_call_buttons(built_site):
    doc = parse(read(built_site, "index.html"))
    nav = doc.find_all("nav", class_="ih-citizen__shortcuts")[0]
    assert [(a.attrs["href"], a.text()) for a in nav.find_all("a")] == [
        ("#ih-parents", "Jeg er forælder eller pårørende"), ("#ih-youth", "Jeg er ung"), ("#ih-pros", "Jeg er fagperson")]
    sections = {s.attrs.get("id"): s for s in doc.find_all("section") if s.attrs.get("id")}

    def calls(section: str) -> list[str]:
        return [" ".join(a.text().split()) for a in sections[section].find_all("a") if is_tel(a)
                and a.inside(lambda n: "ih-citizen__calls" in n.attrs.get("class", ""))]

    after = "Ring Politiet, der kan kontakte kommunens socialvagt 114"
    assert calls("ih-parents") == ["Ring Infohus Hjørring 72 33 33 33", "Ring Børne- og Familieafdelingen 72 33 33 33",
                                   "Ring Hotline mod radikalisering 41 74 90 90", "Ring RED Rådgivning 70 27 76 66",
                                   "Ring BørneTelefonen 116 111", "Ring Udenrigsministeriets Borgerservice +45 33 92 11 12",
                                   after]
    assert calls("ih-youth") == ["Ring Hotline mod radikalisering 41 74 90 90", "Ring RED Rådgivning 70 27 76 66",
                                 "Ring BørneTelefonen 116 111", "Ring Udenrigsministeriets Borgerservice +45 33 92 11 12",
                                 "Ring Infohus Hjørring 72 33 33 33", after]
    assert calls("ih-pros") == ["Ring Infohus Hjørring 72 33 33 33", "Ring Børne- og Familieafdelingen 72 33 33 33", after]


def test_what_happens_when_you_call_comes_from_the_data_in_danish_and_english(built_site):
    da, en = read(built_site, "index.html"), read(built_site, "en/index.html")
    da, en = " ".join(da.split()), " ".join(en.split())
    assert "Infohus registrerer alle bekymringer anonymt og afviser aldrig en borgers bekymring." in da
    assert "under 18 år, tager SSP-konsulenten sig af den" in da and "Politiet er med i Infohus" in da
    assert ("<p>Infohus records every concern anonymously and never turns a citizen&#39;s concern away. If it is "
            "about a child or young person under 18") in en
    assert "Infohus registrerer" not in en


def test_without_an_english_text_the_english_page_keeps_the_danish_marked_as_danish(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)

    def danish_only(folder: Path) -> None:
        municipality = folder / "municipality.yml"
        text = municipality.read_text(encoding="utf-8")
        start = text.index("    en: >-\n      Infohus records")
        end = text.index("  review_days:")
        municipality.write_text(text[:start] + text[end:], encoding="utf-8")
        replace_in(folder / "warning_signs.yml", '    en: "The person spends a lot of time on extremist propaganda online, '
                   'shares it or is approached by groups trying to recruit."\n', "")
    en = " ".join(read(build_variant(data_copy, tmp_path, danish_only), "en/index.html").split())
    assert '<p><span lang="da">Infohus registrerer alle bekymringer anonymt' in en
    assert '<li><span lang="da">Personen bruger meget tid på ekstremistisk propaganda online' in en
    assert "<li>The person clearly changes behaviour" in en  # a sign the data gives in English


def test_english_page_shows_the_warning_signs_in_english_where_the_data_gives_them(built_site):
    en = " ".join(read(built_site, "en/index.html").split())
    assert "<li>The person spends a lot of time on extremist propaganda online" in en
    assert "<li>The young person is afraid to go home" in en
    assert "Personen bruger meget tid" not in en


def test_the_entry_point_names_exactly_the_topics_the_municipality_covers(built_site, data_copy, tmp_path, monkeypatch):
    da = parse(read(built_site, "index.html"))
    leads = [p.text() for p in da.find_all("p", class_="ih-citizen__card-lead")]
    assert ("Kommunens fælles indgang for bekymringer om radikalisering og ekstremisme, negativ social kontrol og "
            "æresrelaterede konflikter") in leads
    assert not [t for t in leads if "Fælles indgang for bekymringer om radikalisering og ekstremisme" == t]
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    one = build_variant(data_copy, tmp_path, lambda f: replace_in(f / "municipality.yml", ALL_TOPICS,
                                                                   "topics: [extremism]"))
    leads = [p.text() for p in parse(read(one, "index.html")).find_all("p", class_="ih-citizen__card-lead")]
    assert "Kommunens fælles indgang for bekymringer om radikalisering og ekstremisme" in leads
    assert json.loads(read(one, "contacts.json"))["contacts"][-2]["title"] == \
        "Kommunens fælles indgang for bekymringer om radikalisering og ekstremisme"


def test_the_underretning_form_is_linked_for_parents_and_professionals_when_given(built_site, data_copy, tmp_path,
                                                                               monkeypatch):
    assert "underretning" not in " ".join(a.attrs.get("href", "") for a in parse(read(built_site, "index.html")).find_all("a"))
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    form = "https://hjoerring.dk/underretning-blanket"
    site = build_variant(data_copy, tmp_path, lambda f: replace_in(
        f / "municipality.yml", "    accessibility: https://www.was.digst.dk/hjoerring-dk\n",
        f"    accessibility: https://www.was.digst.dk/hjoerring-dk\n    underretning: {form}\n"))
    doc = parse(read(site, "index.html"))
    sections = {s.attrs.get("id"): s for s in doc.find_all("section") if s.attrs.get("id")}
    for section in ("ih-parents", "ih-pros"):
        links = [a for a in sections[section].find_all("a") if a.attrs.get("href") == form]
        assert [a.text() for a in links] == ["kommunens blanket til underretninger"], section
    assert not [a for a in sections["ih-youth"].find_all("a") if a.attrs.get("href") == form]
    en = parse(read(site, "en/index.html"))
    assert [a.attrs.get("hreflang") for a in en.find_all("a") if a.attrs.get("href") == form] == ["da", "da"]


DRAFT = "Udkast – ikke udgivet"


def test_a_page_from_example_data_says_it_is_a_draft_at_the_top_of_each_page_and_the_embed(built_site):
    for name, title, sentence in (("index.html", DRAFT, "Kommunens egne navne og numre kan være eksempler"),
                                  ("en/index.html", "Draft – not published", "own names and numbers may be examples"),
                                  ("embed.html", DRAFT, "Kommunens egne navne og numre kan være eksempler")):
        html = " ".join(read(built_site, name).split())
        if name == "embed.html":
            html = parse(html).text()
        assert title in html and sentence in html, name
    da = read(built_site, "index.html")
    assert da.index(DRAFT) < da.index('class="ih-citizen__shortcuts"') < da.index("<h1"), "right under 112, at the top"


def test_a_page_from_confirmed_adopted_data_has_no_draft_notice(data_copy, tmp_path, monkeypatch):
    from test_cards_pdf import make_fresh
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    site = build_variant(make_fresh(data_copy), tmp_path)
    for name in (*PAGES, "embed.html"):
        assert "Udkast" not in read(site, name) and "Draft" not in read(site, name), name


def test_a_draft_is_last_updated_when_its_data_changed_never_on_the_meeting_still_to_come(data_copy, tmp_path):
    def to_draft(folder: Path) -> None:
        replace_in(folder / "municipality.yml", "  governance:\n", "  governance:\n    draft: true\n")
        replace_in(folder / "municipality.yml", "    adopted_on: 2026-06-24\n", "    adopted_on: 2027-02-25\n")
    site = build_variant(data_copy, tmp_path, to_draft)
    da = " ".join(read(site, "index.html").split())
    updated = re.search(r"Sidst opdateret (\d+\. \w+ \d{4})", da)
    assert updated, "the page says when it was last updated"
    assert "2027" not in updated.group(1)
    ds, _ = load_dataset(data_copy)
    assert ds.municipality.governance.draft and ds.content_date().year == 2026


def test_a_beredskab_not_yet_adopted_says_so_on_the_page(data_copy, tmp_path, monkeypatch):
    from test_cards_pdf import make_fresh
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    site = build_variant(make_fresh(data_copy), tmp_path, lambda f: replace_in(
        f / "municipality.yml", "  governance:\n", "  governance:\n    draft: true\n"))
    da = " ".join(read(site, "index.html").split())
    assert f'{DRAFT}</p> <p>Beredskabet er endnu ikke vedtaget af kommunalbestyrelsen.</p>' in da
    assert "Kommunens egne navne og numre kan være eksempler" not in da
