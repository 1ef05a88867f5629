"""Search words beside the text they lead to, indexed and shown nowhere (partials/keywords.html).

The data carries the words people actually use (definitions.synonyms, warning_signs.keywords,
legal.keywords, paths.keywords); the handbook puts them, hidden and weighted, beside the text they lead
to, so Pagefind finds the section by them. A word the text already lets search find (every part of it
starts a word of the text) is left out, so the index only gets what search would otherwise miss.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def extra_words(words: Iterable[str], *visible: str) -> list[str]:
    """`words` in order, without duplicates (ignoring case) and without those `visible` text already finds."""
    tokens = {t.lower() for text in visible for t in _WORD.findall(text)}
    out, seen = [], set()
    for word in words:
        key = word.strip().lower()
        parts = _WORD.findall(key)
        if not key or key in seen:
            continue
        seen.add(key)
        if parts and all(any(t.startswith(p) for t in tokens) for p in parts):
            continue
        out.append(word.strip())
    return out
