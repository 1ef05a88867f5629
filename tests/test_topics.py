"""A municipality's outputs speak only of the topics it covers: handbook, search index, citizen page and cards.

Hjørring covers only extremism. Every file `infohus build` writes for it (HTML, JSON, the search index,
vCards, the sitemap, and the text of every PDF, the beredskab's among them) is scanned for words of the other two topics. Halsnæs,
which covers all three, is the negative control: the same scan finds them in its handbook, citizen
page and search index.

Some records name an uncovered topic on purpose, and the build shows them because they belong to
what Hjørring covers: its own plan sends concerns about negative social control and forced marriage
on to the right place (an answer and an outcome of the staff guide, and the SSP consultant's task),
Barnets lov § 15, stk. 3 requires a plan against all three topics, and SIRI's definition lists its
work. No topic tag can hide them without hiding the routing exactly where it is needed, so they stay;
the scan removes exactly their texts (read from the records, not copied here) before it looks, and
fails if one of them stops naming a topic, so the list never outlives the data.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gzip
import io
import shutil
import html
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MUNICIPALITIES, TODAY
from macros.cli import main
from macros.model.dataset import load_dataset

# Words of negative social control and honour-related conflicts, as the handbook, cards and pages would
# write them (the citizen page also in English).
UNCOVERED = ("negativ social kontrol", "social kontrol", "æresrelater", "tvangsægteskab",
             "social control", "honour", "forced marriage")
# Records that name those topics on purpose (see the module docstring): (kind, id) -> why.
DELIBERATE = {
    ("contacts", "ssp-konsulent"): "the SSP consultant forwards such concerns",
    ("legal", "beredskab"): "Barnets lov § 15, stk. 3 requires a plan against all three topics",
}
# The sentence the default data adds about the two other topics; a municipality without them drops it.
HJOERRING_OTHER_TOPICS = re.compile(r" Beredskabet dækker også negativ\s+social kontrol.*?egen plan\.", re.S)
# The same in the plan's summary: its list of the three topics, and its sentence about the two others.
PLAN_ALL_TOPICS = re.compile(r"negativ\s+social\s+kontrol,\s+æresrelaterede\s+konflikter\s+og\s+ekstremisme")
PLAN_OTHER_TOPICS = re.compile(r" Sager\s+om\s+fx\s+negativ\s+social\s+kontrol.*?i\s+kommunen\.", re.S)
# Pagefind's word index, filters and wasm are binary; its fragments (each page's text) are read below.
BINARY = {".png", ".ico", ".woff", ".woff2", ".jpg", ".jpeg", ".gif", ".webp", ".pf_index", ".pf_meta", ".pf_filter",
          ".pagefind"}
FRAGMENT_MAGIC = b"pagefind_dcd"


def squeeze(text: str) -> str:
    """Lower case without any white space, so a line break, a wrapped SVG line or a folded vCard line
    never splits a phrase."""
    return re.sub(r"[\s\u00ad\u2060]+", "", text).lower()


class _Pieces(HTMLParser):
    """The text of an HTML or SVG file (every text node, joined) and each attribute value apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.attributes.extend(value for _, value in attrs if value)

    def handle_data(self, data) -> None:
        self.text.append(data)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def pieces(path: Path) -> list[str] | None:
    """The readable texts of one built file, each squeezed; None for pictures and fonts."""
    if path.suffix in BINARY:
        return None
    if path.suffix == ".pdf":
        texts = [subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                                encoding="utf-8").stdout]
    else:
        raw = path.read_bytes()
        source = (gzip.decompress(raw) if path.suffix in (".gz", ".pf_fragment") else raw).decode("utf-8")
        if path.suffix == ".pf_fragment":  # one page as Pagefind indexed it: its text, title and headings
            fragment = json.loads(source.removeprefix(FRAGMENT_MAGIC.decode()))
            texts = list(_strings(fragment))
        elif path.suffix == ".json":  # the search index writes æ as \u00e6, and its texts keep some tags
            texts = [html.unescape(re.sub(r"<[^>]+>", "", s)) for s in _strings(json.loads(source))]
        elif path.suffix in (".html", ".svg", ".xml", ".gz"):
            parser = _Pieces()
            parser.feed(source)
            texts = ["".join(parser.text), *parser.attributes]
        elif path.suffix == ".vcf":  # unfold lines, then undo the vCard escapes
            unfolded = source.replace("\r\n ", "")
            texts = [re.sub(r"\\([,;\\])", r"\1", unfolded).replace("\\n", "\n")]
        else:  # scripts, style sheets, text
            texts = [source]
    return [squeeze(t) for t in texts]


