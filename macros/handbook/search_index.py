"""The handbook's search index: Pagefind over the built pages, in Danish, with the compounds' parts and the
data's search terms as hidden, weighted words, written into the site's own folder (SITE/pagefind/).

Runs on the finished site in `infohus build`'s staging folder (and in `infohus serve`'s), so the index is
swapped in with the pages it was made from. Pagefind's binary comes with the `pagefind[bin]` package; nothing
is fetched. Only the files the handbook's own search script uses are written (no Pagefind UI bundles).

The pages to index say so in a meta tag (overrides/main.html; not those with `search: exclude`, nor 404.html);
their article (Material's `md-content__inner`, without navigation, header or footer) gets `data-pagefind-body`
here, so the theme's markup and CSS stay as they are. Within it, each section (a heading with an id and the text up to the next one)
gets one hidden `<span class="ih-terms">` at its end: the parts of its compounds that the section does not
already use as words, and the search terms whose term stands in it. Pagefind reads HTML, not CSS, so the
words are indexed though the screen and screen readers never show them.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from . import compounds
from ..common import cache
from ..common.faults import SystemFault

FOLDER = "pagefind"
LANGUAGE = "da"
BODY = "data-pagefind-body"
INDEXED = '<meta name="infohus-search" content="index">'
ARTICLE = '<article class="md-content__inner md-typeset">'
# What the search script loads: the API, its worker and Danish wasm, the index, and the highlighter.
WANTED = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-highlight\.js|pagefind-entry\.json"
                    r"|wasm\.da\.pagefind|pagefind\.da_[0-9a-f]+\.pf_meta"
                    r"|index/da_[0-9a-f]+\.pf_index|fragment/da_[0-9a-f]+\.pf_fragment)$")
# The hidden words stand between two of these in the text Pagefind keeps of a page: not a word to the index (a
# search for it finds nothing), but a word of its own where the search script counts words, so the script can
# leave the hidden words out of the excerpts it shows (overrides/assets/javascripts/search.js).
SENTINEL = "\u2042"   # ⁂, asterism
NO_PAGEFIND = "Installér infohus igen (pip install infohus), så Pagefind kommer med."
COMPOUND_WEIGHT = "1"  # as the words around them
TERM_WEIGHT = "2"      # a search term leads to its term: a little above ordinary text
_HEADING = re.compile(r"h[1-6]")
_KEYWORDS = re.compile(r'(<p class="ih-terms"[^>]*>)([^<]*)(</p>)')  # partials/keywords.html: the data's words


@dataclass
class _Section:
    start: int                       # offset of the heading's tag (or of the body's first character)
    end: int = -1                    # where its hidden words go: before the next heading, or the body's end
    text: list[str] = field(default_factory=list)


class _Sections(HTMLParser):
    """The sections of the element marked `data-pagefind-body`, with their text and offsets."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._lines = [0]  # where each line starts; HTMLParser counts lines by "\n" alone
        for line in html.split("\n"):
            self._lines.append(self._lines[-1] + len(line) + 1)
        self.sections: list[_Section] = []
        self._depth = 0       # nesting inside the body element; 0 outside it
        self._skip = 0        # inside <script>, <style> or a permalink
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if self._depth == 0:
            if BODY in names:
                self._depth = 1
                self.sections.append(_Section(self._offset() + len(self.get_starttag_text())))
            return
        if tag not in _VOID:
            self._depth += 1
        if tag in ("script", "style") or "headerlink" in (names.get("class") or ""):
            self._skip += 1
        elif _HEADING.fullmatch(tag) and names.get("id"):
            self.sections[-1].end = self._offset()
            self.sections.append(_Section(self._offset()))

    def handle_endtag(self, tag):
        if self._depth == 0 or tag in _VOID:
            return
        if self._skip and tag in ("script", "style", "a"):
            self._skip -= 1
        self._depth -= 1
        if self._depth == 0:
            self.sections[-1].end = self._offset()

    def handle_data(self, data):
        if self._depth and not self._skip:
            self.sections[-1].text.append(data)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _term_pattern(term: str) -> re.Pattern:
    """The term as a whole word, in any of its inflections ("politi", "politiet", "politiets")."""
    endings = "|".join(sorted({e for e in compounds.ENDINGS} | {"ets", "ens", "ernes", "enes", "ns", "ts"},
                              key=len, reverse=True))
    return re.compile(rf"(?<![a-zæøåéü]){re.escape(term)}(?:{endings})?(?![a-zæøåéü])")


