"""Markup in the data never runs and never becomes markup: it reaches every output as the text it is.

Each municipality's data (with the national folder) is copied, and every free-text field the JSON Schemas
declare (`$defs/text`, and each item of `$defs/texts`) is replaced by a hostile value: a unique token, then
markup that breaks out of an element and an attribute (`"'><svg onload=…>`), a Jinja expression, a
character reference (to catch double escaping), and one of several extras (a `</script>` break-out, an
`<img onerror>`, a `javascript:` Markdown link, emphasis), some starting with Markdown block syntax. One
`infohus build` per municipality then builds every output, and:

- in every HTML page (and every HTML fragment in the search index), each place a token appears holds the
  whole value as text or as an attribute's value, and no page has an event-handler attribute or a script
  from the data; in Chromium no page (nor a search for the values) runs the data's script or opens a dialog,
  and the header, title, logo label and description read exactly the team's text;
- in every PDF, pdftotext reads each printed value literally;
- in every vCard and in the calendar, each value reads back literally and no line was injected;
- every URL and e-mail field with a quote-breaking value is refused by `infohus check` at its file:line.
"""
from __future__ import annotations

import dataclasses
import gzip
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from conftest import MUNICIPALITIES, TODAY, embed_document, error_lines
from macros.cli import main
from macros.build import build_handbook
from macros.model.dataset import load_dataset
from macros.model.loader import format_path, load
from support import web
from support.fields import SCHEMA_DIR, leaves, schema, walk

ROOT = Path(__file__).resolve().parent.parent
# The part of every planted value that must survive everywhere; the token before it finds it again.
CORE = "\"'><svg onload=__pwned=1>"
# Markdown block syntax a value may start with (it matters where data starts a Markdown line).
STARTS = ("", "# ", "- ", "> ", "1. ")
# What stands before and after it: a Jinja expression and a character reference (to catch double escaping), the
# end of a script, an image that opens a dialog, a javascript: link and emphasis in Markdown, a comment.
AROUND = (("", " {{7*7}}&amp;"), ("</script>", " &lt;b&gt;"), ("", " <img src=x onerror=alert(3)>"),
          ("", " [a](javascript:alert(4))"), ("", " **b** _c_ {% raw %}"), ("<!--", "-->&amp;lt;"))
SHORT = 12  # a value this short in the data (an answer like "Ja") gets only the core, so the cards still fit
TOKEN = re.compile(r"QZ\d{4}Q")
# A URL or e-mail field gets one of these; the check must refuse each (the schema's $defs name -> values).
BAD_ADDRESSES = {
    "url": ('https://x.dk/"><svg/onload=window.__pwned=1>', "https://x.dk/'onmouseover='alert(1)",
            "https://x.dk/<script>", "https://x.dk/a b", "https://x.dk\\@evil.dk/", "javascript:alert(1)//https://x.dk",
            "https://localhost/", "http://x.dk/", "https://x.dk/`", "https://user@x.dk/"),
    "email": ('a"><svg/onload=alert(1)>@x.dk', "a b@x.dk", "<a@x.dk>"),
}
VCARD_PROPERTIES = {"BEGIN", "VERSION", "FN", "ORG", "TITLE", "TEL", "EMAIL", "URL", "NOTE", "CATEGORIES", "REV",
                    "UID", "END"}
CALENDAR_PROPERTIES = {"BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME", "X-WR-CALDESC", "UID",
                       "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP"}


def squeeze(text: str) -> str:
    """`text` without any whitespace or soft hyphen: outputs wrap lines where they like (the citizen page marks
    with an invisible soft hyphen where a long word may wrap), the value is still the same."""
    return re.sub(r"[\s\u00ad]+", "", text)


@dataclasses.dataclass
class Planted:
    """The planted copy: token -> (the whole value, where it was planted)."""

    values: dict[str, tuple[str, str]]
    data_dir: Path
    out: Path

    def literal(self, token: str) -> str:
        return squeeze(self.values[token][0])


