"""The municipality's logo: read once from the data folder, verified, and written anew by infohus.

Every output publishes the logo (the citizen page and the handbook as a file anyone can open directly on
the municipality's own address, the beredskab as a data: URI, the cards as a file wkhtmltopdf reads), so a
script in it would run there. The file is therefore never copied: a PNG is decoded and encoded again
without any of its metadata, and an SVG is parsed and written out again from a strict allow-list of
elements, attributes and CSS, by the small serialiser below. Whatever is not on the list is refused with
what it is, so the coordinator knows what to fix; only what editors add and no viewer shows (Inkscape's
and Sodipodi's own attributes, `<metadata>`, comments) is left out without a word.

The file is opened beneath the data folder without following a link and without blocking: a symlink (to
a file anywhere on the machine), a pipe or a device named like the logo is refused, never read.
"""
from __future__ import annotations

import base64
import io
import os
import re
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from ..common import faults

MAX_BYTES = 1024 * 1024  # a logo is a few kilobytes; this leaves room for an embedded picture
MAX_PIXELS = 4096        # width and height of a PNG logo, at most
MAX_ELEMENTS = 10_000
MAX_DEPTH = 50

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# What Inkscape and Sodipodi write for themselves; no viewer shows it, so it is left out silently.
EDITOR_NS = {"http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
             "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd"}
SILENTLY_DROPPED = {"metadata"}  # SVG elements never drawn (Inkscape's RDF licence block lives in one)

ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "symbol", "use", "style", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker", "image",
})
# Presentation properties: allowed as attributes and as declarations in `style`.
PROPERTIES = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display",
    "visibility", "overflow", "clip-path", "clip-rule", "mask", "marker-start", "marker-mid", "marker-end",
    "font", "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "text-decoration", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "writing-mode", "direction", "stop-color", "stop-opacity",
    "shape-rendering", "text-rendering", "image-rendering", "color-interpolation", "paint-order",
    "vector-effect", "isolation", "mix-blend-mode", "enable-background", "white-space",
})
# Attributes that are text, not CSS: any value, escaped when written.
TEXT_ATTRIBUTES = frozenset({"id", "class", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby",
                             "aria-hidden", "focusable", "data-name", "version", "baseProfile"})
ATTRIBUTES = PROPERTIES | TEXT_ATTRIBUTES | frozenset({
    "style", "transform", "viewBox", "preserveAspectRatio", "width", "height", "x", "y",
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength", "dx", "dy",
    "rotate", "textLength", "lengthAdjust", "offset", "gradientUnits", "gradientTransform",
    "spreadMethod", "href", "clipPathUnits", "maskUnits", "maskContentUnits", "patternUnits",
    "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient",
})
_INNER_REF = re.compile(r"#[A-Za-z_][\w.:-]*")
_PICTURE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z_][\w.:-]*\1\s*\)")
_FUNCTION = re.compile(r"([A-Za-z-]*)\s*\(")
_CSS_VALUE = re.compile(r"[\w\s#%.,+\-/'\"()!]*")
_SELECTOR = re.compile(r"[\w\s.#,*>+~:\-]+")
_DECLARATION = re.compile(  # <?xml version="1.0" encoding="UTF-8" standalone="no"?>: UTF-8 or nothing
    r"xml\s+version=(['\"])1\.[01]\1(\s+encoding=(['\"])utf-8\3)?(\s+standalone=(['\"])(yes|no)\5)?\s*", re.IGNORECASE)
SAFE_FUNCTIONS = {"url", "rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx", "skewy"}

