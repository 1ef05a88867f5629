"""Danish compounds split into their parts, over the handbook's own vocabulary.

Danish writes compounds as one word: "æreskonflikter" is ære + (linking s) + konflikter. A search for
"konflikt" matches neither the word nor its stem, so the index gets the parts as extra words. A part is
accepted only if the handbook itself uses it as a word (in any inflection: "skemaet" is known from
"skema" or "skemaer"); a head ending in the linking s or e may stand for the word without it. The longest
known tail wins, and the head is split again ("underretningspligten" -> underretning, pligten).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

MIN_WORD = 7   # shorter words are not split
MIN_HEAD = 4   # a head as written: "æres", "unge"; without its linking letter it may be 3 ("ære", "ung")
MIN_TAIL = 4   # "rejse", "pligt"
LINKS = ("s", "e")
# Prefixes and endings that are words of their own but no part of a compound: "for|klaret", "beskytt|ende".
NOT_HEADS = {"under", "over", "efter", "fore", "alle", "ande", "ander", "sam", "uden", "inden", "imod", "igen", "for",
             "fra", "til", "mod", "med", "ind", "hen", "ved", "bag", "gen", "mis", "ure", "van"}
NOT_TAILS = {"ende", "ende", "inger", "ings", "ning", "ninger", "lige", "ledes", "rede", "else", "elser", "heder",
             "ring", "ringer", "ringen", "mist", "aler", "oner", "ende", "erne"}
# Inflection endings, longest first: enough to tell that "skemaet" and "skemaer" are one word.
ENDINGS = ("erne", "ende", "ene", "ers", "ets", "ens", "er", "en", "et", "ne", "es", "e", "s", "r", "n")
_WORD = re.compile(r"[a-zæøåéü]+")


def base(word: str) -> str:
    """`word` without its inflection ending (one double consonant undoubled): "programmer" -> "program"."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_HEAD:
            word = word[: -len(ending)]
            break
    if len(word) > MIN_HEAD and word[-1] == word[-2] and word[-1] not in "aeiouyæøå":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of `text`, lower case."""
    return _WORD.findall(text.lower())


class Splitter:
    """Splits words into parts the vocabulary knows."""

    def __init__(self, vocabulary: Iterable[str]):
        self.known = {w for w in vocabulary if len(w) >= MIN_HEAD - 1}
        self.bases = {base(w) for w in self.known}
        self._learn()

    def _learn(self) -> None:
        """Heads the text uses only inside compounds: one before a linking s ("æres") that two compounds with
        known tails share ("æresdrab", "æreskonflikter")."""
        heads: dict[str, set[str]] = {}
        for word in self.known:
            for cut in range(MIN_HEAD, len(word) - MIN_TAIL + 1):
                head, tail = word[:cut], word[cut:]
                if tail in NOT_TAILS or head in NOT_HEADS:
                    continue
                if head.endswith("s") and self.knows(tail):
                    heads.setdefault(head[:-1], set()).add(tail)
        learned = {h for h, found in heads.items() if len(found) >= 2}
        self.known |= learned
        self.bases |= {base(w) for w in learned}

    def knows(self, part: str) -> bool:
        return part in self.known or base(part) in self.bases

    def split(self, word: str) -> list[str]:
        """The parts of `word` (lower case), or [] if it is no compound of known words."""
        word = word.lower()
        if len(word) < MIN_WORD:
            return []
        for cut in range(MIN_HEAD, len(word) - MIN_TAIL + 1):  # the longest tail first
            head, tail = word[:cut], word[cut:]
            if tail in NOT_TAILS or not self.knows(tail):
                continue
            stripped = [head[: -len(link)] for link in LINKS if head.endswith(link)]
            # the word as the text writes it first ("familie", not "famili"), then any inflection of it
            for h in [*(h for h in stripped + [head] if h in self.known), *stripped, head]:
                if len(h) >= MIN_HEAD - 1 and h not in NOT_HEADS and self.knows(h):
                    return (self.split(h) or [h]) + [tail]
        return []