def plant_text(data_root: Path) -> dict[str, tuple[str, str]]:
    """Replace every free-text value under `data_root` (municipality folder and national/) by a hostile one."""
    values: dict[str, tuple[str, str]] = {}

    for file in sorted(data_root.glob("*/*.yml")):
        doc, problems = load(file, str(file))
        assert not problems, problems
        root = schema(f"{file.stem}.schema.json")
        label = f"{file.parent.name}/{file.name}"

        def visit(value, name, path, label=label):
            if name != "text":
                return value
            n = len(values)
            token = f"QZ{n:04d}Q"
            before, after = AROUND[n % len(AROUND)] if len(value) > SHORT else ("", "")
            planted = f"{STARTS[n % len(STARTS)]}{token}{before}{CORE}{after}"
            values[token] = (planted, f"{label}: {format_path(path)}")
            return planted

        data = walk(doc.data, root, root, (), visit)
        header = f"# yaml-language-server: $schema={os.path.relpath(SCHEMA_DIR, file.parent)}/{file.stem}.schema.json\n"
        file.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                        encoding="utf-8")
    return values


def copy_data(name: str, base: Path) -> Path:
    """A copy of a municipality's folder and the national one under `base`; returns the municipality folder."""
    shutil.copytree(MUNICIPALITIES[name], base / "data" / name)
    shutil.copytree(ROOT / "data" / "national", base / "data" / "national")
    return base / "data" / name


@pytest.fixture(scope="module", params=list(MUNICIPALITIES))
def planted(request, tmp_path_factory) -> Planted:
    """A municipality's data with a hostile value in every free-text field, built once with `infohus build`."""
    base = tmp_path_factory.mktemp(f"hostile-{request.param}")
    data_dir = copy_data(request.param, base)
    values = plant_text(data_dir.parent)
    out = base / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        assert main(["check", "--data", str(data_dir)]) == 0, "text with markup in it is valid text"
        assert main(["build", "--data", str(data_dir), "--out", str(out)]) == 0
    return Planted(values, data_dir, out)


# -- HTML --------------------------------------------------------------------------------------------------

class Page(HTMLParser):
    """A page as a browser would parse it: its text, its attribute values, its scripts and what looks injected."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.scripts: list[str] = []
        self.injected: list[str] = []
        self._in_script = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key.startswith("on"):
                self.injected.append(f"<{tag} {key}={value!r}>")
            if key in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.injected.append(f"<{tag} {key}={value!r}>")
            self.attributes.append(value or "")
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)

    def close(self):
        super().close()
        self.json: list[str] = []
        for script in self.scripts:
            try:
                self.json.extend(_json_strings(json.loads(script)))
            except ValueError:  # a script, not data: the data's script must not be in one
                if "__pwned" in script or "alert(" in script:
                    self.injected.append(f"<script>{script[:80]}</script>")

    def pieces(self) -> list[str]:
        """Where a value may stand: the page's whole text, each attribute value, each JSON string in a script."""
        return [squeeze(p) for p in ("".join(self.text), *self.attributes, *self.json)]


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def broken(source: str, planted: Planted, where: str) -> list[str]:
    """Every place in the HTML `source` where a planted value is not its whole literal text, and what was injected."""
    page = Page(source)
    pieces = page.pieces()
    problems = [f"{where}: {found}" for found in page.injected]
    for token in set(TOKEN.findall(source)):
        whole = sum(literal_count(piece, token, planted.literal(token)) for piece in pieces)
        seen = source.count(token)
        if whole != seen:
            problems.append(f"{where}: {token} ({planted.values[token][1]}) stands {seen} times, "
                            f"whole and literal only {whole} times")
    return problems


def literal_count(text: str, token: str, literal: str) -> int:
    """How often `token` starts the whole `literal` in `text`, or a prefix of it cut off with "…" (a table
    may shorten a long value; the start it keeps must still be the value's own text)."""
    count, before = 0, literal.index(token)  # the value may start with Markdown syntax before its token
    for found in re.finditer(re.escape(token), text):
        rest = text[found.start() - before:] if found.start() >= before else ""
        if rest.startswith(literal):
            count += 1
        else:
            kept = next((i for i, (a, b) in enumerate(zip(rest, literal)) if a != b), len(rest))
            count += rest[kept:kept + 1] == "…"
    return count