FIX_SVG = "Gem logoet som en ren SVG-tegning (fx i Inkscape: Gem som → Optimeret SVG) uden scripts, links og " \
          "henvisninger til andre filer, eller som PNG."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Logo:
    """The logo as infohus wrote it: what every output publishes, under `name`."""

    name: str          # "logo.svg" or "logo.png": the file name in every output
    media_type: str    # "image/svg+xml" or "image/png"
    data: bytes

    def data_uri(self) -> str:
        """The logo as a data: URI, for the PDF, which loads no file."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


class Refused(Exception):
    """The logo cannot be published; the message says why and what to do, in Danish."""


def read(data_dir: Path, name: str) -> Logo:
    """The logo file `name` (a plain file name, as the schema allows) in `data_dir`, verified and written anew.

    Refused (a Danish reason) if it is missing, a link, not a regular file, too big, or not a plain PNG or SVG.
    A logo that cannot be read (no permission) is a SystemFault: a fault of the machine, exit 2.
    """
    if "/" in name or name in (".", ".."):
        raise Refused(f"logoet \"{name}\" skal være et filnavn i kommunens mappe, uden mapper foran.")
    try:
        source = _source(data_dir, name)
    except OSError as exc:
        if exc.filename == name:  # opened beneath the folder: name the whole path
            exc.filename = str(Path(data_dir) / name)
        raise faults.reading(exc) from None
    if name.lower().endswith(".png"):
        return Logo("logo.png", "image/png", png(source, name))
    return Logo("logo.svg", "image/svg+xml", svg(source, name))


def _source(data_dir: Path, name: str) -> bytes:
    """The logo file's bytes, opened beneath `data_dir` without following a link and without blocking."""
    folder = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            raise Refused(f"logoet \"{name}\" findes ikke i {data_dir}. Læg logofilen i kommunens mappe, eller ret "
                          "navnet.") from None
        if stat.S_ISLNK(info.st_mode):
            raise Refused(f"logoet \"{name}\" er et symbolsk link (en genvej til en anden fil). infohus læser kun "
                          "almindelige filer i kommunens mappe: kopiér selve logofilen hertil i stedet for linket.")
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"logoet \"{name}\" er ikke en almindelig fil. Læg en SVG- eller PNG-fil med det navn i "
                          "kommunens mappe.")
        if info.st_size > MAX_BYTES:
            raise Refused(f"logoet \"{name}\" fylder {info.st_size // 1024} kB; et logo må højst fylde "
                          f"{MAX_BYTES // 1024} kB. Gem det mindre, fx som SVG.")
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
        with os.fdopen(fd, "rb") as file:
            if (os.fstat(file.fileno()).st_ino, os.fstat(file.fileno()).st_dev) != (info.st_ino, info.st_dev):
                raise Refused(f"logoet \"{name}\" blev skiftet ud, mens infohus læste det. Kør kommandoen igen.")
            source = file.read(MAX_BYTES + 1)
    finally:
        os.close(folder)
    if len(source) > MAX_BYTES:
        raise Refused(f"logoet \"{name}\" fylder mere end {MAX_BYTES // 1024} kB. Gem det mindre, fx som SVG.")
    return source


# -- PNG ----------------------------------------------------------------------------------------------

_COLOUR_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def png(source: bytes, name: str = "logo.png") -> bytes:
    """`source` checked as a PNG (signature, every chunk's CRC, IHDR, bounded size), decoded and encoded again
    with no chunk but the picture's own: no text, no metadata, nothing after its end."""
    fix = "Gem logoet igen som PNG i et billedprogram."
    if not source.startswith(PNG_SIGNATURE):
        raise Refused(f"logoet \"{name}\" er ikke en PNG-fil (filen begynder ikke som en PNG). {fix}")
    at, chunks = len(PNG_SIGNATURE), []
    while True:
        if at + 8 > len(source):
            raise Refused(f"logoet \"{name}\" slutter midt i PNG-filen. {fix}")
        length, kind = struct.unpack(">I4s", source[at:at + 8])
        end = at + 12 + length
        if end > len(source):
            raise Refused(f"logoet \"{name}\" slutter midt i PNG-filen. {fix}")
        body = source[at + 8:at + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", source[end - 4:end])[0]:
            raise Refused(f"logoet \"{name}\" er en beskadiget PNG-fil (kontrolsummen passer ikke). {fix}")
        chunks.append((kind, body))
        at = end
        if kind == b"IEND":
            break
    if at != len(source):
        raise Refused(f"logoet \"{name}\" har data efter PNG-filens slutning. {fix}")
    if chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise Refused(f"logoet \"{name}\" er en beskadiget PNG-fil (den første del er ikke IHDR). {fix}")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth not in _COLOUR_DEPTHS.get(colour, ()) or (compression, filtering) != (0, 0) or interlace not in (0, 1):
        raise Refused(f"logoet \"{name}\" er en PNG-fil, som ikke følger PNG-standarden. {fix}")
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise Refused(f"logoet \"{name}\" er {width} × {height} pixel; et logo må højst være {MAX_PIXELS} × "
                      f"{MAX_PIXELS}. Gem det mindre.")
    if not any(kind == b"IDAT" for kind, _ in chunks):
        raise Refused(f"logoet \"{name}\" er en PNG-fil uden billede. {fix}")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(source), formats=["PNG"]) as picture:
            picture.load()
            clean = picture.copy()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Refused(f"logoet \"{name}\" kan ikke læses som PNG ({exc}). {fix}") from None
    kept = {"transparency": clean.info["transparency"]} if "transparency" in clean.info else {}
    clean.info = {}
    out = io.BytesIO()
    clean.save(out, format="PNG", **kept)
    return out.getvalue()


