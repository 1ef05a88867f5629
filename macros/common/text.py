"""Danish text helpers every output uses: dictionary order, abbreviations expanded in escaped text, file sizes."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# Danish alphabetical order: æ, ø and å come after z.
_DANISH = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}", "é": "e", "ü": "y"})


def danish_key(text: str) -> str:
    """A sort key that puts æ, ø, å last, as a Danish dictionary does."""
    return text.lower().translate(_DANISH)


class Abbreviator:
    """Escapes plain text and wraps known abbreviations in <abbr title="...">, like the Markdown abbr extension."""

    def __init__(self, glossary: dict[str, str]):
        self.glossary = glossary
        names = sorted(glossary, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None

    def __call__(self, text: str) -> Markup:
        escaped = str(escape(text))
        if self.pattern is None:
            return Markup(escaped)
        return Markup(self.pattern.sub(
            lambda m: f'<abbr title="{escape(self.glossary[m.group(1)])}">{m.group(1)}</abbr>', escaped))


def file_size(size: int, lang: str = "da") -> str:
    """A file's size as a reader says it: "412 kB", "1,2 MB" (Danish) or "1.2 MB" (English)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))}\u00a0kB"
    megabytes = f"{size / 1_000_000:.1f}"
    return (megabytes.replace(".", ",") if lang == "da" else megabytes) + "\u00a0MB"


def and_join(words) -> str:
    """"a, b og c": a Danish list in running text."""
    words = list(words)
    return ", ".join(words[:-1]) + " og " + words[-1] if len(words) > 1 else "".join(words)


def genitive(name: str) -> str:
    """The Danish possessive of a name: "Hjørring Kommunes", "Infohus Halsnæs'" (a name ending in s, x or z)."""
    name = name.rstrip()
    return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")


def full_stop(text: str) -> str:
    """`text` as a sentence: a full stop added unless it already ends with one (or ?, ! or :)."""
    text = text.rstrip()
    return text if re.search(r"[.!?:…][)»”]?$", text) else text + "."
