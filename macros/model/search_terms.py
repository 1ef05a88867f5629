"""Search terms: the words staff type that the handbook's text does not use ("betjent" for politi), each led to
the term the text does use. Shown nowhere; the search index adds them beside every place the term stands."""
from __future__ import annotations

from dataclasses import dataclass

from .record import Origin

KIND = "search_terms"


@dataclass(frozen=True)
class SearchTerm:
    """A term of the handbook's text and the other words that should find it."""

    id: str
    term: str
    words: tuple[str, ...]
    origin: Origin


def build(raw: dict, origin: Origin) -> SearchTerm:
    """A SearchTerm from a schema-valid mapping of search_terms.yml."""
    return SearchTerm(raw["id"], raw["term"], tuple(raw["words"]), origin)


def problems(terms: dict[str, SearchTerm]) -> list:
    """A word that is its own term, or that leads to two terms, is an error: it would find nothing new."""
    out, led_to = [], {}
    for t in terms.values():
        for i, word in enumerate(t.words):
            key = word.casefold()
            if key == t.term.casefold():
                out.append(t.origin.problem(("words", i), f"ordet \"{word}\" er selve begrebet \"{t.term}\". "
                                            "Slet det fra words."))
            elif key in led_to and led_to[key].id != t.id:
                other = led_to[key]
                out.append(t.origin.problem(("words", i), f"ordet \"{word}\" fører allerede til \"{other.term}\" "
                                            f"(linje {other.origin.line} i {other.origin.file}). Lad det stå ét sted."))
            else:
                led_to[key] = t
    return out