def html_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html"))


def test_every_html_page_shows_the_planted_text_literally(planted):
    problems = []
    files = html_files(planted.out)
    assert len(files) >= 16
    shown = set()
    for file in files:
        source = file.read_text(encoding="utf-8")
        shown |= set(TOKEN.findall(source))
        problems += broken(source, planted, str(file.relative_to(planted.out)))
    assert not problems, "\n".join(problems)
    assert len(shown) > 0.6 * len(planted.values), "most planted values are shown somewhere"


def test_the_search_index_holds_the_planted_text_escaped_once(planted):
    """The search script puts Pagefind's excerpts into the page as text and marks: each page's indexed text must
    read as the text (Pagefind's fragments: gzip, "pagefind_dcd" and JSON)."""
    problems, shown = [], set()
    for file in (planted.out / "intranet" / "pagefind" / "fragment").iterdir():
        entry = json.loads(gzip.decompress(file.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd"))
        for key, value in (("content", entry["content"]), ("title", entry["meta"].get("title", ""))):
            shown |= set(TOKEN.findall(value))
            problems += broken(html.escape(value, quote=False), planted, f"pagefind {entry['url']} {key}")
    assert not problems, "\n".join(problems)
    assert planted.values.keys() & shown


def test_json_files_hold_the_planted_text_literally(planted):
    problems = []
    for file in planted.out.rglob("*.json"):
        if file.parent.name == "pagefind":  # Pagefind's entry file names its index, no data
            continue
        text = file.read_text(encoding="utf-8")
        strings = [squeeze(s) for s in _json_strings(json.loads(text))]
        for token in set(TOKEN.findall(text)):
            if sum(literal_count(s, token, planted.literal(token)) for s in strings) != text.count(token):
                problems.append(f"{file.name}: {token} ({planted.values[token][1]}) is not whole")
    assert not problems, "\n".join(problems)


# -- PDF ---------------------------------------------------------------------------------------------------

def test_every_pdf_prints_the_planted_text_literally(planted):
    pdfs = sorted(planted.out.rglob("*.pdf"))
    assert len(pdfs) >= 4  # the beredskab's two editions, the cards, the A4 sheet of cards
    problems, shown = [], set()
    for pdf in pdfs:
        # -raw: the text in the order it was written, so a value beside a column (a phone number) stays whole.
        text = squeeze(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                      text=True, check=True).stdout)
        found = set(TOKEN.findall(text.upper()))
        shown |= found
        folded = text.casefold()  # a card prints its brand line in capitals (CSS), which is still the text
        for token in found:
            if literal_count(folded, token.casefold(), planted.literal(token).casefold()) != folded.count(token.casefold()):
                problems.append(f"{pdf.relative_to(planted.out)}: {token} ({planted.values[token][1]}) "
                                f"is not printed whole")
    assert not problems, "\n".join(problems)
    assert len(shown) > 0.3 * len(planted.values)


# -- vCard and calendar ------------------------------------------------------------------------------------

def content_lines(raw: bytes) -> list[str]:
    """RFC 6350 / RFC 5545 content lines: CRLF-separated, folded lines (CRLF + space) joined again."""
    text = raw.decode("utf-8")
    assert "\r" not in text.replace("\r\n", ""), "a bare CR in the file"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF in the file"
    return [line for line in text.replace("\r\n ", "").split("\r\n") if line]


def text_value(value: str) -> str:
    """A TEXT value unescaped (RFC 6350 3.4, RFC 5545 3.3.11)."""
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def test_every_vcard_and_the_calendar_read_back_literally(planted):
    files = [*sorted((planted.out / "intranet" / "vcard").rglob("*.vcf")), planted.out / "intranet" / "frister.ics"]
    assert len(files) > 5
    problems, shown = [], set()
    for file in files:
        allowed = CALENDAR_PROPERTIES if file.suffix == ".ics" else VCARD_PROPERTIES
        values = []
        for line in content_lines(file.read_bytes()):
            name = re.match(r"[A-Za-z-]+", line)
            if not name or name[0].upper() not in allowed:
                problems.append(f"{file.name}: an injected line: {line[:80]!r}")
                continue
            value = line.split(":", 1)[1]
            # ORG is a structured value: its components are separated by unescaped semicolons.
            values += [text_value(v) for v in re.split(r"(?<!\\);", value)] if name[0] == "ORG" else [text_value(value)]
        raw = file.read_text(encoding="utf-8").replace("\r\n ", "")
        squeezed = [squeeze(v) for v in values]
        for token in set(TOKEN.findall(raw)):
            shown.add(token)
            if sum(literal_count(v, token, planted.literal(token)) for v in squeezed) != raw.count(token):
                problems.append(f"{file.name}: {token} ({planted.values[token][1]}) does not read back whole")
    assert not problems, "\n".join(problems)
    assert shown


# -- Chromium ----------------------------------------------------------------------------------------------

def run_pages(root: Path, pages: list[str], search: str | None = None) -> tuple[list[str], list[str]]:
    """Open each page (relative to `root`) in Chromium; returns (pages where the data's script ran, dialogs)."""
    ran, dialogs = [], []
    with web.serve(root) as base, web.chromium() as browser:
        page = web.new_page(browser)
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for path in pages:
            page.goto(base + path, wait_until="load")
            if search:  # the header's search field, typed into as staff do
                page.locator("[data-ih-search] input[type=search]").click()
                page.keyboard.type(search)
                page.wait_for_selector("[data-search-results] .ih-search__result", timeout=10_000)
            page.wait_for_timeout(50)
            if page.evaluate("() => window.__pwned !== undefined"):
                ran.append(f"{path}: window.__pwned = {page.evaluate('() => window.__pwned')}")
    return ran, dialogs


def test_no_page_runs_the_planted_script_in_chromium(planted, tmp_path):
    out = planted.out
    pages = [str(p.relative_to(out)) for p in html_files(out) if p.name != "embed.html"]
    embed = embed_document(out / "public", out / "public")  # beside embed.html, so its links resolve
    pages.append(str(embed.relative_to(out)))
    ran, dialogs = run_pages(out, pages)
    assert not ran and not dialogs, "\n".join(ran + dialogs)
    # Search results are put into the page as HTML: search for a word of every planted value.
    ran, dialogs = run_pages(out, ["intranet/index.html", "intranet/kontakter/index.html"], search="onload")
    assert not ran and not dialogs, "\n".join(ran + dialogs)


def test_the_handbook_names_the_team_with_exactly_its_text(planted):
    """The header, the tab's title, the logo's label and the description say the team's text, escaped once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        ds, _ = load_dataset(planted.data_dir)
    team, name = ds.municipality.team, ds.municipality.name
    with web.serve(planted.out / "intranet") as base, web.chromium() as browser:
        page = web.new_page(browser)
        for path, title in (("", f"Forside - {team}"), ("kontakter/", f"Kontakter - {team}")):
            page.goto(base + path, wait_until="load")
            assert page.title() == " ".join(title.split())
            assert page.locator(".md-header__topic .md-ellipsis").first.inner_text() == " ".join(team.split())
            assert page.locator("a.md-header__button.md-logo").get_attribute("aria-label") == team
            assert page.locator("a.md-header__button.md-logo").get_attribute("title") == team
            description = page.locator("meta[name=description]").get_attribute("content")
            assert description.startswith(f"{team}: {name}s beredskab mod ")


# -- URLs and e-mail addresses ----------------------------------------------------------------------------

def test_every_url_and_email_field_with_markup_is_refused_by_the_check(tmp_path, check):
    """A hostile address in every URL and e-mail field of every kind: one error each, at its own file:line."""
    expected, n = [], 0
    data_dir = copy_data("hjoerring", tmp_path)
    for file in sorted(data_dir.parent.glob("*/*.yml")):
        doc, _ = load(file, str(file))
        root = schema(f"{file.stem}.schema.json")
        planted_here = []

        def visit(value, name, path, planted_here=planted_here):
            nonlocal n
            if name not in BAD_ADDRESSES:
                return value
            bad = BAD_ADDRESSES[name][n % len(BAD_ADDRESSES[name])]
            n += 1
            planted_here.append((path, bad))
            return bad

        data = walk(doc.data, root, root, (), visit)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        written, _ = load(file, str(file))
        expected += [(str(file), written.line(path), format_path(path), bad) for path, bad in planted_here]
    assert {bad for *_, bad in expected} == {b for values in BAD_ADDRESSES.values() for b in values}
    kinds = {Path(file).stem for file, *_ in expected}
    assert {"contacts", "legal", "municipality", "organisations", "sources"} <= kinds

    code, output = check(data_dir)
    assert code == 1
    errors = error_lines(output)
    missing = [f"{file}:{line}: {path} ({bad!r})" for file, line, path, bad in expected
               if not any(e.startswith(f"{file}:{line}: {path}: ") for e in errors)]
    assert not missing, "not refused at its place:\n" + "\n".join(missing) + "\n\n" + output


def test_a_url_past_the_check_still_cannot_break_out_of_the_handbook(tmp_path):
    """Defence in depth: were a quote ever to pass the URL check, Material's canonical link still holds it as text."""
    hostile = 'https://x.dk/"><svg/onload=window.__pwned=1>&amp;/'
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        ds, _ = load_dataset(MUNICIPALITIES["hjoerring"])
        ds.municipality = dataclasses.replace(ds.municipality, url_intranet=hostile)
        build_handbook(ds, tmp_path / "site")
    pages = [str(p.relative_to(tmp_path / "site")) for p in html_files(tmp_path / "site")]
    ran, dialogs = run_pages(tmp_path / "site", pages)
    assert not ran and not dialogs, "\n".join(ran + dialogs)
    page = Page((tmp_path / "site" / "kontakter" / "index.html").read_text(encoding="utf-8"))
    assert not page.injected
    source = (tmp_path / "site" / "kontakter" / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]*)">', source)
    # The address, its unsafe characters percent-encoded (as a browser's address bar would show it).
    assert canonical and unquote(html.unescape(canonical[1])) == hostile + "kontakter/"


