"""The beredskab as an accessible A4 PDF (PDF/UA-1, tagged), made with WeasyPrint from the edition's HTML.

Builds repeat byte for byte: the document is read from a virtual address (file:///document/), its
dates come from the data (`dcterms.created`), and WeasyPrint writes no clock time of its own. It loads
nothing: the fetcher serves `data:` URIs (the logo) and refuses every other address, so a PDF never
carries a file from the machine or a request to another host. Any warning from WeasyPrint (a missing
text alternative, a CSS rule it ignores) fails the build: a flawed PDF is never published.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from ..common import cache
from ..common.faults import SystemFault

BASE_URL = "file:///document/beredskab.html"  # virtual: the bytes never depend on the checkout path
VARIANT = "pdf/ua-1"  # tagged, PDF 1.7, with the PDF/UA identification in its XMP
SCOPES = {"row": "Row", "col": "Column", "rowgroup": "Row", "colgroup": "Column"}  # HTML scope -> PDF /Scope


class _Collector(logging.Handler):
    """WeasyPrint's warnings and errors, which its Python API otherwise drops silently."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, target: Path) -> int:
    """Write `html` as a PDF/UA-1 file to `target`; return its page count.

    The PDF comes from the cache of rendered artefacts (`common.cache`) when the same HTML was rendered before
    by the same WeasyPrint, with the same fonts and this same code; else it is rendered and stored there.
    SystemFault (exit 2) if WeasyPrint cannot be loaded or reports any problem; `target` is then not written.
    """
    def parts() -> dict:
        return {"html": html.encode("utf-8"), "base_url": BASE_URL, "variant": VARIANT, "renderer": _renderer(),
                "fonts": cache.fonts(html), "environment": cache.environment(os.environ),
                "code": cache.source(__name__)}
    pdf, meta = cache.cached("beredskab-pdf", parts, lambda: _render(html))
    target.write_bytes(pdf)
    return meta["pages"]


def load_engine() -> None:
    """Import WeasyPrint now, for the processes forked after this (`build --all`); where it cannot be loaded, the
    render itself says why."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pass


def _renderer() -> dict:
    """WeasyPrint's identity: its version and its dependencies', and the system libraries it draws with."""
    return {"packages": cache.packages("weasyprint"), "libraries": _library_versions()}


def _library_versions() -> dict[str, str]:
    """The versions Pango, HarfBuzz and fontconfig report (the libraries WeasyPrint loads), without importing it."""
    import ctypes

    found = {}
    for name, soname, function, kind in (("pango", "libpango-1.0.so.0", "pango_version_string", ctypes.c_char_p),
                                         ("harfbuzz", "libharfbuzz.so.0", "hb_version_string", ctypes.c_char_p),
                                         ("fontconfig", "libfontconfig.so.1", "FcGetVersion", ctypes.c_int)):
        try:
            call = getattr(ctypes.CDLL(soname), function)
            call.restype = kind
            value = call()
            found[name] = value.decode() if isinstance(value, bytes) else str(value)
        except (OSError, AttributeError):
            found[name] = "missing"
    return found


def _render(html: str) -> tuple[bytes, dict]:
    """`html` rendered by WeasyPrint: the PDF's bytes and its page count. The import is here, not at the top:
    WeasyPrint takes half a second to load."""
    try:
        import pydyf
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except OSError as exc:  # Pango or HarfBuzz missing: cffi cannot open the library
        raise SystemFault("PDF-motoren WeasyPrint mangler systembiblioteket Pango, så beredskabets PDF kan "
                          "ikke laves. Installér det med \"bash scripts/system-deps.sh site\" (eller "
                          "\"make site\"), og byg igen.") from exc

    class Fetcher(URLFetcher):
        """`data:` URIs only; any other address stops the render."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            if url.split(":", 1)[0].lower() == "data":
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"beredskabet henviser til en fil eller adresse, som ikke må indlejres: {url}")

    def finish(document, pdf) -> None:
        describe_links(document)
        scope_headers(document)

    def describe_links(document) -> None:
        """Give every link annotation its link text as /Contents (PDF/UA 7.18.5), not the bare target."""
        for page in document.pages:
            for link_type, target, _rect, box in page.links:
                annotation = getattr(box, "link_annotation", None)
                if annotation is None or box.element is None:
                    continue
                text = " ".join("".join(box.element.itertext()).split())
                shown = target.removeprefix("mailto:").removeprefix("tel:")
                if link_type == "external" and shown not in text:
                    text = f"{text} ({shown})" if text else shown
                annotation["Contents"] = pydyf.String(text or target)

    def scope_headers(document) -> None:
        """Give every table header cell the /Scope of its HTML `scope` (PDF/UA 7.5): WeasyPrint 70 tags a <th>
        as /TH and links the data cells to it, but writes no /Scope, so a checker cannot tell row from column."""
        for page in document.pages:
            for box in _descendants(page._page_box):
                mark = getattr(box, "mark", None)
                if box.element is not None and box.element_tag == "th" and mark is not None and "A" in mark:
                    mark["A"]["Scope"] = "/" + SCOPES.get(box.element.attrib.get("scope", "col"), "Column")

    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        options = {"pdf_variant": VARIANT, "pdf_identifier": True}
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=Fetcher()).render(**options)
        if collector.messages:
            raise _problems(collector.messages)
        pdf = document.write_pdf(finisher=finish, **options)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint 70: catch it by name
        raise SystemFault(f"Beredskabets PDF kunne ikke laves: {exc}") from None
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise _problems(collector.messages)
    return pdf, {"pages": len(document.pages)}


def _descendants(box):
    """`box` and every box inside it."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _problems(messages: list[str]) -> SystemFault:
    shown = "; ".join(dict.fromkeys(messages))
    return SystemFault(f"Beredskabets PDF blev ikke lavet, fordi PDF-motoren WeasyPrint meldte: {shown}. "
                       "Det er en fejl i infohus' skabelon, ikke i data: meld den til den, der vedligeholder "
                       "infohus.")