def mentions(out: Path, allowed: list[str] = ()) -> tuple[dict[str, list[str]], list[Path]]:
    """Every mention of an uncovered topic in OUT once `allowed` texts are taken out: file -> words;
    and the files scanned."""
    allowed = sorted((squeeze(t) for t in allowed), key=len, reverse=True)
    found, scanned = {}, []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        texts = pieces(path)
        if texts is None:
            continue
        scanned.append(path)
        words = set()
        for text in texts:
            for known in allowed:
                text = text.replace(known, "")
            words.update(w for w in UNCOVERED if squeeze(w) in text)
        if words:
            found[str(path.relative_to(out))] = sorted(words)
    return found, scanned


# Fields that are not prose: exempting a search word or a topic id would exempt it everywhere.
NOT_PROSE = {"origin", "source", "verified", "keywords", "synonyms", "topics", "related", "roles"}


def record_texts(record) -> list[str]:
    """Every prose text of a record (its steps, answers and outcomes included)."""
    if isinstance(record, str):
        return [record]
    if isinstance(record, (list, tuple)):
        return [s for item in record for s in record_texts(item)]
    if dataclasses.is_dataclass(record):
        return [s for f in dataclasses.fields(record) if f.name not in NOT_PROSE
                for s in record_texts(getattr(record, f.name))]
    return []


@pytest.fixture(scope="module")
def extremism_only(tmp_path_factory) -> tuple[object, Path]:
    """A copy of Hjørring that covers only extremism: its data set, and its built OUT."""
    folder = tmp_path_factory.mktemp("extremism-only") / "hjoerring"
    shutil.copytree(MUNICIPALITIES["hjoerring"], folder)
    path = folder / "municipality.yml"
    text = path.read_text(encoding="utf-8").replace("topics: [extremism, social_control, honour]", "topics: [extremism]")
    path.write_text(HJOERRING_OTHER_TOPICS.sub("", text), encoding="utf-8")
    path = folder / "plan.yml"  # the plan's summary, as such a municipality writes it
    text = path.read_text(encoding="utf-8")
    path.write_text(PLAN_OTHER_TOPICS.sub("", PLAN_ALL_TOPICS.sub("ekstremisme", text)), encoding="utf-8")
    out = folder.parent / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        ds, _ = load_dataset(folder)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["build", "--data", str(folder), "--out", str(out)]) == 0
    return ds, out


@pytest.fixture(scope="module")
def deliberate(extremism_only) -> dict[str, list[str]]:
    """The texts of each deliberate record, and of the check's § 15 warnings, that name an uncovered topic."""
    ds, _ = extremism_only
    texts = {f"{kind} {rid}": record_texts(getattr(ds, kind)[rid]) for kind, rid in DELIBERATE}
    texts["check"] = [p.message for p in ds.problems if "§ 15, stk. 3" in p.message]
    return {name: [t for t in found if any(squeeze(w) in squeeze(t) for w in UNCOVERED)]
            for name, found in texts.items()}


def test_the_copy_covers_only_extremism_and_the_default_data_all_three(extremism_only):
    ds, _ = extremism_only
    assert ds.municipality.topics == ("extremism",)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOHUS_TODAY", TODAY)
        full, _ = load_dataset(MUNICIPALITIES["hjoerring"])
    assert full.municipality.topics == ("extremism", "social_control", "honour")
    assert not HJOERRING_OTHER_TOPICS.search(ds.municipality.description)