def test_a_line_break_of_any_kind_in_a_contact_is_escaped_in_its_vcard():
    """A bare CR (or LF, NEL, U+2028) in a name must not start a new vCard line (RFC 6350 3.4)."""
    from macros.handbook import vcard

    ds, _ = load_dataset(MUNICIPALITIES["hjoerring"])
    contact = next(iter(ds.contacts.values()))
    for brk in ("\r", "\n", "\r\n", "\x85", "\u2028", "\x0b"):
        hostile = dataclasses.replace(contact, name=f"Anna{brk}TEL:+4512345678", title=f"Leder{brk}END:VCARD",
                                      responsibilities=(f"Råd{brk}BEGIN:VCARD",))
        lines = content_lines(vcard.card(hostile, ds).encode("utf-8"))
        names = [re.match(r"[A-Z-]+", line)[0] for line in lines]
        assert names.count("TEL") == len(contact.phones) and names.count("BEGIN") == names.count("END") == 1, brk
        fn = next(text_value(line.split(":", 1)[1]) for line in lines if line.startswith("FN:"))
        assert fn == "Anna\nTEL:+4512345678", repr(brk)


def test_a_line_break_in_the_team_name_is_escaped_in_the_calendar():
    from macros.handbook import calendar

    ds, _ = load_dataset(MUNICIPALITIES["hjoerring"])
    for brk in ("\r", "\n", "\r\n"):
        ds.municipality = dataclasses.replace(ds.municipality, team=f"Infohus{brk}BEGIN:VEVENT",
                                              name=f"Kommune{brk}END:VCALENDAR")
        lines = content_lines(calendar.calendar(ds))
        names = [re.match(r"[A-Z-]+", line)[0] for line in lines]
        assert names.count("END") == names.count("BEGIN") and lines[-1] == "END:VCALENDAR", repr(brk)
        assert set(names) <= CALENDAR_PROPERTIES


