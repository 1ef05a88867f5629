"""The characters a text in the data may hold are exactly those every output can carry.

The table of what the PDF fonts draw (macros/model/glyphs.py) is generated from the font packages
scripts/system-deps.sh installs; these tests regenerate it from the installed files, then render every
allowed character with WeasyPrint under a fontconfig that sees only those fonts (as on a fresh machine),
with a negative control: a refused character does stop the PDF.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT
from macros.model import characters, glyphs

SCRIPT = ROOT / "scripts" / "font_coverage.py"


def _coverage_script():
    spec = importlib.util.spec_from_file_location("font_coverage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_glyph_table_is_what_the_installed_font_packages_draw():
    script = _coverage_script()
    assert script.PACKAGES == glyphs.PACKAGES
    assert (ROOT / "macros" / "model" / "glyphs.py").read_text(encoding="utf-8") == \
        script.module(script.covered(script.font_files())), "run: .venv/bin/python scripts/font_coverage.py"


def test_the_font_packages_are_those_the_site_profile_installs():
    text = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    assert all(package in text for package in glyphs.PACKAGES)


def allowed_points() -> list[int]:
    return [p for first, last in glyphs.COVERED for p in range(first, last + 1) if characters.allowed(chr(p))]


def test_the_policy_keeps_what_danish_text_needs_and_drops_what_hides_or_breaks():
    points = set(allowed_points())
    assert {ord(c) for c in "AZaz09æøåÆØÅéüöäß–—§€½“”‘’…•\u00a0\u00ad\u2060"} <= points
    assert characters.allowed("tab\tand\nnewline")
    for refused in ("\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ue000",
                    "\ufdd0", "\uffff", "\ud800", "\u4e2d", "\U000e0041"):
        assert not characters.allowed(refused), f"U+{ord(refused):04X}"
    assert all(unicodedata.category(chr(p)) not in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp") for p in points)


RENDER = r'''
import html, logging, sys
from weasyprint import HTML
messages = []
class Collect(logging.Handler):
    def emit(self, record): messages.append(record.getMessage())
logging.getLogger("weasyprint").addHandler(Collect(logging.WARNING))
text = sys.stdin.read()
body = "".join(f"<p>a{html.escape(c)}b <b>a{html.escape(c)}b</b></p>" for c in text)
HTML(string='<html lang="da"><body style="font-family:\'Liberation Sans\',\'DejaVu Sans\',sans-serif">'
     + body + "</body></html>").render().write_pdf()
print(len(messages)); print("\n".join(messages[:5]))
'''


@pytest.fixture(scope="module")
def only_the_packaged_fonts(tmp_path_factory) -> dict[str, str]:
    """An environment in which fontconfig sees the packaged font files and nothing else."""
    folder = tmp_path_factory.mktemp("fonts")
    (folder / "files").mkdir()
    for file in _coverage_script().font_files():
        (folder / "files" / Path(file).name).symlink_to(file)
    config = folder / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{folder / "files"}</dir>'
                      f'<cachedir>{folder / "cache"}</cachedir></fontconfig>\n', encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def render(text: str, env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", RENDER], input=text, env=env, capture_output=True, text=True,
                          check=True)
    count, _, messages = done.stdout.partition("\n")
    return int(count), messages.strip()


def test_every_allowed_character_renders_in_the_pdf_with_only_the_packaged_fonts(only_the_packaged_fonts):
    text = "".join(chr(p) for p in allowed_points() if chr(p) not in "\t\n")
    assert len(text) > 6000
    assert render(text, only_the_packaged_fonts) == (0, "")


def test_negative_control_a_refused_character_stops_the_pdf(only_the_packaged_fonts):
    count, messages = render("\u4e2d\x01", only_the_packaged_fonts)
    assert count >= 2 and "U+4E2D" in messages and "U+0001" in messages