# -- SVG ----------------------------------------------------------------------------------------------

def svg(source: bytes, name: str = "logo.svg") -> bytes:
    """`source` parsed as SVG and written out again from the allow-list; Refused, naming what is not allowed."""
    try:
        text = source.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise Refused(f"logoet \"{name}\" er ikke gemt som UTF-8. {FIX_SVG}") from None
    body = text.lstrip()
    if body.startswith("<?xml"):
        close = body.find("?>")
        if close < 0 or not _DECLARATION.fullmatch(body[2:close].strip()):
            raise Refused(f"logoet \"{name}\" begynder med en XML-erklæring, infohus ikke kender "
                          f"({body[:close + 2][:60]}). Gem logoet som UTF-8. {FIX_SVG}")
        body = body[close + 2:]
    if "<?" in body:  # ElementTree drops processing instructions: they must be found before parsing
        start = body.index("<?")
        shown = body[start:body.find("?>", start) + 2 if "?>" in body[start:] else start + 40][:60]
        raise Refused(f"logoet \"{name}\" indeholder en behandlingsinstruktion ({shown}), som kan få en browser "
                      f"til at hente et stylesheet og køre script. {FIX_SVG}")
    if re.search(r"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise Refused(f"logoet \"{name}\" har en DOCTYPE- eller ENTITY-erklæring. {FIX_SVG}")
    root = _parse(body, name)
    if root.tag == "svg":
        raise Refused(f"logoet \"{name}\" mangler xmlns=\"{SVG_NS}\" på <svg>, så browsere viser det ikke. "
                      "Tilføj det, eller gem logoet igen som SVG.")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Refused(f"logoet \"{name}\" er ikke en SVG-tegning: det yderste element er <{_shown(root.tag)}>, ikke "
                      f"<svg>. {FIX_SVG}")
    found: list[str] = []
    written = _element(root, found, uses_xlink := [])
    if found:
        raise Refused(f"logoet \"{name}\" indeholder {', '.join(dict.fromkeys(found))}. {FIX_SVG}")
    namespaces = f' xmlns="{SVG_NS}"' + (f' xmlns:xlink="{XLINK_NS}"' if uses_xlink else "")
    return ("<svg" + namespaces + written[4:] + "\n").encode("utf-8")


def _parse(text: str, name: str) -> ElementTree.Element:
    """The element tree of `text`, read as events so depth and size are bounded while it is read."""
    parser = ElementTree.XMLPullParser(events=("start", "end", "pi"))
    depth = count = 0
    root = None
    try:
        for at in range(0, len(text), 65536):
            parser.feed(text[at:at + 65536])
            for event, element in parser.read_events():
                if event == "pi":
                    raise Refused(f"logoet \"{name}\" indeholder en behandlingsinstruktion. {FIX_SVG}")
                if event == "start":
                    depth, count = depth + 1, count + 1
                    root = root if root is not None else element
                    if depth > MAX_DEPTH or count > MAX_ELEMENTS:
                        raise Refused(f"logoet \"{name}\" har flere end {MAX_ELEMENTS:,} elementer eller ligger mere "
                                      f"end {MAX_DEPTH} niveauer inde i hinanden. {FIX_SVG}".replace(",", "."))
                else:
                    depth -= 1
        parser.close()
    except ElementTree.ParseError as exc:
        raise Refused(f"logoet \"{name}\" kan ikke læses som SVG ({exc}). {FIX_SVG}") from None
    if root is None:
        raise Refused(f"logoet \"{name}\" er tomt. {FIX_SVG}")
    return root


def _split(name: str) -> tuple[str, str]:
    """"{ns}local" -> (ns, local); a name without a namespace has ns "" ."""
    return tuple(name[1:].split("}", 1)) if name.startswith("{") else ("", name)


