"""The beredskab's public web edition in Chromium: accessible, valid HTML, nothing from other hosts, readable on
a small phone, printable, and linked from the citizen page with the PDF's real size and page count.
"""
from __future__ import annotations

import contextlib
import re
import struct
import subprocess

import pytest

from macros.common.text import file_size
from support import web

WEB = "beredskab/"


@pytest.fixture(scope="module")
def browser():
    with web.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def servers(built_sites) -> dict[str, str]:
    """Every municipality's OUT/public served: name -> base URL."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(web.serve(out / "public")) for name, out in built_sites.items()}


@pytest.fixture(scope="module")
def site(servers, municipality) -> str:
    return servers[municipality]


@pytest.mark.parametrize("width", (360, 1280))
def test_axe_finds_no_violations(browser, site, width):
    page = web.new_page(browser, width=width)
    page.goto(site + WEB)
    violations = web.axe_violations(page)
    assert not violations, web.format_violations(violations)
    page.context.close()


def test_nu_html_checker_finds_no_errors(built_sites, municipality, nu_errors):
    edition = built_sites[municipality] / "public" / "beredskab" / "index.html"
    assert edition in nu_errors, "the web edition is among the checked files"
    assert not nu_errors[edition], "\n".join(nu_errors[edition])


def test_nothing_is_loaded_from_another_host_and_nothing_needs_javascript(browser, site, built_sites, municipality):
    html = (built_sites[municipality] / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    page = web.new_page(browser, javascript=False)
    urls = web.record_requests(page)
    page.goto(site + WEB, wait_until="networkidle")
    assert web.foreign_requests(urls, site) == []
    assert len(urls) <= 2, urls  # the page, and the logo where the municipality has one
    assert page.locator("h1").inner_text() == page.title().rsplit(" – ", 1)[0]
    page.context.close()


def test_a_360_px_screenshot_has_no_horizontal_scroll(browser, site, tmp_path):
    page = web.new_page(browser, width=360)
    page.goto(site + WEB)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot = tmp_path / "360.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG header's IHDR
    assert width == 360 and height > 2000
    page.context.close()


def test_every_contents_link_leads_to_its_chapter(browser, site):
    page = web.new_page(browser)
    page.goto(site + WEB)
    links = page.locator(".ih-doc__toc > ol > li > a")
    assert links.count() >= 10
    for i in range(links.count()):
        link = links.nth(i)
        target = link.get_attribute("href")
        assert target.startswith("#")
        assert page.locator(f"h2{target}").inner_text() == link.inner_text()
    # Each chapter's numbered sections are listed under it, k.1, k.2, … in reading order, and lead to their
    # heading: every h3 of the chapter is listed, so the headings' CSS counter gives the same numbers.
    chapters = page.locator(".ih-doc__toc > ol > li")
    listed = 0
    for k in range(chapters.count()):
        entry = chapters.nth(k)
        chapter_id = entry.locator("> a").get_attribute("href")
        sections = entry.locator("ol a")
        headings = page.locator(f"section[aria-labelledby='{chapter_id[1:]}'] h3")
        assert sections.count() == headings.count()
        for i in range(sections.count()):
            number, _, heading = sections.nth(i).inner_text().partition(" ")
            assert number == f"{k + 1}.{i + 1}"
            assert sections.nth(i).get_attribute("href") == "#" + headings.nth(i).get_attribute("id")
            assert headings.nth(i).inner_text() == heading
        listed += sections.count()
    assert listed > chapters.count()
    page.context.close()


def test_the_citizen_page_links_the_edition_and_the_pdf_with_its_real_size(browser, site, built_sites, municipality):
    public = built_sites[municipality] / "public"
    pdf = public / "beredskab.pdf"
    pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                              text=True, check=True).stdout, re.M)[1])
    for lang, home, words in (("da", "", f"({file_size(pdf.stat().st_size)}, {pages} sider)"),
                              ("en", "en/", f"({file_size(pdf.stat().st_size, 'en')}, {pages} pages)")):
        page = web.new_page(browser)
        page.goto(site + home)
        footer = page.locator(".ih-citizen__plan")
        assert words in footer.inner_text()
        with page.expect_response(lambda r: r.url.endswith("/beredskab.pdf")) as response:
            page.evaluate("url => fetch(url)", footer.locator("a[type='application/pdf']").get_attribute("href"))
        assert response.value.status == 200 and response.value.headers["content-type"] == "application/pdf"
        footer.locator("a").first.click()
        page.wait_for_load_state()
        assert page.url == site + WEB
        assert "Beredskab mod" in page.locator("h1").inner_text()
        page.go_back()
        assert page.url == site + home
        page.context.close()


def test_the_edition_prints_on_a4_without_its_web_chrome(browser, site, tmp_path):
    page = web.new_page(browser)
    page.goto(site + WEB)
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Lovgrundlag" in text and "Vedtagelse og revision" in text
    assert "Hent beredskabet som PDF" not in text and "Hvor kan jeg få hjælp?" not in text
    page.context.close()


def test_the_web_edition_shows_what_the_pdf_shows(built_sites, municipality):
    """One template: every chapter of the PDF is a chapter of the web page, in the same order."""
    out = built_sites[municipality]
    html = (out / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', html)
    # The contents may run over to page 3; chapter entries are "N Title", sections "N.M Title".
    first = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(out / "public" / "beredskab.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    start = int(re.search(r"^1 \S.*?\s{2,}(\d+)\s*$", first, re.M)[1])
    toc = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", str(start - 1), str(out / "public" / "beredskab.pdf"),
                          "-"], capture_output=True, text=True, check=True).stdout
    pdf_titles = re.findall(r"^\s*(\d+ \S.*?)\s{2,}\d+\s*$", toc, re.M)
    assert [title for cid, title in headings if cid != "ih-toc"] == pdf_titles
