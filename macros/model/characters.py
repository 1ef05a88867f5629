"""Which characters a text in the data may hold: those every output can carry.

A value is refused, with its file and line, when it holds a character that would break an output or hide in
it: a control character (a bare carriage return starts a new line in a vCard or a calendar), an invisible
format character that reorders or hides text (bidirectional overrides), a line or paragraph separator, a
private-use or unassigned code point, or a character the fonts of the PDFs cannot draw (WeasyPrint then
stops the beredskab's PDF). The fonts are those scripts/system-deps.sh installs on every machine
(macros/model/glyphs.py), so the check gives the same answer everywhere, whatever else is installed.
"""
from __future__ import annotations

import re
import unicodedata

from .glyphs import COVERED

# Invisible characters that belong in ordinary text: soft hyphen, zero-width space and (non-)joiner,
# left-to-right and right-to-left marks, word joiner (the outputs insert it themselves).
KEPT_FORMAT = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060")
_NEVER = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, surrogates, private use, unassigned, separators


def _allowed() -> re.Pattern:
    """A pattern matching the first character that is not allowed."""
    points = [p for first, last in COVERED for p in range(first, last + 1)]
    kept = [p for p in points if (category := unicodedata.category(chr(p))) not in _NEVER
            and (category != "Cf" or chr(p) in KEPT_FORMAT)]
    ranges: list[list[int]] = []
    for point in sorted({*kept, ord("\t"), ord("\n")}):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    allowed = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{allowed}]")


_REFUSED = _allowed()


def allowed(text: str) -> bool:
    """True when every character of `text` may stand in the data."""
    return _REFUSED.search(text) is None


def problem(text: str, what: str = "teksten") -> str | None:
    """Why `text` cannot stand in the data, in Danish with the fix; None when it can."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char == "\r":
        return (f"{what} indeholder et vognretur-tegn (\\r, U+000D), som ville splitte linjen i et vCard eller en "
                "kalender. Slet \\r; skal teksten stå på flere linjer, så skriv den over flere linjer efter | "
                "i YAML.")
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        written = f"\\x{ord(char):02x} eller \\u{ord(char):04x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        return (f"{what} indeholder et usynligt styretegn ({code}), som ikke kan vises eller ville ændre, hvordan "
                f"teksten står. Slet det (i anførselstegn er det måske skrevet som {written}), eller skriv "
                "teksten igen.")
    if category in ("Co", "Cn"):
        return (f"{what} indeholder tegnet {code}, som ikke er et bogstav eller tegn i Unicode (et privat eller "
                "ubrugt tegnnummer), så ingen skrifttype kan vise det. Slet det, eller skriv teksten igen.")
    return (f"{what} indeholder tegnet \"{char}\" ({code}), som skrifttyperne i beredskabets PDF ikke har, så PDF'en "
            "ikke kan laves. Skriv teksten uden tegnet, fx med almindelige bogstaver.")