def _shown(name: str) -> str:
    namespace, local = _split(name)
    prefix = {XLINK_NS: "xlink:", XML_NS: "xml:", "http://www.w3.org/1999/XSL/Transform": "xsl:",
              "http://www.w3.org/1999/xhtml": "html:"}.get(namespace, "" if namespace in ("", SVG_NS) else "?:")
    return prefix + local


def _element(element: ElementTree.Element, found: list[str], xlink: list[bool]) -> str:
    """One allowed element as SVG text (children included), or "" with what is not allowed added to `found`."""
    namespace, local = _split(element.tag)
    if namespace in EDITOR_NS or (namespace == SVG_NS and local in SILENTLY_DROPPED):
        return _escape_text(element.tail)
    if namespace != SVG_NS or local not in ELEMENTS:
        found.append(f"<{_shown(element.tag)}>")
        return ""
    parts = [f"<{local}"]
    for key, value in element.attrib.items():
        attribute = _attribute(local, key, value, found)
        if attribute:
            name, value = attribute
            xlink.extend([True] if name.startswith("xlink:") else [])
            parts.append(f' {name}="{_escape_attribute(value)}"')
    inner = _style_sheet(element.text or "", found) if local == "style" else _escape_text(element.text)
    children = "".join(_element(child, found, xlink) for child in element)
    if inner or children:
        parts.append(f">{inner}{children}</{local}>")
    else:
        parts.append("/>")
    return "".join(parts) + _escape_text(element.tail)


def _attribute(element: str, key: str, value: str, found: list[str]) -> tuple[str, str] | None:
    namespace, local = _split(key)
    if namespace in EDITOR_NS:
        return None
    shown = f"{_shown(key)}=\"{value[:40]}\""
    if namespace == XML_NS and local in ("space", "lang"):
        return f"xml:{local}", value
    if (namespace, local) in (("", "href"), (XLINK_NS, "href")):
        if _INNER_REF.fullmatch(value.strip()) or (element == "image" and _PICTURE.fullmatch(value.strip())):
            return ("xlink:href" if namespace else "href"), value.strip()
        found.append(shown)
        return None
    if namespace or local not in ATTRIBUTES:
        found.append(shown)
        return None
    if local == "style":
        declarations = _declarations(value)
        if declarations is None:
            found.append(shown)
            return None
        return "style", declarations
    if local not in TEXT_ATTRIBUTES and not _safe_value(value):
        found.append(shown)
        return None
    return local, value


def _safe_value(value: str) -> bool:
    """No function but colours and references inside the file (url(#id)), no escapes, no markup."""
    if "\\" in value or "@" in value or any(c in value for c in "<>{};"):
        return False
    for function in _FUNCTION.finditer(value):
        if function[1].lower() not in SAFE_FUNCTIONS:
            return False
    return all(_URL.match(value, match.start()) for match in re.finditer(r"url\(", value, re.IGNORECASE))


def _declarations(text: str) -> str | None:
    """`fill: #fff; stroke: url(#g)` written again as `fill:#fff;stroke:url(#g)`; None if any is not allowed."""
    out = []
    for declaration in text.split(";"):
        if not declaration.strip():
            continue
        prop, colon, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if not colon or prop not in PROPERTIES or not _CSS_VALUE.fullmatch(value) or not _safe_value(value):
            return None
        out.append(f"{prop}:{value}")
    return ";".join(out)


def _style_sheet(text: str, found: list[str]) -> str:
    """A <style> element's rules (selector { declarations }) written again; anything else is refused."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, rest = [], text
    for match in re.finditer(r"([^{}]*)\{([^{}]*)\}", text):
        selector, declarations = match[1].strip(), _declarations(match[2])
        if not _SELECTOR.fullmatch(selector) or declarations is None:
            found.append("<style> med url() eller @import" if re.search(r"url\(|@", match[0], re.I)
                         else "<style> med regler, infohus ikke kender")
            return ""
        rules.append(f"{' '.join(selector.split())}{{{declarations}}}")
        rest = rest.replace(match[0], "", 1)
    if rest.strip():
        found.append("<style> med url() eller @import" if re.search(r"url\(|@", rest, re.I)
                     else "<style> med regler, infohus ikke kender")
        return ""
    return _escape_text("".join(rules))


def _escape_text(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;") \
        .replace("\r", "&#13;")