def marked(html: str) -> str | None:
    """A page that asks to be indexed, with its article marked as what Pagefind indexes; None for the others."""
    if INDEXED not in html or ARTICLE not in html:
        return None
    return html.replace(ARTICLE, ARTICLE[:-1] + f" {BODY}>", 1)


def enrich(pages: dict[str, str], search_terms) -> dict[str, str]:
    """Each page's HTML with the hidden words of every section; pages without `data-pagefind-body` are left out."""
    parsed = {path: _Sections(html) for path, html in pages.items() if BODY in html}
    vocabulary = {w for p in parsed.values() for s in p.sections for w in compounds.words(" ".join(s.text))}
    splitter = compounds.Splitter(vocabulary)
    terms = [(_term_pattern(t.term.lower()), t.words) for t in search_terms]
    out = {}
    for path, parts in parsed.items():
        html, inserts = pages[path], []
        for section in parts.sections:
            text = " ".join(section.text).lower()
            present = set(compounds.words(text))
            extra = []
            for word in sorted(present):
                extra += [p for p in splitter.split(word) if p not in present and p not in extra]
            synonyms = [w for pattern, words in terms if pattern.search(text) for w in words]
            hidden = []  # spaces around each: Pagefind joins the text of inline elements as it stands
            if extra:
                hidden.append(f'<span data-pagefind-weight="{COMPOUND_WEIGHT}">{escape(" ".join(extra))}</span>')
            if synonyms:
                hidden.append(f'<span data-pagefind-weight="{TERM_WEIGHT}">{escape(" ".join(synonyms))}</span>')
            if hidden and section.end >= 0:
                inserts.append((section.end, f'<span class="ih-terms"> {SENTINEL} {" ".join(hidden)} {SENTINEL} </span>'))
        for at, piece in sorted(inserts, reverse=True):
            html = html[:at] + piece + html[at:]
        html = _KEYWORDS.sub(lambda m: f"{m[1]} {SENTINEL} {m[2]} {SENTINEL} {m[3]}", html)
        out[path] = html.replace('class="headerlink"', 'class="headerlink" data-pagefind-ignore')  # no "¶" in titles
    return out


def write_index(site_dir: Path, search_terms) -> dict[str, int]:
    """Index the built handbook in `site_dir` into SITE/pagefind/; the hidden words are written into its pages.

    Returns the number of pages indexed and the bytes written. SystemFault if Pagefind fails."""
    site_dir = Path(site_dir)
    pages = {str(p.relative_to(site_dir)): p.read_text(encoding="utf-8") for p in sorted(site_dir.rglob("*.html"))}
    enriched = _enriched({path: body for path, html in pages.items() if (body := marked(html))}, search_terms)
    for path, html in enriched.items():
        (site_dir / path).write_text(html, encoding="utf-8")
        pages[path] = html
    out = site_dir / FOLDER
    out.mkdir()  # a new folder in the site MkDocs just wrote: nothing of anyone else's is in it
    written = 0
    for name, content in _index_files(site_dir, pages):
        target = out / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(content)
        written += len(content)
    return {"pages": len(enriched), "bytes": written}


def _enriched(pages: dict[str, str], search_terms) -> dict[str, str]:
    """`enrich(pages, search_terms)`, from the cache of rendered artefacts when the same pages were enriched with
    the same terms by this code before (parsing and splitting every section is most of an unchanged index's time).
    A cached entry's bytes are checked by the cache; its list of pages must be exactly `pages`, in order, with
    sizes adding up and every page valid UTF-8, or the pages are enriched anew: it names no file of its own."""
    terms = [(t.term, list(t.words)) for t in search_terms]

    def parts() -> dict:
        return {"pages": [(path, hashlib.sha256(html.encode("utf-8")).hexdigest()) for path, html in pages.items()],
                "terms": terms, "code": cache.source(__name__, compounds.__name__)}

    def made() -> tuple[bytes, dict]:
        out = enrich(pages, search_terms)
        encoded = [(path, out[path].encode("utf-8")) for path in pages if path in out]
        return b"".join(data for _, data in encoded), {"pages": [[path, len(data)] for path, data in encoded]}

    data, meta = cache.cached("search-pages", parts, made)
    found = _split_pages(data, meta, [path for path, html in pages.items() if BODY in html])
    return found if found is not None else enrich(pages, search_terms)


