"""The compound splitter over the handbook's own vocabulary (macros/handbook/compounds.py)."""
from __future__ import annotations

import pytest

from macros.handbook.compounds import Splitter, base

# Words as the handbook uses them; the compounds below are split only into these (in any inflection).
VOCABULARY = ["konflikter", "æresdrab", "æresrelaterede", "relaterede", "drab", "registrering", "skemaer",
              "underretning", "pligt", "exit", "program", "genopdragelse", "rejse", "bekymring", "samtale",
              "familie", "medlemmer", "under", "retning", "for", "klaret", "forklaret", "beskyttende"]


@pytest.mark.parametrize("word, parts", [
    ("æreskonflikter", ["ære", "konflikter"]),            # a head the text uses only before a linking s
    ("registreringsskemaet", ["registrering", "skemaet"]),  # linking s; "skemaet" known from "skemaer"
    ("underretningspligten", ["underretning", "pligten"]),
    ("exitprogrammer", ["exit", "programmer"]),             # "programmer" known from "program"
    ("genopdragelsesrejser", ["genopdragelse", "rejser"]),
    ("familiemedlemmer", ["familie", "medlemmer"]),         # the head as the text writes it, not "famili"
])
def test_a_compound_splits_into_known_parts(word, parts):
    assert Splitter(VOCABULARY).split(word) == parts


@pytest.mark.parametrize("word", ["underretning", "forklaret", "beskyttende", "bekymring", "radikalisering", "kort"])
def test_a_word_that_is_no_compound_of_known_parts_is_left_whole(word):
    """Prefixes ("under|retning", "for|klaret") and endings ("beskytt|ende") are no parts."""
    assert Splitter(VOCABULARY).split(word) == []


def test_a_head_seen_before_a_linking_s_only_once_is_not_learned():
    assert Splitter(["konflikter", "æresdrab"]).split("æreskonflikter") == []
    assert Splitter(["konflikter", "æresdrab", "drab"]).split("æreskonflikter") == []
    assert Splitter(["konflikter", "æresdrab", "drab", "relaterede", "æresrelaterede"]).split("æreskonflikter") \
        == ["ære", "konflikter"]


def test_inflections_share_a_base():
    assert base("skemaet") == base("skemaer") == "skema"
    assert base("programmer") == base("program") == "program"