def test_every_address_field_of_every_schema_is_an_url_the_check_validates():
    """A field named like an address (url, urls, …_url) or asking for https:// is common.schema.json's $defs/url,
    which carries the format the check validates every address by: a new field cannot skip the check."""
    from macros.model.schema import URL_FORMAT

    common = schema("common.schema.json")
    assert common["$defs"]["url"]["format"] == URL_FORMAT
    found = []
    for file in sorted(SCHEMA_DIR.glob("*.schema.json")):
        if file.name == "common.schema.json":
            continue
        root = schema(file.name)
        for path, name in leaves(root, root).items():
            keys = [k for k in path if k != "[]"]
            addressy = keys[-1].endswith("url") or "urls" in keys or "covered_elsewhere" in keys
            if addressy:
                found.append(path)
                assert name == "url", f"{file.name}: {'.'.join(path)} is an address but not $defs/url"
    assert len(found) >= 10


@pytest.mark.parametrize("url, fault", [
    ('https://x.dk/"><svg/onload=alert(1)>', "anførselstegnet \", som ikke kan stå i en webadresse; skriv %22 i stedet"),
    ("https://x.dk/'x", "apostroffen '"), ("https://x.dk/<b>", "tegnet <"), ("https://x.dk/>", "tegnet >"),
    ("https://x.dk/`", "tegnet `"), ("https://x.dk\\@evil.dk/", "en omvendt skråstreg"), ("https://x.dk/a b", "et mellemrum"),
    ("https://x.dk/\ta", "et usynligt tegn (\\u0009)"), ("https://x.dk/\na", "\\u000a"), ("https://x.dk/\r", "\\u000d"),
    ("https://x.dk/\x07", "\\u0007"), ("https://x.dk/\x85", "\\u0085"), ("https://x.dk/\u202e", "\\u202e"),
    ("https://x.dk/\u2028", "\\u2028"), ("https://x.dk/\u00a0", "\\u00a0"),
    ("http://x.dk/", "skal begynde med https://"), ("javascript:alert(1)", "skal begynde med https://"),
    ("mailto:a@x.dk", "skal begynde med https://"), ("tel:+4572333333", "skal begynde med https://"),
    ("https://localhost/", "gyldigt domæne med punktum"), ("https://x..dk/", "gyldigt domæne"),
    ("https://-x.dk/", "gyldigt domæne"), ("https:///x.dk", "gyldigt domæne"), ("https://[::1]/", "gyldigt domæne"),
    ("https://user:pw@x.dk/", "brugernavn eller en adgangskode"), ("https://x.dk:99999/", "kan ikke læses"),
])
def test_the_url_check_refuses_and_says_why(url, fault):
    from macros.model.record import url_message, valid_url

    assert not valid_url(url)
    message = url_message(url)
    assert fault in message and message.startswith('"') and message.isprintable()


@pytest.mark.parametrize("url", ["https://www.hjoerring.dk/", "https://www.hjørring.dk/side?a=1&b=2#x",
                                 "https://xn--hjrring-f1a.dk/", "https://x.dk:8443/a/b%22c", "https://x.dk./"])
def test_the_url_check_accepts_real_addresses(url):
    from macros.model.record import valid_url

    assert valid_url(url)


def test_an_id_that_is_a_list_is_a_located_error_not_a_crash(data_copy, check):
    """Found by test_property: the check for text left as `infohus new` wrote it looked a list up as a key."""
    signs = data_copy / "warning_signs.yml"
    text = signs.read_text(encoding="utf-8")
    assert "  - id: eks-aendret-adfaerd\n" in text
    signs.write_text(text.replace("  - id: eks-aendret-adfaerd\n", "  - id: [1, 2]\n", 1), encoding="utf-8")
    at = next(n for n, row in enumerate(signs.read_text(encoding="utf-8").splitlines(), 1) if row == "  - id: [1, 2]")
    code, output = check(data_copy)
    assert code == 1, output
    assert f"{signs}:{at}:" in output and "stoppede på en fejl i infohus selv" not in output
