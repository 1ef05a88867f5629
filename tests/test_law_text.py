"""Every legal record quotes its act word for word (tests/fixtures/law-excerpts.json, written by
scripts/law_excerpts.py from retsinformation's ELI XML as mirrored in github:Ansvar-Systems/Danish-law-mcp).

A new consolidated act replaces the fixture; then each quote the act no longer contains fails here."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from macros.model.loader import load

EXCERPTS = json.loads((Path(__file__).parent / "fixtures" / "law-excerpts.json").read_text(encoding="utf-8"))
NATIONAL = ROOT / "data" / "national"
# The one record whose act is not Danish law: the EU regulation is not in the mirror of retsinformation.
EU = "Forordning (EU) 2016/679"


def national(kind: str) -> list[dict]:
    doc, problems = load(NATIONAL / f"{kind}.yml", kind)
    assert not problems, problems
    return doc.data[kind]


def words(text: str) -> str:
    """Whitespace normalised, nothing else: YAML folds lines, the act's words stay the act's."""
    return " ".join(text.split())


def sections(section: str) -> tuple[list[str], int | None]:
    """"§§ 172 a–172 b (…)" -> (["§ 172 a", "§ 172 b"], None); "§ 15, stk. 3" -> (["§ 15"], 3)."""
    head = section.split("(")[0]
    found = re.match(r"§§? (\d+(?: [a-z]\b)?)(?:–(\d+(?: [a-z]\b)?))?", head)
    assert found, section
    keys = [f"§ {n}" for n in found.groups() if n]
    stk = re.search(r"stk\. (\d+)", head)
    return keys, int(stk.group(1)) if stk else None


def subsection(text: str, stk: int) -> str:
    """Stk. `stk` of a section's text (stk. 1 is what comes before "Stk. 2.")."""
    parts = re.split(r" Stk\. (\d+)\. ", text)
    pieces = {1: parts[0], **{int(n): body for n, body in zip(parts[1::2], parts[2::2])}}
    assert stk in pieces, f"no stk. {stk}"
    return pieces[stk]


def misquoted(quote: str, text: str) -> list[str]:
    """The passages of `quote` (cut at "[…]") that are not, in order, passages of `text`."""
    text, at, wrong = words(text), 0, []
    for passage in (words(p) for p in quote.split("[…]")):
        found = text.find(passage, at)
        if found < 0:
            wrong.append(passage)
        else:
            at = found + len(passage)
    return wrong


def act_text(rule: dict) -> str:
    act = EXCERPTS["acts"][rule["act"]]
    keys, stk = sections(rule["section"])
    missing = [k for k in keys if k not in act["sections"]]
    assert not missing, f"{rule['id']}: {missing} not in the excerpts of {rule['act']}; run scripts/law_excerpts.py"
    text = " ".join(act["sections"][k] for k in keys)
    return subsection(text, stk) if stk else text


@pytest.mark.parametrize("rule", [r for r in national("legal") if r["act"] != EU], ids=lambda r: r["id"])
def test_the_quote_is_the_acts_own_words_from_the_consolidated_act_it_names(rule):
    assert rule["act"] in EXCERPTS["acts"], f"{rule['id']}: {rule['act']} is not a consolidated act in the excerpts"
    act = EXCERPTS["acts"][rule["act"]]
    assert rule["url"] == act["eli"], rule["id"]
    assert rule["quote_from"] == f"{rule['act']} (retsinformation.dk)", rule["id"]
    assert misquoted(rule["quote"], act_text(rule)) == [], rule["id"]


def test_only_the_eu_regulation_is_quoted_from_outside_the_danish_acts():
    others = [r["id"] for r in national("legal") if r["act"] not in EXCERPTS["acts"]]
    assert others == ["anonym-registrering-gdpr"]
    gdpr = next(r for r in national("legal") if r["act"] == EU)
    assert gdpr["url"] == "https://eur-lex.europa.eu/eli/reg/2016/679/oj"


def test_a_word_changed_in_a_quote_is_found_and_so_is_a_passage_out_of_order():
    rule = next(r for r in national("legal") if r["id"] == "tavshedspligt")
    assert misquoted(rule["quote"], act_text(rule)) == []
    wrong = rule["quote"].replace("indtil 6 måneder", "indtil 1 år")
    assert misquoted(wrong, act_text(rule)) == [words(wrong)]
    alle = next(r for r in national("legal") if r["id"] == "underretningspligt")
    first, last = alle["quote"].split("[…]")
    assert misquoted(f"{last} […] {first}", act_text(alle)) == [words(first)]


def test_a_quote_of_one_subsection_must_stand_in_that_subsection():
    rule = next(r for r in national("legal") if r["id"] == "beredskab")  # § 15, stk. 3
    assert misquoted(rule["quote"], act_text(rule)) == []
    stk2 = dict(rule, section="§ 15, stk. 2")
    assert misquoted(rule["quote"], act_text(stk2)) != []  # the stk. 2 beredskab is about abuse, not § 15, stk. 3


def test_the_excerpts_name_their_mirror_commit_and_the_eli_of_each_act():
    assert EXCERPTS["mirror"] == "github:Ansvar-Systems/Danish-law-mcp"
    assert re.fullmatch(r"[0-9a-f]{40}", EXCERPTS["commit"])
    for name, act in EXCERPTS["acts"].items():
        number, year = re.fullmatch(r"LBK nr\. (\d+) af \d+\. \w+ (\d{4})", name).groups()
        assert act["eli"] == f"https://www.retsinformation.dk/eli/lta/{year}/{number}", name
        assert act["file"] == f"data/seed/{year}_{number}.json" and act["document_id"], name


def test_every_legal_record_cites_the_act_itself_as_its_source():
    sources = {s["id"]: s for s in national("sources")}
    for rule in national("legal"):
        url = sources[rule["source"]["doc"]]["url"]
        assert url == rule["url"], f"{rule['id']} cites {url}, not the act it quotes"
