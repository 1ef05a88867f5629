"""Tests of the browser and HTML-checking harness in tests/support/web.py."""

from __future__ import annotations

import struct
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import web

CLEAN_PAGE = """<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><title>Ren side</title></head>
<body><main><h1>Overskrift</h1>{body}</main></body>
</html>
"""

SCRIPTED_PAGE = CLEAN_PAGE.format(
    body='<p id="status">statisk</p>'
    "<script>document.getElementById('status').textContent = 'skriptet';</script>"
)


def write_page(directory: Path, name: str, body: str = "") -> Path:
    """Write a valid Danish HTML page with `body` inside its main landmark."""
    path = directory / name
    path.write_text(CLEAN_PAGE.format(body=body), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium shared by the tests in this module."""
    with web.chromium() as browser:
        yield browser


def test_serve_and_chromium_read_page_text(tmp_path, browser):
    write_page(tmp_path, "index.html", "<p>Æbler og øl på å</p>")
    with web.serve(tmp_path) as base_url:
        page = web.new_page(browser)
        assert page.goto(base_url + "index.html").status == 200
        assert page.inner_text("p") == "Æbler og øl på å"
        assert page.goto(base_url + "mangler.html").status == 404
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base_url, timeout=2)


def test_foreign_requests_flags_only_other_origins(tmp_path, browser):
    (tmp_path / "lokal.png").write_bytes(b"")
    body = (
        '<img src="lokal.png" alt="lokal">'
        '<img src="https://example.invalid/x.png" alt="fremmed">'
    )
    write_page(tmp_path, "index.html", body)
    with web.serve(tmp_path) as base_url:
        page = web.new_page(browser)
        urls = web.record_requests(page)
        page.goto(base_url + "index.html", wait_until="load")
    assert base_url + "lokal.png" in urls
    assert web.foreign_requests(urls, base_url) == ["https://example.invalid/x.png"]


def test_foreign_requests_ignores_inline_schemes_but_not_other_ports():
    base_url = "http://127.0.0.1:8000/"
    urls = [
        "http://127.0.0.1:8000/a.css",
        "data:image/png;base64,AAAA",
        "blob:http://127.0.0.1:8000/0b5c",
        "about:blank",
        "http://127.0.0.1:8001/a.css",
    ]
    assert web.foreign_requests(urls, base_url) == ["http://127.0.0.1:8001/a.css"]


def test_axe_reports_missing_alt_and_passes_clean_page(tmp_path, browser):
    write_page(tmp_path, "ren.html", "<p>Tekst</p>")
    write_page(tmp_path, "billede.html", '<img src="data:," width="10" height="10">')
    with web.serve(tmp_path) as base_url:
        page = web.new_page(browser)
        page.goto(base_url + "ren.html")
        clean = web.axe_violations(page)
        page.goto(base_url + "billede.html")
        broken = web.axe_violations(page)
    assert not clean, web.format_violations(clean)
    assert [violation["id"] for violation in broken] == ["image-alt"]
    assert broken[0]["targets"] == ["img"]
    assert "image-alt" in web.format_violations(broken)


def test_vnu_reports_errors_only_for_invalid_file(tmp_path):
    valid = write_page(tmp_path, "gyldig.html", "<p>Tekst</p>")
    checkbox = '<input type="checkbox" autocomplete="off">'
    invalid = write_page(tmp_path, "ugyldig-æble.html", checkbox)
    errors = web.vnu_errors([valid, invalid])
    assert errors, "vnu found no error in a checkbox with autocomplete"
    assert all(error.startswith(f"{invalid}:4: ") for error in errors), errors
    assert "autocomplete" in errors[0]


def test_vnu_fails_loudly_when_jar_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(web, "VNU_JAR", tmp_path / "vnu.jar")
    with pytest.raises(RuntimeError, match="system-deps.sh test"):
        web.vnu_errors([write_page(tmp_path, "side.html")])


def test_vnu_refuses_files_it_would_silently_skip(tmp_path):
    with pytest.raises(FileNotFoundError, match="mangler.html"):
        web.vnu_errors([write_page(tmp_path, "side.html"), tmp_path / "mangler.html"])


def test_linkcheck_reports_broken_anchor_and_missing_page(tmp_path):
    write_page(tmp_path, "b.html", '<h2 id="æble-øl">Æble og øl</h2>')
    links = (
        '<a href="b.html#æble-øl">godt anker</a>'
        '<a href="b.html#nope">dårligt anker</a>'
        '<a href="mangler.html">manglende side</a>'
        '<a href="https://example.invalid/">ekstern</a>'
    )
    write_page(tmp_path, "index.html", links)
    with web.serve(tmp_path) as base_url:
        broken = web.linkcheck(base_url + "index.html")
    assert len(broken) == 2, broken
    anchor, missing = sorted(broken)
    assert anchor.startswith(f"{base_url}b.html#nope (linked from {base_url}index.html): ")
    assert "Anchor `nope'" in anchor
    assert missing.startswith(f"{base_url}mangler.html (linked from {base_url}index.html): 404")


def test_linkcheck_accepts_existing_pages_and_anchors(tmp_path):
    write_page(tmp_path, "b.html", '<h2 id="æble-øl">Æble og øl</h2>')
    links = (
        '<a href="b.html#æble-øl">rå</a>'
        '<a href="b.html#%C3%A6ble-%C3%B8l">kodet</a>'
        '<a href="#top">top</a><span id="top"></span>'
    )
    write_page(tmp_path, "index.html", links)
    with web.serve(tmp_path) as base_url:
        assert web.linkcheck(base_url + "index.html") == []


def test_javascript_can_be_disabled_per_page_and_per_browser(tmp_path, browser):
    (tmp_path / "index.html").write_text(SCRIPTED_PAGE, encoding="utf-8")
    with web.serve(tmp_path) as base_url:
        url = base_url + "index.html"
        scripted = web.new_page(browser)
        scripted.goto(url)
        no_script = web.new_page(browser, javascript=False)
        no_script.goto(url)
        with web.chromium(javascript=False) as no_script_browser:
            plain = no_script_browser.new_page()
            plain.goto(url)
            assert plain.inner_text("#status") == "statisk"
    assert scripted.inner_text("#status") == "skriptet"
    assert no_script.inner_text("#status") == "statisk"


def test_screenshot_uses_requested_viewport_width(tmp_path):
    write_page(tmp_path, "index.html", "<p>Tekst</p>")
    png = tmp_path / "side.png"
    with web.serve(tmp_path) as base_url:
        web.screenshot(base_url + "index.html", png, 360)
    signature, width = png.read_bytes()[:8], struct.unpack(">I", png.read_bytes()[16:20])[0]
    assert signature == b"\x89PNG\r\n\x1a\n"
    assert width == 360
