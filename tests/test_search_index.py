"""The hidden words the search index gets (macros/handbook/search_index.py), on small pages of its own."""
from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup

from macros.common.faults import SystemFault
from macros.handbook import search_index
from macros.handbook.search_index import INDEXED, SENTINEL, enrich, marked
from macros.model.search_terms import SearchTerm

PAGE = """<html lang="da"><body><nav><h2 id="nav">Politiet i menuen</h2></nav>
<div data-pagefind-body><h1 id="top">Ordliste</h1><p>Om æreskonflikter og æresdrab.</p>
<h2 id="drab">Drab</h2><p>Et drab er alvorligt. Æresrelaterede handlinger og relaterede konflikter.</p>
<h2 id="politiet">Politiet</h2><p>Ring til politiet på 114.</p>
<h2 id="politisk">Politisk</h2><p>Politisk ekstremisme.</p></div></body></html>"""
TERMS = [SearchTerm("politi", "politi", ("betjent", "strømer"), None)]


def hidden(html: str) -> dict[str, str]:
    """Each section's hidden words, by the id of its heading."""
    soup = BeautifulSoup(html, "html.parser")
    out = {}
    for span in soup.select(".ih-terms"):
        heading = span.find_previous(["h1", "h2", "h3"])
        words = span.get_text(" ").split()
        assert words[0] == words[-1] == SENTINEL and SENTINEL not in words[1:-1], "between two sentinels"
        out[heading["id"]] = " ".join(words[1:-1])
    return out


def test_each_section_gets_the_parts_of_its_compounds_and_the_search_words_of_its_terms():
    found = hidden(enrich({"ordliste/index.html": PAGE}, TERMS)["ordliste/index.html"])
    assert "ære" in found["top"].split() and "konflikter" in found["top"].split()
    assert found["politiet"].split() == ["betjent", "strømer"], "politiet is an inflection of the term politi"
    assert "politisk" not in found, "politisk is another word, not an inflection of politi"
    assert "nav" not in found, "the navigation is not indexed"


def test_the_hidden_words_stay_apart_from_each_other_and_from_the_text_before_them():
    """Pagefind joins the text of inline elements as it stands: "konflikter" + "betjent" must not become one word."""
    page = PAGE.replace("Ring til politiet på 114.", "Ring til politiet om æreskonflikter")
    html = enrich({"o.html": page}, TERMS)["o.html"]
    span = BeautifulSoup(html, "html.parser").find(id="politiet").find_next(class_="ih-terms")
    assert span.get_text().split() == [SENTINEL, "ære", "konflikter", "betjent", "strømer", SENTINEL]
    assert span.get_text().startswith(" ") and span.get_text().endswith(" ")


def test_a_part_the_section_already_uses_is_not_added_again():
    found = hidden(enrich({"ordliste/index.html": PAGE}, TERMS)["ordliste/index.html"])
    assert "konflikter" not in found.get("drab", "").split(), "the drab section says konflikter itself"


def test_the_hidden_words_are_spans_before_the_next_heading_and_the_page_is_otherwise_unchanged():
    html = enrich({"ordliste/index.html": PAGE}, TERMS)["ordliste/index.html"]
    soup = BeautifulSoup(html, "html.parser")
    for span in soup.select(".ih-terms"):
        following = span.find_next_sibling()
        assert following is None or following.name in ("h1", "h2", "h3")
        span.decompose()
    for link in soup.select("[data-pagefind-ignore]"):
        del link["data-pagefind-ignore"]
    assert soup.get_text() == BeautifulSoup(PAGE, "html.parser").get_text()


def test_a_page_without_a_body_to_index_is_left_out():
    assert enrich({"404.html": PAGE.replace(" data-pagefind-body", "")}, TERMS) == {}


def test_only_a_page_that_asks_for_it_gets_its_article_indexed():
    page = '<html><head>{}</head><body><article class="md-content__inner md-typeset"><h1 id="a">A</h1></article></body></html>'
    assert marked(page.format("")) is None, "a page with search: exclude, or 404.html"
    assert '<article class="md-content__inner md-typeset" data-pagefind-body>' in marked(page.format(INDEXED))


def test_the_permalink_sign_stays_out_of_titles():
    page = PAGE.replace('<h1 id="top">Ordliste</h1>', '<h1 id="top">Ordliste<a class="headerlink" href="#top">¶</a></h1>')
    assert '<a class="headerlink" data-pagefind-ignore href="#top">' in enrich({"o.html": page}, TERMS)["o.html"]


def test_the_datas_keywords_stand_between_sentinels_too():
    page = PAGE.replace('<p>Ring til politiet på 114.</p>',
                        '<p>Ring til politiet på 114.</p><p class="ih-terms" data-pagefind-weight="5">betjent, panser</p>')
    html = enrich({"o.html": page}, TERMS)["o.html"]
    keywords = BeautifulSoup(html, "html.parser").find("p", class_="ih-terms")
    assert keywords.get_text().split() == [SENTINEL, "betjent,", "panser", SENTINEL]


def test_without_pagefind_the_build_stops_with_a_danish_sentence(tmp_path, monkeypatch):
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pagefind.service", None)  # what Python does for a package that is not there
    with pytest.raises(SystemFault) as fault:
        search_index.write_index(tmp_path, TERMS)
    assert str(fault.value).startswith("Håndbogens søgeindeks kan ikke laves: Pagefind er ikke installeret.")
