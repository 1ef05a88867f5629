"""The logo: read once from the data folder, refused unless it is a plain drawing or picture, and written anew.

A logo is published where anyone can open it on the municipality's own address, so the file itself never
reaches an output: a PNG is decoded and encoded again, an SVG is written out again from an allow-list
(macros/model/logo.py). The attack that started this (an SVG whose xml-stylesheet instruction makes
Chromium run script) is shown running in Chromium first, then refused.
"""
from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MUNICIPALITIES, error_lines
from macros.cli import main
from macros.model import logo
from macros.model.dataset import load_dataset
from support import web

HALSNAES = MUNICIPALITIES["halsnaes"]
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'
FIX = logo.FIX_SVG
# The attack: the stylesheet instruction makes the browser run the file as XSLT, which writes a <script>.
XSL_ATTACK = ('<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="logo.svg"?>\n'
              '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
              'xsl:version="1.0" viewBox="0 0 10 10">\n'
              '<xsl:element name="script">window.top.pwned = 42</xsl:element>\n'
              '<rect width="10" height="10" fill="#0b4f6c"/>\n</svg>\n')


@pytest.fixture
def halsnaes_copy(tmp_path) -> Path:
    folder = tmp_path / "halsnaes"
    shutil.copytree(HALSNAES, folder)
    return folder


def logo_problems(folder: Path) -> list[str]:
    _, problems = load_dataset(folder, on=None)
    return [str(p) for p in problems if p.path == "municipality.branding.logo"]


def logo_line(folder: Path) -> str:
    """`<file>:<line>: municipality.branding.logo: ` as the check prints it."""
    text = (folder / "municipality.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(text, 1) if row.strip().startswith("logo:"))
    return f"{folder / 'municipality.yml'}:{line}: municipality.branding.logo: "


# --- what an SVG logo may hold ----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "reported"), [
    ('<script>alert(1)</script>', "<script>"),
    ('<rect onclick="alert(1)" width="1" height="1"/>', 'onclick="alert(1)"'),
    ('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>', "<a>"),
    ('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>', "<foreignObject>"),
    ('<image href="https://tracker.example/x.png" width="1" height="1"/>', 'href="https://tracker.example/x.png"'),
    ('<image xlink:href="x.png" xmlns:xlink="http://www.w3.org/1999/xlink"/>', 'xlink:href="x.png"'),
    ('<image href="data:image/svg+xml;base64,PHN2Zz4=" width="1" height="1"/>', 'href="data:image/svg+xml'),
    ('<use href="other.svg#x"/>', 'href="other.svg#x"'),
    ('<rect style="fill:url(https://tracker.example/x)" width="1" height="1"/>', 'style="fill:url('),
    ('<rect fill="url(https://tracker.example/x)" width="1" height="1"/>', 'fill="url('),
    ('<style>@import "https://tracker.example/x.css";</style>', "<style> med url() eller @import"),
    ('<style>.a{fill:u\\72l(https://x.example/)}</style>', "<style> med regler, infohus ikke kender"),
    ('<style>.a{background:image-set("https://x.example/a.png" 1x)}</style>', "<style> med regler"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "<set>"),
    ('<animate attributeName="href" values="javascript:alert(1)"/>', "<animate>"),
    ('<iframe src="https://x.example/"/>', "<iframe>"),
    ('<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>', "<html:script>"),
    ('<filter id="f"><feImage href="https://x.example/"/></filter>', "<filter>"),
    ('<rect width="1" height="1" xsl:version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>',
     'xsl:version="1.0"'),
])
def test_a_logo_with_active_content_is_refused_with_what_to_fix(halsnaes_copy, body, reported):
    (halsnaes_copy / "logo.svg").write_text(SVG.format(body), encoding="utf-8")
    problems = logo_problems(halsnaes_copy)
    assert len(problems) == 1 and reported in problems[0], problems
    assert problems[0].startswith(logo_line(halsnaes_copy) + 'logoet "logo.svg" indeholder ')
    assert problems[0].endswith(FIX)