def _split_pages(data: bytes, meta: dict, wanted: list[str]) -> dict[str, str] | None:
    """`data` cut into the pages `meta` lists; None unless they are exactly `wanted`, in order, their sizes add up
    to the bytes and each is UTF-8."""
    listed = meta.get("pages") if isinstance(meta, dict) else None
    if not (isinstance(listed, list) and [entry[0] if isinstance(entry, list) and len(entry) == 2 else None
                                          for entry in listed] == wanted):
        return None
    out, at = {}, 0
    for path, size in listed:
        if type(size) is not int or size < 0:
            return None
        try:
            out[path] = data[at:at + size].decode("utf-8")
        except UnicodeDecodeError:
            return None
        at += size
    return out if at == len(data) else None


def _index_files(site_dir: Path, pages: dict[str, str]) -> list[tuple[str, bytes]]:
    """The index files the search uses (name under pagefind/, bytes) for the site's `pages` as they now stand:
    from the cache of rendered artefacts when the same pages were indexed by the same Pagefind and this code
    before, else made by Pagefind. A cached entry's bytes are checked by the cache; its list of files is
    checked here (every name one the search uses, the sizes adding up), or the index is made anew."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SystemFault("Håndbogens søgeindeks kan ikke laves: Pagefind er ikke installeret. " + NO_PAGEFIND) from None
    binary = get_executable()
    # Once a page is marked, Pagefind leaves every unmarked page out of the index: only the marked pages' HTML (and
    # which others there are) can change it. So the Ændringer and coordinator pages, which change after every
    # build with changes, do not make the index anew.
    indexed = {path: html for path, html in pages.items() if BODY in html} or pages

    def parts() -> dict:
        return {"pages": sorted((path, hashlib.sha256(html.encode("utf-8")).hexdigest()) for path, html in indexed.items()),
                "others": sorted(set(pages) - set(indexed)),
                "language": LANGUAGE, "packages": cache.packages("pagefind", "pagefind-bin"),
                "renderer": cache.program(str(binary), "--version") if binary else "missing",
                "code": cache.source(__name__)}

    def index() -> tuple[bytes, dict]:
        try:
            files = asyncio.run(_pagefind(site_dir))
        except (OSError, AssertionError, RuntimeError, ImportError) as exc:
            raise SystemFault(f"Håndbogens søgeindeks kunne ikke laves med Pagefind ({type(exc).__name__}: {exc}). "
                              + NO_PAGEFIND) from None
        kept = sorted((file["path"], bytes(file["content"])) for file in files if WANTED.match(file["path"]))
        return b"".join(content for _, content in kept), {"files": [[name, len(content)] for name, content in kept]}

    data, meta = cache.cached("search-index", parts, index)
    files = _split(data, meta)
    if files is None:  # a record the cache kept intact but this code would never have written
        data, meta = index()
        files = _split(data, meta)
    return files


def _split(data: bytes, meta: dict) -> list[tuple[str, bytes]] | None:
    """`data` cut into the files `meta` lists; None unless every name is one the search uses, once, and the
    sizes add up to the bytes."""
    listed = meta.get("files") if isinstance(meta, dict) else None
    if not isinstance(listed, list):
        return None
    files, at, names = [], 0, set()
    for entry in listed:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and type(entry[1]) is int and entry[1] >= 0 and WANTED.match(entry[0]) and entry[0] not in names):
            return None
        names.add(entry[0])
        files.append((entry[0], data[at:at + entry[1]]))
        at += entry[1]
    return files if at == len(data) else None


async def _pagefind(site_dir: Path) -> list[dict]:
    """Pagefind's index of the pages in `site_dir` marked `data-pagefind-body` (the others it leaves out), as files
    in memory. One request for the folder: the Python API waits 0.1 s for each answer, so page by page is slow."""
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    async with PagefindService() as service:  # the index is read back, never written by Pagefind itself
        index = await service.create_index(IndexConfig(force_language=LANGUAGE))
        await index.add_directory(str(site_dir))
        return await index.get_files()
