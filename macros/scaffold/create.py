"""`infohus new`: a new municipality folder from templates, with UDFYLD placeholders to fill in."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..common.paths import SCHEMA_DIR

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def municipality_id(name: str) -> str:
    """"Frederiksberg Kommune" -> "frederiksberg"; "Lyngby-Taarbæk Kommune" -> "lyngby-taarbaek"."""
    short = re.sub(r"\s+kommune$", "", name.strip(), flags=re.IGNORECASE)
    plain = unicodedata.normalize("NFKD", short.translate(_ASCII)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def create(folder: Path, name: str) -> list[Path]:
    """Write the template files into `folder` (which must be new or empty); returns the files written."""
    short = re.sub(r"\s+kommune$", "", name.strip(), flags=re.IGNORECASE)
    schema = Path(os.path.relpath(SCHEMA_DIR, folder.resolve())).as_posix()
    values = {"{{NAME}}": name.strip(), "{{SHORT}}": short, "{{ID}}": municipality_id(name),
              "{{SCHEMA}}": schema}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for template in sorted(TEMPLATES.glob("*.yml")):
        text = template.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target = folder / template.name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