@pytest.mark.parametrize(("source", "reported"), [
    (XSL_ATTACK, 'en behandlingsinstruktion (<?xml-stylesheet type="text/xsl" href="logo.svg"?>)'),
    ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><?php echo 1 ?></svg>',
     "en behandlingsinstruktion (<?php echo 1 ?>)"),
    ('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE- eller ENTITY"),
    ('<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>', "kan ikke læses som SVG"),
    ('<?xml version="1.0" encoding="UTF-16"?><svg xmlns="http://www.w3.org/2000/svg"/>', "en XML-erklæring"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "er ikke en SVG-tegning"),
    ('<svg viewBox="0 0 1 1"/>', 'mangler xmlns="http://www.w3.org/2000/svg"'),
    ("<svg", "kan ikke læses som SVG"),
    (SVG.format("<g>" * 60 + "</g>" * 60), "mere end 50 niveauer"),
    (SVG.format("<rect/>" * 10_001), "flere end 10.000 elementer"),
])
def test_a_logo_that_is_no_plain_svg_drawing_is_refused(halsnaes_copy, source, reported):
    (halsnaes_copy / "logo.svg").write_text(source, encoding="utf-8")
    problems = logo_problems(halsnaes_copy)
    assert len(problems) == 1 and reported in problems[0], problems


def test_a_logo_not_saved_as_utf8_or_over_a_megabyte_is_refused(halsnaes_copy):
    (halsnaes_copy / "logo.svg").write_bytes(SVG.format("<title>Hjørring</title>").encode("latin-1"))
    assert "er ikke gemt som UTF-8" in logo_problems(halsnaes_copy)[0]
    (halsnaes_copy / "logo.svg").write_bytes(SVG.format("<desc>" + "x" * (1024 * 1024) + "</desc>").encode())
    assert "et logo må højst fylde 1024 kB" in logo_problems(halsnaes_copy)[0]


def test_a_plain_logo_with_inner_references_pictures_and_styles_is_accepted_and_written_anew(halsnaes_copy):
    source = SVG.format('<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
                        '<style>/* Illustrator */ .cls-1 { fill: #0b4f6c; } #a > .b{stroke:url(#g)}</style>'
                        '<rect fill="url(#g)" width="1" height="1" transform="translate(1 2) rotate(45)"/>'
                        '<use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
                        '<text aria-label="Kommune (logo) &amp; &lt;co&gt;" class="cls-1">Æ &amp; Ø</text>')
    (halsnaes_copy / "logo.svg").write_text(source, encoding="utf-8")
    ds, _ = load_dataset(halsnaes_copy)
    assert logo_problems(halsnaes_copy) == []
    written = ds.municipality.logo
    assert (written.name, written.media_type) == ("logo.svg", "image/svg+xml")
    assert written.data.decode() == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" '
        'stop-color="#fff"/></linearGradient></defs><style>.cls-1{fill:#0b4f6c}#a &gt; .b{stroke:url(#g)}</style>'
        '<rect fill="url(#g)" width="1" height="1" transform="translate(1 2) rotate(45)"/><use href="#g"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><text aria-label="Kommune (logo) '
        '&amp; &lt;co&gt;" class="cls-1">Æ &amp; Ø</text></svg>\n')


def test_what_editors_add_and_no_viewer_shows_is_left_out_silently(halsnaes_copy):
    (halsnaes_copy / "logo.svg").write_text(
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Created with Inkscape -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10" inkscape:version="1.2" sodipodi:docname="logo.svg">'
        '<sodipodi:namedview id="n" pagecolor="#fff"/><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        'syntax-ns#"/></metadata><defs><path id="p" d="M0 0h1"/></defs>'
        '<g inkscape:label="Lag 1" inkscape:groupmode="layer"><use xlink:href="#p"/></g></svg>', encoding="utf-8")
    ds, _ = load_dataset(halsnaes_copy)
    assert logo_problems(halsnaes_copy) == []
    assert ds.municipality.logo.data.decode() == (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        '<defs><path id="p" d="M0 0h1"/></defs><g><use xlink:href="#p"/></g></svg>\n')


# The serialiser writes back exactly what it read, escaped: any text and any attribute value, however hostile,
# comes out as text, and writing the written logo again changes nothing.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_TREE = st.recursive(
    st.tuples(st.sampled_from(["g", "text", "title", "desc", "tspan"]),
              st.dictionaries(st.sampled_from(["id", "class", "aria-label", "data-name", "lang"]), _TEXT, max_size=3),
              _TEXT, st.just([]), _TEXT),
    lambda children: st.tuples(st.sampled_from(["g", "text", "defs", "symbol"]),
                               st.dictionaries(st.sampled_from(["id", "role"]), _TEXT, max_size=2),
                               _TEXT, st.lists(children, max_size=4), _TEXT),
    max_leaves=12)


def _element(tree) -> ElementTree.Element:
    tag, attributes, text, children, tail = tree
    element = ElementTree.Element(f"{{{logo.SVG_NS}}}{tag}", attributes)
    element.text, element.tail = text, tail
    element.extend(_element(child) for child in children)
    return element