def test_no_file_of_a_municipality_without_a_topic_mentions_it(extremism_only, deliberate):
    _, out = extremism_only
    found, scanned = mentions(out, [t for texts in deliberate.values() for t in texts])
    names = {str(p.relative_to(out)) for p in scanned}
    assert {"public/index.html", "public/en/index.html",
            "public/contacts.json", "public/embed.html", "intranet/sitemap.xml.gz"} <= names
    assert sum(n.startswith("intranet/pagefind/fragment/") for n in names) >= 10, "the search index is scanned"
    # Six action cards and the beredskab's two editions (public and internal).
    assert sum(n.endswith(".pdf") for n in names) == 8 and sum(n.endswith(".vcf") for n in names) > 5
    assert not found, "uncovered topics named in the output:\n" + \
        "\n".join(f"{name}: {', '.join(words)}" for name, words in found.items())


def test_each_deliberate_mention_still_names_a_topic_and_is_shown(extremism_only, deliberate):
    stale = [name for name, texts in deliberate.items() if not texts]
    assert not stale, f"no longer names an uncovered topic, so drop it from DELIBERATE: {stale}"
    # Only sentences are taken out, never a bare topic word that would then pass anywhere.
    assert all(len(text.split()) >= 8 for texts in deliberate.values() for text in texts), deliberate
    # Without the exemptions the scan finds them, in the pages that show those texts.
    _, out = extremism_only
    found, _ = mentions(out)
    assert {"intranet/kontakter/index.html", "intranet/lovgrundlag/index.html", "intranet/koordinator/index.html"} \
        <= set(found)
    assert any(name.startswith("intranet/pagefind/fragment/") for name in found), "the scan reads the search index"
    # The beredskab quotes § 15, stk. 3 in its legal chapter; the citizen page and the cards never do.
    plan = {"public/beredskab/index.html", "public/beredskab.pdf", "intranet/beredskab-intern.pdf"}
    assert plan <= set(found)
    assert not [name for name in set(found) - plan if name.startswith("public/") or name.endswith(".pdf")]


def test_negative_control_hjoerring_names_all_three_topics_in_its_outputs(built_sites):
    found, _ = mentions(built_sites["hjoerring"])
    assert {"negativ social kontrol", "æresrelater", "tvangsægteskab"} <= set(found["intranet/ordliste/index.html"])
    assert {"negativ social kontrol", "æresrelater"} <= set(found["public/index.html"])
    assert {"intranet/handlekort/nsk.pdf", "intranet/handlekort/udrejse.pdf"} <= set(found)


def test_negative_control_halsnaes_names_its_topics_in_handbook_citizen_page_and_search(built_sites):
    found, _ = mentions(built_sites["halsnaes"])
    handbook = {w for name, words in found.items() if name.startswith("intranet/") and name.endswith(".html")
                for w in words}
    assert {"negativ social kontrol", "æresrelater", "tvangsægteskab"} <= handbook
    index = {w for name, words in found.items() if name.startswith("intranet/pagefind/fragment/") for w in words}
    assert {"negativ social kontrol", "æresrelater", "tvangsægteskab"} <= index
    assert {"negativ social kontrol", "æresrelater"} <= set(found["public/index.html"])
    assert {"social control", "honour"} <= set(found["public/en/index.html"])
    assert [name for name in found if name.endswith(".pdf")], "its cards name the topics too"


def test_the_scan_reads_text_attributes_json_folded_vcards_and_keeps_other_mentions(tmp_path):
    (tmp_path / "a.html").write_text('<p>Negativ social\n<b>kontrol</b></p><img alt="Tvangsægteskab" src="x">',
                                     encoding="utf-8")
    (tmp_path / "b.json").write_text('{"text": "<h2>\\u00c6resrelaterede konflikter</h2>"}', encoding="utf-8")
    (tmp_path / "c.vcf").write_text("NOTE:om fx negativ socia\r\n l kontrol\\, tak\r\n", encoding="utf-8")
    (tmp_path / "d.html").write_text("<p>Vi sender sager om social kontrol videre. Også om tvangsægteskab.</p>",
                                     encoding="utf-8")
    found, _ = mentions(tmp_path, ["Vi sender sager om social kontrol videre."])
    assert found == {"a.html": ["negativ social kontrol", "social kontrol", "tvangsægteskab"],
                     "b.json": ["æresrelater"], "c.vcf": ["negativ social kontrol", "social kontrol"],
                     "d.html": ["tvangsægteskab"]}
