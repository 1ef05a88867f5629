"""The templates `infohus new` writes, and how their placeholders are filled: shared by the scaffold, which
writes them, and the check, which finds a municipality's records still exactly as the template wrote them."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .paths import SCAFFOLD_TEMPLATES

_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def short_name(name: str) -> str:
    """"Frederiksberg Kommune" -> "Frederiksberg"."""
    return re.sub(r"\s+kommune$", "", name.strip(), flags=re.IGNORECASE)


def municipality_id(name: str) -> str:
    """"Frederiksberg Kommune" -> "frederiksberg"; "Lyngby-Taarbæk Kommune" -> "lyngby-taarbaek"."""
    plain = unicodedata.normalize("NFKD", short_name(name).translate(_ASCII)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def filled(text: str, name: str, schema: str, extra: dict[str, str] | None = None) -> str:
    """A template's text with its placeholders ({{NAME}}, {{SHORT}}, {{ID}}, {{SCHEMA}}, ...) filled in."""
    values = {"{{NAME}}": name.strip(), "{{SHORT}}": short_name(name), "{{ID}}": municipality_id(name),
              "{{SCHEMA}}": schema, **(extra or {})}
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def templates() -> list[Path]:
    """The template files, one per data kind, in name order."""
    return sorted(SCAFFOLD_TEMPLATES.glob("*.yml"))