def _shape(element: ElementTree.Element) -> tuple:
    return (element.tag, dict(element.attrib), element.text or "", [_shape(c) for c in element],
            element.tail or "")


@settings(max_examples=200, deadline=None)
@given(st.lists(_TREE, max_size=4))
def test_the_serialiser_writes_back_exactly_what_it_read_and_nothing_runs(trees):
    root = ElementTree.Element(f"{{{logo.SVG_NS}}}svg", {"viewBox": "0 0 1 1"})
    root.extend(_element(tree) for tree in trees)
    source = ElementTree.tostring(root, encoding="unicode").encode("utf-8")
    written = logo.svg(source)
    assert _shape(ElementTree.fromstring(written)) == _shape(ElementTree.fromstring(source))
    assert logo.svg(written) == written


# --- a PNG logo --------------------------------------------------------------------------------------------

def png(width: int = 40, height: int = 20, text: bytes | None = b"Comment\x00hemmelig", after: bytes = b"") -> bytes:
    """A real PNG made by Pillow, with a tEXt chunk put in before its end and `after` behind it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), (11, 79, 108, 255)).save(out, format="PNG")
    data = out.getvalue()
    if text is not None:
        chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
        data = data[:-12] + chunk + data[-12:]
    return data + after


def chunk_types(data: bytes) -> list[bytes]:
    at, kinds = 8, []
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        kinds.append(kind)
        at += 12 + length
    return kinds


def test_a_png_logo_is_verified_and_encoded_again_without_its_metadata(halsnaes_copy):
    from PIL import Image

    (halsnaes_copy / "logo.png").write_bytes(png())
    (halsnaes_copy / "municipality.yml").write_text((halsnaes_copy / "municipality.yml").read_text(encoding="utf-8")
                                                    .replace("logo: logo.svg", "logo: logo.png"), encoding="utf-8")
    ds, _ = load_dataset(halsnaes_copy)
    assert logo_problems(halsnaes_copy) == []
    written = ds.municipality.logo
    assert (written.name, written.media_type) == ("logo.png", "image/png")
    assert b"tEXt" in chunk_types(png()) and chunk_types(written.data) == [b"IHDR", b"IDAT", b"IEND"]
    assert b"hemmelig" not in written.data
    with Image.open(io.BytesIO(written.data)) as picture, Image.open(io.BytesIO(png())) as original:
        assert picture.size == (40, 20) and picture.tobytes() == original.tobytes()
    assert written.data_uri().startswith("data:image/png;base64,iVBORw0KGgo")


def forged_ihdr(width: int, height: int) -> bytes:
    data = bytearray(png(text=None))
    body = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    data[16:29] = body
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + body))
    return bytes(data)


@pytest.mark.parametrize(("source", "reported"), [
    (b"GIF89a" + b"\x00" * 20, "er ikke en PNG-fil"),
    (png()[:-20], "slutter midt i PNG-filen"),
    (png()[:40] + bytes([png()[40] ^ 1]) + png()[41:], "kontrolsummen passer ikke"),
    (png(after=b"<script>alert(1)</script>"), "har data efter PNG-filens slutning"),
    (forged_ihdr(100_000, 100_000), "er 100000 × 100000 pixel; et logo må højst være 4096 × 4096"),
])
def test_a_broken_or_oversized_png_is_refused_before_it_is_decoded(source, reported):
    with pytest.raises(logo.Refused) as refused:
        logo.png(source)
    assert reported in str(refused.value)


# --- the file itself ---------------------------------------------------------------------------------------

def test_a_symlinked_logo_is_refused_with_file_and_line_and_its_target_is_never_read(halsnaes_copy, tmp_path, capsys):
    outside = tmp_path / "elsewhere" / "drawing.svg"  # outside the data folder, like /etc or a home folder
    outside.parent.mkdir()
    outside.write_text(SVG.format("<title>hemmelig tegning</title>"), encoding="utf-8")
    (halsnaes_copy / "logo.svg").unlink()
    (halsnaes_copy / "logo.svg").symlink_to(outside)
    assert main(["check", "--data", str(halsnaes_copy)]) == 1
    assert logo_line(halsnaes_copy) + 'logoet "logo.svg" er et symbolsk link (en genvej til en anden fil). infohus ' \
        "læser kun almindelige filer i kommunens mappe: kopiér selve logofilen hertil i stedet for linket." \
        in error_lines(capsys.readouterr().err)
    assert main(["build", "--data", str(halsnaes_copy), "--out", str(tmp_path / "site")]) == 1
    assert "hemmelig" not in capsys.readouterr().err and not (tmp_path / "site").exists()


def test_a_fifo_or_a_folder_named_like_the_logo_is_refused_without_waiting(halsnaes_copy):
    (halsnaes_copy / "logo.svg").unlink()
    os.mkfifo(halsnaes_copy / "logo.svg")
    assert 'logoet "logo.svg" er ikke en almindelig fil' in logo_problems(halsnaes_copy)[0]
    (halsnaes_copy / "logo.svg").unlink()
    (halsnaes_copy / "logo.svg").mkdir()
    assert 'logoet "logo.svg" er ikke en almindelig fil' in logo_problems(halsnaes_copy)[0]


def test_a_missing_logo_names_the_folder(halsnaes_copy):
    (halsnaes_copy / "logo.svg").unlink()
    assert logo_problems(halsnaes_copy) == [logo_line(halsnaes_copy) + f'logoet "logo.svg" findes ikke i '
                                            f"{halsnaes_copy}. Læg logofilen i kommunens mappe, eller ret navnet."]


# --- in the browser ----------------------------------------------------------------------------------------

def test_the_xsl_logo_runs_script_in_chromium_and_check_and_build_refuse_it(halsnaes_copy, tmp_path, capsys):
    attack = tmp_path / "attack"
    attack.mkdir()
    (attack / "logo.svg").write_text(XSL_ATTACK, encoding="utf-8")
    with web.serve(attack) as base, web.chromium() as browser:  # what main published as public/logo.svg
        page = web.new_page(browser)
        page.goto(f"{base.rstrip('/')}/logo.svg")
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") == 42, "negative control: the attack no longer runs in this Chromium"
    (halsnaes_copy / "logo.svg").write_text(XSL_ATTACK, encoding="utf-8")
    assert main(["check", "--data", str(halsnaes_copy)]) == 1
    assert any("behandlingsinstruktion" in line for line in error_lines(capsys.readouterr().err))
    assert main(["build", "--data", str(halsnaes_copy), "--out", str(tmp_path / "site")]) == 1
    assert not (tmp_path / "site").exists()


def test_the_published_logos_run_nothing_when_opened_and_show_the_drawing(built_sites, tmp_path):
    site = built_sites["halsnaes"]
    with web.serve(site) as base, web.chromium() as browser:
        for path in ("public/logo.svg", "intranet/assets/brand/logo.svg"):
            page = web.new_page(browser)
            page.goto(f"{base.rstrip('/')}/{path}")
            namespaces = page.evaluate("[...document.querySelectorAll('*')].map(e => e.namespaceURI)")
            assert set(namespaces) == {logo.SVG_NS} and page.evaluate("document.scripts.length") == 0
            page.screenshot(path=str(tmp_path / f"{path.replace('/', '-')}.png"))
        page = web.new_page(browser)
        page.goto(f"{base.rstrip('/')}/public/index.html")
        assert page.evaluate("document.querySelector('img.ih-citizen__logo').naturalWidth") == 260


# --- every output publishes the one logo infohus wrote -----------------------------------------------------

def test_a_png_logo_reaches_every_output_as_infohus_wrote_it(halsnaes_copy, tmp_path, capsys):
    (halsnaes_copy / "logo.svg").unlink()
    (halsnaes_copy / "logo.png").write_bytes(png(260, 64))
    municipality_yml = halsnaes_copy / "municipality.yml"
    municipality_yml.write_text(municipality_yml.read_text(encoding="utf-8").replace("logo: logo.svg", "logo: logo.png"),
                                encoding="utf-8")
    ds, _ = load_dataset(halsnaes_copy)
    out = tmp_path / "site"
    assert main(["build", "--data", str(halsnaes_copy), "--out", str(out)]) == 0, capsys.readouterr().err
    written = ds.municipality.logo.data
    assert (out / "public" / "logo.png").read_bytes() == written
    assert (out / "intranet" / "assets" / "brand" / "logo.png").read_bytes() == written
    assert not list(out.rglob("logo.svg"))
    assert 'src="logo.png"' in (out / "public" / "index.html").read_text(encoding="utf-8")
    assert 'src="../logo.png"' in (out / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/brand/logo.png"' in (out / "intranet" / "index.html").read_text(encoding="utf-8")
    for pdf in (out / "public" / "beredskab.pdf", out / "intranet" / "handlekort" / "akut.pdf"):
        images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert " 260    64 " in images, f"{pdf.name}: {images}"
